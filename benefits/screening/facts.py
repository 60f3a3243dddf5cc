"""The one place records become facts: a stored person (or an application's party, with the facts the
caseworker verified) as the facts document the rules read, as of a date (docs/facts.md)."""

import datetime
from collections import defaultdict

from django.utils import timezone

from casework.models import EmploymentRecord, HouseholdMember, Person, RegistryEntry
from casework.selectors import applicant_party, city_local_names, hukou_is_local

from ..models import (
    Entitlement,
    FactAnswer,
)
from .answers import with_answers


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _register_rows(rows) -> list[dict]:
    """(code, entered_on, exited_on) → the facts format's register spells (``until`` is the last day on it)."""
    return [
        {"code": code, "since": _iso(entered), "until": _iso(exited - datetime.timedelta(days=1)) if exited else None}
        for code, entered, exited in rows
    ]


def _facts_document(
    person: Person, *, as_of, registers, employment, household, household_registers, hukou_local, entitlements=()
) -> dict:
    """The one place stored records become a facts document (docs/facts.md)."""
    document_person = {
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "is_disabled": person.is_disabled,
        "is_orphan": person.is_orphan,
        "has_student_loan": person.has_student_loan,
        "is_military_spouse": person.is_military_spouse,
        "is_single_parent": person.is_single_parent,
        "is_labor_model": person.is_labor_model,
        "veteran_status": person.veteran_status,
        "registers": _register_rows(registers),
        "employment": [{"status": status, "from": _iso(start), "to": _iso(end)} for status, start, end in employment],
    }
    if person.sex == "M":
        document_person["retirement_category"] = "male"
    optional = {
        "hukou_type": person.hukou_type,
        "education": person.education,
        "disability_grade": person.disability_grade,
        "graduation_date": _iso(person.graduation_date),
        "resident_since": _iso(person.resident_since),
        "hukou_local": hukou_local,
    }
    document_person.update({key: value for key, value in optional.items() if value not in (None, "")})
    document = {
        "as_of": as_of.isoformat(),
        "city": person.residence_unit.city_code,
        "subject": "person",
        "person": document_person,
    }
    if household is not None:
        rows = _register_rows(household_registers)
        is_dibao, dibao_since = household
        if (
            is_dibao
            and not any(row["code"] == "dibao_households" for row in rows)
            and (dibao_since is None or dibao_since <= as_of)
        ):
            rows.append({"code": "dibao_households", "since": _iso(dibao_since), "until": None})
        document["household"] = {"registers": rows}
    if entitlements:
        document["grants"] = list(entitlements)
    return document


ENTITLEMENT_FIELDS = ("program__code", "family", "start", "end", "amount_per_period")


def _entitlements_on(as_of: datetime.date, **party):
    """The entitlements of a party approved by ``as_of`` and not terminated: the facts' ``grants``."""
    return (
        Entitlement.objects.filter(approved_on__lte=as_of, **party)
        .exclude(status=Entitlement.Status.TERMINATED)
        .order_by("start")
    )


def _entitlement_fact(program: str, family: str, start, end, amount) -> dict:
    row = {"program": program, "family": family, "from": start.isoformat(), "to": _iso(end)}
    if amount is not None:
        row["amount_cny"] = f"{amount:.2f}"
    return row


def application_facts(*, application, as_of: datetime.date) -> dict:
    """The facts an application is decided on: the party's stored records as of the day, with the facts the
    caseworker verified from the evidence (``application.facts``) filling what the records do not hold (for a
    person the records win; business, training, lease, organization … come from the application)."""
    verified = application.facts or {}
    if application.person_id is None:
        entitlements = _entitlements_on(as_of, organization_id=application.organization_id).values_list(
            *ENTITLEMENT_FIELDS
        )
        document = {
            **{key: value for key, value in verified.items() if key not in ("as_of", "city", "subject", "grants")},
            "as_of": as_of.isoformat(),
            "city": application.organization.unit.city_code,
            "subject": "organization",
        }
        if entitlements:
            document["grants"] = [_entitlement_fact(*row) for row in entitlements]
        return document
    document = person_facts(person=application.person, as_of=as_of)
    for section, value in verified.items():
        if section in ("person", "household") and isinstance(value, dict):
            document[section] = {**value, **document.get(section, {})}
        elif section not in ("as_of", "city", "subject", "grants"):
            document[section] = value
    return document


