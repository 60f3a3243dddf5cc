"""Reads of the registers, always through ``visible_to(user)``: 404 for missing and out-of-area alike."""

import datetime
import re

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import user_city_codes

from .models import (
    Contact,
    Household,
    HouseholdMember,
    Organization,
    OrganizationClaim,
    Person,
    PersonalDataAccess,
    Register,
    RegistryEntry,
)
from .name_search import name_contains
from .registers import residence_rules

CONTACT_DUE_DAYS = 30
ID_RE = re.compile(r"^\d{17}[\dXx]$")
ID_SUFFIX_RE = re.compile(r"^\d{3,5}[\dXx]$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
PINYIN_RE = re.compile(r"^[A-Za-z]{2,32}$")  # one letter would match a twentieth of the register


def person_search_filter(query: str, *, prefix: str = "") -> Q:
    """What a caseworker types: a full ID number, its last 4–6 characters, a mobile number, the start of a name's
    pinyin or initials (liao, lj: 廖军), or part of a name.
    ``prefix`` reaches the person through a relation (``person__``)."""
    query = (query or "").strip().replace(" ", "")
    if ID_RE.match(query):
        return Q(**{f"{prefix}id_number": query.upper()})
    if PHONE_RE.match(query):
        return Q(**{f"{prefix}phone": query})
    if ID_SUFFIX_RE.match(query):
        return Q(**{f"{prefix}id_number_reversed__startswith": query.upper()[::-1]})
    if PINYIN_RE.match(query):  # liao, lj: the start of the name's pinyin or of its initials; Anna: as written
        typed = query.lower()
        return (
            Q(**{f"{prefix}name_pinyin__startswith": typed})
            | Q(**{f"{prefix}name_initials__startswith": typed})
            | name_contains(query, field=f"{prefix}name")
        )
    return name_contains(query, field=f"{prefix}name")


def person_list(*, user, search: str = "", unit=None, register: Register | None = None):
    """The persons of the user's area, tombstones (records merged into another) left out."""
    people = Person.objects.visible_to(user).filter(merged_into__isnull=True).select_related("residence_unit")
    if search:
        people = people.filter(person_search_filter(search))
    if unit is not None:
        people = people.filter(residence_unit__path__startswith=unit.path)
    if register is not None:
        people = people.filter(Exists(RegistryEntry.objects.active().filter(person=OuterRef("pk"), register=register)))
    return people.order_by("residence_unit__path", "name", "pk")


def person_get_for_user(*, user, person_id) -> Person:
    """One person of the user's area; a tombstone too (its page says which record it was merged into)."""
    return get_object_or_404(
        Person.objects.visible_to(user).select_related("residence_unit", "merged_into"), pk=person_id
    )


def person_by_id_number(*, user, id_number: str) -> Person | None:
    """The person of the user's area with this ID number (as typed: spaces and a lower-case x forgiven), if any."""
    return Person.objects.visible_to(user).filter(id_number=id_number.strip().upper()).first()


PERSON_SECTIONS = ("household", "entries", "employment", "contacts", "notes", "referrals", "assistance")


def person_profile(*, person: Person, sections=PERSON_SECTIONS) -> dict:
    """What the person page shows, each list fetched once: the ``sections`` asked for (the page shows one tab at a
    time) and the unresolved name conflicts, which show above every tab."""
    profile = {"name_conflicts": list(person.name_conflicts.filter(resolved_at__isnull=True))}
    if "household" in sections:
        membership = (
            HouseholdMember.objects.filter(person=person).select_related("household", "household__unit").first()
        )
        profile["household"] = membership.household if membership else None
        profile["household_members"] = (
            list(membership.household.members.select_related("person").order_by("relation")) if membership else []
        )
    lists = {
        "entries": lambda: person.registry_entries.select_related("register").order_by("-entered_on"),
        "employment": lambda: person.employment.select_related("employer"),
        "contacts": lambda: person.contacts.select_related("caseworker")[:50],
        "notes": lambda: person.notes.select_related("author")[:50],
        "referrals": lambda: person.referrals.select_related("organization", "caseworker"),
        "assistance": lambda: person.assistance.select_related("caseworker"),
    }
    profile.update({name: list(query()) for name, query in lists.items() if name in sections})
    return profile


def household_list(*, user, zero_only: bool = False, fell_back_only: bool = False):
    households = (
        Household.objects.visible_to(user)
        .select_related("unit")
        .prefetch_related(Prefetch("members", queryset=HouseholdMember.objects.select_related("person")))
    )
    if zero_only:
        households = households.filter(is_zero_employment=True)
    if fell_back_only:
        households = households.filter(fell_back_on__isnull=False)
    return households.annotate(member_count=Count("members")).order_by("unit__path", "pk")


def household_get_for_user(*, user, household_id) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(user)
        .select_related("unit")
        .prefetch_related(Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))),
        pk=household_id,
    )


