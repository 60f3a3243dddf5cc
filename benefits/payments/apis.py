"""REST endpoints of the money side: payment batches (list, detail with live totals, lines, approve, export, the
stored bank file, the bank's result file), one payment line and its corrections (reissue, cancel, reverse), a
person's or an organization's payment history, the exceptions a result file left, and the applicant's own payments.
Every write goes through benefits.payments.services, every read through benefits.payments.selectors; an
account number leaves the server masked (the full one only inside the bank file, whose download is logged)."""

from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import UnitRefSerializer
from accounts.models import ServiceUnit
from accounts.security import recently_authenticated
from casework.selectors import history_changes, organization_get_for_user, person_get_for_user
from core.api_base import ActionApi, FilteredListApi, action_parameter
from core.errors import PermissionDenied, require

from ..applications.apis import UserRefSerializer, party_data
from ..models import BankResultFile, Disbursement, DisbursementBatch, LedgerEntry, PaymentException
from . import selectors
from . import services as payments


def _check_batch_reader(user) -> None:
    require(selectors.can_read_batches(user))


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2027-01"})
class MonthField(serializers.DateField):
    """A month as ``YYYY-MM`` (read as its first day)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", input_formats=["%Y-%m"], **kwargs)


# --- Batches ------------------------------------------------------------------------------------------------------


class _BatchRef(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class _Payee(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_masked = serializers.CharField()
    account_masked = serializers.CharField()


class BankResultFileSerializer(serializers.ModelSerializer):
    imported_by = UserRefSerializer()

    class Meta:
        model = BankResultFile
        fields = ["id", "name", "sha256", "imported_by", "imported_at", "paid", "failed", "exceptions"]


class PaymentBatchSerializer(serializers.ModelSerializer):
    """A batch's header, its declared control totals next to what its lines count and sum now (cancelled lines
    left out), and whether they still match (approval and export need them to)."""

    unit = UnitRefSerializer()
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")
    month = MonthField()
    status_label = serializers.CharField(source="get_status_display")
    lines_count = serializers.IntegerField()
    lines_sum_cny = serializers.SerializerMethodField()
    totals_match = serializers.SerializerMethodField()
    generated_by = UserRefSerializer(source="run.run_by", allow_null=True)
    approved_by = UserRefSerializer(allow_null=True)
    exported_by = UserRefSerializer(allow_null=True)
    result_files = serializers.SerializerMethodField(help_text="filled on the detail only")

    class Meta:
        model = DisbursementBatch
        fields = [
            "id",
            "reference",
            "unit",
            "program",
            "program_name",
            "month",
            "sequence",
            "status",
            "status_label",
            "control_count",
            "control_sum_cny",
            "lines_count",
            "lines_sum_cny",
            "totals_match",
            "generated_by",
            "approved_by",
            "approved_at",
            "size_check",
            "unusual_acknowledged",
            "exported_by",
            "exported_at",
            "export_sha256",
            "result_files",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_lines_sum_cny(self, batch) -> str:
        return f"{batch.lines_sum or Decimal('0'):.2f}"

    def get_totals_match(self, batch) -> bool:
        return (batch.lines_count, batch.lines_sum or Decimal("0")) == (batch.control_count, batch.control_sum_cny)

    @extend_schema_field(BankResultFileSerializer(many=True))
    def get_result_files(self, batch) -> list[dict]:
        if not self.context.get("detail"):
            return []
        return BankResultFileSerializer(selectors.result_files_of(batch=batch), many=True).data


def _batch(request, pk) -> DisbursementBatch:
    """The batch through the caller's scoping selector (404 for anyone who may not see it)."""
    return selectors.batch_get_for_user(user=request.user, batch_id=pk)


def _batch_data(request, pk) -> dict:
    return PaymentBatchSerializer(_batch(request, pk), context={"detail": True}).data


class PaymentBatchListApi(FilteredListApi):
    """The payment batches of the caller's area, newest month first, with their live totals. Finance officers,
    supervisors, auditors and administrators only (a 403 says why). Filters: ``status``, ``month`` (YYYY-MM),
    ``program`` (code), ``unit`` (a subtree)."""

    serializer_class = PaymentBatchSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=DisbursementBatch.Status.choices, required=False)
        month = MonthField(required=False)
        program = serializers.SlugField(required=False)
        unit = serializers.IntegerField(required=False)

    def select(self, *, unit=None, **params):
        _check_batch_reader(self.request.user)
        if unit is not None:
            unit = get_object_or_404(ServiceUnit.objects.visible_to(self.request.user), pk=unit).pk
        return selectors.batch_list(user=self.request.user, unit=unit, **params)


