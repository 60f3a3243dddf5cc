"""The API of review requests and complaints: the applicant's own under ``/api/v1/me/`` (scoped to the party their
account has claimed: 404 for anything else) and the staff's (scoped to their area). Every write calls a service of
``benefits.appeals.services``; no serializer takes a status or a reviewer from the client, and the party or owner a
caseworker names is looked up in their area first (404 otherwise)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.validators import MULTILINE
from casework.selectors import applicant_party, organization_get_for_user, person_get_for_user
from core.api_base import ActionApi, FilteredListApi, action_parameter
from core.errors import PermissionDenied
from core.uploads import document_download

from ..applications import selectors as applications
from ..applications.apis import EVIDENCE_FILE
from ..models import Appeal, AppealDocument, Complaint
from . import selectors
from . import services as appeals

TEXT = {"max_length": appeals.TEXT_MAX_LENGTH, "style": MULTILINE}


class AppealDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealDocument
        fields = ["id", "label", "original_name", "content_type", "size", "uploaded_at"]


class MyAppealSerializer(serializers.ModelSerializer):
    """A review request as its applicant sees it (who reviewed it is not shown)."""

    program_name = serializers.CharField(source="application.program.display_name")
    status_label = serializers.CharField(source="get_status_display")
    documents = AppealDocumentSerializer(many=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "application",
            "program_name",
            "status",
            "status_label",
            "reasons",
            "decision_on",
            "deadline",
            "filed_at",
            "reviewed_on",
            "review_reason",
            "documents",
        ]


class AppealSerializer(MyAppealSerializer):
    """A review request as staff see it: who decided the rejection and who reviewed it."""

    party = serializers.CharField(source="application.party")
    decision_by = serializers.CharField(source="decision_by.full_name", default="")
    reviewed_by = serializers.CharField(source="reviewed_by.full_name", default="")

    class Meta(MyAppealSerializer.Meta):
        fields = [*MyAppealSerializer.Meta.fields, "party", "unit", "decision_by", "reviewed_by"]


class MyAppealListApi(generics.ListAPIView):
    """My review requests, newest first. POST asks for the review of one of my rejected applications (within the
    review period), with my reasons; documents are added to it afterwards (``…/documents/``)."""

    serializer_class = MyAppealSerializer

    class MyAppealInputSerializer(serializers.Serializer):
        application = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        reasons = serializers.CharField(**TEXT)

    def get_queryset(self):
        return selectors.my_appeal_list(user=self.request.user)

    @extend_schema(request=MyAppealInputSerializer, responses={201: MyAppealSerializer})
    def post(self, request):
        data = self.MyAppealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = applications.my_application_get(
            user=request.user, application_id=data.validated_data["application"]
        )
        appeal = appeals.appeal_file(
            actor=request.user, application=application, reasons=data.validated_data["reasons"]
        )
        appeal = selectors.my_appeal_get(user=request.user, appeal_id=appeal.pk)
        return Response(MyAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class MyAppealDetailApi(APIView):
    @extend_schema(responses=MyAppealSerializer)
    def get(self, request, pk):
        return Response(MyAppealSerializer(selectors.my_appeal_get(user=request.user, appeal_id=pk)).data)


class MyAppealDocumentApi(APIView):
    """POST (multipart: ``file``, ``label``) adds a document (PDF, JPEG or PNG) to my review request while it waits."""

    parser_classes = [MultiPartParser]

    class AppealDocumentInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        label = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)

    @extend_schema(
        request={"multipart/form-data": AppealDocumentInputSerializer}, responses={201: AppealDocumentSerializer}
    )
    def post(self, request, pk):
        data = self.AppealDocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = appeals.appeal_document_add(
            actor=request.user,
            appeal=selectors.my_appeal_get(user=request.user, appeal_id=pk),
            upload=data.validated_data["file"],
            label=data.validated_data["label"],
        )
        return Response(AppealDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class MyAppealDocumentDownloadApi(APIView):
    """A document of my review request, as an attachment (404 for a request that is not mine)."""

    @extend_schema(responses=EVIDENCE_FILE)
    def get(self, request, pk, document_id):
        appeal = selectors.my_appeal_get(user=request.user, appeal_id=pk)
        return document_download(selectors.document_of(appeal, document_id))


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_me_appeals_action",
        parameters=[action_parameter(appeals.MY_APPEAL_ACTIONS)],
        request=None,
        responses=MyAppealSerializer,
    )
)
class MyAppealActionApi(ActionApi):
    """``POST …/me/appeals/<id>/withdraw/``: I no longer want the review (while it waits)."""

    actions, target_name = appeals.MY_APPEAL_ACTIONS, "appeal"

    def target(self, request, pk):
        return selectors.my_appeal_get(user=request.user, appeal_id=pk)

    def answer(self, request, pk):
        return MyAppealSerializer(self.target(request, pk)).data


class AppealListApi(FilteredListApi):
    """Review requests of the caller's area; ``status=pending``: those to decide, oldest first."""

    serializer_class = AppealSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Appeal.Status.choices, required=False)

    def select(self, **params):
        return selectors.appeal_list(user=self.request.user, **params)


