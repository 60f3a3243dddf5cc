"""The applications API: intake by staff, each workflow transition through its service, and the documents.
A client never writes ``state``, amounts, deciders or the party."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import UnitRefSerializer
from accounts.parsers import MultiPartParser
from accounts.selectors import unit_get_for_user
from accounts.validators import MULTILINE
from casework.selectors import organization_get_for_user, person_get_for_user
from core.api_base import ActionApi, FilteredListApi, action_parameter
from core.uploads import DOCUMENT_TYPES, document_download

from ..catalogue.selectors import program_get
from ..models import Application, ApplicationNote, Entitlement, Evidence
from . import selectors
from . import services as workflow
from .evidence import checklist


@extend_schema_serializer(component_name="_UserRef")  # the name clients know
class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


@extend_schema_serializer(component_name="_Party")  # the name clients know
class PartySerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_masked = serializers.CharField()


@extend_schema_serializer(component_name="_ChecklistItem")  # the name clients know
class ChecklistItemSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="the item's key: send it as ``checklist_item`` with a document")
    document = serializers.CharField(help_text="what the document is called, in the interface language")
    attached = serializers.BooleanField()
    files = serializers.ListField(child=serializers.CharField(), help_text="the names of the documents that satisfy it")


def party_data(record) -> dict:
    """The party of an application or a grant, its ID number masked."""
    if record.person_id:
        person = record.person
        return {"kind": "person", "id": person.pk, "name": person.name, "id_masked": person.masked_id_number}
    organization = record.organization
    return {"kind": "organization", "id": organization.pk, "name": organization.name, "id_masked": organization.uscc}


class EntitlementSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Entitlement
        fields = ["id", "status", "status_label", "start", "end", "amount_per_period", "period", "max_periods", "once"]


class ApplicationNoteSerializer(serializers.ModelSerializer):
    """One note of the application's timeline: at which step, by whom, and whether the applicant sees it."""

    author = serializers.CharField(source="author.full_name", default="", read_only=True)

    class Meta:
        model = ApplicationNote
        fields = ["id", "step", "text", "for_applicant", "author", "created_at"]


class _FirstApproval(serializers.Serializer):
    """The terms the first of two supervisors approved, which the second confirms (docs/policy-decisions.md)."""

    amount_cny = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    start = serializers.DateField()
    period = serializers.CharField()
    max_periods = serializers.IntegerField(allow_null=True)
    periods = serializers.IntegerField(help_text="the periods counted in the exposure")
    exposure_cny = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="the grant's total exposure")
    override_reason = serializers.CharField(allow_blank=True)
    on = serializers.DateField(help_text="the day of the first approval")


class ApplicationSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")
    party = serializers.SerializerMethodField()
    unit = UnitRefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    created_by = UserRefSerializer()
    submitted_by = UserRefSerializer(allow_null=True)
    recommended_by = UserRefSerializer(allow_null=True)
    first_approved_by = UserRefSerializer(allow_null=True)
    first_approval = _FirstApproval(allow_null=True, read_only=True)
    decided_by = UserRefSerializer(allow_null=True)
    notes = ApplicationNoteSerializer(many=True, read_only=True, help_text="every note, oldest first; none overwritten")
    entitlement = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "program",
            "program_name",
            "party",
            "unit",
            "state",
            "state_label",
            "requested_start",
            "facts",
            "note",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "recommended_by",
            "first_approved_by",
            "first_approval",
            "decided_by",
            "decided_on",
            "decision",
            "override_reason",
            "decision_note",
            "notes",
            "entitlement",
            "checklist",
        ]

    @extend_schema_field(PartySerializer)
    def get_party(self, application) -> dict:
        return party_data(application)

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, application) -> list[dict]:
        return checklist(application)

    @extend_schema_field(EntitlementSerializer(allow_null=True))
    def get_entitlement(self, application) -> dict | None:
        entitlement = getattr(application, "entitlement", None)
        return EntitlementSerializer(entitlement).data if entitlement else None


