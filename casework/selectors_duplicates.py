"""Reads of the possible duplicates: a supervisor's list (pairs with a record in the user's area) and one pair
with, for each side, whether it lies in the user's area (only then is the whole record shown)."""

from django.shortcuts import get_object_or_404

from .models import DuplicateCandidate, HouseholdMember, Person

RELATED = ("person_a__residence_unit", "person_b__residence_unit", "decided_by")


def duplicate_list(*, user, status: str = DuplicateCandidate.Status.OPEN):
    return (
        DuplicateCandidate.objects.visible_to(user)
        .filter(status=status)
        .select_related(*RELATED)
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
