"""REST endpoints of the policy engine: the screener, a person's likely programs, programs and parameters."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.validators import check_date
from casework.selectors import person_get_for_user
from core.api_base import FilteredListApi

from . import selectors, services
from .models import Parameter, ParameterValue, Period, Program
from .rules.facts import FactsError, schema
from .screening import screen_document, screen_person


class ReasonSerializer(serializers.Serializer):
    condition = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    clause = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    detail = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    program = serializers.CharField()
    name = serializers.CharField()
    family = serializers.CharField()
    eligible = serializers.BooleanField(allow_null=True)
    amount_cny = serializers.CharField(allow_null=True)
    period = serializers.ChoiceField(choices=Period.choices, allow_null=True)
    max_periods = serializers.IntegerField(allow_null=True)
    reasons = ReasonSerializer(many=True)
    note = serializers.CharField()


class ScreenOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    city = serializers.CharField()
    results = ResultSerializer(many=True)


AS_OF = OpenApiParameter(
    "as_of",
    type=datetime.date,
    required=False,
    description="The day to decide for; default: the document's as_of, else today.",
)


def _as_of(request) -> datetime.date | None:
    """The ``as_of`` parameter: a date in the plausible range (accounts.validators), or None when not given."""
    value = request.query_params.get("as_of")
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"as_of": [_("Enter a date as YYYY-MM-DD.")]}) from None
    return check_date(day, "as_of")


def openapi_30(node):
    """A JSON Schema (2020-12) as an OpenAPI 3.0 schema object: no ``$schema``/``$id``, and ``oneOf`` with a
    ``{"type": "null"}`` branch is the other branch made ``nullable``."""
    if isinstance(node, list):
        return [openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: openapi_30(value) for key, value in node.items() if not key.startswith("$")}
    branches = node.get("oneOf", [])
    if {"type": "null"} in branches:
        rest = [branch for branch in node.pop("oneOf") if branch != {"type": "null"}]
        node.update(rest[0] if len(rest) == 1 else {"oneOf": rest}, nullable=True)
    return node


# The screener's request body as documented: the facts document's own JSON Schema (docs/facts.md).
FACTS_DOCUMENT = openapi_30(schema())


class ScreenApi(APIView):
    """Screen a facts document (docs/facts.md) against every program of its city. Open to anonymous callers
    (the portal's screener) and throttled."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "screen"

    @extend_schema(
        request={"application/json": FACTS_DOCUMENT},
        parameters=[AS_OF],
        responses={200: ScreenOutputSerializer},
        description="The request body is a facts document; its JSON Schema is at /api/v1/screen/schema/.",
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError({"facts": [_("A JSON object is expected.")]})
        try:
            return Response(screen_document(dict(request.data), as_of=_as_of(request)))
        except FactsError as error:
            raise ValidationError({"facts": error.errors}) from None


class ScreenSchemaApi(APIView):
    """The JSON Schema of the facts document."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: inline_serializer("FactsSchema", {"title": serializers.CharField()})})
    def get(self, request):
        return Response(schema())


class PersonEligibilityApi(APIView):
    """The programs a stored person may qualify for, as of a day, with the reasons (scoped like the person)."""

    @extend_schema(parameters=[AS_OF], responses={200: ScreenOutputSerializer})
    def get(self, request, pk):
        person = person_get_for_user(user=request.user, person_id=pk)
        return Response(screen_person(person=person, as_of=_as_of(request) or datetime.date.today()))


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "code",
            "city",
            "family",
            "name_zh",
            "name_en",
            "beneficiary",
            "payment_pattern",
            "amount_text",
            "max_duration_text",
            "caps_text",
            "who_is_eligible",
            "evidence",
            "once_per_lifetime",
            "document_no",
            "document_title",
            "clause",
            "quote_zh",
            "quote_zh_more",
            "notes",
        ]


class ProgramListApi(FilteredListApi):
    """The programs of the five cities (public policy information). Filters: ``city``, ``family``, ``money``."""

    permission_classes = [AllowAny]
    serializer_class = ProgramSerializer

    class FilterSerializer(serializers.Serializer):
        city = serializers.SlugField(required=False)
        family = serializers.SlugField(required=False)
        money = serializers.BooleanField(required=False, default=False)

    def select(self, *, money=False, **params):
        return selectors.program_list(money_only=money, **params)


class ProgramDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ProgramSerializer)
    def get(self, request, code):
        return Response(ProgramSerializer(selectors.program_get(code=code)).data)


class ParameterValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ParameterValue
        fields = ["valid_from", "value", "is_demo", "source", "created_at"]


class ParameterSerializer(serializers.ModelSerializer):
    values = ParameterValueSerializer(many=True)

    class Meta:
        model = Parameter
        fields = ["code", "city", "name_zh", "name_en", "unit", "clause", "quote", "open_code", "used_by", "values"]


class ParameterListApi(FilteredListApi):
    """Parameters with their dated values. Filters: ``city``, ``open`` (only the ones the documents leave open)."""

    serializer_class = ParameterSerializer

    class FilterSerializer(serializers.Serializer):
        city = serializers.SlugField(required=False)
        open = serializers.BooleanField(required=False, default=False)

    def select(self, *, open=False, **params):
        return selectors.parameter_list(open_only=open, **params)


class ParameterValueCreateApi(APIView):
    """Give a parameter a new value from a date (administrators). Existing values never change."""

    class ParameterValueInput(serializers.Serializer):
        valid_from = serializers.DateField()
        value = serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0)
        source = serializers.CharField(max_length=255, required=False, allow_blank=True)

    @extend_schema(request=ParameterValueInput, responses={201: ParameterValueSerializer})
    def post(self, request, code):
        parameter = get_object_or_404(Parameter, code=code)
        data = self.ParameterValueInput(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.parameter_value_add(actor=request.user, parameter=parameter, **data.validated_data)
        return Response(ParameterValueSerializer(value).data, status=status.HTTP_201_CREATED)