def organization_list(*, user, search: str = "", kind: str = ""):
    organizations = Organization.objects.visible_to(user).select_related("unit")
    if search:
        organizations = organizations.filter(Q(name__contains=search) | Q(uscc=search.upper()))
    if kind:
        organizations = organizations.filter(kind=kind)
    return organizations.order_by("name", "pk")


def organization_get_for_user(*, user, organization_id) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(user).select_related("unit"), pk=organization_id)


def organization_employees(*, user, organization: Organization):
    """The people in the user's area whose current job is with ``organization``, by name."""
    return (
        Person.objects.visible_to(user)
        .filter(employment__employer=organization, employment__ended_on__isnull=True)
        .distinct()
        .order_by("name")
    )


def registers_for_user(*, user):
    """Registers of the cities the user works in, with the number of open entries in the user's area."""
    cities = user_city_codes(user=user)
    open_entries = RegistryEntry.objects.visible_to(user).filter(exited_on__isnull=True)
    counts = dict(open_entries.values_list("register").annotate(n=Count("id")).order_by())
    registers = [r for r in Register.objects.all() if user.is_superuser or cities & set(r.cities)]
    for register in registers:
        register.open_count = counts.get(register.pk, 0)
    return registers


def register_names(*, city: str, subject: str = Register.Subject.PERSON) -> dict[str, str]:
    """code → name of the registers a city keeps for people (or households), in the catalogue's order."""
    return {
        r.code: r.display_name for r in Register.objects.filter(subject=subject).order_by("code") if city in r.cities
    }


def register_get(*, code: str) -> Register:
    return get_object_or_404(Register, code=code)


def contact_status(last_contacted_on: datetime.date | None, *, today: datetime.date) -> str:
    if last_contacted_on is None:
        return "never"
    return "recent" if (today - last_contacted_on).days <= CONTACT_DUE_DAYS else "overdue"


def register_entries(*, user, register: Register, status: str = "", search: str = "", today=None):
    """Open entries of a register in the user's area, with each person's last contact and contact status."""
    today = today or timezone.localdate()
    entries = (
        RegistryEntry.objects.visible_to(user)
        .filter(register=register, exited_on__isnull=True)
        .select_related("register", "person", "household", "unit")
    )
    if register.subject == Register.Subject.PERSON:
        last_contact = (
            Contact.objects.filter(person=OuterRef("person")).order_by("-contacted_on").values("contacted_on")[:1]
        )
        entries = entries.annotate(last_contacted_on=Subquery(last_contact))
        cutoff = today - datetime.timedelta(days=CONTACT_DUE_DAYS)
        if status == "never":
            entries = entries.filter(last_contacted_on__isnull=True)
        elif status == "recent":
            entries = entries.filter(last_contacted_on__gte=cutoff)
        elif status == "overdue":
            entries = entries.filter(last_contacted_on__lt=cutoff)
        if search:
            entries = entries.filter(person_search_filter(search, prefix="person__"))
        return entries.order_by("unit__path", "person__name", "pk")
    return entries.order_by("unit__path", "pk")


def register_contact_coverage(*, user, register: Register, today=None) -> dict:
    """逐一联系 coverage of a register in the user's area: never contacted, contacted within 30 days, overdue,
    in total and per community (one query)."""
    today = today or timezone.localdate()
    rows = (
        RegistryEntry.objects.visible_to(user)
        .filter(register=register, exited_on__isnull=True, person__isnull=False)
        .annotate(last=Max("person__contacts__contacted_on"))
        .values_list("unit_id", "unit__name", "last")
    )
    empty = {"never": 0, "recent": 0, "overdue": 0, "total": 0}
    total, by_unit = dict(empty), {}
    for unit_id, unit_name, last in rows:
        status = contact_status(last, today=today)
        unit = by_unit.setdefault(unit_id, {"unit_id": unit_id, "unit": unit_name, **empty})
        for counts in (total, unit):
            counts[status] += 1
            counts["total"] += 1
    return {**total, "by_unit": sorted(by_unit.values(), key=lambda row: row["unit"])}


