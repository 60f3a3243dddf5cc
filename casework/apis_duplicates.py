"""REST endpoints of the possible duplicates, for supervisors and administrators (the roles that decide): the pairs
of the caller's area, one pair side by side, "not a duplicate" and the merge. As on the console's pages, numbers
leave masked, and a record outside the caller's area shows only what matched (name, masked ID number, birth date,
city); the full record and what a merge would move are shown only where the caller may see them."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import UnitRefSerializer
from core.api_base import FilteredListApi
from core.errors import PermissionDenied

from . import selectors_duplicates, services_duplicates
from .models import DuplicateCandidate
from .permissions import can_decide_duplicate, can_review_duplicates

DECIDABLE = (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.STALE)


class ReviewsDuplicates(BasePermission):
    """Supervisors and administrators (anyone else, applicants too: 403 with the reason)."""

    def has_permission(self, request, view):
        allowed, why_not = can_review_duplicates(request.user)
        if not allowed:
            raise PermissionDenied(why_not)
        return True


class DuplicateRecordSerializer(serializers.Serializer):
    """The rest of a record in the caller's area (in a pair's detail)."""

    sex = serializers.CharField()
    sex_label = serializers.CharField()
    unit = UnitRefSerializer()
    phone_masked = serializers.CharField()
    bank_account_masked = serializers.CharField()
    household = serializers.IntegerField(allow_null=True, help_text="the household the person is a member of")
    relation = serializers.CharField(help_text="to the household's head; blank without a household")
    registers = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    created_at = serializers.DateTimeField()


class DuplicateSideSerializer(serializers.Serializer):
    """One record of a pair: what matched; its community only in the caller's area; ``record`` (the rest) only in
    a pair's detail and in the caller's area."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField()
    birth_date = serializers.DateField()
    city = serializers.CharField()
    in_area = serializers.BooleanField()
    unit = UnitRefSerializer(allow_null=True)
    record = DuplicateRecordSerializer(allow_null=True)


def _record(side: dict) -> dict | None:
    if not side["in_area"] or "entries" not in side:
        return None
    person, member = side["person"], side.get("household")
    return {
        "sex": person.sex,
        "sex_label": person.get_sex_display(),
        "unit": person.residence_unit,
        "phone_masked": person.masked_phone,
        "bank_account_masked": person.masked_bank_account,
        "household": member.household_id if member else None,
        "relation": member.relation if member else "",
        "registers": [{"code": e.register.code, "name": str(e.register.display_name)} for e in side["entries"]],
        "created_at": person.created_at,
    }


def _side(side: dict) -> dict:
    person = side["person"]
    return DuplicateSideSerializer(
        {
            "id": person.pk,
            "name": person.name,
            "id_number_masked": person.masked_id_number,
            "birth_date": person.birth_date,
            "city": side["city"] or "",
            "in_area": side["in_area"],
            "unit": person.residence_unit if side["in_area"] else None,
            "record": _record(side),
        }
    ).data


def _sides_of(candidate) -> dict:
    """The two sides: those the detail read (``sides``), else the list's annotations."""
    sides = getattr(candidate, "sides", None)
    if sides is not None:
        return sides
    return {
        "a": {"person": candidate.person_a, "in_area": candidate.a_in_area, "city": candidate.a_city},
        "b": {"person": candidate.person_b, "in_area": candidate.b_in_area, "city": candidate.b_city},
    }


class DuplicateSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    reasons = serializers.SerializerMethodField()
    reason_labels = serializers.ListField(child=serializers.CharField(), source="reason_list")
    decided_by = serializers.CharField(source="decided_by.full_name", default="")
    person_a = serializers.SerializerMethodField()
    person_b = serializers.SerializerMethodField()

    class Meta:
        model = DuplicateCandidate
        fields = [
            "id",
            "status",
            "status_label",
            "reasons",
            "reason_labels",
            "first_found_at",
            "last_found_at",
            "decided_by",
            "decided_at",
            "note",
            "person_a",
            "person_b",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, candidate) -> list[str]:
        return [code for code in candidate.reasons.split(",") if code]

    @extend_schema_field(DuplicateSideSerializer)
    def get_person_a(self, candidate) -> dict:
        return _side(_sides_of(candidate)["a"])

    @extend_schema_field(DuplicateSideSerializer)
    def get_person_b(self, candidate) -> dict:
        return _side(_sides_of(candidate)["b"])


class MoveSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="registry_entries, contacts, applications, entitlements, disbursements, …")
    label = serializers.CharField()
    count = serializers.IntegerField()


