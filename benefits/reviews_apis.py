"""The API of grant reviews (``benefits.changes``): the reviews a change to a person's record raised, listed for
the staff of the area (403 for an applicant), and kept (with the reason) or ended (a supervisor's termination)
through the services of ``benefits.changes``."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from accounts.validators import MULTILINE
from casework.apis_changes import MaskedText
from core.api_base import ActionApi, FilteredListApi, StaffOnly, action_parameter

from . import reviews_selectors as selectors
from .changes import GRANT_REVIEW_ACTIONS, NOTE_MAX_LENGTH
from .models import GrantReview


class _GrantReviewReason(serializers.Serializer):
    condition = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    clause = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True, required=False)


class GrantReviewSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    program_name = serializers.CharField(source="entitlement.program.display_name")
    party_name = serializers.SerializerMethodField()
    person = serializers.IntegerField(source="entitlement.person_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name")
    reasons = _GrantReviewReason(many=True, help_text="the conditions the rules now find unmet")
    change_kind_label = serializers.CharField(source="change_request.get_kind_display", default="")
    decided_by = serializers.CharField(source="decided_by.full_name", default="")
    note = MaskedText(read_only=True)

    class Meta:
        model = GrantReview
        fields = [
            "id",
            "entitlement",
            "program_name",
            "person",
            "party_name",
            "unit",
            "unit_name",
            "change_request",
            "change_kind_label",
            "raised_on",
            "reasons",
            "status",
            "status_label",
            "decided_by",
            "decided_at",
            "note",
        ]

    def get_party_name(self, review) -> str:
        party = review.entitlement.person or review.entitlement.organization
        return party.name if party else ""


class GrantReviewListApi(FilteredListApi):
    """Grant reviews of my area: by default the open ones, oldest first. ``status=all``: every one."""

    serializer_class = GrantReviewSerializer
    permission_classes = [StaffOnly]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[*GrantReview.Status.choices, ("all", "all")], default="open")

    def select(self, *, status):
        return selectors.grant_review_list(user=self.request.user, status="" if status == "all" else status)


class _GrantReviewDecisionInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        style=MULTILINE,
        help_text="why the grant goes on, or why it ends",
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_grant_reviews_action",
        parameters=[action_parameter(GRANT_REVIEW_ACTIONS)],
        request=_GrantReviewDecisionInput,
        responses=GrantReviewSerializer,
    )
)
class GrantReviewActionApi(ActionApi):
    """``POST …/grant-reviews/<id>/<action>/``: ``keep`` (the grant goes on, with the reason) or ``end`` (the
    grant is terminated: a supervisor's step, with the reason)."""

    actions, InputSerializer, target_name = GRANT_REVIEW_ACTIONS, _GrantReviewDecisionInput, "review"
    permission_classes = [StaffOnly]

    def target(self, request, pk):
        return selectors.grant_review_get_for_user(user=request.user, review_id=pk)

    def answer(self, request, pk):
        return GrantReviewSerializer(self.target(request, pk)).data
