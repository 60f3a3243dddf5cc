"""Every write to the real-name registers. Each service checks who acts, validates, writes and leaves history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import ServiceUnit
from core.errors import Conflict, PermissionDenied, require

from . import follow_ups
from .identity import check_id_number, check_mobile, check_uscc
from .models import (
    WORKING_STATUSES,
    Assistance,
    CaseNote,
    Contact,
    EmploymentRecord,
    ExitReason,
    FollowUp,
    Household,
    HouseholdMember,
    NameConflict,
    Organization,
    Person,
    PersonalDataAccess,
    Referral,
    Register,
    RegistryEntry,
    Source,
)
from .permissions import can_edit_in_unit, can_unmask
from .registers import window_end

PERSON_EDITABLE = frozenset(Person.EDITABLE_FIELDS)


def _mobile_of(value: str, *, field: str) -> str:
    """The mobile number in its stored form; a bad one is an error on ``field``."""
    try:
        return check_mobile(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def _check_edit(actor, unit):
    if actor is None:  # the system itself (jobs, demo data)
        return
    require(can_edit_in_unit(actor, unit))


def check_not_merged(person: Person | None) -> None:
    """Refuse a write about a record merged into another (a tombstone: its page points to the kept record, where
    anything new belongs). For the apps above casework too: whatever they record about a person goes through it."""
    if person is not None and person.merged_into_id is not None:
        raise Conflict(
            _("This record was merged into another one; record this on the kept record."), code="merged_record"
        )


def _check_person_edit(actor, person: Person):
    """Whether ``actor`` may write about ``person``: in their area, and not a record merged into another."""
    check_not_merged(person)
    _check_edit(actor, person.residence_unit)


def _check_community(unit: ServiceUnit, field: str):
    if unit.level != ServiceUnit.Level.COMMUNITY:
        raise ValidationError({field: _("Choose a community (the lowest level of the service-unit tree).")})


def _clean_person_fields(fields: dict) -> dict:
    unknown = set(fields) - PERSON_EDITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    if fields.get("phone"):
        fields["phone"] = _mobile_of(fields["phone"], field="phone")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("A name is required.")})
    return fields


def _validated_id(id_number: str):
    try:
        return check_id_number(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None


def name_conflict_record(*, person: Person, name_received: str, source: str, detail: str = "") -> NameConflict:
    conflict, _created = NameConflict.objects.get_or_create(
        person=person,
        name_received=name_received,
        resolved_at__isnull=True,
        defaults={"name_on_file": person.name, "source": source, "detail": detail},
    )
    return conflict


def person_create(
    *, actor, name: str, id_number: str, residence_unit: ServiceUnit, source: str = Source.MANUAL, **fields
) -> Person:
    """Register a new person. An ID number already on file is a Conflict naming the existing record; a different
    name with it is recorded as a name conflict for review (kept even though the creation is refused, unless the
    caller's own transaction rolls back), never written over the name on file."""
    _check_edit(actor, residence_unit)
    _check_community(residence_unit, "residence_unit")
    info = _validated_id(id_number)
    fields = _clean_person_fields({"name": name, **fields})
    existing = Person.objects.filter(id_number=info.number).first()
    if existing is not None:
        if existing.name != fields["name"]:
            name_conflict_record(person=existing, name_received=fields["name"], source=source)
        raise Conflict(_("A person with this ID number is already registered."), code="duplicate_id", field="id_number")
    with transaction.atomic():
        return _person_insert(info, residence_unit, fields)


def _person_insert(info, residence_unit, fields) -> Person:
    person = Person(
        id_number=info.number,
        id_number_reversed=info.number[::-1],
        birth_date=info.birth_date,
        sex=info.sex,
        id_region_known=info.region_known,
        residence_unit=residence_unit,
        **fields,
    )
    person.full_clean(exclude=["id_number_reversed", "birth_date", "sex"])
    person.save()
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **changes) -> Person:
    _check_person_edit(actor, person)
    changes = _clean_person_fields(changes)
    old_account = person.bank_account
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean(exclude=["id_number_reversed", "birth_date", "sex"])
    person.save(update_fields=[*sorted(changes), "updated_at"])
    if "bank_account" in changes:  # a new account waits for a second confirmation before money goes there
        from .services_changes import account_change_after_edit

        account_change_after_edit(actor=actor, party=person, old=old_account)
    if {"resident_since", "hukou_place"} & set(changes):  # what makes "resident long enough to register" due
        follow_ups.refresh(person_ids=[person.pk])
    return person


