"""What benefits moves when casework merges two person records (``casework.services_duplicates.duplicate_merge``
calls the functions of ``settings.CASEWORK_MERGE_HOOKS``; casework never imports benefits).

Refused first, before anything moves: both records hold an active periodic grant of one family (the database
allows one per person, ``entitlement_one_active_per_person_family``, so the merged person could not hold both,
and which one to end is a decision about money), or both hold a one-time grant of one family that is not
terminated (``entitlement_once_per_person_family``: one of the two was paid against the rule and is to be
recovered, not merged away). Then applications, grants, payment lines, loans, appeals, complaints, leads and
recorded answers move, each with a history row naming the merge. An open lead for a program the kept record has
an open lead for too is the same finding twice: it is closed (dismissed) today and stays with the tombstone; an
answer to a question the kept record has answered
stays with the tombstone (the kept record's answer stands)."""

from django.db.models import Count, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.selectors_duplicates import count_rows, counts_of
from casework.services_duplicates import close_rows, move_rows
from core.errors import Conflict

from .models import Appeal, Application, Complaint, Disbursement, Entitlement, FactAnswer, Lead, Loan


def _refuse_two_grants(keep, gone) -> None:
    grants = Entitlement.objects.filter(person__in=[keep, gone])
    active = grants.filter(once=False, status=Entitlement.Status.ACTIVE)
    once = grants.filter(once=True).exclude(status=Entitlement.Status.TERMINATED)
    for rows, message in (
        (
            active,
            _(
                "Both records hold an active grant of the same kind (“%(program)s”): one person may hold only one. "
                "End or terminate one of the two grants before merging."
            ),
        ),
        (
            once,
            _(
                "Both records hold the one-time grant “%(program)s”: one of the two was paid twice. Terminate "
                "the wrong one (and recover the money) before merging."
            ),
        ),
    ):
        clash = rows.values("family").annotate(persons=Count("person", distinct=True)).filter(persons=2)
        clash = clash.order_by("family")
        family = clash.values_list("family", flat=True).first()
        if family is not None:
            program = rows.filter(family=family).select_related("program").first().program
            raise Conflict(message % {"program": program.display_name}, code="two_grants_of_one_family")


def person_merge_rows(*, actor, keep, gone, reason: str) -> dict[str, int]:
    """The hook: refuse two grants of one family, else move ``gone``'s benefits rows to ``keep``."""
    _refuse_two_grants(keep, gone)
    moved = {}
    for label, model in (
        ("applications", Application),
        ("entitlements", Entitlement),
        ("disbursements", Disbursement),
        ("loans", Loan),
        ("appeals", Appeal),
        ("complaints", Complaint),
    ):
        moved[label] = move_rows(
            model.objects.filter(person=gone).select_for_update(), actor=actor, keep=keep, reason=reason
        )
    kept_programs = set(Lead.objects.filter(person=keep, closed_on__isnull=True).values_list("program_id", flat=True))
    twice = list(Lead.objects.filter(person=gone, closed_on__isnull=True, program_id__in=kept_programs))
    close_rows(
        twice,
        actor=actor,
        reason=reason,
        closed_on=timezone.localdate(),
        close_reason=Lead.CloseReason.DISMISSED,
    )
    moved["leads"] = move_rows(
        Lead.objects.filter(person=gone).exclude(pk__in=[lead.pk for lead in twice]),
        actor=actor,
        keep=keep,
        reason=reason,
    )
    answered = FactAnswer.objects.filter(person=keep).values_list("path", flat=True)
    moved["fact_answers"] = move_rows(
        FactAnswer.objects.filter(person=gone).exclude(path__in=answered), actor=actor, keep=keep, reason=reason
    )
    return moved


def person_merge_counts(*, keep, gone) -> list[tuple[str, str, int]]:
    """The count hook (``settings.CASEWORK_MERGE_COUNT_HOOKS``): what ``person_merge_rows`` would move from
    ``gone`` to ``keep``, kind by kind with its label, in one query (set-based counts). As the move does, an open
    lead for a program ``keep`` has an open lead for, and an answer to a question ``keep`` has answered, stay."""
    kept_programs = Lead.objects.filter(person=keep, closed_on__isnull=True).values("program_id")
    answered = FactAnswer.objects.filter(person=keep).values("path")
    rows = {
        "applications": (Application, Application.objects.filter(person=OuterRef("pk"))),
        "entitlements": (Entitlement, Entitlement.objects.filter(person=OuterRef("pk"))),
        "disbursements": (Disbursement, Disbursement.objects.filter(person=OuterRef("pk"))),
        "loans": (Loan, Loan.objects.filter(person=OuterRef("pk"))),
        "appeals": (Appeal, Appeal.objects.filter(person=OuterRef("pk"))),
        "complaints": (Complaint, Complaint.objects.filter(person=OuterRef("pk"))),
        "leads": (
            Lead,
            Lead.objects.filter(person=OuterRef("pk")).exclude(closed_on__isnull=True, program_id__in=kept_programs),
        ),
        "fact_answers": (FactAnswer, FactAnswer.objects.filter(person=OuterRef("pk")).exclude(path__in=answered)),
    }
    annotations = {kind: count_rows(queryset) for kind, (_model, queryset) in rows.items()}
    counts = counts_of(gone, annotations)
    return [(kind, model._meta.verbose_name_plural, counts[kind]) for kind, (model, _rows) in rows.items()]
