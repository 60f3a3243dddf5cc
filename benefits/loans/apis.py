"""REST endpoints of guaranteed start-up loans: ``GET/POST /api/v1/entitlements/<id>/loan/`` (the loan recorded on
a grant of a loan program, with its schedule) and ``POST /api/v1/entitlements/<id>/loan/statements/`` (one interest
statement of the bank and the subsidy it gives). Thin: each calls its service."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..applications import selectors
from ..models import Loan, LoanInterestStatement
from . import services as loans


class _ReasonSerializer(serializers.Serializer):
    condition = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    clause = serializers.CharField()


class InterestStatementSerializer(serializers.ModelSerializer):
    reasons = _ReasonSerializer(many=True, read_only=True)
    line_reference = serializers.CharField(source="disbursement.reference", read_only=True, default=None)
    line_status = serializers.CharField(source="disbursement.status", read_only=True, default=None)

    class Meta:
        model = LoanInterestStatement
        fields = [
            "id",
            "period_start",
            "period_end",
            "interest_cny",
            "bank_reference",
            "subsidy_cny",
            "reasons",
            "line_reference",
            "line_status",
        ]
        read_only_fields = ["id", "subsidy_cny"]


class LoanSerializer(serializers.ModelSerializer):
    schedule_reasons = _ReasonSerializer(many=True, read_only=True)
    statements = InterestStatementSerializer(many=True, read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id",
            "entitlement",
            "bank",
            "contract_number",
            "principal_cny",
            "annual_rate",
            "term_months",
            "signed_on",
            "first_drawdown",
            "subsidised_until",
            "subsidy_share",
            "rate_cap",
            "ceiling_cny",
            "schedule_reasons",
            "statements",
        ]
        read_only_fields = ["id", "entitlement", "subsidised_until", "subsidy_share", "rate_cap", "ceiling_cny"]
        extra_kwargs = {"first_drawdown": {"required": False}}


def _loan_of(entitlement) -> Loan:
    loan = Loan.objects.filter(entitlement=entitlement).prefetch_related("statements__disbursement").first()
    if loan is None:
        raise NotFound()
    return loan


class LoanApi(APIView):
    """The loan on a grant (GET; 404 until one is recorded) and recording it (POST; a caseworker or supervisor of
    the grant's unit; the schedule comes from the city's parameters on the contract date)."""

    @extend_schema(operation_id="v1_entitlements_loan_retrieve", responses=LoanSerializer)
    def get(self, request, pk):
        entitlement = selectors.entitlement_get_for_user(user=request.user, entitlement_id=pk)
        return Response(LoanSerializer(_loan_of(entitlement)).data)

    @extend_schema(operation_id="v1_entitlements_loan_create", request=LoanSerializer, responses={201: LoanSerializer})
    def post(self, request, pk):
        entitlement = selectors.entitlement_get_for_user(user=request.user, entitlement_id=pk)
        data = LoanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        loans.loan_record(actor=request.user, entitlement=entitlement, **data.validated_data)
        return Response(LoanSerializer(_loan_of(entitlement)).data, status=status.HTTP_201_CREATED)


class InterestStatementApi(APIView):
    """``POST``: one interest statement of the bank for the grant's loan (finance of the unit); the subsidy is
    counted by the rule and paid as a line in the next generated batch."""

    @extend_schema(
        operation_id="v1_entitlements_loan_statements_create",
        request=InterestStatementSerializer,
        responses={201: InterestStatementSerializer},
    )
    def post(self, request, pk):
        entitlement = selectors.entitlement_get_for_user(user=request.user, entitlement_id=pk)
        data = InterestStatementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = loans.loan_interest_record(actor=request.user, loan=_loan_of(entitlement), **data.validated_data)
        return Response(InterestStatementSerializer(statement).data, status=status.HTTP_201_CREATED)