@transaction.atomic
def person_move(*, actor, person: Person, residence_unit: ServiceUnit, resident_since: datetime.date) -> Person:
    """Record a move to another community (both ends must be in the actor's area); the registers the person is on
    move with them, so the new community's caseworkers see them at once."""
    _check_person_edit(actor, person)
    _check_edit(actor, residence_unit)
    _check_community(residence_unit, "residence_unit")
    person.residence_unit = residence_unit
    person.resident_since = resident_since
    person.save(update_fields=["residence_unit", "resident_since", "updated_at"])
    for entry in person.registry_entries.filter(exited_on__isnull=True):
        entry.unit = residence_unit
        entry.save(update_fields=["unit"])
    follow_ups.refresh(person_ids=[person.pk])  # their worklist items follow them to the new community
    return person


def personal_data_access_record(
    *, user, reason: str, fields: str, person: Person | None = None, organization: Organization | None = None
) -> PersonalDataAccess:
    """Check that ``user`` may see full numbers and said why, and log the access (who, when, whose, why).
    Every route to full ID or phone numbers goes through here: one person, one organization, or an export."""
    allowed, why_not = can_unmask(user)
    if not allowed:
        raise PermissionDenied(why_not)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why you need to see the full numbers.")})
    return PersonalDataAccess.objects.create(
        user=user, person=person, organization=organization, fields=fields, reason=reason
    )


def personal_data_unmask(
    *, user, person: Person | None = None, organization: Organization | None = None, reason: str
) -> dict:
    """Full ID and phone numbers of one person (or an organization's phone), logged with who, when and why."""
    if person is not None:
        personal_data_access_record(user=user, person=person, fields="id_number,phone", reason=reason)
        return {"id_number": person.id_number, "phone": person.phone}
    personal_data_access_record(user=user, organization=organization, fields="contact_phone", reason=reason)
    return {"contact_phone": organization.contact_phone}


# --- Households and zero employment ------------------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    actor,
    unit: ServiceUnit,
    address: str = "",
    is_dibao: bool = False,
    dibao_since: datetime.date | None = None,
    members=(),
) -> Household:
    """``members``: (person, relation, able_to_work) triples; each person belongs to one household only."""
    _check_edit(actor, unit)
    _check_community(unit, "unit")
    household = Household.objects.create(unit=unit, address=address, is_dibao=is_dibao, dibao_since=dibao_since)
    for person, relation, able_to_work in members:
        household_member_add(
            actor=actor,
            household=household,
            person=person,
            relation=relation,
            able_to_work=able_to_work,
            recompute=False,
        )
    return household_recompute(household=household)


@transaction.atomic
def household_member_add(
    *, actor, household: Household, person: Person, relation: str, able_to_work: bool = True, recompute: bool = True
) -> HouseholdMember:
    _check_edit(actor, household.unit)
    if HouseholdMember.objects.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s already belongs to a household.") % {"name": person.name}})
    if relation == "head" and household.members.filter(relation="head").exists():
        raise ValidationError({"relation": _("This household already has a head.")})
    member = HouseholdMember.objects.create(
        household=household, person=person, relation=relation, able_to_work=able_to_work
    )
    if recompute:
        household_recompute(household=household)
        follow_ups.refresh(household_ids=[household.pk])
    return member


@transaction.atomic
def household_member_remove(*, actor, member: HouseholdMember) -> None:
    _check_edit(actor, member.household.unit)
    household = member.household
    member.delete()
    household_recompute(household=household)
    follow_ups.refresh(household_ids=[household.pk])


def _working_exists(on: datetime.date):
    return Exists(
        EmploymentRecord.objects.filter(
            person=OuterRef("person"), status__in=WORKING_STATUSES, started_on__lte=on
        ).exclude(ended_on__lt=on)
    )


def household_is_zero_employment(household: Household, *, on: datetime.date) -> bool:
    """Zero employment: at least one member able to work, and none of the members at work on ``on``."""
    members = household.members.annotate(working=_working_exists(on))
    able = members.filter(able_to_work=True)
    return able.exists() and not members.filter(working=True).exists()


