"""The applicant's own endpoints under ``/api/v1/me/`` (what the portal uses): their applications, created and
submitted through the same services as the console's, their documents and their grants. Everything is scoped to
the party their account has claimed (404 for anything else), and the status is the applicant-facing one: internal
steps, deciders, override reasons and verified facts are not shown."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.validators import MULTILINE
from casework.selectors import applicant_party
from core.api_base import ActionApi, action_parameter
from core.errors import PermissionDenied
from core.uploads import document_download

from ..appeals.selectors import review_right
from ..catalogue.selectors import program_get
from ..models import PUBLIC_CODE, Application
from ..screening.answers import answered_here
from ..screening.apis import ScreenOutputSerializer, answerable
from ..screening.facts import my_facts
from ..screening.screen import screen_document
from . import selectors
from . import services as workflow
from .apis import (
    EVIDENCE_FILE,
    ChecklistItemSerializer,
    EntitlementSerializer,
    EvidenceListApi,
    EvidenceSerializer,
    checklist,
)


class _TimelineStep(serializers.Serializer):
    date = serializers.DateTimeField()
    status = serializers.CharField()
    label = serializers.CharField()
    note = serializers.CharField(help_text="what the job centre wrote to the applicant at this step; may be empty")


class _AppealBrief(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class _ReviewRight(serializers.Serializer):
    may_ask = serializers.BooleanField(help_text="whether I may ask for a review of the decision today")
    deadline = serializers.DateField(allow_null=True, help_text="the last day to ask (a rejection only)")
    why_not = serializers.CharField(help_text="why I may not ask any more; empty when I may or nothing is decided")
    appeal = _AppealBrief(allow_null=True, help_text="my latest review request of this application")


class MyEntitlementSerializer(EntitlementSerializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.display_name")

    class Meta(EntitlementSerializer.Meta):
        fields = [*EntitlementSerializer.Meta.fields, "program", "program_name"]


class MyApplicationSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.display_name")
    status = serializers.SerializerMethodField(help_text="preparing, under_review, documents_needed, approved, …")
    status_label = serializers.CharField(source="public_status")
    message = serializers.SerializerMethodField(help_text="what the job centre says: what is missing, or why")
    checklist = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    entitlement = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField(help_text="the review right of a rejection (on the detail only)")

    class Meta:
        model = Application
        fields = [
            "id",
            "program",
            "program_name",
            "status",
            "status_label",
            "requested_start",
            "note",
            "created_at",
            "submitted_at",
            "decided_on",
            "message",
            "checklist",
            "evidence",
            "entitlement",
            "timeline",
            "review",
        ]

    def get_status(self, application) -> str:
        return PUBLIC_CODE[application.state]

    def get_message(self, application) -> str:
        shown = (Application.State.RETURNED, Application.State.APPROVED, Application.State.REJECTED)
        return application.decision_note if application.state in shown else ""

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, application) -> list[dict]:
        return checklist(application)

    @extend_schema_field(MyEntitlementSerializer(allow_null=True))
    def get_entitlement(self, application) -> dict | None:
        entitlement = getattr(application, "entitlement", None)
        return MyEntitlementSerializer(entitlement).data if entitlement else None

    @extend_schema_field(_TimelineStep(many=True))
    def get_timeline(self, application) -> list[dict]:
        if not self.context.get("detail"):
            return []
        return _TimelineStep(selectors.public_timeline(application), many=True).data

    @extend_schema_field(_ReviewRight(allow_null=True))
    def get_review(self, application) -> dict | None:
        if not self.context.get("detail"):
            return None
        return _ReviewRight(review_right(application, datetime.date.today())).data


class MyApplicationListApi(generics.ListAPIView):
    """My applications, newest first (``timeline`` is filled on the detail). POST starts a draft for a program
    of my city; the caseworker checks it once I submit it."""

    serializer_class = MyApplicationSerializer

    class MyApplicationInputSerializer(serializers.Serializer):
        program = serializers.SlugField()
        requested_start = serializers.DateField()
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, style=MULTILINE)

    def get_queryset(self):
        return selectors.my_application_list(user=self.request.user)

    @extend_schema(request=MyApplicationInputSerializer, responses={201: MyApplicationSerializer})
    def post(self, request):
        data = self.MyApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = applicant_party(user=request.user)
        if party is None:
            raise PermissionDenied(_("Claim your record first: your account is not linked to a person or employer."))
        params = dict(data.validated_data)
        side = "person" if party._meta.model_name == "person" else "organization"
        application = workflow.application_create(
            actor=request.user, program=program_get(code=params.pop("program")), **{side: party}, **params
        )
        application = selectors.my_application_get(user=request.user, application_id=application.pk)
        return Response(
            MyApplicationSerializer(application, context={"detail": True}).data, status=status.HTTP_201_CREATED
        )


class MyApplicationDetailApi(APIView):
    @extend_schema(responses=MyApplicationSerializer)
    def get(self, request, pk):
        application = selectors.my_application_get(user=request.user, application_id=pk)
        return Response(MyApplicationSerializer(application, context={"detail": True}).data)


MY_ACTIONS = {"submit": (workflow.application_submit, ()), "withdraw": (workflow.application_withdraw, ())}


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_me_applications_action",
        parameters=[action_parameter(MY_ACTIONS)],
        request=None,
        responses=MyApplicationSerializer,
    )
)
class MyApplicationActionApi(ActionApi):
    """``POST …/me/applications/<id>/<action>/`` with action ``submit`` (a draft, or one returned for more
    documents) or ``withdraw``."""

    actions, target_name = MY_ACTIONS, "application"

    def target(self, request, pk):
        return selectors.my_application_get(user=request.user, application_id=pk)

    def answer(self, request, pk):
        return MyApplicationSerializer(self.target(request, pk), context={"detail": True}).data


class MyEvidenceListApi(EvidenceListApi):
    """My application's documents; POST (multipart: ``file``, ``label``) attaches one (PDF, JPEG or PNG)."""

    def application(self, request, pk) -> Application:
        return selectors.my_application_get(user=request.user, application_id=pk)


class MyEvidenceDownloadApi(APIView):
    @extend_schema(responses=EVIDENCE_FILE)
    def get(self, request, pk, evidence_id):
        return document_download(
            selectors.evidence_of(selectors.my_application_get(user=request.user, application_id=pk), evidence_id)
        )


class MyEntitlementListApi(generics.ListAPIView):
    """My grants: what was approved, from when to when, how much."""

    serializer_class = MyEntitlementSerializer

    def get_queryset(self):
        return selectors.my_entitlement_list(user=self.request.user)


class MyProgramListApi(APIView):
    """The programs of my city for my kind of party, with whether I am likely to qualify today and why
    (screened on my stored records; the job centre decides on the application)."""

    @extend_schema(responses={200: ScreenOutputSerializer})
    def get(self, request):
        today = datetime.date.today()
        document = my_facts(user=request.user, as_of=today)
        if document is None:
            raise PermissionDenied(_("Claim your record first: your account is not linked to a person or employer."))
        return Response(answerable(screen_document(document, as_of=today), answered_here))