class AppealDetailApi(APIView):
    @extend_schema(responses=AppealSerializer)
    def get(self, request, pk):
        return Response(AppealSerializer(selectors.appeal_get_for_user(user=request.user, appeal_id=pk)).data)


class AppealDocumentDownloadApi(APIView):
    """A document of a review request, as an attachment, to whoever may see the request (404 for anyone else)."""

    @extend_schema(responses=EVIDENCE_FILE)
    def get(self, request, pk, document_id):
        appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=pk)
        return document_download(selectors.document_of(appeal, document_id))


class _ReviewInput(serializers.Serializer):
    reason = serializers.CharField(help_text="why the decision is upheld or set aside (the applicant reads it)", **TEXT)


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_appeals_action",
        parameters=[action_parameter(appeals.APPEAL_ACTIONS)],
        request=_ReviewInput,
        responses=AppealSerializer,
    )
)
class AppealActionApi(ActionApi):
    """``POST …/appeals/<id>/<action>/``: ``uphold`` or ``overturn`` (the application goes back to the
    supervisors' decision), by a supervisor who took no part in the decision, with the reason."""

    actions, InputSerializer, target_name = appeals.APPEAL_ACTIONS, _ReviewInput, "appeal"

    def target(self, request, pk):
        return selectors.appeal_get_for_user(user=request.user, appeal_id=pk)

    def answer(self, request, pk):
        return AppealSerializer(self.target(request, pk)).data


# --- Complaints --------------------------------------------------------------------------------------------------


class MyComplaintSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    category_label = serializers.CharField(source="get_category_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Complaint
        fields = [
            "id",
            "kind",
            "kind_label",
            "category",
            "category_label",
            "subject",
            "text",
            "status",
            "status_label",
            "received_on",
            "due_on",
            "reply",
            "closed_at",
        ]


class ComplaintSerializer(MyComplaintSerializer):
    party = serializers.SerializerMethodField()
    owner = serializers.CharField(source="owner.full_name", default="")
    overdue = serializers.SerializerMethodField()

    class Meta(MyComplaintSerializer.Meta):
        fields = [*MyComplaintSerializer.Meta.fields, "party", "unit", "owner", "escalated_at", "overdue"]

    def get_party(self, complaint) -> str:
        return str(complaint.person or complaint.organization)

    def get_overdue(self, complaint) -> bool:
        return complaint.status == Complaint.Status.OPEN and complaint.due_on < timezone.localdate()


class MyComplaintListApi(generics.ListAPIView):
    """My complaints and suggestions, newest first. POST makes one (the job centre answers it within its time
    limit, in working days)."""

    serializer_class = MyComplaintSerializer

    class MyComplaintInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Complaint.Kind.choices, default=Complaint.Kind.COMPLAINT)
        category = serializers.ChoiceField(choices=Complaint.Category.choices)
        subject = serializers.CharField(max_length=200)
        text = serializers.CharField(**TEXT)

    def get_queryset(self):
        return selectors.my_complaint_list(user=self.request.user)

    @extend_schema(request=MyComplaintInputSerializer, responses={201: MyComplaintSerializer})
    def post(self, request):
        data = self.MyComplaintInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = applicant_party(user=request.user)
        if party is None:
            raise PermissionDenied(_("Claim your record first: your account is not linked to a person or employer."))
        side = "person" if party._meta.model_name == "person" else "organization"
        complaint = appeals.complaint_file(actor=request.user, **{side: party}, **data.validated_data)
        return Response(MyComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class MyComplaintDetailApi(APIView):
    @extend_schema(responses=MyComplaintSerializer)
    def get(self, request, pk):
        return Response(MyComplaintSerializer(selectors.my_complaint_get(user=request.user, complaint_id=pk)).data)


class ComplaintListApi(FilteredListApi):
    """Complaints of the caller's area, the earliest due first. Filters: ``status``, ``overdue`` (open and past
    due today). POST takes down a complaint or suggestion of a person or an organization of the caller's area
    (at the desk, on the phone): the caller owns it."""

    serializer_class = ComplaintSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Complaint.Status.choices, required=False)
        overdue = serializers.BooleanField(required=False, default=False)

    def select(self, *, overdue=False, **params):
        today = timezone.localdate() if overdue else None
        return selectors.complaint_list(user=self.request.user, overdue_on=today, **params)

    class ComplaintCreateInputSerializer(serializers.Serializer):
        person = serializers.IntegerField(
            required=False, min_value=1, max_value=2**31 - 1, help_text="the person complaining (or organization)"
        )
        organization = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
        kind = serializers.ChoiceField(choices=Complaint.Kind.choices, default=Complaint.Kind.COMPLAINT)
        category = serializers.ChoiceField(choices=Complaint.Category.choices)
        subject = serializers.CharField(max_length=200)
        text = serializers.CharField(**TEXT)

    @extend_schema(request=ComplaintCreateInputSerializer, responses={201: ComplaintSerializer})
    def post(self, request):
        data = self.ComplaintCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person_id, organization_id = fields.pop("person", None), fields.pop("organization", None)
        party = {
            "person": None if person_id is None else person_get_for_user(user=request.user, person_id=person_id),
            "organization": None
            if organization_id is None
            else organization_get_for_user(user=request.user, organization_id=organization_id),
        }
        complaint = appeals.complaint_file(actor=request.user, **party, **fields)
        complaint = selectors.complaint_get_for_user(user=request.user, complaint_id=complaint.pk)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    @extend_schema(responses=ComplaintSerializer)
    def get(self, request, pk):
        return Response(ComplaintSerializer(selectors.complaint_get_for_user(user=request.user, complaint_id=pk)).data)


class ComplaintAssignApi(APIView):
    """``POST …/complaints/<id>/assign/``: give the open complaint an owner, a caseworker or supervisor of its unit
    (``take`` makes the caller the owner)."""

    class ComplaintAssignInputSerializer(serializers.Serializer):
        owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="the user who answers it")

    @extend_schema(request=ComplaintAssignInputSerializer, responses=ComplaintSerializer)
    def post(self, request, pk):
        complaint = selectors.complaint_get_for_user(user=request.user, complaint_id=pk)
        data = self.ComplaintAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = selectors.complaint_owner_get(complaint=complaint, owner_id=data.validated_data["owner"])
        appeals.complaint_assign(actor=request.user, complaint=complaint, owner=owner)
        return Response(ComplaintSerializer(selectors.complaint_get_for_user(user=request.user, complaint_id=pk)).data)


class _ComplaintInput(serializers.Serializer):
    reply = serializers.CharField(required=False, default="", allow_blank=True, help_text="close: the answer", **TEXT)


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_complaints_action",
        parameters=[action_parameter(appeals.COMPLAINT_ACTIONS)],
        request=_ComplaintInput,
        responses=ComplaintSerializer,
    )
)
class ComplaintActionApi(ActionApi):
    """``POST …/complaints/<id>/<action>/``: ``take`` (I own it) or ``close`` (with the answer)."""

    actions, InputSerializer, target_name = appeals.COMPLAINT_ACTIONS, _ComplaintInput, "complaint"

    def target(self, request, pk):
        return selectors.complaint_get_for_user(user=request.user, complaint_id=pk)

    def answer(self, request, pk):
        return ComplaintSerializer(self.target(request, pk)).data
