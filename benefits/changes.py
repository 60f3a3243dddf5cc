"""What benefits does when a person's record changes (``casework.services_changes`` calls these through
``CASEWORK_CHANGE_APPLIED_HOOKS``, ``CASEWORK_ACCOUNT_SETTLED_HOOKS`` and ``CASEWORK_FOLLOW_UP_SOURCES``).

Re-screening: after a change request that may alter eligibility is applied, each active or suspended periodic
grant of the person whose program a rule decides is decided again on today's records (the grant itself left out of
the facts, so "already holds one" does not count against it). Where the rule now says "not eligible", a grant
review opens with the rule's reasons and shows on the caseworker's worklist; the caseworker keeps the grant (with a
reason) or a supervisor ends it. Nothing ends by itself. An unknown answer (a fact missing) raises nothing: the
nightly jobs and the period limits stay the catch-up.

Held payments: a grant due to be paid while its party's new bank account waits for confirmation gets an open
``new_account`` payment exception from generation; confirming or reverting the change settles it, and the next
generation makes the lines (to the new account, or the old one)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import follow_ups
from casework.follow_ups import Due
from casework.permissions import can_edit_in_unit
from core.errors import Conflict, require

from .applications.entitlements import entitlement_terminate
from .catalogue.selectors import params_for_city, program_infos
from .models import Entitlement, GrantReview, PaymentException
from .rules.facts import Facts
from .rules.registry import RULES, decide
from .screening.facts import person_facts

NOTE_MAX_LENGTH = 2000


def _without(document: dict, entitlement: Entitlement) -> dict:
    """The facts with the grant under review left out of the person's grants."""
    start = entitlement.start.isoformat()
    grants = [
        row
        for row in document.get("grants", [])
        if not (row["program"] == entitlement.program.code and row["from"] == start)
    ]
    return {**document, "grants": grants} if grants else {k: v for k, v in document.items() if k != "grants"}


def grants_rescreen(*, actor, change_request, today: datetime.date | None = None) -> list[GrantReview]:
    """The person's running periodic grants decided again after ``change_request``: a review for each the rules
    no longer find eligible (an open review of the same grant is brought up to date instead)."""
    today = today or timezone.localdate()
    person = change_request.person
    grants = list(
        Entitlement.objects.filter(
            person=person,
            once=False,
            status__in=[Entitlement.Status.ACTIVE, Entitlement.Status.SUSPENDED],
        ).select_related("program")
    )
    grants = [grant for grant in grants if grant.program.code in RULES]
    if not grants:
        return []
    city = person.residence_unit.city_code
    infos = {info.code: info for info in program_infos(city=grants[0].program.city)}
    params = params_for_city(city=grants[0].program.city)
    document = person_facts(person=person, as_of=today)
    raised = []
    for grant in grants:
        info = infos.get(grant.program.code)
        if info is None or grant.program.city not in (city, "national"):
            continue
        decision = decide(info, Facts(_without(document, grant), as_of=today), params)
        if decision.eligible is not False:
            continue
        reasons = [reason.as_dict() for reason in decision.reasons if reason.met is False]
        review = GrantReview.objects.filter(entitlement=grant, status=GrantReview.Status.OPEN).first()
        if review is None:
            try:
                with transaction.atomic():
                    review = GrantReview.objects.create(
                        entitlement=grant,
                        unit=grant.unit,
                        change_request=change_request,
                        raised_on=today,
                        reasons=reasons,
                    )
            except IntegrityError:  # raised at the same moment by another change
                continue
        else:
            review.change_request, review.reasons = change_request, reasons
            review.save(update_fields=["change_request", "reasons"])
        raised.append(review)
    follow_ups.refresh(person_ids=[person.pk])
    return raised


def grant_reviews_due(*, today: datetime.date, person_ids=None) -> dict[int, Due]:
    """The worklist's "grant to review" items: people with an open grant review, due on the day it was raised."""
    rows = GrantReview.objects.open().filter(
        entitlement__person__isnull=False,
        entitlement__status__in=[Entitlement.Status.ACTIVE, Entitlement.Status.SUSPENDED],
    )
    if person_ids is not None:
        rows = rows.filter(entitlement__person_id__any=list(person_ids))
    due = {}
    for person_id, unit_id, raised_on, name in rows.order_by("raised_on", "pk").values_list(
        "entitlement__person_id", "entitlement__person__residence_unit", "raised_on", "entitlement__program__name_zh"
    ):
        due.setdefault(person_id, Due(unit_id, raised_on, name))
    return due


def _locked_review(review: GrantReview) -> GrantReview:
    review = (
        GrantReview.objects.select_for_update()
        .select_related("entitlement", "entitlement__program", "unit")
        .get(pk=review.pk)
    )
    if review.status != GrantReview.Status.OPEN:
        raise Conflict(_("This grant review is already decided: %(status)s.") % {"status": review.get_status_display()})
    return review


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the reason.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": NOTE_MAX_LENGTH}})
    return note


def _decided(review: GrantReview, actor, status: str, note: str) -> GrantReview:
    review.status, review.decided_by, review.decided_at, review.note = status, actor, timezone.now(), note
    review._change_reason = status
    review.save(update_fields=["status", "decided_by", "decided_at", "note"])
    follow_ups.refresh(person_ids=[review.entitlement.person_id], reason="closed: grant review decided")
    return review


@transaction.atomic
def grant_review_keep(*, actor, review: GrantReview, note: str) -> GrantReview:
    """The grant goes on (the change does not affect it, or the rule's reading does not fit the case): why."""
    note = _note(note)
    review = _locked_review(review)
    require(can_edit_in_unit(actor, review.unit))
    return _decided(review, actor, GrantReview.Status.KEPT, note)


@transaction.atomic
def grant_review_end(*, actor, review: GrantReview, note: str) -> GrantReview:
    """The grant ends: terminated through the grant's own service (a supervisor's step, with its checks)."""
    note = _note(note)
    review = _locked_review(review)
    entitlement_terminate(actor=actor, entitlement=review.entitlement, reason=note)  # closes the review too
    review.refresh_from_db()
    return review


GRANT_REVIEW_ACTIONS = {"keep": (grant_review_keep, ("note",)), "end": (grant_review_end, ("note",))}


# --- Held payments --------------------------------------------------------------------------------------------


def held_payments_settle(*, actor, change, resolution: str) -> int:
    """The account change is confirmed or reverted: the payments held for it are settled (the next generation
    pays them, with their arrears), each with a history row."""
    party = (
        {"entitlement__person_id": change.person_id}
        if change.person_id
        else {"entitlement__organization_id": change.organization_id}
    )
    held = list(
        PaymentException.objects.select_for_update().filter(
            kind=PaymentException.Kind.NEW_ACCOUNT, resolved_at__isnull=True, **party
        )
    )
    for exception in held:
        exception.resolved_by, exception.resolved_at = actor, timezone.now()
        exception.resolution = resolution[:255]
        exception._change_reason = "settled by the account change"
        exception.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    return len(held)
