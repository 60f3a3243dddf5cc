"""The API of change requests (信息变更申请) and bank-account changes: the applicant's own under ``/api/v1/me/`` (the
person record their account has claimed: 404 for anything else) and the staff's (scoped to their area; 403 for an
applicant). Every write calls a service of ``casework.services_changes``; no serializer takes a status, a decider,
an owner or a person from the client. Phone, bank account and ID numbers are masked in every answer."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.validators import MULTILINE
from core.api_base import ActionApi, FilteredListApi, StaffOnly, action_parameter
from core.errors import PermissionDenied
from core.uploads import DOCUMENT_TYPES, document_download

from . import selectors
from . import selectors_changes as changes
from . import services_changes as services
from .identity import mask_personal_numbers, mask_phone
from .models import AccountChange, ChangeRequest, ChangeRequestDocument, Education, EmploymentStatus, Relation

TEXT = {"max_length": services.STATEMENT_MAX_LENGTH, "style": MULTILINE}
OPTIONAL_TEXT = {"required": False, "default": "", "allow_blank": True, **TEXT}
HOUSEHOLD_ACTIONS = [("add", "add"), ("remove", "remove")]
# a member added to a household is never its head: the person asking is, or the household has one
MEMBER_RELATIONS = [(value, label) for value, label in Relation.choices if value != Relation.HEAD]


# --- Input ------------------------------------------------------------------------------------------------------


class ChangeValuesSerializer(serializers.Serializer):
    """The values asked for. Each kind reads its own fields and ignores the others: ``phone`` (phone);
    ``bank_account`` (bank_account); ``address`` (address, and residence_unit with resident_since to move to
    another community of the city); ``education`` (education, school, major, graduation_date); ``employment``
    (status, started_on, employer_name); ``household`` (action add or remove, id_number, and to add: name,
    relation, able_to_work)."""

    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    bank_account = serializers.CharField(max_length=64, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    residence_unit = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, help_text="a community of the same city"
    )
    resident_since = serializers.DateField(required=False, allow_null=True)
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True)
    school = serializers.CharField(max_length=128, required=False, allow_blank=True)
    major = serializers.CharField(max_length=128, required=False, allow_blank=True)
    graduation_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=EmploymentStatus.choices, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    employer_name = serializers.CharField(max_length=128, required=False, allow_blank=True)
    action = serializers.ChoiceField(choices=HOUSEHOLD_ACTIONS, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    relation = serializers.ChoiceField(choices=MEMBER_RELATIONS, required=False, allow_blank=True)
    able_to_work = serializers.BooleanField(required=False)


class _FlatValues:
    """An error in ``values`` is named by its field (``{"phone": [...]}``), as the services name theirs, so that
    a form shows every error beside its field whichever check found it."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict) and isinstance(detail.get("values"), dict):
                for field, messages in detail.pop("values").items():
                    detail["values" if field == "non_field_errors" else field] = messages
            raise serializers.ValidationError(detail) from None


class ChangeRequestInputSerializer(_FlatValues, serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices)
    values = ChangeValuesSerializer()
    statement = serializers.CharField(help_text="why, and what shows it (optional)", **OPTIONAL_TEXT)


class ChangeRequestDocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    label = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class _ChangeDecisionInput(_FlatValues, serializers.Serializer):
    note = serializers.CharField(help_text="apply: what was checked (the person reads it)", **OPTIONAL_TEXT)
    values = ChangeValuesSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="apply: the values to write, when the evidence showed a typo in those asked for",
    )
    reason = serializers.CharField(help_text="refuse: why (the person reads it)", **OPTIONAL_TEXT)


class _AccountRevertInput(serializers.Serializer):
    reason = serializers.CharField(help_text="revert: why the new account is wrong", **OPTIONAL_TEXT)


class _AccountCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="the code sent by SMS to the phone on file")


# --- Output -----------------------------------------------------------------------------------------------------


