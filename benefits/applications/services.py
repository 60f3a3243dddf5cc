"""The application workflow: intake, submission, the caseworker's recommendation, the supervisor's decision and
the entitlement an approval grants. Each transition is one service and there is no other way to change
``Application.state`` (the field is not editable in forms, serializers or the admin): the console, the API, bulk
actions and commands all call these, so every route to "approved" passes the same checks.

Four eyes: nobody decides an application they created, submitted or recommended; above
``CASEWORK_SECOND_APPROVAL_ABOVE_CNY`` of total exposure (``grant_exposure``: every period until the grant's end,
back-pay included) a second, different supervisor must approve too, and confirms exactly the terms the first one
approved (amount, start, schedule, exposure, override reason): different terms void the first approval and start
the two steps again. At decision time the rules run again on the facts as of the decision date; a result other than
eligible blocks approval unless the supervisor writes an override reason."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import users_with_role_over
from accounts.services import notifications_resolve, notify_by_sms, notify_staff
from casework.permissions import can_edit_in_unit
from casework.services import check_not_merged
from core.dates import PERIOD_MONTHS, add_months
from core.errors import Conflict, PermissionDenied, require
from core.uploads import checked_document, stored_name

from ..catalogue.selectors import (
    UNDATED_POLICY_FROM,
    evidence_labels_zh,
    params_for_city,
    policy_dates,
    program_infos,
)
from ..models import Application, ApplicationNote, Entitlement, Evidence, Lead, Program, YearlyCapUsage
from ..rules.engine import Decision
from ..rules.facts import Facts, FactsError, validate
from ..rules.registry import decide
from ..screening.facts import application_facts
from .evidence import checklist_item_for

State = Application.State


def save_step(application: Application, fields: list[str], reason: str) -> None:
    """The one way a step is saved (here and by the review of a decision): the history names the step, and the
    people concerned are told."""
    application._change_reason = reason  # the timeline reads the history's change reasons
    application.save(update_fields=fields)
    _tell(application)


# The longest note kept (a page of text); the forms and the API say so before the service does.
NOTE_MAX_LENGTH = 2000


def note_record(application: Application, actor, step: str, text: str, *, for_applicant: bool = False) -> None:
    """Keep a note written at ``step`` as its own entry of the timeline (nothing is overwritten); no text, no note."""
    if text and text.strip():
        ApplicationNote.objects.create(
            application=application, step=step, text=text.strip(), for_applicant=for_applicant, author=actor
        )


def _tell(application: Application) -> None:
    """Who hears of a step: the caseworkers of an application submitted in the portal; supervisors of a case
    waiting for their decision; the caseworkers who look after it, and the applicant by SMS (in the applicant's
    words, not the internal state), of a decision or a return. Sent only if the step commits."""
    link = reverse("benefits:application-detail", args=[application.pk])
    name = f"{application.party} · {application.program.name_zh}"
    check, decide = f"application:{application.pk}:check", f"application:{application.pk}:decide"
    if application.state != State.SUBMITTED:  # checked: "to check" notices are done with
        notifications_resolve(pending=check)
    if application.state != State.RECOMMENDED:  # decided, returned or withdrawn: nobody waits to decide it
        notifications_resolve(pending=decide)
    if application.state == State.SUBMITTED and application.submitted_by.is_applicant:
        notify_staff(
            users=caseworkers_of(application),
            subject=_("Submitted in the portal, to check: %(name)s") % {"name": name},
            link=link,
            pending=check,
        )
    elif application.state == State.RECOMMENDED and not application.first_approved_by_id:
        notify_staff(
            users=users_with_role_over(unit=application.unit, role=Role.SUPERVISOR),
            subject=_("Waiting for your decision: %(name)s") % {"name": name},
            link=link,
            pending=decide,
        )
    elif application.state in (State.APPROVED, State.REJECTED, State.RETURNED):
        notify_staff(
            users=caseworkers_of(application),
            subject=_("%(status)s: %(name)s") % {"status": application.get_state_display(), "name": name},
            body=application.decision_note,
            link=link,
        )
        phone = application.person.phone if application.person_id else application.organization.contact_phone
        if phone:
            notify_by_sms(
                number=phone,
                text=_("Your application for %(program)s: %(status)s. No. %(number)s.")
                % {
                    "program": application.program.name_zh,
                    "status": application.public_status,
                    "number": application.pk,
                },
            )


def caseworkers_of(application: Application) -> list:
    """Who looks after an application: the caseworker who took it, or, for one made in the portal, the
    caseworkers of its unit and the units above."""
    if not application.created_by.is_applicant:
        return [application.created_by]
    return list(users_with_role_over(unit=application.unit, role=Role.CASEWORKER))


def _check_edit(actor, unit, party=None) -> None:
    """Staff who keep the unit's records; an applicant only for their own ``party`` (the person or organization
    their portal account has claimed), and never for a caseworker's step (no ``party`` given)."""
    if actor.is_applicant:
        if party is None or party.account_id != actor.pk:
            raise PermissionDenied(_("An applicant acts only on their own applications, and not on this step."))
        return
    require(can_edit_in_unit(actor, unit))