class PaymentBatchDetailApi(APIView):
    @extend_schema(responses=PaymentBatchSerializer)
    def get(self, request, pk):
        _check_batch_reader(request.user)
        return Response(_batch_data(request, pk))


class _BatchActionInput(serializers.Serializer):
    acknowledge_unusual = serializers.BooleanField(
        required=False,
        default=False,
        help_text="approve only: the approver checked a batch far above the usual month's size (409 unusual_size "
        "without it)",
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_payment_batches_action",
        parameters=[action_parameter(payments.BATCH_ACTIONS)],
        request=_BatchActionInput,
        responses=PaymentBatchSerializer,
    )
)
class PaymentBatchActionApi(ActionApi):
    """``POST …/payment-batches/<id>/<action>/`` with action ``approve`` (a finance officer who did not generate
    it, totals matching; a batch far above the usual month's size needs ``acknowledge_unusual``) or ``export``
    (makes the bank file once; again returns the same file)."""

    actions, InputSerializer, target_name = payments.BATCH_ACTIONS, _BatchActionInput, "batch"

    def target(self, request, pk):
        return _batch(request, pk)

    def answer(self, request, pk):
        return _batch_data(request, pk)


class PaymentLineSerializer(serializers.ModelSerializer):
    """A line of a batch with its payee, whose ID and account are masked."""

    status = serializers.CharField(help_text="pending, sent, paid, failed or cancelled")
    status_label = serializers.CharField(source="get_status_display")
    payee = serializers.SerializerMethodField()

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "reference",
            "entitlement",
            "period",
            "amount_cny",
            "status",
            "status_label",
            "attempts",
            "bank_reference",
            "failure_reason",
            "payee",
        ]

    @extend_schema_field(_Payee)
    def get_payee(self, line) -> dict:
        return payee_data(line)


def payee_data(line: Disbursement) -> dict:
    """The line's payee, the ID number and the account masked."""
    return {**party_data(line), "account_masked": (line.person or line.organization).masked_bank_account}


class PaymentBatchLinesApi(FilteredListApi):
    """The lines of one batch (paginated). Filter: ``status``."""

    serializer_class = PaymentLineSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Disbursement.Status.choices, required=False)

    def select(self, **params):
        _check_batch_reader(self.request.user)
        return selectors.batch_lines(batch=_batch(self.request, self.kwargs["pk"]), **params)


class BankFileApi(APIView):
    """The bank file exactly as made at export (full accounts inside): to a finance officer of the batch's unit
    who may see full numbers; each download is written to the personal-data access log."""

    field, extension, content_type = "export_csv", "csv", "text/csv; charset=utf-8"

    def get(self, request, pk):
        batch = _batch(request, pk)
        if not recently_authenticated(request):
            raise PermissionDenied(
                _("Confirm your password first (POST /api/v1/auth/confirm/), or use a token made in the last minutes."),
                code="reauthentication_required",
            )
        content = payments.bank_file_download(actor=request.user, batch=batch, fmt=self.extension)
        filename = f"{batch.reference}.{self.extension}"
        return HttpResponse(
            content,
            content_type=self.content_type,
            headers={"Content-Disposition": content_disposition_header(True, filename)},
        )