@transaction.atomic
def household_recompute(*, household: Household, on: datetime.date | None = None) -> Household:
    """Derive the zero-employment status as of ``on``. A household that had someone at work and has nobody now
    is flagged (``fell_back_on``: the day after the last job ended); the flag clears when someone works again
    (``cleared_on``: the day that work started). Idempotent."""
    on = on or timezone.localdate()
    household = Household.objects.select_for_update().get(pk=household.pk)
    zero = household_is_zero_employment(household, on=on)
    spells = EmploymentRecord.objects.filter(
        person__household_membership__household=household, status__in=WORKING_STATUSES, started_on__lte=on
    )
    changed = []
    if zero and not household.is_zero_employment:
        last_end = spells.aggregate(last=Max("ended_on"))["last"]
        since = last_end + datetime.timedelta(days=1) if last_end else on
        household.is_zero_employment, household.zero_employment_since = True, since
        changed += ["is_zero_employment", "zero_employment_since"]
        if last_end:
            household.fell_back_on = since
            changed.append("fell_back_on")
    elif not zero and household.is_zero_employment:
        current = spells.exclude(ended_on__lt=on).aggregate(first=Min("started_on"))["first"]
        household.is_zero_employment, household.zero_employment_since = False, None
        household.cleared_on, household.fell_back_on = current or on, None
        changed += ["is_zero_employment", "zero_employment_since", "cleared_on", "fell_back_on"]
    if changed:
        household.save(update_fields=changed)
    return household


def households_recompute(*, on: datetime.date | None = None, unit: ServiceUnit | None = None) -> dict:
    """The job: recompute every household whose derived status disagrees with its stored one."""
    on = on or timezone.localdate()
    households = Household.objects.all()
    if unit is not None:
        households = households.filter(unit__path__startswith=unit.path)
    flagged = cleared = 0
    for household in households.only("pk", "is_zero_employment").iterator(chunk_size=2000):
        before = household.is_zero_employment
        if household_is_zero_employment(household, on=on) == before:
            continue
        after = household_recompute(household=household, on=on)
        flagged += bool(after.fell_back_on)
        cleared += not after.is_zero_employment
    return {"flagged": flagged, "cleared": cleared}


# --- Organizations -----------------------------------------------------------------------------------------


@transaction.atomic
def organization_create(*, actor, name: str, kind: str, uscc: str, unit: ServiceUnit, **fields) -> Organization:
    _check_edit(actor, unit)
    try:
        code = check_uscc(uscc)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from None
    if Organization.objects.filter(uscc=code).exists():
        raise Conflict(
            _("An organization with this unified social credit code is already registered."),
            code="duplicate_uscc",
            field="uscc",
        )
    if fields.get("contact_phone"):
        fields["contact_phone"] = _mobile_of(fields["contact_phone"], field="contact_phone")
    organization = Organization(name=name.strip(), kind=kind, uscc=code, unit=unit, **fields)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, actor, organization: Organization, **changes) -> Organization:
    _check_edit(actor, organization.unit)
    allowed = {"name", "kind", "legal_representative", "contact_phone", "address", "registered_on"}
    if set(changes) - allowed:
        raise ValidationError({field: _("This field cannot be set here.") for field in sorted(set(changes) - allowed)})
    if changes.get("contact_phone"):
        changes["contact_phone"] = _mobile_of(changes["contact_phone"], field="contact_phone")
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean()
    organization.save(update_fields=sorted(changes))
    return organization


# --- Register entries --------------------------------------------------------------------------------------


