"""主动服务 (proactive eligibility): every night, everyone on a register is screened against the programs of
their city that have a rule, and the caseworker's list of people likely eligible who have not applied is kept in
step with the records. Idempotent: a second run the same day changes nothing; a lead that is no longer found is
closed, a new one is opened. Works in chunks so a million people fit in a fixed amount of memory."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.errors import Conflict, PermissionDenied
from casework.models import Person, RegistryEntry
from casework.permissions import can_edit_in_unit

from .models import Lead, Program
from .rules.facts import Facts
from .rules.registry import RULES, _load_families, decide
from .selectors import params_for_city, people_facts, program_infos

CHUNK_SIZE = 1000


def _screened_programs() -> dict[str, list]:
    """Per city, the programs for individuals that a rule decides (the others are decided by hand and never
    produce a lead; employer programs are screened for organizations, not people)."""
    _load_families()
    cities = Program.objects.order_by().values_list("city", flat=True).distinct()
    return {
        city: [p for p in program_infos(city=city) if p.code in RULES and p.beneficiary == "individual"]
        for city in cities
    }


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def proactive_screen(*, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE) -> dict:
    today = today or timezone.localdate()
    programs = _screened_programs()
    params = {city: params_for_city(city=city) for city in programs}
    program_ids = dict(Program.objects.values_list("code", "pk"))
    person_ids = list(
        RegistryEntry.objects.active(today)
        .filter(person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )
    counts = {"screened": 0, "opened": 0, "kept": 0, "closed": 0}
    for chunk in _chunks(person_ids, chunk_size):
        people = list(Person.objects.filter(pk__in=chunk).select_related("residence_unit"))
        documents = people_facts(people=people, as_of=today)
        found = {}
        for person in people:
            facts = Facts(documents[person.pk], as_of=today)
            for program in programs.get(person.residence_unit.city_code, []):
                decision = decide(program, facts, params[program.city])
                if decision.eligible is True:
                    found[(person.pk, program_ids[program.code])] = (decision, person.residence_unit_id)
        _sync_chunk(chunk, found, today, counts)
        counts["screened"] += len(people)
    counts["closed"] += _close_unscreened(today)
    return counts


@transaction.atomic
def _sync_chunk(person_ids: list[int], found: dict, today: datetime.date, counts: dict) -> None:
    open_leads = {
        (lead.person_id, lead.program_id): lead
        for lead in Lead.objects.select_for_update().filter(person_id__in=person_ids, closed_on__isnull=True)
    }
    dismissed = set(
        Lead.objects.filter(person_id__in=person_ids, close_reason=Lead.CloseReason.DISMISSED).values_list(
            "person_id", "program_id"
        )
    )
    create, refresh, change, close = [], [], [], []
    for key, (decision, unit_id) in found.items():
        if key in dismissed:
            continue
        amount = None if decision.amount_cny is None else Decimal(decision.as_dict()["amount_cny"])
        reasons = [reason.as_dict() for reason in decision.reasons]
        lead = open_leads.get(key)
        if lead is None:
            create.append(
                Lead(
                    person_id=key[0],
                    program_id=key[1],
                    unit_id=unit_id,
                    first_found_on=today,
                    last_found_on=today,
                    amount_cny=amount,
                    period=decision.period or "",
                    reasons=reasons,
                )
            )
            continue
        material = (lead.amount_cny, lead.unit_id, lead.period) != (amount, unit_id, decision.period or "")
        lead.last_found_on, lead.reasons = today, reasons
        lead.amount_cny, lead.unit_id, lead.period = amount, unit_id, decision.period or ""
        (change if material else refresh).append(lead)
    for key, lead in open_leads.items():
        if key not in found:
            lead.closed_on, lead.close_reason = today, Lead.CloseReason.NO_LONGER_ELIGIBLE
            close.append(lead)
    if create:
        bulk_create_with_history(create, Lead, batch_size=1000, default_change_reason="found by the nightly screening")
    if refresh:  # same decision: no history row for a night that changed nothing that matters
        Lead.objects.bulk_update(refresh, ["last_found_on", "reasons"], batch_size=1000)
    if change:
        bulk_update_with_history(
            change,
            Lead,
            ["last_found_on", "reasons", "amount_cny", "unit", "period"],
            batch_size=1000,
            default_change_reason="amount or community changed",
        )
    if close:
        bulk_update_with_history(
            close,
            Lead,
            ["closed_on", "close_reason"],
            batch_size=1000,
            default_change_reason="no longer found by the nightly screening",
        )
    counts["opened"] += len(create)
    counts["kept"] += len(refresh) + len(change)
    counts["closed"] += len(close)


def _close_unscreened(today: datetime.date) -> int:
    """Leads of people no longer on any register were not screened tonight: close them too."""
    closed = 0
    while True:
        with transaction.atomic():
            stale = list(
                Lead.objects.select_for_update().filter(closed_on__isnull=True, last_found_on__lt=today)[:1000]
            )
            if not stale:
                return closed
            for lead in stale:
                lead.closed_on, lead.close_reason = today, Lead.CloseReason.NO_LONGER_ELIGIBLE
            bulk_update_with_history(
                stale,
                Lead,
                ["closed_on", "close_reason"],
                batch_size=1000,
                default_change_reason="no longer on a register",
            )
            closed += len(stale)


@transaction.atomic
def lead_dismiss(*, actor, lead: Lead) -> Lead:
    """A caseworker closes a lead by hand (the person declined, or it does not fit); the screening does not open
    it again for the same person and program."""
    allowed, reason = can_edit_in_unit(actor, lead.unit)
    if not allowed:
        raise PermissionDenied(reason)
    if lead.closed_on is not None:
        raise Conflict(_("This lead is already closed."))
    lead.closed_on, lead.close_reason = timezone.localdate(), Lead.CloseReason.DISMISSED
    lead.save(update_fields=["closed_on", "close_reason"])
    return lead