def _locked(application: Application, *allowed: str) -> Application:
    """The row, locked for the transition, in one of the ``allowed`` states (else a Conflict naming the state)."""
    application = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
    if application.state not in allowed:
        raise Conflict(
            _("This application is %(state)s: it cannot be changed that way.")
            % {"state": application.get_state_display()}
        )
    return application


def _check_verified_facts(facts: dict, city: str) -> dict:
    if not isinstance(facts, dict):
        raise ValidationError({"facts": _("Verified facts must be a facts document (an object).")})
    try:  # the sections in a document of the city: the schema names any wrong field
        validate({"city": city, **{k: v for k, v in facts.items() if k not in ("city", "as_of", "subject")}})
    except FactsError as error:
        raise ValidationError({"facts": error.errors}) from error
    return facts


MAX_BACK_MONTHS = "national.application_max_back_months"


def requested_start_bounds(program: Program, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest start an application for ``program`` may ask for on ``today``: not before the
    city's policy took effect, nor before the first day of the month ``national.application_max_back_months`` ago
    (back-pay is bounded), nor more than ``CASEWORK_REQUESTED_START_MAX_MONTHS_AHEAD`` months ahead."""
    months_back = params_for_city(city=program.city).value(MAX_BACK_MONTHS, today)
    earliest = policy_dates().get(program.city, UNDATED_POLICY_FROM)
    if months_back is not None:
        earliest = max(earliest, add_months(today, -int(months_back)).replace(day=1))
    return earliest, add_months(today, settings.CASEWORK_REQUESTED_START_MAX_MONTHS_AHEAD)


def _check_requested_start(program: Program, start: datetime.date, today: datetime.date) -> None:
    earliest, latest = requested_start_bounds(program, today)
    if not earliest <= start <= latest:
        raise ValidationError(
            {
                "requested_start": _(
                    "The requested start must lie between %(earliest)s and %(latest)s: not before the policy took "
                    "effect or the furthest back-pay allowed, and not too far ahead."
                )
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
            }
        )


@transaction.atomic
def application_create(
    *,
    actor,
    program: Program,
    requested_start: datetime.date,
    person=None,
    organization=None,
    facts: dict | None = None,
    note: str = "",
    on: datetime.date | None = None,
) -> Application:
    """A draft application of ``person`` or ``organization`` for ``program``, in the party's service unit, made
    on ``on`` (today), asking to start on a plausible day (``requested_start_bounds``); never for a record merged
    into another. The party's open lead for the program (主动服务) closes: they have applied."""
    if (person is None) == (organization is None):
        raise ValidationError({"person": _("An application is for one person or one organization.")})
    if program.beneficiary == "individual" and person is None:
        raise ValidationError({"program": _("This program is for individuals: choose a person.")})
    if program.beneficiary != "individual" and organization is None:
        raise ValidationError({"program": _("This program is for employers or institutions: choose an organization.")})
    unit = person.residence_unit if person is not None else organization.unit
    _check_edit(actor, unit, person or organization)
    check_not_merged(person)  # a tombstone's applications belong on the kept record
    if program.city != unit.city_code:
        raise ValidationError({"program": _("This program belongs to another city than the applicant's.")})
    _check_requested_start(program, requested_start, on or timezone.localdate())
    application = Application(
        program=program,
        person=person,
        organization=organization,
        unit=unit,
        requested_start=requested_start,
        facts=_check_verified_facts(facts or {}, program.city) if not actor.is_applicant else {},
        note=note,
        created_by=actor,
    )
    application._change_reason = "created"
    application.save()
    note_record(application, actor, "created", note)
    if person is not None:
        Lead.objects.filter(person=person, program=program, closed_on__isnull=True).update(
            closed_on=timezone.localdate(), close_reason=Lead.CloseReason.APPLIED
        )
    return application


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    """Draft (or returned for more evidence) → submitted: the case is complete and enters the queue."""
    application = _locked(application, State.DRAFT, State.RETURNED)
    _check_edit(actor, application.unit, application.party)
    application.state, application.submitted_by, application.submitted_at = State.SUBMITTED, actor, timezone.now()
    save_step(application, ["state", "submitted_by", "submitted_at"], "submitted")
    return application


@transaction.atomic
def application_recommend(*, actor, application: Application, note: str = "") -> Application:
    """Submitted → recommended: the caseworker has checked the evidence and proposes approval."""
    application = _locked(application, State.SUBMITTED)
    _check_edit(actor, application.unit)
    application.state, application.recommended_by = State.RECOMMENDED, actor
    save_step(application, ["state", "recommended_by"], "recommended")
    note_record(application, actor, "recommended", note)
    return application


@transaction.atomic
def application_return(*, actor, application: Application, note: str) -> Application:
    """Submitted or recommended → returned: more evidence is needed (the note says which)."""
    if not note.strip():
        raise ValidationError({"note": _("Say what is missing.")})
    application = _locked(application, State.SUBMITTED, State.RECOMMENDED)
    _check_edit(actor, application.unit)
    application.state, application.decision_note = State.RETURNED, note
    application.recommended_by = application.first_approved_by = application.first_approval = None
    fields = ["state", "decision_note", "recommended_by", "first_approved_by", "first_approval"]
    save_step(application, fields, "returned")
    note_record(application, actor, "returned", note, for_applicant=True)
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    """Any open state → withdrawn (the applicant no longer wants it)."""
    application = _locked(application, State.DRAFT, State.SUBMITTED, State.RETURNED, State.RECOMMENDED)
    _check_edit(actor, application.unit, application.party)
    application.state = State.WITHDRAWN
    save_step(application, ["state"], "withdrawn")
    return application


def can_decide(actor, application: Application) -> tuple[bool, str]:
    """A supervisor of the application's unit or a unit above it, who did not create, submit or recommend it."""
    if not has_role(actor, Role.SUPERVISOR, application.unit):
        return False, _("Only a supervisor of this unit or a unit above it can decide applications.")
    if actor.pk == application.recommended_by_id:
        return False, _("You recommended this application: another supervisor must decide it.")
    if actor.pk == application.submitted_by_id:
        return False, _("You submitted this application: another supervisor must decide it.")
    if actor.pk == application.created_by_id:
        return False, _("You created this application: another supervisor must decide it.")
    if actor.pk == application.first_approved_by_id:
        return False, _("The second approval must come from a different supervisor.")
    return True, ""


def _check_decide(actor, application: Application) -> None:
    require(can_decide(actor, application))


def decision_for(application: Application, on: datetime.date) -> Decision:
    """The program's rule on the application's facts as of ``on``."""
    program = next(p for p in program_infos(city=application.program.city) if p.code == application.program.code)
    facts = Facts(application_facts(application=application, as_of=on), as_of=on)
    return decide(program, facts, params_for_city(city=program.city))


def _approved_amount(decision: Decision, amount_cny: Decimal | None) -> Decimal | None:
    """The rule's amount per period; where the rule leaves it to the caseworker (contributions actually paid, a
    panel's figure), the one the approver fixes. An approver never replaces an amount the rule computed."""
    if decision.amount_cny is not None:
        if amount_cny is not None and amount_cny != decision.amount_cny:
            raise ValidationError({"amount_cny": _("The rules set the amount of this program; it cannot be changed.")})
        return decision.amount_cny
    if amount_cny is not None and amount_cny < 0:
        raise ValidationError({"amount_cny": _("An amount cannot be negative.")})
    return amount_cny


def entitlement_exposure(
    *,
    amount: Decimal | None,
    period: str | None,
    max_periods: int | None,
    start: datetime.date,
    on: datetime.date,
    horizon_months: int,
) -> tuple[int, Decimal]:
    """How many periods a grant approved on ``on`` may pay and what they add up to: one for a one-time grant;
    every period of its limit (the back periods between ``start`` and ``on`` are among them); without a limit, the
    periods from ``start`` up to ``horizon_months`` after the approval (or after the start, if it lies ahead):
    back-pay and the horizon."""
    if not amount:
        return 0, Decimal("0")
    if period in (None, "", "once"):
        periods = 1
    elif max_periods is not None:
        periods = max_periods
    else:
        horizon_end = add_months(max(start, on), horizon_months)
        if period == "day":
            periods = (horizon_end - start).days
        else:
            step, periods = PERIOD_MONTHS[period], 0
            while add_months(start, step * periods) < horizon_end:
                periods += 1
    return periods, amount * periods


# The terms a second approver confirms: a difference in any of them voids the first approval.
CONFIRMED_TERMS = ("amount_cny", "start", "period", "max_periods", "periods", "exposure_cny", "override_reason")


def _approval_terms(
    application: Application, decision: Decision, amount: Decimal | None, override_reason: str, on: datetime.date
) -> dict:
    periods, exposure = entitlement_exposure(
        amount=amount,
        period=decision.period,
        max_periods=decision.max_periods,
        start=application.requested_start,
        on=on,
        horizon_months=settings.CASEWORK_OPEN_ENDED_EXPOSURE_MONTHS,
    )
    return {
        "amount_cny": None if amount is None else f"{amount:.2f}",
        "start": application.requested_start.isoformat(),
        "period": decision.period or "",
        "max_periods": decision.max_periods,
        "periods": periods,
        "exposure_cny": f"{exposure:.2f}",
        "override_reason": override_reason,
        "on": on.isoformat(),
    }


@transaction.atomic
def application_approve(
    *,
    actor,
    application: Application,
    note: str = "",
    override_reason: str = "",
    amount_cny: Decimal | None = None,
    on: datetime.date | None = None,
) -> Application:
    """Recommended → approved, with the entitlement it grants; or, above the second-approval exposure, the first
    of two approvals (the state stays recommended until a different supervisor confirms the same terms). A second
    approver who leaves the amount or the override reason out confirms the first approver's; one who gives other
    terms (or on whose day the rules give others) makes a new first approval, which a different supervisor
    confirms in turn: the grant never carries a figure that only one supervisor saw."""
    on = on or timezone.localdate()
    application = _locked(application, State.RECOMMENDED)
    _check_decide(actor, application)
    first = application.first_approval
    override_reason = override_reason.strip() or (first or {}).get("override_reason", "")
    decision = decision_for(application, on)
    if decision.amount_cny is None and amount_cny is None and first and first["amount_cny"] is not None:
        amount_cny = Decimal(first["amount_cny"])
    if decision.eligible is not True and not override_reason:
        unmet = "; ".join(reason.label for reason in decision.reasons if reason.met is not True)
        raise Conflict(
            _(
                "The rules do not find this application eligible on %(date)s (%(reasons)s). Approve only with a "
                "written override reason."
            )
            % {"date": on.isoformat(), "reasons": unmet}
        )
    amount = _approved_amount(decision, amount_cny)
    terms = _approval_terms(application, decision, amount, override_reason, on)
    confirmed = first is not None and all(first.get(key) == terms[key] for key in CONFIRMED_TERMS)
    if Decimal(terms["exposure_cny"]) > settings.CASEWORK_SECOND_APPROVAL_ABOVE_CNY and not confirmed:
        application.first_approved_by, application.first_approval = actor, terms
        step = "first approval" if first is None else "first approval replaced: other terms"
        save_step(application, ["first_approved_by", "first_approval"], step)
        note_record(application, actor, step, note)
        return application
    application.state, application.decided_by, application.decided_on = State.APPROVED, actor, on
    application.decision = decision.as_dict()
    application.override_reason, application.decision_note = override_reason, note
    step = "approved with an override" if application.override_reason else "approved"
    save_step(application, ["state", "decided_by", "decided_on", "decision", "override_reason", "decision_note"], step)
    note_record(application, actor, step, note, for_applicant=True)
    _entitlement_create(application, decision, amount, actor, on)
    return application


@transaction.atomic
def application_reject(*, actor, application: Application, note: str, on: datetime.date | None = None) -> Application:
    """Recommended → rejected, with the reason the applicant is told."""
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the rejection.")})
    on = on or timezone.localdate()
    application = _locked(application, State.RECOMMENDED)
    _check_decide(actor, application)
    application.state, application.decided_by, application.decided_on = State.REJECTED, actor, on
    application.decision, application.decision_note = decision_for(application, on).as_dict(), note
    save_step(application, ["state", "decided_by", "decided_on", "decision", "decision_note"], "rejected")
    note_record(application, actor, "rejected", note, for_applicant=True)
    return application


@transaction.atomic
def application_note_add(*, actor, application: Application, note: str) -> ApplicationNote:
    """A note on its own, in any state: what a caseworker or supervisor learnt (a phone call, a document seen at
    the desk). Staff who may work on the application's records write it; the applicant does not see it."""
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("A note has at most %(count)s characters.") % {"count": NOTE_MAX_LENGTH}})
    _check_edit(actor, application.unit)
    return ApplicationNote.objects.create(application=application, step="note", text=note.strip(), author=actor)


