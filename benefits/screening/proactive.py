"""主动服务 (proactive eligibility): every night, everyone on a register is screened against the programs of
their city that have a rule, and the caseworker's list of people likely eligible who have not applied is kept in
step with the records. Idempotent: a second run the same day changes nothing; a lead that is no longer found is
closed, a new one is opened.

A run is split into chunks of people (a fixed amount of memory per chunk); the nightly task hands each chunk to
the workers, which screen them in parallel, and the chunk that completes the run closes the leads of people no
longer on a register. ``proactive_screen`` does the same in one process (tests, the benchmark's baseline)."""

import datetime
from functools import lru_cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.models import Person, RegistryEntry
from casework.permissions import can_edit_in_unit
from core.errors import Conflict, require

from ..catalogue.selectors import params_for_city, program_infos
from ..models import Application, Lead, Program, ScreeningChunk, ScreeningRun
from ..rules.engine import money
from ..rules.facts import Facts
from ..rules.registry import RULES, ScreeningMemo, load_families, screening
from .facts import people_facts

CHUNK_SIZE = 1000


@lru_cache(maxsize=2)
def _run_context(run_pk: int, started_at: datetime.datetime) -> tuple[dict, dict, dict]:
    """What every chunk of a run reads, once per worker process and run: per city the programs for individuals
    that a rule decides (the others are decided by hand and never produce a lead; employer programs are screened
    for organizations, not people), the parameters, and the program ids."""
    load_families()
    cities = Program.objects.order_by().values_list("city", flat=True).distinct()
    programs = {
        city: [p for p in program_infos(city=city) if p.code in RULES and p.beneficiary == "individual"]
        for city in cities
    }
    params = {city: params_for_city(city=city) for city in programs}
    return programs, params, dict(Program.objects.values_list("code", "pk"))


@lru_cache(maxsize=1)
def _run_memo(run_pk: int, started_at: datetime.datetime) -> ScreeningMemo:
    """The decisions this process has made in this run, reused for people who answer the same (see the memo)."""
    return ScreeningMemo()


def _on_a_register(today: datetime.date):
    """The entries of people on a register on ``today``; a record merged into another (which keeps only entries
    closed by the merge) is never screened: its leads would belong on the kept record."""
    return (
        RegistryEntry.objects.active(today)
        .filter(person__isnull=False, person__merged_into__isnull=True)
        .order_by("person_id")
    )


def screening_start(*, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE):
    """Open a run for ``today``: the people on a register, cut into chunks of ``chunk_size`` consecutive ids.
    Returns the run and each chunk's (first id, last id)."""
    today = today or timezone.localdate()
    person_ids = list(_on_a_register(today).values_list("person_id", flat=True).distinct())
    bounds = [
        (person_ids[start], person_ids[min(start + chunk_size, len(person_ids)) - 1])
        for start in range(0, len(person_ids), chunk_size)
    ]
    run = ScreeningRun.objects.create(screened_on=today, people=len(person_ids), chunks_total=len(bounds))
    if not bounds:
        _finish(run.pk)
    return run, bounds


def screen_chunk(*, run_id: int, number: int, first: int, last: int) -> None:
    """Screen the people on a register with ids from ``first`` to ``last`` and bring their leads in step; the
    last chunk of the run to finish closes the run. A chunk already done (delivered twice) is skipped."""
    run = ScreeningRun.objects.get(pk=run_id)
    if run.chunks.filter(number=number).exists():
        return
    today = run.screened_on
    programs, params, program_ids = _run_context(run.pk, run.started_at)
    chunk = list(
        _on_a_register(today).filter(person_id__gte=first, person_id__lte=last).values_list("person_id", flat=True)
    )
    people = list(Person.objects.filter(pk__any=chunk).select_related("residence_unit"))
    documents = people_facts(people=people, as_of=today)
    found = {}
    memo = _run_memo(run.pk, run.started_at)
    with screening():
        for person in people:
            facts = Facts(documents[person.pk], as_of=today)
            for program in programs.get(person.residence_unit.city_code, []):
                if decision := memo.eligible_decision(program, facts, params[program.city]):
                    found[(person.pk, program_ids[program.code])] = (decision, person.residence_unit_id)
    with transaction.atomic():
        counts = _sync_chunk([person.pk for person in people], found, today)
        ScreeningChunk.objects.create(run=run, number=number, screened=len(people), **counts)
    # Counted after this chunk's commit, so of two chunks finishing together the later one sees both.
    if run.chunks.count() == run.chunks_total:
        _finish(run.pk)


