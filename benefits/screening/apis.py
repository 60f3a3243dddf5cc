"""The screening API: a facts document (or a stored person) in, one decision per program of the city out, with
the reasons and clauses (docs/facts.md)."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.validators import check_date
from casework.models import Person
from casework.selectors import applicant_party, person_get_for_user, register_names
from core.errors import PermissionDenied

from ..models import Period
from ..rules.facts import Facts, FactsError, schema
from ..rules.questions import RECORDED, TYPES, question_for
from .answers import answered_here, asked_by_screener, clean_answer, with_answers
from .screen import screen_document, screen_person
from .selectors import recorded_answers
from .services import fact_answer_state


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
    recorded = serializers.ChoiceField(choices=sorted(RECORDED), help_text="where the system keeps the answer (code)")
    recorded_in = serializers.CharField(help_text="where the system keeps the answer")
    answerable = serializers.BooleanField(
        required=False, help_text="whether the caller may answer it here (else it is recorded elsewhere)"
    )
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


def answerable(result: dict, asked) -> dict:
    """Mark each open question of a screening with whether the caller answers it (``asked(question)``)."""
    for question in result["open_questions"]:
        question["answerable"] = asked(question_for(question["fact"]))
    return result


class AnswerSerializer(serializers.Serializer):
    fact = serializers.CharField(max_length=100, help_text="an open question's fact")
    value = serializers.JSONField(
        allow_null=True,
        help_text='yes/no as true/false or "yes"/"no"; a date; a choice\'s value; a list of values or register '
        "codes; a number as typed (a rate in per cent: 4.35)",
    )


class ScreenAnswersInputSerializer(serializers.Serializer):
    facts = serializers.JSONField(help_text="a facts document (docs/facts.md): what is known before the answers")
    answers = serializers.ListField(child=AnswerSerializer(), max_length=200)


class ScreenAnswersApi(APIView):
    """The portal's adaptive screener: a facts document and the answers given to its open questions so far in;
    the screening of the document with the answers applied out, its open questions marked with whether the screener
    asks them. Nothing is stored. Open to anonymous callers, throttled like the screener."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "screen"

    @extend_schema(request=ScreenAnswersInputSerializer, parameters=[AS_OF], responses={200: ScreenOutputSerializer})
    def post(self, request):
        given = ScreenAnswersInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        document = given.validated_data["facts"]
        if not isinstance(document, dict):
            raise ValidationError({"facts": [_("A JSON object is expected.")]})
        as_of = _as_of(request)
        try:
            Facts.parse(document, as_of=as_of)
        except FactsError as error:
            raise ValidationError({"facts": error.errors}) from None
        day = as_of or (datetime.date.fromisoformat(document["as_of"]) if document.get("as_of") else None)
        day = day or datetime.date.today()
        answers = _cleaned(given.validated_data["answers"], city=document.get("city", ""), day=day)
        document = with_answers({**document, "as_of": day.isoformat()}, answers, everything=True)
        try:
            return Response(answerable(screen_document(document, as_of=day), asked_by_screener))
        except FactsError as error:
            raise ValidationError({"answers": error.errors}) from None


def _cleaned(answers: list[dict], *, city: str, day: datetime.date) -> list[tuple]:
    """The answers as the facts' values; every refused one named by its row and fact (nothing is screened)."""
    cleaned, errors = [], {}
    for row, answer in enumerate(answers):
        question = question_for(answer["fact"])
        if question is None or not asked_by_screener(question):
            errors[str(row)] = {"fact": [_("This question is not answered here.")]}
            continue
        registers = None
        if question.type == "registers":
            subject = "household" if question.path.startswith("household.") else "person"
            registers = register_names(city=city, subject=subject)
        try:
            cleaned.append((question.path, clean_answer(question, answer["value"], registers=registers), day))
        except DjangoValidationError as error:
            errors[str(row)] = {"value": [m for messages in error.message_dict.values() for m in messages]}
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


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
        result = screen_person(person=person, as_of=_as_of(request) or datetime.date.today())
        return Response(answerable(result, answered_here))


class MyAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fact = serializers.CharField(source="path")
    label = serializers.CharField(help_text="the fact's name, in the interface language")
    question = serializers.CharField()
    answer = serializers.CharField(source="shown", help_text="the answer as a person reads it")
    value = serializers.JSONField(help_text="the fact's value (docs/facts.md)")
    confirmed = serializers.SerializerMethodField(help_text="false while the job centre has not confirmed it")
    recorded_at = serializers.DateTimeField()

    def get_confirmed(self, answer) -> bool:
        return answer.confirmed_at is not None


def _my_person(user):
    party = applicant_party(user=user)
    if not isinstance(party, Person):
        raise PermissionDenied(_("Claim your record first: your account is not linked to a person."))
    return party


class MyAnswerListApi(APIView):
    """My answers to the questions the screening asks about me: what I stated (to be confirmed by the job centre
    before it counts on my record) and what the job centre recorded. POST states an answer to an open question."""

    @extend_schema(responses={200: MyAnswerSerializer(many=True)})
    def get(self, request):
        return Response(MyAnswerSerializer(recorded_answers(person=_my_person(request.user)), many=True).data)

    @extend_schema(request=AnswerSerializer, responses={201: MyAnswerSerializer})
    def post(self, request):
        given = AnswerSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        person = _my_person(request.user)
        stated = fact_answer_state(
            actor=request.user, person=person, path=given.validated_data["fact"], value=given.validated_data["value"]
        )
        answer = next(answer for answer in recorded_answers(person=person) if answer.pk == stated.pk)
        return Response(MyAnswerSerializer(answer).data, status=201)