def entitlement_end(start: datetime.date, period: str | None, max_periods: int | None) -> datetime.date | None:
    """The last day of ``max_periods`` periods from ``start`` (the start itself for a one-time grant; None when
    no limit is stated)."""
    if period in (None, "once"):
        return start
    if max_periods is None:
        return None
    if period == "day":
        return start + datetime.timedelta(days=max_periods - 1)
    return add_months(start, PERIOD_MONTHS[period] * max_periods) - datetime.timedelta(days=1)


# Programs whose grants to one organization are capped per calendar year, and the parameter of the cap.
YEARLY_CAPS = {"dalian_startup_leader_si_subsidy": "dalian.startup_leader_si_cap_per_entity_per_year_cny"}


def _per_year(entitlement: Entitlement) -> dict[int, Decimal]:
    """What a grant pays in each calendar year: one-time in its start year; per month, quarter or year for the
    periods starting in that year (a grant without an end counts up to the end of its start year)."""
    amount = entitlement.amount_per_period or Decimal("0")
    if entitlement.period in ("", "once") or not amount:
        return {entitlement.start.year: amount} if amount else {}
    step = PERIOD_MONTHS.get(entitlement.period, 1)
    last = entitlement.end or datetime.date(entitlement.start.year, 12, 31)
    years: dict[int, Decimal] = {}
    day, index = entitlement.start, 0
    while day <= last and (entitlement.max_periods is None or index < entitlement.max_periods):
        years[day.year] = years.get(day.year, Decimal("0")) + amount
        index += 1
        day = add_months(entitlement.start, step * index)
    return years


