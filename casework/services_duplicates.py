"""What a supervisor decides about a possible duplicate (``DuplicateCandidate``): "not a duplicate", which stays
so on every later run, or a merge into one record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, PermissionDenied

from .models import DuplicateCandidate
from .permissions import can_decide_duplicate


def _locked_open(candidate: DuplicateCandidate) -> DuplicateCandidate:
    candidate = (
        DuplicateCandidate.objects.select_for_update(of=("self",))
        .select_related("person_a__residence_unit", "person_b__residence_unit")
        .get(pk=candidate.pk)
    )
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.STALE):
        raise Conflict(_("This pair has already been decided."), code="decided")
    return candidate


@transaction.atomic
def duplicate_dismiss(*, actor, candidate: DuplicateCandidate, note: str = "") -> DuplicateCandidate:
    """Mark a pair "not a duplicate": the nightly run keeps finding it but never opens it again."""
    candidate = _locked_open(candidate)
    units = [candidate.person_a.residence_unit, candidate.person_b.residence_unit]
    allowed, why_not = can_decide_duplicate(actor, units)
    if not allowed:
        raise PermissionDenied(why_not)
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.note = (note or "").strip()
    candidate._change_reason = "dismissed"
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return candidate