class BankFileCsvApi(BankFileApi):
    @extend_schema(operation_id="v1_payment_batches_file_csv", responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        return super().get(request, pk)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BankFileXlsxApi(BankFileApi):
    field, extension, content_type = "export_xlsx", "xlsx", XLSX

    @extend_schema(operation_id="v1_payment_batches_file_xlsx", responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, pk):
        return super().get(request, pk)


class ResultFileApi(APIView):
    """The bank's result file for an exported batch (multipart ``file``, CSV layout in docs/operations.md): paid
    and failed lines, and an exception for each row that matches no line waiting for a result. The same file
    again changes nothing and returns the first import's summary."""

    parser_classes = [MultiPartParser]

    class ResultFileInputSerializer(serializers.Serializer):
        file = serializers.FileField()

        def validate_file(self, upload):
            if upload.size > settings.CASEWORK_UPLOAD_MAX_BYTES:
                raise serializers.ValidationError(
                    _("The file is larger than %(limit)s MB.") % {"limit": settings.CASEWORK_UPLOAD_MAX_BYTES // 2**20}
                )
            return upload

    @extend_schema(request={"multipart/form-data": ResultFileInputSerializer}, responses=BankResultFileSerializer)
    def post(self, request, pk):
        data = self.ResultFileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = payments.results_import(
            actor=request.user, batch=_batch(request, pk), content=upload.read(), name=upload.name
        )
        return Response(BankResultFileSerializer(result).data)


# --- Payment lines and a party's history ---------------------------------------------------------------------------


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "sequence",
            "kind",
            "kind_label",
            "amount_cny",
            "reverses",
            "bank_reference",
            "reason",
            "booked_on",
            "recorded_at",
        ]


class _HistoryStep(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    type = serializers.CharField()
    changed = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    """A payment line of a party's history with its ledger entries (the money that moved). The detail adds the
    payee (ID and account masked) and the line's history (who changed it, when, why)."""

    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")
    status = serializers.CharField(help_text="pending, sent, paid, failed or cancelled")
    status_label = serializers.CharField(source="get_status_display")
    batch = _BatchRef(allow_null=True)
    ledger = LedgerEntrySerializer(many=True)
    payee = serializers.SerializerMethodField(help_text="filled on the detail only")
    history = serializers.SerializerMethodField(help_text="filled on the detail only")

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "reference",
            "program",
            "program_name",
            "entitlement",
            "period",
            "amount_cny",
            "status",
            "status_label",
            "attempts",
            "bank_reference",
            "failure_reason",
            "batch",
            "ledger",
            "payee",
            "history",
        ]

    @extend_schema_field(_Payee(allow_null=True))
    def get_payee(self, line) -> dict | None:
        return payee_data(line) if self.context.get("detail") else None

    @extend_schema_field(_HistoryStep(many=True))
    def get_history(self, line) -> list[dict]:
        if not self.context.get("detail"):
            return []
        records = line.history.select_related("history_user").order_by("-history_date", "-history_id")
        steps = history_changes(records, model=Disbursement)
        return _HistoryStep(
            [{**step, "user": str(step["user"]) if step["user"] else None} for step in steps], many=True
        ).data


def _line(request, pk) -> Disbursement:
    return selectors.disbursement_get_for_user(user=request.user, disbursement_id=pk)


class DisbursementDetailApi(APIView):
    """One payment line of the caller's area with its ledger entries and history."""

    @extend_schema(responses=PaymentSerializer)
    def get(self, request, pk):
        return Response(PaymentSerializer(_line(request, pk), context={"detail": True}).data)


class _DisbursementActionInput(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=255, help_text="cancel and reverse: required"
    )
    booked_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="reverse only: the booking day (default today)"
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_disbursements_action",
        parameters=[action_parameter(payments.LINE_ACTIONS)],
        request=_DisbursementActionInput,
        responses=PaymentSerializer,
    )
)
class DisbursementActionApi(ActionApi):
    """``POST …/disbursements/<id>/<action>/`` with action ``reissue`` (a failed line, into the next batch),
    ``cancel`` (a line not sent, with a ``reason``) or ``reverse`` (a paid line, with a ``reason`` and optionally
    ``booked_on``): a finance officer of the line's unit, through the service."""

    actions, InputSerializer, target_name = payments.LINE_ACTIONS, _DisbursementActionInput, "line"

    def target(self, request, pk):
        return _line(request, pk)

    def answer(self, request, pk):
        return PaymentSerializer(_line(request, pk), context={"detail": True}).data


class _PartyPaymentListApi(generics.ListAPIView):
    serializer_class = PaymentSerializer

    def party(self) -> dict:
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request to scope by
            return Disbursement.objects.none()
        return selectors.payment_history(user=self.request.user, **self.party())


class PersonPaymentListApi(_PartyPaymentListApi):
    """A person's payment lines, newest period first, with their ledger entries (scoped like the person)."""

    def party(self) -> dict:
        return {"person": person_get_for_user(user=self.request.user, person_id=self.kwargs["pk"])}


class OrganizationPaymentListApi(_PartyPaymentListApi):
    """An organization's payment lines, newest period first, with their ledger entries (scoped like it)."""

    def party(self) -> dict:
        organization = organization_get_for_user(user=self.request.user, organization_id=self.kwargs["pk"])
        return {"organization": organization}


# --- Exceptions ---------------------------------------------------------------------------------------------------


