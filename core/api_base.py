"""Building blocks for the REST endpoints of every app."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .plausible import CONTROL_ANY, ONE_LINE

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ErrorSerializer(serializers.Serializer):
    """Every error of the API (``config.api.exception_handler``)."""

    code = serializers.CharField(help_text="stable, for programs: invalid, not_found, permission_denied, conflict, …")
    message = serializers.CharField(help_text="for people, in the caller's language")
    fields = serializers.DictField(
        child=serializers.JSONField(), help_text="what was wrong, by field (non_field_errors: the request as a whole)"
    )


class StaffOnly(IsAuthenticated):
    """A staff endpoint: an applicant's account gets 403 (their own records are under ``/api/v1/me/``), not an
    empty answer that could be taken for "nothing there"."""

    message = _("This is for staff. Applicants find their own records in the portal.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and not getattr(request.user, "is_applicant", False)


class AutoSchema(openapi.AutoSchema):
    """The default schema class: documents, beside each operation's own answers, the errors it can give, so that
    clients (and the schema fuzzing in the tests) know every status code to expect."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for code, description in self._error_responses(operation):
            error = OpenApiResponse(ErrorSerializer, description=description)
            operation["responses"].setdefault(code, self._get_response_for_code(error, code))
        return operation

    def _error_responses(self, operation) -> list[tuple[str, str]]:
        view, unsafe = self.view, self.method not in SAFE_METHODS
        public = all(isinstance(permission, AllowAny) for permission in view.get_permissions())
        parameters = {parameter["name"]: parameter["in"] for parameter in operation.get("parameters", [])}
        has_input = bool(parameters or operation.get("requestBody"))
        # a path, a page number, or (signed in) any input naming a record may name one that is missing or not theirs
        may_miss = "path" in parameters.values() or "page" in parameters or (has_input and not public)
        session = any(isinstance(auth, SessionAuthentication) for auth in view.get_authenticators())
        errors = [
            ("400", has_input or unsafe, "The request is not valid; ``fields`` says what is wrong."),
            ("401", bool(view.get_authenticators()), "Not signed in, or the token is not valid."),
            ("403", not public or (unsafe and session), "Not allowed (``message`` says why), or no CSRF token."),
            ("404", may_miss, "Not found, or not the caller's to see (the same answer)."),
            ("409", unsafe and not public, "The record's current state does not allow this."),
            ("413", "requestBody" in operation, "The body is larger than the server reads (``too_large``)."),
            ("415", "requestBody" in operation, "The body is not of a media type this operation reads."),
            ("429", bool(view.get_throttles()), "Too many requests or tries: wait, then try again."),
        ]
        return [(code, description) for code, applies, description in errors if applies]


class _FilterParametersSchema(AutoSchema):
    """Documents a FilteredListApi's query parameters from its FilterSerializer."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), self.view.FilterSerializer]


class FilteredListApi(generics.ListAPIView):
    """A paginated list whose query parameters are validated by ``FilterSerializer`` (bad values are a 400
    naming the parameter) and handed to ``select(**params)``, which calls a scoping selector."""

    FilterSerializer: type[serializers.Serializer]
    schema = _FilterParametersSchema()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request to scope by
            return self.get_serializer_class().Meta.model.objects.none()
        # A control character in any query value (django-filter's boolean filters would ignore it as no filter)
        for name, values in self.request.query_params.lists():
            if any(CONTROL_ANY.search(value) for value in values):
                raise serializers.ValidationError({name: [str(ONE_LINE)]})
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return self.select(**filters.validated_data)

    def select(self, **params):
        raise NotImplementedError


def action_parameter(actions) -> OpenApiParameter:
    """The ``<action>`` of a ``…/<id>/<action>/`` endpoint, documented as the names it accepts (others are 404)."""
    return OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(actions))


class ActionApi(APIView):
    """``POST …/<id>/<action>/``: the one dispatch of the actions on an object. ``actions`` names, per action, the
    service and the validated inputs it takes beyond the actor and the object; an unknown action is a 404 like a
    missing object. A subclass finds the object the caller may act on (``target``, through its access function),
    names the service's keyword for it (``target_name``) and answers with the object read again (``answer``)."""

    actions: dict[str, tuple[Callable, tuple[str, ...]]]
    InputSerializer: type[serializers.Serializer] | None = None
    target_name: str

    def post(self, request, pk, action):
        if action not in self.actions:
            raise NotFound()
        service, fields = self.actions[action]
        data = {}
        if self.InputSerializer is not None:
            serializer = self.InputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        inputs = {field: data[field] for field in fields}
        service(actor=request.user, **{self.target_name: self.target(request, pk)}, **inputs)
        return Response(self.answer(request, pk))

    def target(self, request, pk):
        raise NotImplementedError

    def answer(self, request, pk):
        raise NotImplementedError