def access_log(*, user):
    """The personal-data access log entries about people and organizations in the user's area, and the unmasked
    exports (no single subject) made by staff of the user's area."""
    from accounts.models import User

    people = Person.objects.visible_to(user)
    organizations = Organization.objects.visible_to(user)
    exports = Q(person__isnull=True, organization__isnull=True, user__in=User.objects.visible_to(user))
    return PersonalDataAccess.objects.filter(
        Q(person__in=people) | Q(organization__in=organizations) | exports
    ).select_related("user", "person", "organization")


def history_changes(records, *, model, limit: int = 100) -> list[dict]:
    """History rows (newest first) with the labels of the fields each one changed, compared in memory with the
    row before it. Field names only, never values, so a history page cannot show a full ID or phone number."""
    records = list(records[: limit + 1])
    fields = [f for f in model._meta.concrete_fields if f.name not in ("id", "updated_at", "created_at")]
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = (
            [str(f.verbose_name) for f in fields if getattr(record, f.attname) != getattr(previous, f.attname)]
            if previous is not None and record.history_type == "~"
            else []
        )
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": record.get_history_type_display(),
                "changed": changed,
                "reason": record.history_change_reason or "",
            }
        )
    return rows


def city_local_names() -> dict[str, list[str]]:
    """Per city code, the names that make a hukou place local: fixtures/policy/residence_rules.yaml (济南 also 莱芜,
    merged in 2019), else the city unit's own name without 市."""
    from accounts.models import ServiceUnit

    rules = residence_rules()
    return {
        code: (rules.get(code) or {}).get("local_names") or [name.removesuffix("市")]
        for code, name in ServiceUnit.objects.cities().values_list("city_code", "name")
    }


def hukou_is_local(person: Person, *, names: dict[str, list[str]] | None = None) -> bool | None:
    """Whether the person's hukou is in their city of residence (None when no hukou place was recorded).
    hukou_place is free text, so "local" means it names the city (``city_local_names``)."""
    return hukou_place_is_local(person.hukou_place, person.residence_unit.city_code, names=names)


def hukou_place_is_local(hukou_place: str, city_code: str, *, names: dict[str, list[str]] | None = None) -> bool | None:
    """``hukou_is_local`` from the record's hukou place and city code."""
    if not hukou_place:
        return None
    names = names if names is not None else city_local_names()
    return any(name in hukou_place for name in names.get(city_code, []))


# --- The applicant's own (the portal) -------------------------------------------------------------------------


def applicant_party(*, user):
    """The person or organization the applicant's account has claimed (None before a claim)."""
    if not user.is_authenticated or not user.is_applicant:
        return None
    return (
        Person.objects.select_related("residence_unit").filter(account=user).first()
        or Organization.objects.select_related("unit").filter(account=user).first()
    )


def my_registry_entries(*, user):
    """The register entries of the applicant's own person record, newest first."""
    if not user.is_authenticated or not user.is_applicant:
        return RegistryEntry.objects.none()
    return (
        RegistryEntry.objects.filter(
            Q(person__account=user) | Q(household__members__person__account=user)  # a zero-employment household
        )
        .select_related("register", "unit")
        .order_by("-entered_on", "-pk")
    )


def my_organization_claims(*, user):
    if not user.is_authenticated or not user.is_applicant:
        return OrganizationClaim.objects.none()
    return OrganizationClaim.objects.filter(user=user).select_related("organization").order_by("-created_at", "-pk")


def organization_claim_list(*, user, status: str = ""):
    """Employer claims on organizations in the user's area (pending first)."""
    claims = OrganizationClaim.objects.visible_to(user).select_related("organization__unit", "user", "decided_by")
    if status:
        claims = claims.filter(status=status)
    return claims.order_by("-created_at", "-pk")


def organization_claim_get_for_user(*, user, claim_id) -> OrganizationClaim:
    return get_object_or_404(organization_claim_list(user=user), pk=claim_id)
