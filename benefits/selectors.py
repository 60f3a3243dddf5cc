"""Reads of the policy engine: programs and parameters as the plain data rules take, and the facts of a stored
person as of a date (the one place records become facts)."""

import datetime
import functools
from collections import defaultdict
from pathlib import Path

import yaml
from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import ServiceUnit
from casework.models import EmploymentRecord, HouseholdMember, Person, Register, RegistryEntry
from casework.selectors import applicant_party, city_local_names, hukou_is_local
from casework.workdays import add_working_days

from .models import (
    PUBLIC_CODE,
    PUBLIC_STATUS,
    Application,
    Entitlement,
    Evidence,
    Loan,
    Parameter,
    ParameterValue,
    Program,
)
from .rules.engine import Params, ProgramInfo

# The day taken for a policy whose text carries no date (大庆, 朝阳): docs/policy-decisions.md,
# "Dates of 大庆 and 朝阳".
UNDATED_POLICY_FROM = datetime.date(2017, 1, 1)


@functools.cache
def policy_dates() -> dict[str, datetime.date]:
    """City code → the day its policy document took effect (its date in the catalogue), the earliest day a grant
    of its programs can start."""
    path = Path(settings.BASE_DIR) / "fixtures" / "policy" / "catalogue.yaml"
    cities = yaml.safe_load(path.read_text(encoding="utf-8"))["cities"]
    return {
        city["code"]: datetime.date.fromisoformat(city["issued"]) if city.get("issued") else UNDATED_POLICY_FROM
        for city in cities
    }


def program_infos(*, city: str) -> list[ProgramInfo]:
    return [
        ProgramInfo(
            code=p.code,
            city=p.city,
            family=p.family,
            name_zh=p.name_zh,
            payment_pattern=p.payment_pattern,
            clause=p.clause,
            once_per_lifetime=p.once_per_lifetime,
            beneficiary=p.beneficiary,
        )
        for p in Program.objects.of_city(city).order_by("family", "code")
    ]


def params_for_city(*, city: str) -> Params:
    """Every parameter of the city and the national ones, with all their dated values (a few hundred rows)."""
    parameters = Parameter.objects.filter(city__in=[city, "national"]).prefetch_related(
        Prefetch("values", queryset=ParameterValue.objects.order_by("valid_from"))
    )
    values = {p.code: [(v.valid_from, v.value) for v in p.values.all()] for p in parameters}
    return Params(values, names={p.code: p.name_zh for p in parameters})


def program_list(*, city: str = "", family: str = "", money_only: bool = False):
    programs = Program.objects.all()
    if city:
        programs = programs.filter(city=city)
    if family:
        programs = programs.filter(family=family)
    if money_only:
        programs = programs.with_money()
    return programs.order_by("city", "family", "code")


def program_get(*, code: str) -> Program:
    return get_object_or_404(Program, code=code)


def parameters_of_program(*, program: Program) -> list[Parameter]:
    """The parameters a program's rule reads (``used_by``), with their values newest first."""
    candidates = parameter_list().filter(city__in=[program.city, "national"])
    return [parameter for parameter in candidates if program.code in parameter.used_by]


def parameter_list(*, city: str = "", open_only: bool = False):
    parameters = Parameter.objects.all()
    if city:
        parameters = parameters.filter(city=city)
    if open_only:
        parameters = parameters.exclude(open_code="")
    return parameters.prefetch_related(
        Prefetch("values", queryset=ParameterValue.objects.order_by("-valid_from"))
    ).order_by("city", "code")


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _register_rows(rows) -> list[dict]:
    """(code, entered_on, exited_on) → the facts format's register spells (``until`` is the last day on it)."""
    return [
        {"code": code, "since": _iso(entered), "until": _iso(exited - datetime.timedelta(days=1)) if exited else None}
        for code, entered, exited in rows
    ]