class ApplicationListApi(FilteredListApi):
    """Applications of the caller's area, newest first. Filters: ``state``, ``program``, ``unit`` (a subtree).
    POST creates a draft for a person or an organization of the caller's area."""

    serializer_class = ApplicationSerializer

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=Application.State.choices, required=False)
        program = serializers.SlugField(required=False)
        unit = serializers.IntegerField(required=False)

    class ApplicationInputSerializer(serializers.Serializer):
        program = serializers.SlugField()
        person = serializers.IntegerField(required=False)
        organization = serializers.IntegerField(required=False)
        requested_start = serializers.DateField()
        facts = serializers.JSONField(required=False, default=dict)
        note = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)

    def select(self, *, unit=None, **params):
        if unit is not None:  # a unit outside the caller's area is a 404, like a missing one
            unit = unit_get_for_user(user=self.request.user, unit_id=unit)
        return selectors.application_list(user=self.request.user, unit=unit, **params)

    @extend_schema(request=ApplicationInputSerializer, responses={201: ApplicationSerializer})
    def post(self, request):
        data = self.ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        person_id, organization_id = params.pop("person", None), params.pop("organization", None)
        application = workflow.application_create(
            actor=request.user,
            program=program_get(code=params.pop("program")),
            person=person_get_for_user(user=request.user, person_id=person_id) if person_id else None,
            organization=organization_get_for_user(user=request.user, organization_id=organization_id)
            if organization_id
            else None,
            **params,
        )
        application = selectors.application_get_for_user(user=request.user, application_id=application.pk)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationSerializer)
    def get(self, request, pk):
        application = selectors.application_get_for_user(user=request.user, application_id=pk)
        return Response(ApplicationSerializer(application).data)


class _TransitionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", style=MULTILINE)
    amount_cny = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="approve only: the amount per period where the rules leave it to the caseworker",
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_applications_transition",
        parameters=[action_parameter(workflow.TRANSITIONS)],
        request=_TransitionInput,
        responses=ApplicationSerializer,
    )
)
class ApplicationTransitionApi(ActionApi):
    """``POST …/applications/<id>/<action>/`` with action one of submit, recommend, return, withdraw, approve,
    reject: the transition's service decides whether the caller may and whether the state allows it."""

    actions, InputSerializer, target_name = workflow.TRANSITIONS, _TransitionInput, "application"

    def target(self, request, pk):
        return selectors.application_get_for_user(user=request.user, application_id=pk)

    def answer(self, request, pk):
        return ApplicationSerializer(self.target(request, pk)).data


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "label", "checklist_item", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class EvidenceListApi(APIView):
    """An application's documents; POST (multipart: ``file``, ``label``) attaches one."""

    parser_classes = [MultiPartParser]

    class EvidenceInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        label = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
        checklist_item = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)

    def application(self, request, pk) -> Application:
        """The application, through the caller's scoping selector (404 for anyone who may not see it)."""
        return selectors.application_get_for_user(user=request.user, application_id=pk)

    @extend_schema(responses=EvidenceSerializer(many=True))
    def get(self, request, pk):
        return Response(EvidenceSerializer(self.application(request, pk).evidence.all(), many=True).data)

    @extend_schema(request={"multipart/form-data": EvidenceInputSerializer}, responses={201: EvidenceSerializer})
    def post(self, request, pk):
        data = self.EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = workflow.evidence_add(
            actor=request.user,
            application=self.application(request, pk),
            upload=data.validated_data["file"],
            label=data.validated_data["label"],
            checklist_item=data.validated_data["checklist_item"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# A document is served with the type read from its bytes when it was attached.
EVIDENCE_FILE = {(200, media_type): OpenApiTypes.BINARY for media_type in DOCUMENT_TYPES}


class EvidenceDownloadApi(APIView):
    """The file itself, as an attachment, to whoever may see the application (404 for anyone else)."""

    @extend_schema(responses=EVIDENCE_FILE)
    def get(self, request, pk, evidence_id):
        return document_download(
            selectors.evidence_get_for_user(user=request.user, application_id=pk, evidence_id=evidence_id)
        )