class MaskedText(serializers.CharField):
    """Text a person typed (why, a caseworker's note), with any ID or mobile number in it masked as everywhere."""

    def to_representation(self, value):
        return mask_personal_numbers(super().to_representation(value))


class ChangeRequestDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequestDocument
        fields = ["id", "label", "original_name", "content_type", "size", "uploaded_at"]


class MyAccountChangeSerializer(serializers.ModelSerializer):
    """A change of my bank account on file, and the code sent to confirm it (to the phone on file before)."""

    status_label = serializers.CharField(source="get_status_display")
    old_account_masked = serializers.CharField(source="masked_old_account")
    new_account_masked = serializers.CharField(source="masked_new_account")
    code_sent_to = serializers.SerializerMethodField(help_text="the phone the code went to (masked)")
    code_expires_at = serializers.SerializerMethodField()
    code_expired = serializers.SerializerMethodField()
    attempts_left = serializers.SerializerMethodField()
    may_confirm_by_code = serializers.SerializerMethodField()
    confirmed_via_label = serializers.CharField(source="get_confirmed_via_display")

    class Meta:
        model = AccountChange
        fields = [
            "id",
            "change_request",
            "status",
            "status_label",
            "old_account_masked",
            "new_account_masked",
            "made_at",
            "code_sent_to",
            "sms_sent_at",
            "code_expires_at",
            "code_expired",
            "attempts_left",
            "may_confirm_by_code",
            "confirmed_at",
            "confirmed_via_label",
        ]

    def get_code_sent_to(self, change) -> str:
        return mask_phone(change.sms_phone)

    def get_code_expires_at(self, change) -> str | None:
        expires = changes.code_expires_at(change)
        return serializers.DateTimeField().to_representation(expires) if expires else None

    def get_code_expired(self, change) -> bool:
        return changes.code_expired(change)

    def get_attempts_left(self, change) -> int:
        return max(services.CODE_MAX_ATTEMPTS - change.sms_attempts, 0)

    def get_may_confirm_by_code(self, change) -> bool:
        return changes.may_confirm_by_code(change)


class AccountChangeSerializer(MyAccountChangeSerializer):
    """A bank-account change as staff see it: whose, who made it, who settled it."""

    party_name = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name")
    made_by = serializers.CharField(source="made_by.full_name", default="")
    confirmed_by = serializers.CharField(source="confirmed_by.full_name", default="")
    reverted_by = serializers.CharField(source="reverted_by.full_name", default="")
    wrong_codes = serializers.IntegerField(source="sms_attempts")
    revert_reason = MaskedText(read_only=True)

    class Meta(MyAccountChangeSerializer.Meta):
        fields = [
            *MyAccountChangeSerializer.Meta.fields,
            "person",
            "organization",
            "party_name",
            "unit",
            "unit_name",
            "made_by",
            "confirmed_by",
            "reverted_by",
            "reverted_at",
            "revert_reason",
            "wrong_codes",
        ]

    def get_party_name(self, change) -> str:
        return change.party.name


class MyChangeRequestSerializer(serializers.ModelSerializer):
    """A change request as the person sees it: what, where it stands in words (a refusal with its reason), the
    documents, and the bank-account change it made (waiting for the code sent by SMS, or confirmed)."""

    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    outcome = serializers.SerializerMethodField(help_text="where it stands, in a sentence the person reads")
    statement = MaskedText(read_only=True)
    decision_note = MaskedText(read_only=True)
    documents = ChangeRequestDocumentSerializer(many=True)
    account_change = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "outcome",
            "statement",
            "raised_at",
            "on_behalf",
            "decided_at",
            "decision_note",
            "documents",
            "account_change",
        ]

    def get_outcome(self, change_request) -> str:
        return changes.outcome(change_request)

    @extend_schema_field(MyAccountChangeSerializer(allow_null=True))
    def get_account_change(self, change_request):
        made = change_request.account_changes.all()  # prefetched, newest first
        return MyAccountChangeSerializer(made[0]).data if made else None