@transaction.atomic
def registry_entry_add(
    *,
    actor,
    register: Register,
    entered_on: datetime.date,
    person: Person | None = None,
    household: Household | None = None,
    source: str = Source.MANUAL,
    note: str = "",
) -> RegistryEntry:
    """Put a person or household on a register. Already on it (open entry): the open entry is returned."""
    subject = person or household
    unit = person.residence_unit if person else household.unit
    if person is not None:
        _check_person_edit(actor, person)
    else:
        _check_edit(actor, unit)
    if (person is None) == (household is None):
        raise ValidationError(_("A register entry is for a person or for a household."))
    expected = Register.Subject.PERSON if person else Register.Subject.HOUSEHOLD
    if register.subject != expected:
        raise ValidationError(
            {
                "register": _("“%(register)s” lists %(subject)s.")
                % {"register": register.name_zh, "subject": register.get_subject_display()}
            }
        )
    if unit.city_code not in register.cities:
        raise ValidationError(
            {"register": _("“%(register)s” is not a register of this city.") % {"register": register.name_zh}}
        )
    existing = register.entries.filter(exited_on__isnull=True, **{"person" if person else "household": subject}).first()
    if existing:
        return existing
    ends = window_end(register, city_code=unit.city_code, graduation_date=person.graduation_date) if person else None
    if ends is not None and ends < entered_on:
        raise ValidationError(
            {"entered_on": _("The register's window closed on %(date)s for this person.") % {"date": ends.isoformat()}}
        )
    entry = RegistryEntry.objects.create(
        register=register,
        person=person,
        household=household,
        unit=unit,
        entered_on=entered_on,
        window_ends_on=ends,
        source=source,
        note=note,
    )
    if person is not None:  # a register with a contact duty shows the duty on the worklist at once
        follow_ups.refresh(person_ids=[person.pk])
    return entry


@transaction.atomic
def registry_entry_exit(
    *, actor, entry: RegistryEntry, exited_on: datetime.date, reason: str, note: str = ""
) -> RegistryEntry:
    _check_edit(actor, entry.unit)
    if entry.exited_on is not None:
        raise Conflict(_("This entry was already closed on %(date)s.") % {"date": entry.exited_on.isoformat()})
    if exited_on < entry.entered_on:
        raise ValidationError({"exited_on": _("The exit date cannot be before the entry date.")})
    if reason not in ExitReason.values:
        raise ValidationError({"exit_reason": _("Choose a reason.")})
    entry.exited_on, entry.exit_reason = exited_on, reason
    if note:
        entry.note = note
    entry.save(update_fields=["exited_on", "exit_reason", "note"])
    if entry.person_id:
        follow_ups.refresh(person_ids=[entry.person_id], reason="closed: off the register")
    return entry


@transaction.atomic
def registry_windows_close(*, today: datetime.date | None = None) -> int:
    """The job: close every open entry whose window ended before ``today`` (active on its last day, off the
    register the day after), with history rows, in one pass. Idempotent and catches up after missed days."""
    today = today or timezone.localdate()
    due = list(RegistryEntry.objects.select_for_update().filter(exited_on__isnull=True, window_ends_on__lt=today))
    for entry in due:
        entry.exited_on = entry.window_ends_on + datetime.timedelta(days=1)
        entry.exit_reason = ExitReason.WINDOW_CLOSED
    bulk_update_with_history(
        due, RegistryEntry, ["exited_on", "exit_reason"], batch_size=1000, default_change_reason="window closed"
    )
    return len(due)


# --- Employment, contacts, notes, referrals, assistance -----------------------------------------------------


@transaction.atomic
def employment_record_add(
    *, actor, person: Person, status: str, started_on: datetime.date, **fields
) -> EmploymentRecord:
    """Start a spell of employment or unemployment; an open spell before it ends the day before."""
    _check_person_edit(actor, person)
    open_spells = person.employment.filter(ended_on__isnull=True)
    if open_spells.filter(started_on__gte=started_on).exists():
        raise ValidationError({"started_on": _("A later spell is already open; end it first.")})
    for spell in open_spells:
        spell.ended_on = started_on - datetime.timedelta(days=1)
        spell.save(update_fields=["ended_on"])
    record = EmploymentRecord(person=person, status=status, started_on=started_on, **fields)
    record.full_clean()
    record.save()
    _after_employment_change(person)
    return record


@transaction.atomic
def employment_record_end(*, actor, record: EmploymentRecord, ended_on: datetime.date) -> EmploymentRecord:
    _check_person_edit(actor, record.person)
    if ended_on < record.started_on:
        raise ValidationError({"ended_on": _("The end cannot be before the start.")})
    record.ended_on = ended_on
    record.save(update_fields=["ended_on"])
    _after_employment_change(record.person)
    return record


def _after_employment_change(person: Person):
    """A job found or ended: the household's zero-employment flag and the worklist follow at once."""
    membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
    if membership:
        household_recompute(household=membership.household)
    follow_ups.refresh(person_ids=[person.pk], household_ids=[membership.household_id] if membership else [])