class PaymentExceptionSerializer(serializers.ModelSerializer):
    """A bank result line no payment line took (``bank_result``: its batch, file, row and known columns), or a
    grant whose back pay generation held (``back_pay``: the entitlement, the month and the periods held)."""

    batch = _BatchRef(source="result_file.batch", allow_null=True)
    program = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    result_file = serializers.CharField(source="result_file.name", allow_null=True)
    month = MonthField(allow_null=True)
    content = serializers.SerializerMethodField(
        help_text="the row as received (its known columns), or the periods held"
    )
    resolved_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = PaymentException
        fields = [
            "id",
            "kind",
            "batch",
            "program",
            "unit",
            "result_file",
            "row",
            "entitlement",
            "month",
            "content",
            "problem",
            "resolved_by",
            "resolved_at",
            "resolution",
        ]

    @staticmethod
    def _source(exception):
        return exception.entitlement if exception.entitlement_id else exception.result_file.batch

    def get_program(self, exception) -> str:
        return self._source(exception).program.code

    @extend_schema_field(UnitRefSerializer)
    def get_unit(self, exception) -> dict:
        return UnitRefSerializer(self._source(exception).unit).data

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_content(self, exception) -> dict:
        if exception.kind == PaymentException.Kind.BACK_PAY:
            return {key: str(value) for key, value in exception.content.items()}
        # Only the layout's columns: a bank that sent more (an account number, say) does not get it shown here.
        return {column: exception.content[column] for column in payments.RESULT_COLUMNS if column in exception.content}


class PaymentExceptionListApi(FilteredListApi):
    """What finance settles by hand: result lines no payment line took and held back pay; the open ones, oldest
    first (``all=1``: the resolved ones too; ``kind``: one kind). Readers of payment batches only."""

    serializer_class = PaymentExceptionSerializer

    class FilterSerializer(serializers.Serializer):
        all = serializers.BooleanField(required=False, default=False)
        kind = serializers.ChoiceField(choices=PaymentException.Kind.choices, required=False)

    def select(self, *, all=False, kind=""):
        _check_batch_reader(self.request.user)
        return selectors.exception_list(user=self.request.user, open_only=not all, kind=kind)


class PaymentExceptionResolveApi(APIView):
    """Say how an exception was settled (a finance officer of the batch's unit; once)."""

    class ResolveInputSerializer(serializers.Serializer):
        resolution = serializers.CharField(max_length=255)
        back_pay = serializers.ChoiceField(
            choices=payments.BACK_PAY_DECISIONS,
            required=False,
            help_text="held back pay only: release (pay every back period) or skip (pay from the month that held it)",
        )

    @extend_schema(request=ResolveInputSerializer, responses=PaymentExceptionSerializer)
    def post(self, request, pk):
        data = self.ResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exception = selectors.exception_get_for_user(user=request.user, exception_id=pk)
        payments.exception_resolve(actor=request.user, exception=exception, **data.validated_data)
        exception = selectors.exception_get_for_user(user=request.user, exception_id=pk)
        return Response(PaymentExceptionSerializer(exception).data)


# --- The applicant's own ------------------------------------------------------------------------------------------

# What an applicant is told about a line: whether it arrived, is on its way, or did not go through.
PUBLIC_PAYMENT_STATUS = {
    Disbursement.Status.PENDING: ("on_its_way", gettext_lazy("On its way")),
    Disbursement.Status.SENT: ("on_its_way", gettext_lazy("On its way")),
    Disbursement.Status.PAID: ("paid", gettext_lazy("Paid")),
    Disbursement.Status.FAILED: ("failed", gettext_lazy("Failed")),
}


class MyPaymentSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.display_name")
    status = serializers.SerializerMethodField(help_text="paid, on_its_way or failed")
    status_label = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField(help_text="why the bank did not pay it, when it failed")

    class Meta:
        model = Disbursement
        fields = ["id", "program", "program_name", "period", "amount_cny", "status", "status_label", "message"]

    def get_status(self, line) -> str:
        return PUBLIC_PAYMENT_STATUS[line.status][0]

    def get_status_label(self, line) -> str:
        return str(PUBLIC_PAYMENT_STATUS[line.status][1])

    def get_message(self, line) -> str:
        return line.failure_reason if line.status == Disbursement.Status.FAILED else ""


class MyPaymentListApi(generics.ListAPIView):
    """My payments: for which program and period, how much, and whether it has been paid."""

    serializer_class = MyPaymentSerializer

    def get_queryset(self):
        return selectors.my_payment_list(user=self.request.user)