def _finish(run_id: int) -> None:
    with transaction.atomic():
        run = ScreeningRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None:
            return
        run.closed_unscreened = _close_unscreened(run.screened_on)
        run.finished_at = timezone.now()
        run.save(update_fields=["closed_unscreened", "finished_at"])


def screening_counts(run: ScreeningRun) -> dict:
    chunks = list(run.chunks.values_list("screened", "opened", "kept", "closed"))
    return {
        "screened": sum(row[0] for row in chunks),
        "opened": sum(row[1] for row in chunks),
        "kept": sum(row[2] for row in chunks),
        "closed": sum(row[3] for row in chunks) + run.closed_unscreened,
    }


def proactive_screen(*, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE) -> dict:
    """A whole run in this process, chunk after chunk."""
    run, bounds = screening_start(today=today, chunk_size=chunk_size)
    for number, (first, last) in enumerate(bounds):
        screen_chunk(run_id=run.pk, number=number, first=first, last=last)
    run.refresh_from_db()
    return screening_counts(run)


def _sync_chunk(person_ids: list[int], found: dict, today: datetime.date) -> dict:
    open_leads = {
        (lead.person_id, lead.program_id): lead
        for lead in Lead.objects.select_for_update().filter(person_id__any=person_ids, closed_on__isnull=True)
    }
    dismissed = set(
        Lead.objects.filter(person_id__any=person_ids, close_reason=Lead.CloseReason.DISMISSED).values_list(
            "person_id", "program_id"
        )
    )
    # Whoever applied (whatever became of it) is no longer a lead for that program.
    dismissed |= set(Application.objects.filter(person_id__any=person_ids).values_list("person_id", "program_id"))
    create, refresh, change, close, unchanged = [], [], [], [], []
    for key, (decision, unit_id) in found.items():
        if key in dismissed:
            continue
        amount = None if decision.amount_cny is None else money(decision.amount_cny)
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
        if (lead.amount_cny, lead.unit_id, lead.period) != (amount, unit_id, decision.period or ""):
            lead.last_found_on, lead.reasons = today, reasons
            lead.amount_cny, lead.unit_id, lead.period = amount, unit_id, decision.period or ""
            change.append(lead)
        elif lead.reasons != reasons:
            lead.last_found_on, lead.reasons = today, reasons
            refresh.append(lead)
        else:
            unchanged.append(lead.pk)
    for key, lead in open_leads.items():
        if key not in found:
            lead.closed_on, lead.close_reason = today, Lead.CloseReason.NO_LONGER_ELIGIBLE
            close.append(lead)
    if create:
        bulk_create_with_history(create, Lead, batch_size=1000, default_change_reason="found by the nightly screening")
    if unchanged:  # the same lead as last night: only the day it was last found moves
        Lead.objects.filter(pk__any=unchanged).update(last_found_on=today)
    if refresh:  # only the wording of a reason changed: no history row for it
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
    return {"opened": len(create), "kept": len(unchanged) + len(refresh) + len(change), "closed": len(close)}


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
    require(can_edit_in_unit(actor, lead.unit))
    if lead.closed_on is not None:
        raise Conflict(_("This lead is already closed."))
    lead.closed_on, lead.close_reason = timezone.localdate(), Lead.CloseReason.DISMISSED
    lead.save(update_fields=["closed_on", "close_reason"])
    return lead