def _facts_document(
    person: Person, *, as_of, registers, employment, household, household_registers, hukou_local, grants=()
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
    if grants:
        document["grants"] = list(grants)
    return document


GRANT_FIELDS = ("program__code", "family", "start", "end", "amount_per_period")


def _granted(as_of: datetime.date, **party):
    """The entitlements of a party approved by ``as_of`` and not terminated: the facts' ``grants``."""
    return (
        Entitlement.objects.filter(approved_on__lte=as_of, **party)
        .exclude(status=Entitlement.Status.TERMINATED)
        .order_by("start")
    )


def _grant_row(program: str, family: str, start, end, amount) -> dict:
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
        grants = _granted(as_of, organization_id=application.organization_id).values_list(*GRANT_FIELDS)
        document = {
            **{key: value for key, value in verified.items() if key not in ("as_of", "city", "subject", "grants")},
            "as_of": as_of.isoformat(),
            "city": application.organization.unit.city_code,
            "subject": "organization",
        }
        if grants:
            document["grants"] = [_grant_row(*row) for row in grants]
        return document
    document = person_facts(person=application.person, as_of=as_of)
    for section, value in verified.items():
        if section in ("person", "household") and isinstance(value, dict):
            document[section] = {**value, **document.get(section, {})}
        elif section not in ("as_of", "city", "subject", "grants"):
            document[section] = value
    return document


def person_facts(*, person: Person, as_of: datetime.date) -> dict:
    """The facts document of a stored person as of ``as_of``: only what was recorded by then."""
    return people_facts(people=[person], as_of=as_of)[person.pk]


def people_facts(*, people: list[Person], as_of: datetime.date) -> dict[int, dict]:
    """Facts documents of many people in six queries (the proactive screening works in chunks of these).
    ``people`` need their ``residence_unit`` loaded. Grants are the entitlements approved by ``as_of`` that were
    not terminated (one-time rules and conflicts read them)."""
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
    grants = defaultdict(list)
    for person_id, *row in _granted(as_of, person_id__any=ids).values_list("person_id", *GRANT_FIELDS):
        grants[person_id].append(_grant_row(*row))
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
            grants=grants[person.pk],
        )
    return documents


# --- Applications ----------------------------------------------------------------------------------------------

_APPLICATION_RELATED = (
    "program",
    "person",
    "organization",
    "unit",
    "created_by",
    "submitted_by",
    "recommended_by",
    "first_approved_by",
    "decided_by",
    "entitlement",
)


def application_list(*, user, state: str = "", program: str = "", unit: ServiceUnit | None = None):
    """The applications of the user's area (a fixed number of queries whatever the page size); ``unit``: its
    subtree only."""
    applications = (
        Application.objects.visible_to(user).select_related(*_APPLICATION_RELATED).prefetch_related("evidence")
    )
    if state:
        applications = applications.filter(state=state)
    if program:
        applications = applications.filter(program__code=program)
    if unit is not None:
        applications = applications.filter(unit__path__startswith=unit.path)
    return applications.order_by("-created_at", "-pk")


def application_get_for_user(*, user, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(*_APPLICATION_RELATED), pk=application_id
    )


# --- Entitlements ----------------------------------------------------------------------------------------------

_ENTITLEMENT_RELATED = ("program", "person", "organization", "unit", "approved_by", "application")


def entitlement_list(
    *,
    user,
    status: str = "",
    program: str = "",
    unit: ServiceUnit | None = None,
    ending_by: datetime.date | None = None,
):
    """The grants of the user's area, those ending first on top (a fixed number of queries whatever the page
    size). ``ending_by``: active grants whose last day is on or before that day."""
    grants = Entitlement.objects.visible_to(user).select_related(*_ENTITLEMENT_RELATED)
    if status:
        grants = grants.filter(status=status)
    if program:
        grants = grants.filter(program__code=program)
    if unit is not None:
        grants = grants.filter(unit__path__startswith=unit.path)
    if ending_by:
        grants = grants.filter(status=Entitlement.Status.ACTIVE, end__lte=ending_by)
    return grants.order_by(F("end").asc(nulls_last=True), "-pk")


