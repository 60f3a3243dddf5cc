"""What a supervisor decides about a possible duplicate (``DuplicateCandidate``): "not a duplicate", which stays
so on every later run, or a merge into one record."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.errors import Conflict, PermissionDenied

from . import follow_ups
from .models import AccountChange, ChangeRequest, DuplicateCandidate, ExitReason, HouseholdMember, Person
from .permissions import can_decide_duplicate
from .services import household_recompute


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


# --- Merge ------------------------------------------------------------------------------------------------------
#
# The rules (docs/policy-decisions.md, "Duplicate persons"): the kept record keeps its own fields; every row about
# the other one moves to it, each with a history row naming the merge. Where both hold the one open row a
# constraint allows: an open entry on one register (or an open lead for one program) is one fact recorded twice,
# so the other's is closed and stays with the tombstone; an open assistance is help really given, so the other's
# ends today and moves; an answer to one question stays the kept record's, the other's stays with the tombstone.
# Refused when only a person can choose: both with an active grant (or a one-time grant) of one family, both in
# two different households.

SIMPLE_MOVES = (  # (related name, label): rows with no constraint on the person, moved as they are
    ("employment", "employment"),
    ("contacts", "contacts"),
    ("notes", "notes"),
    ("referrals", "referrals"),
    ("name_conflicts", "name_conflicts"),
    ("change_requests", "change_requests"),  # decided ones only: a waiting one refuses the merge
    ("account_changes", "account_changes"),
)


def merge_reason(keep: Person, gone: Person) -> str:
    """The change reason on every history row a merge writes."""
    return f"merge: person {gone.pk} into {keep.pk}"


def move_rows(rows, *, actor, keep: Person, reason: str, fields=("person",), **changes) -> int:
    """Point ``rows`` (a queryset of a model with ``person``) at ``keep``, one history row each, naming ``reason``;
    ``changes`` are set on every row too. For the hooks of the apps above casework as well."""
    rows = list(rows)
    if not rows:
        return 0
    for row in rows:
        row.person = keep
        for field, value in changes.items():
            setattr(row, field, value)
    bulk_update_with_history(rows, type(rows[0]), [*fields, *changes], default_user=actor, default_change_reason=reason)
    return len(rows)


def close_rows(rows, *, actor, reason: str, **changes) -> int:
    """Set ``changes`` on ``rows`` (closing them), one history row each naming ``reason``."""
    rows = list(rows)
    for row in rows:
        for field, value in changes.items():
            setattr(row, field, value(row) if callable(value) else value)
    if rows:
        bulk_update_with_history(rows, type(rows[0]), list(changes), default_user=actor, default_change_reason=reason)
    return len(rows)


def _merge_hooks():
    return [import_string(path) for path in getattr(settings, "CASEWORK_MERGE_HOOKS", [])]


def _lock_pair(candidate: DuplicateCandidate) -> tuple[DuplicateCandidate, Person, Person]:
    candidate = DuplicateCandidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    persons = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",))
        .select_related("residence_unit")
        .filter(pk__in=[candidate.person_a_id, candidate.person_b_id])
        .order_by("pk")
    }
    return candidate, persons[candidate.person_a_id], persons[candidate.person_b_id]


def _merge_households(*, actor, keep: Person, gone: Person, reason: str) -> int:
    kept_member = HouseholdMember.objects.filter(person=keep).first()
    gone_member = HouseholdMember.objects.filter(person=gone).select_for_update().first()
    if gone_member is None:
        return 0
    household = gone_member.household
    if kept_member is None:
        move_rows([gone_member], actor=actor, keep=keep, reason=reason)
    elif kept_member.household_id == household.pk:  # one person listed twice in one household
        gone_member._change_reason = reason
        gone_member.delete()
    else:
        raise Conflict(
            _(
                "The two records belong to two different households. Take the duplicate out of its household "
                "(or move the kept record) first: which household the person lives in is a caseworker's finding."
            ),
            code="two_households",
        )
    household_recompute(household=household)
    follow_ups.refresh(household_ids=[household.pk])
    return 1


@transaction.atomic
def duplicate_merge(*, actor, candidate: DuplicateCandidate, keep: Person) -> DuplicateCandidate:
    """Merge the pair into ``keep`` (one of its two persons): everything about the other moves to it, the other
    becomes a tombstone (``merged_into``) with history on both. A second click on the same merge changes nothing."""
    candidate, person_a, person_b = _lock_pair(candidate)
    if keep.pk not in (person_a.pk, person_b.pk):
        raise ValidationError({"keep": _("Keep one of the two records of this pair.")})
    keep, gone = (person_a, person_b) if keep.pk == person_a.pk else (person_b, person_a)
    allowed, why_not = can_decide_duplicate(actor, [keep.residence_unit, gone.residence_unit], all_units=True)
    if not allowed:
        raise PermissionDenied(why_not)
    if candidate.status == DuplicateCandidate.Status.MERGED and gone.merged_into_id == keep.pk:
        return candidate  # the same merge again (a second click): already done
    if candidate.status not in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.STALE):
        raise Conflict(_("This pair has already been decided."), code="decided")
    if keep.merged_into_id or gone.merged_into_id:
        raise Conflict(_("One of the two records has already been merged into another."), code="merged")

    waiting = ChangeRequest.objects.waiting().filter(person__in=[keep, gone]).exists()
    if waiting or AccountChange.objects.pending().filter(person__in=[keep, gone]).exists():
        raise Conflict(
            _("A change request or a bank account change of one of the two records waits: decide it first."),
            code="changes_waiting",
        )

    reason = merge_reason(keep, gone)
    today, now = timezone.localdate(), timezone.now()
    moved: dict[str, int] = {}
    # the apps above casework first: their refusals (two active grants of one family) come before any move
    for hook in _merge_hooks():
        moved.update(hook(actor=actor, keep=keep, gone=gone, reason=reason) or {})
    moved["household"] = _merge_households(actor=actor, keep=keep, gone=gone, reason=reason)

    # register entries: an open entry on a register the kept record is open on too is the same fact twice; it is
    # closed (entered in error) and stays with the tombstone, so the kept record shows the register once
    kept_open = set(keep.registry_entries.filter(exited_on__isnull=True).values_list("register_id", flat=True))
    entries = list(gone.registry_entries.select_for_update())
    twice = [e for e in entries if e.exited_on is None and e.register_id in kept_open]
    close_rows(
        twice,
        actor=actor,
        reason=reason,
        exited_on=lambda e: max(today, e.entered_on),
        exit_reason=ExitReason.ENTERED_IN_ERROR,
    )
    moved["registry_entries"] = move_rows(
        [e for e in entries if e not in twice and e.exited_on is not None], actor=actor, keep=keep, reason=reason
    ) + move_rows(
        [e for e in entries if e.exited_on is None], actor=actor, keep=keep, reason=reason, unit=keep.residence_unit
    )

    # assistance: one open at a time; the other's open one ends today
    if keep.assistance.filter(ended_on__isnull=True).exists():
        close_rows(
            gone.assistance.filter(ended_on__isnull=True),
            actor=actor,
            reason=reason,
            ended_on=lambda a: max(today, a.started_on),
        )
    moved["assistance"] = move_rows(gone.assistance.all(), actor=actor, keep=keep, reason=reason)
    for related, label in SIMPLE_MOVES:
        moved[label] = move_rows(getattr(gone, related).all(), actor=actor, keep=keep, reason=reason)

    # the worklist is derived: the tombstone's open items are done, the kept record's raised anew as due
    close_rows(gone.follow_ups.filter(done_at__isnull=True), actor=actor, reason=reason, done_at=now)
    follow_ups.refresh(person_ids=[keep.pk], reason=reason)

    # earlier tombstones of the other record now point to the kept one
    moved["tombstones"] = close_rows(gone.merged_records.all(), actor=actor, reason=reason, merged_into=keep)

    # the applicant account: the kept record's stays; the other's moves when the kept record has none
    account = gone.account
    if account is not None:
        gone.account = None
        if keep.account_id is None:
            gone._change_reason = reason
            gone.save(update_fields=["account", "updated_at"])
            keep.account = account
            moved["account"] = 1
    gone.merged_into = keep
    gone._change_reason = reason
    gone.save(update_fields=["merged_into", "account", "updated_at"])
    keep._change_reason = reason
    keep.save(update_fields=["account", "updated_at"])

    # the other pairs of the tombstone are no longer to review
    DuplicateCandidate.objects.filter(
        Q(person_a=gone) | Q(person_b=gone), status=DuplicateCandidate.Status.OPEN
    ).exclude(pk=candidate.pk).update(status=DuplicateCandidate.Status.STALE)
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.decided_by = actor
    candidate.decided_at = now
    candidate.note = ""
    candidate._change_reason = reason
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    candidate.moved = moved
    return candidate
