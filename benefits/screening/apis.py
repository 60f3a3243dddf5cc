"""The screening API: a facts document (or a stored person) in, one decision per program of the city out, with
the reasons and clauses (docs/facts.md)."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.validators import check_date
from casework.selectors import person_get_for_user

from ..models import Period
from ..rules.facts import FactsError, schema
from ..rules.questions import TYPES
from .screen import screen_document, screen_person


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
    amount_is_loan_ceiling = serializers.BooleanField(
        help_text="a loan program: amount_cny is the largest loan that applies, not a payment"
    )
    interest_subsidy_cny = serializers.CharField(
        allow_null=True, help_text="a loan program with a loan given: the yearly interest subsidy on it"
    )
    reasons = ReasonSerializer(many=True)
    note = serializers.CharField()


class EmployerProgramSerializer(serializers.Serializer):
    program = serializers.CharField()
    name = serializers.CharField()
    clause = serializers.CharField()


class ProgramAtStakeSerializer(serializers.Serializer):
    program = serializers.CharField()
    name = serializers.CharField()
    amount_cny = serializers.CharField(allow_null=True)
    period = serializers.ChoiceField(choices=Period.choices, allow_null=True)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class OpenQuestionSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="the fact path it answers (docs/facts.md); a section: whether it exists")
    label = serializers.CharField()
    question = serializers.CharField(help_text="in the interface language")
    type = serializers.ChoiceField(choices=sorted(TYPES - {"evidence"}))
    choices = ChoiceSerializer(many=True)
    help = serializers.CharField()
    recorded_in = serializers.CharField(help_text="where the system keeps the answer")
    programs = ProgramAtStakeSerializer(many=True, help_text="the unknown programs this answer helps settle")


class WaitingOnSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a decision recorded from a document, or a parameter code")
    label = serializers.CharField()
    decided_by = serializers.CharField(help_text="who decides: a panel, an agency, an administrator")
    programs = ProgramAtStakeSerializer(many=True)


class ScreenOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    city = serializers.CharField()
    results = ResultSerializer(many=True, help_text="the programs whose beneficiary the subject is")
    employer_programs = EmployerProgramSerializer(
        many=True,
        required=False,
        help_text="a person's only: employer programs a unit that hires, trains or takes them on may claim",
    )
    open_questions = OpenQuestionSerializer(
        many=True, help_text="the missing facts as questions, those that settle the most programs first"
    )
    waiting_on = WaitingOnSerializer(many=True, help_text="what others decide: never asked")


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