class _ValueRow(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    on_file = serializers.CharField(help_text="when it was asked")
    asked = serializers.CharField()
    applied = serializers.CharField(help_text="what was written (a caseworker may correct a typo they verified)")


class MyChangeRequestDetailSerializer(MyChangeRequestSerializer):
    """…with each field in words: what was on file, what was asked for, what was written (numbers masked)."""

    values = serializers.SerializerMethodField()

    class Meta(MyChangeRequestSerializer.Meta):
        fields = [*MyChangeRequestSerializer.Meta.fields, "values"]

    @extend_schema_field(_ValueRow(many=True))
    def get_values(self, change_request):
        return changes.change_request_values(change_request)


class ChangeRequestSerializer(MyChangeRequestSerializer):
    """A change request as staff see it: whose, from which community, who asked and who decided."""

    person_name = serializers.CharField(source="person.name")
    person_id_number_masked = serializers.CharField(source="person.masked_id_number")
    unit_name = serializers.CharField(source="unit.name")
    raised_by = serializers.CharField(source="raised_by.full_name")
    decided_by = serializers.CharField(source="decided_by.full_name", default="")
    account_change = serializers.SerializerMethodField()

    class Meta(MyChangeRequestSerializer.Meta):
        fields = [
            *MyChangeRequestSerializer.Meta.fields,
            "person",
            "person_name",
            "person_id_number_masked",
            "unit",
            "unit_name",
            "raised_by",
            "decided_by",
        ]

    @extend_schema_field(AccountChangeSerializer(allow_null=True))
    def get_account_change(self, change_request):
        made = change_request.account_changes.all()
        return AccountChangeSerializer(made[0]).data if made else None


class ChangeRequestDetailSerializer(ChangeRequestSerializer):
    values = serializers.SerializerMethodField()

    class Meta(ChangeRequestSerializer.Meta):
        fields = [*ChangeRequestSerializer.Meta.fields, "values"]

    @extend_schema_field(_ValueRow(many=True))
    def get_values(self, change_request):
        return changes.change_request_values(change_request)


# --- The applicant's own ----------------------------------------------------------------------------------------


def _my_person(user):
    person = changes.my_person(user=user)
    if person is None:
        raise PermissionDenied(_("Claim your record first: your account is not linked to a person or employer."))
    return person


class MyChangeRequestListApi(generics.ListAPIView):
    """My change requests, newest first. POST asks for a change of my record (``kind``, the ``values`` of that
    kind, why): a caseworker of my community verifies it; documents are added to it afterwards
    (``…/documents/``)."""

    serializer_class = MyChangeRequestSerializer

    def get_queryset(self):
        return changes.my_change_request_list(user=self.request.user)

    @extend_schema(request=ChangeRequestInputSerializer, responses={201: MyChangeRequestDetailSerializer})
    def post(self, request):
        data = ChangeRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change_request = services.change_request_submit(
            actor=request.user, person=_my_person(request.user), **data.validated_data
        )
        change_request = changes.my_change_request_get(user=request.user, change_request_id=change_request.pk)
        return Response(MyChangeRequestDetailSerializer(change_request).data, status=status.HTTP_201_CREATED)


class _Community(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MyChangeOptionsSerializer(serializers.Serializer):
    communities = _Community(many=True, help_text="the communities of my city (an address may move to one)")
    on_file = serializers.DictField(child=serializers.CharField(), help_text="each field as on file now, in words")
    waiting = serializers.ListField(child=serializers.CharField(), help_text="the kinds I have a request waiting of")


class MyChangeOptionsApi(APIView):
    """What the change form offers me: the communities of my city, what is on file now (masked), and the kinds
    of change already waiting (one at a time of each kind)."""

    @extend_schema(responses=MyChangeOptionsSerializer)
    def get(self, request):
        person = _my_person(request.user)
        communities = changes.communities_of_city(city_code=person.residence_unit.city_code)
        waiting = changes.my_change_request_list(user=request.user).waiting().values_list("kind", flat=True)
        return Response(
            MyChangeOptionsSerializer(
                {
                    "communities": [{"id": unit.pk, "name": changes.community_label(unit)} for unit in communities],
                    "on_file": changes.on_file_now(person),
                    "waiting": sorted(set(waiting)),
                }
            ).data
        )


class MyChangeRequestDetailApi(APIView):
    @extend_schema(responses=MyChangeRequestDetailSerializer)
    def get(self, request, pk):
        change_request = changes.my_change_request_get(user=request.user, change_request_id=pk)
        return Response(MyChangeRequestDetailSerializer(change_request).data)


class MyChangeRequestDocumentApi(APIView):
    """POST (multipart: ``file``, ``label``) adds a document (PDF, JPEG or PNG) to my change request while it
    waits."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ChangeRequestDocumentInputSerializer},
        responses={201: ChangeRequestDocumentSerializer},
    )
    def post(self, request, pk):
        data = ChangeRequestDocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.change_request_document_add(
            actor=request.user,
            change_request=changes.my_change_request_get(user=request.user, change_request_id=pk),
            upload=data.validated_data["file"],
            label=data.validated_data["label"],
        )
        return Response(ChangeRequestDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


MY_CHANGE_REQUEST_ACTIONS = {"withdraw": (services.change_request_withdraw, ())}


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_me_change_requests_action",
        parameters=[action_parameter(MY_CHANGE_REQUEST_ACTIONS)],
        request=None,
        responses=MyChangeRequestDetailSerializer,
    )
)
class MyChangeRequestActionApi(ActionApi):
    """``POST …/me/change-requests/<id>/withdraw/``: I no longer want the change (while it waits)."""

    actions, target_name = MY_CHANGE_REQUEST_ACTIONS, "change_request"

    def target(self, request, pk):
        return changes.my_change_request_get(user=request.user, change_request_id=pk)

    def answer(self, request, pk):
        return MyChangeRequestDetailSerializer(self.target(request, pk)).data


class MyAccountChangeListApi(generics.ListAPIView):
    """The changes of my bank account on file, newest first: one waiting for the code sent by SMS can be confirmed
    here (``…/confirm/``), and a new code asked for (``…/resend/``)."""

    serializer_class = MyAccountChangeSerializer

    def get_queryset(self):
        return changes.my_account_change_list(user=self.request.user)


class MyAccountChangeConfirmApi(APIView):
    """I confirm the new account with the code sent to the phone on file before the change. A wrong or expired
    code is counted: after five, a staff member of my job centre confirms it instead."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "claim"  # codes typed, as for claiming a record

    @extend_schema(request=_AccountCodeInput, responses=MyAccountChangeSerializer)
    def post(self, request, pk):
        change = changes.my_account_change_get(user=request.user, change_id=pk)
        data = _AccountCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_change_code_confirm(actor=request.user, change=change, **data.validated_data)
        return Response(MyAccountChangeSerializer(changes.my_account_change_get(user=request.user, change_id=pk)).data)


class MyAccountChangeResendApi(APIView):
    """A new code to the same phone (at most once a minute: 429 sooner); the earlier code stops working."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sms"

    @extend_schema(request=None, responses=MyAccountChangeSerializer)
    def post(self, request, pk):
        change = changes.my_account_change_get(user=request.user, change_id=pk)
        services.account_change_code_resend(actor=request.user, change=change)
        return Response(MyAccountChangeSerializer(changes.my_account_change_get(user=request.user, change_id=pk)).data)


# --- Staff ------------------------------------------------------------------------------------------------------


class ChangeRequestListApi(FilteredListApi):
    """Change requests of my area; ``status=submitted``: those to verify, oldest first. Filters: ``status``,
    ``kind``."""

    serializer_class = ChangeRequestSerializer
    permission_classes = [StaffOnly]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ChangeRequest.Status.choices, required=False)
        kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices, required=False)

    def select(self, status="", kind=""):
        return changes.change_request_list(user=self.request.user, status=status, kind=kind, with_details=True)


class ChangeRequestDetailApi(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(responses=ChangeRequestDetailSerializer)
    def get(self, request, pk):
        change_request = changes.change_request_get_for_user(user=request.user, change_request_id=pk)
        return Response(ChangeRequestDetailSerializer(change_request).data)


class PersonChangeRequestApi(APIView):
    """A caseworker of the person's community asks for a change for them (what they said at the desk or on the
    phone): another caseworker verifies and applies it."""

    permission_classes = [StaffOnly]

    @extend_schema(request=ChangeRequestInputSerializer, responses={201: ChangeRequestDetailSerializer})
    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        data = ChangeRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change_request = services.change_request_submit(actor=request.user, person=person, **data.validated_data)
        change_request = changes.change_request_get_for_user(user=request.user, change_request_id=change_request.pk)
        return Response(ChangeRequestDetailSerializer(change_request).data, status=status.HTTP_201_CREATED)


CHANGE_REQUEST_ACTIONS = {
    "apply": (services.change_request_apply, ("note", "values")),
    "refuse": (services.change_request_refuse, ("reason",)),
}


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_change_requests_action",
        parameters=[action_parameter(CHANGE_REQUEST_ACTIONS)],
        request=_ChangeDecisionInput,
        responses=ChangeRequestDetailSerializer,
    )
)
class ChangeRequestActionApi(ActionApi):
    """``POST …/change-requests/<id>/<action>/``: ``apply`` (verified: written to the record, with a note, and
    the corrected ``values`` when the evidence showed a typo) or ``refuse`` (with the reason the person reads), by a
    caseworker of the person's community who did not raise the request."""

    actions, InputSerializer, target_name = CHANGE_REQUEST_ACTIONS, _ChangeDecisionInput, "change_request"
    permission_classes = [StaffOnly]

    def target(self, request, pk):
        return changes.change_request_get_for_user(user=request.user, change_request_id=pk)

    def answer(self, request, pk):
        return ChangeRequestDetailSerializer(self.target(request, pk)).data


class ChangeRequestDocumentDownloadApi(APIView):
    """The document itself, as an attachment, to staff who may see the request (404 for anyone else)."""

    permission_classes = [StaffOnly]

    @extend_schema(responses={(200, media_type): OpenApiTypes.BINARY for media_type in DOCUMENT_TYPES})
    def get(self, request, pk, document_id):
        change_request = changes.change_request_get_for_user(user=request.user, change_request_id=pk)
        document = changes.change_request_document_of(change_request, document_id)
        return document_download(document)


class AccountChangeListApi(FilteredListApi):
    """Bank-account changes of my area: by default those waiting for a second confirmation, oldest first.
    ``status=all``: every one, newest first."""

    serializer_class = AccountChangeSerializer
    permission_classes = [StaffOnly]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[*AccountChange.Status.choices, ("all", "all")], required=False, default="pending"
        )

    def select(self, *, status):
        return changes.account_change_list(user=self.request.user, status="" if status == "all" else status)


ACCOUNT_CHANGE_ACTIONS = {
    "confirm": (services.account_change_confirm, ()),
    "revert": (services.account_change_revert, ("reason",)),
}


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_account_changes_action",
        parameters=[action_parameter(ACCOUNT_CHANGE_ACTIONS)],
        request=_AccountRevertInput,
        responses=AccountChangeSerializer,
    )
)
class AccountChangeActionApi(ActionApi):
    """``POST …/account-changes/<id>/<action>/``: ``confirm`` (a second staff member of the unit, who neither made
    nor asked for the change) or ``revert`` (the old account written back, with the reason)."""

    actions, InputSerializer, target_name = ACCOUNT_CHANGE_ACTIONS, _AccountRevertInput, "change"
    permission_classes = [StaffOnly]

    def target(self, request, pk):
        return changes.account_change_get_for_user(user=request.user, change_id=pk)

    def answer(self, request, pk):
        return AccountChangeSerializer(self.target(request, pk)).data