def entitlement_get_for_user(*, user, entitlement_id: int) -> Entitlement:
    return get_object_or_404(
        Entitlement.objects.visible_to(user).select_related(*_ENTITLEMENT_RELATED), pk=entitlement_id
    )


def loan_of(*, entitlement: Entitlement, with_statements: bool = False) -> Loan | None:
    """The bank's loan recorded on a loan grant (None before it is recorded), with its interest statements and
    their payment lines when the page lists them."""
    loans = Loan.objects.filter(entitlement=entitlement)
    if with_statements:
        loans = loans.prefetch_related("statements__disbursement")
    return loans.first()


def register_names(*, codes) -> dict[str, str]:
    """Register code → its Chinese name, for the codes given."""
    return dict(Register.objects.filter(code__in=codes).values_list("code", "name_zh"))


# --- The applicant's own (the portal) -------------------------------------------------------------------------


def my_facts(*, user, as_of: datetime.date) -> dict | None:
    """The facts document of the party the applicant has claimed (None before a claim): a person's stored
    records, or an employer's city and grants (what an employer's application adds is not known yet)."""
    party = applicant_party(user=user)
    if party is None:
        return None
    if isinstance(party, Person):
        return person_facts(person=party, as_of=as_of)
    document = {"as_of": as_of.isoformat(), "city": party.unit.city_code, "subject": "organization"}
    grants = _granted(as_of, organization_id=party.pk).values_list(*GRANT_FIELDS)
    if grants:
        document["grants"] = [_grant_row(*row) for row in grants]
    return document


def own_records(queryset, user):
    if not user.is_authenticated or not user.is_applicant:
        return queryset.none()
    return queryset.filter(Q(person__account=user) | Q(organization__account=user))


def my_application_list(*, user):
    """The applicant's own applications, newest first (nobody else's, whatever the id)."""
    return (
        own_records(Application.objects.all(), user)
        .select_related("program", "submitted_by", "entitlement")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def my_application_get(*, user, application_id: int) -> Application:
    return get_object_or_404(my_application_list(user=user), pk=application_id)


def my_entitlement_list(*, user):
    return own_records(Entitlement.objects.all(), user).select_related("program").order_by("-start", "-pk")


def public_timeline(application: Application) -> list[dict]:
    """The application's steps in the applicant's words: internal steps (recommended, a first approval) are one
    "under review", so a step shows only when what the applicant is told changes."""
    rows, last = [], None
    for when, state in application.history.order_by("history_date", "history_id").values_list("history_date", "state"):
        label = PUBLIC_STATUS[state]
        if label != last:
            rows.append({"date": when, "status": PUBLIC_CODE[state], "label": str(label)})
            last = label
    return rows


def processing_limits(*, on: datetime.date) -> dict[str, int]:
    """Working days a city gives itself to decide a complete application: its stated limit where a document sets
    one (大庆（十）: 2 working days), else ``CASEWORK_APPLICATION_WORKING_DAYS``."""
    limits = {}
    values = ParameterValue.objects.filter(
        parameter__code__endswith=".service_processing_max_working_days", valid_from__lte=on
    ).order_by("valid_from")
    for city, value in values.values_list("parameter__city", "value"):
        limits[city] = int(value) if value is not None else None
    return {city: days for city, days in limits.items() if days is not None}


def application_deadline(application, limits: dict[str, int]) -> datetime.date | None:
    """The last day to decide: the limit in working days from the day it was submitted (Chinese holidays off,
    adjusted working days on)."""
    if application.submitted_at is None:
        return None
    days = limits.get(application.program.city, settings.CASEWORK_APPLICATION_WORKING_DAYS)
    return add_working_days(timezone.localdate(application.submitted_at), days)


def evidence_of(application: Application, evidence_id: int) -> Evidence:
    """One of ``application``'s documents (404 when it has no such document)."""
    return get_object_or_404(application.evidence, pk=evidence_id)


def evidence_get_for_user(*, user, application_id: int, evidence_id: int) -> Evidence:
    """A document of an application the user may see (404 for missing and forbidden alike)."""
    return evidence_of(application_get_for_user(user=user, application_id=application_id), evidence_id)
