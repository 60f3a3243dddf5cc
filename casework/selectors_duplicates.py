"""Reads of the possible duplicates: a supervisor's list (pairs with a record in the user's area), one pair with,
for each side, whether it lies in the user's area (only then is the whole record shown), and what a merge would
move, counted before it is done."""

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceUnit

from .models import (
    Assistance,
    CaseNote,
    Contact,
    DuplicateCandidate,
    EmploymentRecord,
    HouseholdMember,
    NameConflict,
    Person,
    Referral,
    RegistryEntry,
)

RELATED = ("person_a__residence_unit", "person_b__residence_unit", "decided_by")


def _city_name(side: str):
    city = ServiceUnit.objects.filter(
        level=ServiceUnit.Level.CITY, city_code=OuterRef(f"{side}__residence_unit__city_code")
    )
    return Subquery(city.values("name")[:1])


def duplicate_list(*, user, status: str = DuplicateCandidate.Status.OPEN):
    """The pairs of the user's area in ``status``, newest first, each side annotated with whether it lies in the
    user's area (``a_in_area``, ``b_in_area``) and its city's name (``a_city``, ``b_city``): one query a page."""
    units = ServiceUnit.objects.visible_to(user)
    return (
        DuplicateCandidate.objects.visible_to(user)
        .filter(status=status)
        .select_related(*RELATED)
        .annotate(
            a_in_area=Exists(units.filter(pk=OuterRef("person_a__residence_unit"))),
            b_in_area=Exists(units.filter(pk=OuterRef("person_b__residence_unit"))),
            a_city=_city_name("person_a"),
            b_city=_city_name("person_b"),
        )
        .order_by("-first_found_at", "pk")
    )


def duplicate_get_for_user(*, user, candidate_id) -> DuplicateCandidate:
    """One pair with a record in the user's area; 404 for a missing pair and for one outside it alike."""
    return get_object_or_404(DuplicateCandidate.objects.visible_to(user).select_related(*RELATED), pk=candidate_id)


def duplicate_sides(*, user, candidate: DuplicateCandidate) -> list[dict]:
    """The two records side by side: each person, whether the user's area holds it, its open register entries,
    its household and its city's name."""
    from accounts.models import ServiceUnit

    persons = [candidate.person_a, candidate.person_b]
    visible = set(Person.objects.visible_to(user).filter(pk__in=[p.pk for p in persons]).values_list("pk", flat=True))
    cities = dict(
        ServiceUnit.objects.filter(
            level=ServiceUnit.Level.CITY, city_code__in=[p.residence_unit.city_code for p in persons]
        ).values_list("city_code", "name")
    )
    sides = []
    for key, person in zip(("a", "b"), persons, strict=True):
        side = {
            "key": key,
            "person": person,
            "in_area": person.pk in visible,
            "city": cities.get(person.residence_unit.city_code, ""),
        }
        if side["in_area"]:
            side["entries"] = list(person.registry_entries.filter(exited_on__isnull=True).select_related("register"))
            side["household"] = HouseholdMember.objects.filter(person=person).select_related("household").first()
        sides.append(side)
    return sides


# --- What a merge would move ----------------------------------------------------------------------------------


def count_rows(rows, field: str = "person"):
    """The number of ``rows`` (a queryset filtered on ``OuterRef``) as a subquery expression: 0 when none. For the
    apps above casework too (their merge-count hooks)."""
    counted = rows.order_by().values(field).annotate(rows=Count("pk")).values("rows")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def counts_of(person: Person, annotations: dict) -> dict[str, int]:
    """``annotations`` (name -> ``count_rows``) of ``person``, in one query. (The names are prefixed in the query:
    a kind such as ``registry_entries`` is also a relation of the person.)"""
    row = Person.objects.filter(pk=person.pk).annotate(**{f"n_{kind}": e for kind, e in annotations.items()})
    counted = row.values(*(f"n_{kind}" for kind in annotations)).get()
    return {kind: counted[f"n_{kind}"] for kind in annotations}


def _merge_counts(*, keep: Person, gone: Person) -> list[tuple[str, str, int]]:
    """What ``duplicate_merge`` moves from ``gone`` to ``keep`` in casework, in one query: as it does, an open
    register entry on a register ``keep`` is open on too is closed and stays, so it does not count."""
    kept_open = RegistryEntry.objects.filter(person=keep, exited_on__isnull=True).values("register_id")
    rows = {
        "registry_entries": (
            RegistryEntry,
            RegistryEntry.objects.filter(person=OuterRef("pk")).exclude(
                exited_on__isnull=True, register_id__in=kept_open
            ),
        ),
        "household": (None, HouseholdMember.objects.filter(person=OuterRef("pk"))),
        "assistance": (Assistance, Assistance.objects.filter(person=OuterRef("pk"))),
        "employment": (EmploymentRecord, EmploymentRecord.objects.filter(person=OuterRef("pk"))),
        "contacts": (Contact, Contact.objects.filter(person=OuterRef("pk"))),
        "notes": (CaseNote, CaseNote.objects.filter(person=OuterRef("pk"))),
        "referrals": (Referral, Referral.objects.filter(person=OuterRef("pk"))),
        "name_conflicts": (NameConflict, NameConflict.objects.filter(person=OuterRef("pk"))),
    }
    annotations = {kind: count_rows(queryset) for kind, (_model, queryset) in rows.items()}
    annotations["tombstones"] = count_rows(Person.objects.filter(merged_into=OuterRef("pk")), "merged_into")
    counts = counts_of(gone, annotations)
    labels = {kind: model._meta.verbose_name_plural for kind, (model, _rows) in rows.items() if model is not None}
    labels["household"] = _("household membership")
    labels["tombstones"] = _("earlier merged records")
    moved = [(kind, labels[kind], counts[kind]) for kind in annotations]
    # the applicant account moves only to a kept record that has none
    moved.append(
        ("account", Person._meta.get_field("account").verbose_name, int(bool(gone.account_id and not keep.account_id)))
    )
    return moved


def _merge_count_hooks():
    return [import_string(path) for path in getattr(settings, "CASEWORK_MERGE_COUNT_HOOKS", [])]


def duplicate_merge_preview(*, candidate: DuplicateCandidate) -> dict[int, list[dict]]:
    """For each side of the pair, what a merge keeping it would move from the other record: by the kept person's
    id, a list of ``{"kind", "label", "count"}`` (the kinds ``duplicate_merge`` reports, each counted set-based:
    one query for casework's rows and one per app above it, whatever the number of rows). Only kinds with rows."""
    preview = {}
    for keep, gone in ((candidate.person_a, candidate.person_b), (candidate.person_b, candidate.person_a)):
        counts = _merge_counts(keep=keep, gone=gone)
        for hook in _merge_count_hooks():
            counts += hook(keep=keep, gone=gone)
        preview[keep.pk] = [{"kind": kind, "label": str(label), "count": n} for kind, label, n in counts if n]
    return preview