def person_facts(*, person: Person, as_of: datetime.date, stated: bool = False) -> dict:
    """The facts document of a stored person as of ``as_of``: only what was recorded by then, with the person's
    official answers (and, with ``stated``, what the applicant stated that nobody confirmed yet)."""
    return people_facts(people=[person], as_of=as_of, stated=stated)[person.pk]


def people_facts(*, people: list[Person], as_of: datetime.date, stated: bool = False) -> dict[int, dict]:
    """Facts documents of many people in seven queries (the proactive screening works in chunks of these).
    ``people`` need their ``residence_unit`` loaded. Grants are the entitlements approved by ``as_of`` that were
    not terminated (one-time rules and conflicts read them). The person's recorded answers fill what the records
    leave open; only official ones unless ``stated``."""
    ids = [person.pk for person in people]
    registers, employment, household_of, household_registers = (
        defaultdict(list),
        defaultdict(list),
        {},
        defaultdict(list),
    )
    for person_id, *row in RegistryEntry.objects.filter(person_id__any=ids, entered_on__lte=as_of).values_list(
        "person_id", "register__code", "entered_on", "exited_on"
    ):
        registers[person_id].append(row)
    for person_id, *row in (
        EmploymentRecord.objects.filter(person_id__any=ids, started_on__lte=as_of)
        .order_by("started_on")
        .values_list("person_id", "status", "started_on", "ended_on")
    ):
        employment[person_id].append(row)
    for person_id, household_id, is_dibao, since in HouseholdMember.objects.filter(person_id__any=ids).values_list(
        "person_id", "household_id", "household__is_dibao", "household__dibao_since"
    ):
        household_of[person_id] = (household_id, (is_dibao, since))
    for household_id, *row in RegistryEntry.objects.filter(
        household_id__any=[h for h, _ in household_of.values()], entered_on__lte=as_of
    ).values_list("household_id", "register__code", "entered_on", "exited_on"):
        household_registers[household_id].append(row)
    entitlements = defaultdict(list)
    for person_id, *row in _entitlements_on(as_of, person_id__any=ids).values_list("person_id", *ENTITLEMENT_FIELDS):
        entitlements[person_id].append(_entitlement_fact(*row))
    answers = defaultdict(list)
    recorded = FactAnswer.objects.filter(person_id__any=ids)
    for person_id, path, value, recorded_at in (recorded if stated else recorded.official()).values_list(
        "person_id", "path", "value", "recorded_at"
    ):
        answers[person_id].append((path, value, timezone.localdate(recorded_at)))
    names = city_local_names()
    documents = {}
    for person in people:
        household_id, household = household_of.get(person.pk, (None, None))
        documents[person.pk] = _facts_document(
            person,
            as_of=as_of,
            registers=registers[person.pk],
            employment=employment[person.pk],
            household=household,
            household_registers=household_registers.get(household_id, []),
            hukou_local=hukou_is_local(person, names=names),
            entitlements=entitlements[person.pk],
        )
        if answers[person.pk]:
            # the applicant's own view also reads what they stated for a field of their record
            with_answers(documents[person.pk], answers[person.pk], everything=stated)
    return documents


def my_facts(*, user, as_of: datetime.date) -> dict | None:
    """The facts document of the party the applicant has claimed (None before a claim): a person's stored
    records with what they stated and nobody confirmed yet (their own view: what their answers would change), or
    an employer's city and grants (what an employer's application adds is not known yet)."""
    party = applicant_party(user=user)
    if party is None:
        return None
    if isinstance(party, Person):
        return person_facts(person=party, as_of=as_of, stated=True)
    document = {"as_of": as_of.isoformat(), "city": party.unit.city_code, "subject": "organization"}
    entitlements = _entitlements_on(as_of, organization_id=party.pk).values_list(*ENTITLEMENT_FIELDS)
    if entitlements:
        document["grants"] = [_entitlement_fact(*row) for row in entitlements]
    return document