@transaction.atomic
def contact_log(
    *,
    actor,
    person: Person,
    contacted_on: datetime.date,
    channel: str,
    outcome: str,
    note: str = "",
    next_follow_up_on: datetime.date | None = None,
) -> Contact:
    _check_person_edit(actor, person)
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("A contact cannot be in the future.")})
    if next_follow_up_on and next_follow_up_on < contacted_on:
        raise ValidationError({"next_follow_up_on": _("The follow-up must come after the contact.")})
    contact = Contact(
        person=person,
        contacted_on=contacted_on,
        channel=channel,
        outcome=outcome,
        note=note,
        next_follow_up_on=next_follow_up_on,
        caseworker=actor,
    )
    contact.full_clean()
    contact.save()
    follow_ups.refresh(person_ids=[person.pk], reason="closed: contacted")  # the "contact due" item closes now
    return contact


@transaction.atomic
def case_note_add(*, actor, person: Person, text: str) -> CaseNote:
    _check_person_edit(actor, person)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    return CaseNote.objects.create(person=person, author=actor, text=text.strip())


@transaction.atomic
def referral_create(
    *,
    actor,
    person: Person,
    kind: str,
    description: str,
    referred_on: datetime.date,
    organization: Organization | None = None,
) -> Referral:
    _check_person_edit(actor, person)
    referral = Referral(
        person=person,
        kind=kind,
        description=description,
        referred_on=referred_on,
        organization=organization,
        caseworker=actor,
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_outcome(*, actor, referral: Referral, outcome: str, outcome_on: datetime.date) -> Referral:
    """What came of a referral, and when (not before the referral itself)."""
    _check_person_edit(actor, referral.person)
    if outcome_on < referral.referred_on:
        raise ValidationError({"outcome_on": _("The outcome cannot come before the referral.")})
    referral.outcome, referral.outcome_on = outcome, outcome_on
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_on"])
    return referral


@transaction.atomic
def assistance_assign(*, actor, person: Person, caseworker, reason: str, started_on: datetime.date) -> Assistance:
    """Assign a named caseworker for one-on-one assistance (一对一援助); one open assignment per person."""
    _check_person_edit(actor, person)
    allowed, _why_not = can_edit_in_unit(caseworker, person.residence_unit)
    if not allowed:
        raise ValidationError({"caseworker": _("The assigned caseworker must work in this person's area.")})
    for previous in person.assistance.filter(ended_on__isnull=True):
        previous.ended_on = started_on
        previous.save(update_fields=["ended_on"])
    return Assistance.objects.create(person=person, caseworker=caseworker, reason=reason, started_on=started_on)


@transaction.atomic
def follow_up_done(*, actor, follow_up: FollowUp) -> FollowUp:
    """A caseworker marks a worklist item done. Jobs do not raise it again for the same subject and date."""
    _check_edit(actor, follow_up.unit)
    if follow_up.done_at is not None:
        raise Conflict(_("This item was already done."))
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["done_at"])
    return follow_up


@transaction.atomic
def household_update(*, actor, household: Household, **changes) -> Household:
    """Change a household's address or dibao status (members have their own services)."""
    _check_edit(actor, household.unit)
    allowed = {"address", "is_dibao", "dibao_since"}
    if set(changes) - allowed:
        raise ValidationError({field: _("This field cannot be set here.") for field in sorted(set(changes) - allowed)})
    if changes.get("is_dibao") is False:
        changes["dibao_since"] = None
    for field, value in changes.items():
        setattr(household, field, value)
    household.save(update_fields=sorted(changes))
    return household


@transaction.atomic
def name_conflict_resolve(*, actor, conflict: NameConflict, keep_received: bool) -> Person:
    """Settle a name conflict: keep the name on file, or take the name received (a rename, in the history)."""
    person = conflict.person
    _check_person_edit(actor, person)
    if conflict.resolved_at is not None:
        raise Conflict(_("This name conflict was already resolved."))
    if keep_received:
        person.name = conflict.name_received
        person.save(update_fields=["name", "updated_at"])
    conflict.resolved_at, conflict.resolved_by = timezone.now(), actor
    conflict.save(update_fields=["resolved_at", "resolved_by"])
    return person