def _use_yearly_cap(entitlement: Entitlement, on: datetime.date) -> None:
    """Add the grant to its organization's yearly totals; refuse when a year would pass the cap. The conditional
    UPDATE takes the row's lock, so of two approvals at the same moment the second sees the first's total."""
    code = YEARLY_CAPS.get(entitlement.program.code)
    if code is None or entitlement.organization_id is None:
        return
    cap = params_for_city(city=entitlement.program.city).value(code, on)
    if cap is None:
        message = _("The yearly cap “%(code)s” has not been set: an administrator sets it first.")
        raise Conflict(message % {"code": code})
    for year, amount in _per_year(entitlement).items():
        YearlyCapUsage.objects.get_or_create(
            organization_id=entitlement.organization_id, cap_code=code, year=year, defaults={"cap_cny": cap}
        )
        added = YearlyCapUsage.objects.filter(
            organization_id=entitlement.organization_id, cap_code=code, year=year, used_cny__lte=F("cap_cny") - amount
        ).update(used_cny=F("used_cny") + amount)
        if not added:
            usage = YearlyCapUsage.objects.get(organization_id=entitlement.organization_id, cap_code=code, year=year)
            raise Conflict(
                _("This grant would pass the yearly cap of %(cap)s CNY for %(year)s (already granted: %(used)s CNY).")
                % {"cap": usage.cap_cny, "year": year, "used": usage.used_cny}
            )