class MergePreviewSerializer(serializers.Serializer):
    keep = serializers.IntegerField(help_text="the person kept")
    moves = MoveSerializer(many=True, help_text="what moves from the other record to it (kinds with rows only)")


class DuplicateDetailSerializer(DuplicateSerializer):
    can_dismiss = serializers.BooleanField()
    can_merge = serializers.BooleanField()
    merge_previews = MergePreviewSerializer(many=True, help_text="only to who may merge an undecided pair")

    class Meta(DuplicateSerializer.Meta):
        fields = [*DuplicateSerializer.Meta.fields, "can_dismiss", "can_merge", "merge_previews"]


def _detail(user, candidate: DuplicateCandidate) -> dict:
    """The pair read again for ``user``: both sides, what they may decide, and what each merge would move."""
    candidate = selectors_duplicates.duplicate_get_for_user(user=user, candidate_id=candidate.pk)
    candidate.sides = {
        side["key"]: side for side in selectors_duplicates.duplicate_sides(user=user, candidate=candidate)
    }
    units = [candidate.person_a.residence_unit, candidate.person_b.residence_unit]
    undecided = candidate.status in DECIDABLE
    candidate.can_dismiss = undecided and can_decide_duplicate(user, units)[0]
    candidate.can_merge = undecided and can_decide_duplicate(user, units, all_units=True)[0]
    previews = selectors_duplicates.duplicate_merge_preview(candidate=candidate) if candidate.can_merge else {}
    candidate.merge_previews = [{"keep": keep, "moves": moves} for keep, moves in previews.items()]
    return DuplicateDetailSerializer(candidate).data


class DuplicateListApi(FilteredListApi):
    """The possible duplicates of the caller's area (pairs with a record in it), newest first; ``status``: open
    (the default), dismissed, merged or stale."""

    serializer_class = DuplicateSerializer
    permission_classes = [IsAuthenticated, ReviewsDuplicates]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=DuplicateCandidate.Status.choices, required=False, default=DuplicateCandidate.Status.OPEN
        )

    def select(self, *, status):
        return selectors_duplicates.duplicate_list(user=self.request.user, status=status)


class DuplicateDetailApi(APIView):
    """One pair side by side (404 for a pair with no record in the caller's area)."""

    permission_classes = [IsAuthenticated, ReviewsDuplicates]

    @extend_schema(responses=DuplicateDetailSerializer)
    def get(self, request, pk):
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        return Response(_detail(request.user, candidate))


class DuplicateDismissApi(APIView):
    """ "Not a duplicate": the pair stays dismissed on every later run (a supervisor over one of the two records)."""

    permission_classes = [IsAuthenticated, ReviewsDuplicates]

    class DuplicateDismissInputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)

    @extend_schema(request=DuplicateDismissInputSerializer, responses=DuplicateDetailSerializer)
    def post(self, request, pk):
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        data = self.DuplicateDismissInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_duplicates.duplicate_dismiss(actor=request.user, candidate=candidate, **data.validated_data)
        return Response(_detail(request.user, candidate))


class DuplicateMergeResultSerializer(DuplicateDetailSerializer):
    moved = serializers.DictField(
        child=serializers.IntegerField(), help_text="rows moved, by kind (empty when the merge was already done)"
    )

    class Meta(DuplicateDetailSerializer.Meta):
        fields = [*DuplicateDetailSerializer.Meta.fields, "moved"]


class DuplicateMergeApi(APIView):
    """Merge the pair into ``keep`` (one of its two persons, by id): everything about the other moves to it, the
    other becomes a pointer to it. A supervisor over both records; the same merge again changes nothing."""

    permission_classes = [IsAuthenticated, ReviewsDuplicates]

    class DuplicateMergeInputSerializer(serializers.Serializer):
        keep = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="the id of the person kept")

    @extend_schema(request=DuplicateMergeInputSerializer, responses=DuplicateMergeResultSerializer)
    def post(self, request, pk):
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        data = self.DuplicateMergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        persons = {candidate.person_a_id: candidate.person_a, candidate.person_b_id: candidate.person_b}
        keep = persons.get(data.validated_data["keep"])
        if keep is None:  # as the service refuses a person that is neither
            raise serializers.ValidationError({"keep": [_("Keep one of the two records of this pair.")]})
        merged = services_duplicates.duplicate_merge(actor=request.user, candidate=candidate, keep=keep)
        return Response({**_detail(request.user, merged), "moved": getattr(merged, "moved", {})})