def _entitlement_create(
    application: Application, decision: Decision, amount: Decimal | None, actor, on: datetime.date
) -> Entitlement:
    program = application.program
    once = bool(program.once_per_lifetime) or decision.period == "once"
    start = application.requested_start
    try:
        with transaction.atomic():  # a savepoint: a constraint refused here leaves the approval undone
            entitlement = Entitlement.objects.create(
                application=application,
                program=program,
                family=program.family,
                person=application.person,
                organization=application.organization,
                unit=application.unit,
                once=once,
                start=start,
                end=entitlement_end(start, decision.period, decision.max_periods),
                amount_per_period=amount,
                period=decision.period or "",
                max_periods=decision.max_periods,
                holds_while_on=list(decision.holds_while_on) if application.person_id else [],
                approved_by=actor,
                approved_on=on,
            )
    except IntegrityError as error:
        if once:
            message = _("This one-time benefit has already been granted to this beneficiary.")
        else:
            message = _("This person already has an active grant of this kind.")
        raise Conflict(message) from error
    _use_yearly_cap(entitlement, on)
    return entitlement


# The workflow's transitions by name, each with the inputs its service takes beyond the actor and the application:
# the API, the console and the ``application`` command dispatch through this one table.
TRANSITIONS = {
    "submit": (application_submit, ()),
    "recommend": (application_recommend, ("note",)),
    "return": (application_return, ("note",)),
    "withdraw": (application_withdraw, ()),
    "approve": (application_approve, ("note", "override_reason", "amount_cny")),
    "reject": (application_reject, ("note",)),
    "note": (application_note_add, ("note",)),
}


# --- Evidence ----------------------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, actor, application: Application, upload, label: str = "", checklist_item: str = "") -> Evidence:
    """Attach a document while the application can still change (draft, returned, submitted). The name on disk
    is made by the server; the type comes from the bytes; over ``CASEWORK_UPLOAD_MAX_BYTES`` is refused. It is
    tagged with the item of the program's evidence list it satisfies: ``checklist_item`` as chosen, else the item
    its label or file name names (``checklist_item_for``); its label is the item's name when none is given."""
    items = application.program.evidence or []
    if checklist_item and checklist_item not in items:
        raise ValidationError({"checklist_item": _("Choose an item of this program's evidence list.")})
    checklist_item = checklist_item or checklist_item_for(items, label=label, file_name=upload.name or "")
    label = label.strip() or (evidence_labels_zh().get(checklist_item, checklist_item) if checklist_item else "")
    if not label:
        raise ValidationError({"label": _("Say which document this is.")})
    content_type, sha256 = checked_document(upload)
    application = _locked(application, State.DRAFT, State.RETURNED, State.SUBMITTED)
    _check_edit(actor, application.unit, application.party)
    evidence = Evidence(
        application=application,
        label=label[:255],
        checklist_item=checklist_item,
        original_name=Path(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    evidence.file.save(stored_name(content_type), upload, save=False)
    evidence.save()
    return evidence
