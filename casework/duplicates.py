"""The nightly search for likely duplicate persons (the unique ID number cannot catch a mistyped one).

Set-based, in the database: each kind of match is one SQL statement over a blocking key, and Python only merges
the pairs the statements return (their number grows with the duplicates, not with the square of the persons).

- ``id_digit`` / ``id_swap``: a self-join on (name, birth date) (index ``person_name_birth``); within a block the
  first 17 characters of the two ID numbers differ in exactly one place, or in two neighbouring places whose
  characters are swapped. The check digit is left out: a number whose one digit was mistyped gets a different
  check digit when it is recomputed, so two valid numbers are never one character apart.
- ``two_cities``: the same join, the two persons' communities in two cities (``city_code``).
- ``phone`` / ``bank``: values shared by 2 to ``MAX_SHARED`` living records (``GROUP BY`` the value); the pairs
  of persons who are not members of one household. A value held by more persons is an office or agency number,
  not a sign of one person, and is left out.

Tombstones (``merged_into`` set) take no part. The pairs are upserted into ``DuplicateCandidate``: a new pair is
open from now; a known pair gets its reasons and ``last_found_at`` refreshed and keeps its status (a dismissed
pair stays dismissed); an open pair not found again becomes "no longer matching", and opens again when found
again. The method and its limits are in docs/policy-decisions.md, "Duplicate persons".
"""

import datetime
import time
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ServiceUnit

from .models import DuplicateCandidate, DuplicateReason, HouseholdMember, Person

MAX_SHARED = 5  # a phone or bank account on more living records than this is not a duplicate signal
BODY = 17  # the ID number without its check digit
BATCH = 5_000


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "person": q(Person._meta.db_table),
        "unit": q(ServiceUnit._meta.db_table),
        "member": q(HouseholdMember._meta.db_table),
    }


def _char(alias: str, position: int) -> str:
    return f"substr({alias}.id_number, {position}, 1)"


def _block_sql() -> str:
    """Pairs with one name and birth date: how many of the 17 body characters differ, whether two neighbouring
    ones are swapped, and whether the two live in two cities."""
    differ = " + ".join(f"CASE WHEN {_char('a', i)} <> {_char('b', i)} THEN 1 ELSE 0 END" for i in range(1, BODY + 1))
    swapped = " OR ".join(
        f"({_char('a', i)} = {_char('b', i + 1)} AND {_char('a', i + 1)} = {_char('b', i)}"
        f" AND {_char('a', i)} <> {_char('a', i + 1)})"
        for i in range(1, BODY)
    )
    t = _tables()
    # only this module's constants and the models' table names are formatted in
    return f"""
        SELECT a_id, b_id, differ, swapped, two_cities FROM (
            SELECT a.id AS a_id, b.id AS b_id, ({differ}) AS differ,
                   CASE WHEN {swapped} THEN 1 ELSE 0 END AS swapped,
                   CASE WHEN ua.city_code <> ub.city_code THEN 1 ELSE 0 END AS two_cities
            FROM {t["person"]} a
            JOIN {t["person"]} b ON b.name = a.name AND b.birth_date = a.birth_date AND b.id > a.id
            JOIN {t["unit"]} ua ON ua.id = a.residence_unit_id
            JOIN {t["unit"]} ub ON ub.id = b.residence_unit_id
            WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL
        ) AS block
        WHERE differ = 1 OR (differ = 2 AND swapped = 1) OR two_cities = 1
    """  # noqa: S608


def _shared_sql(column: str) -> str:
    """Pairs of living records that share ``column`` (a phone or bank account) and are not in one household."""
    assert column in ("phone", "bank_account")  # noqa: S101 (never a caller's string)
    t = _tables()
    return f"""
        WITH shared AS (
            SELECT {column} AS value FROM {t["person"]}
            WHERE {column} <> '' AND merged_into_id IS NULL
            GROUP BY {column} HAVING count(*) BETWEEN 2 AND %s
        )
        SELECT a.id, b.id
        FROM shared s
        JOIN {t["person"]} a ON a.{column} = s.value
        JOIN {t["person"]} b ON b.{column} = s.value AND b.id > a.id
        LEFT JOIN {t["member"]} ma ON ma.person_id = a.id
        LEFT JOIN {t["member"]} mb ON mb.person_id = b.id
        WHERE a.merged_into_id IS NULL AND b.merged_into_id IS NULL
          AND (ma.household_id IS NULL OR mb.household_id IS NULL OR ma.household_id <> mb.household_id)
    """  # noqa: S608


def duplicate_pairs_find() -> dict[tuple[int, int], set[str]]:
    """Every pair the detection finds now: (lower id, higher id) → the reason codes."""
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(_block_sql())
        for a, b, differ, swapped, two_cities in cursor.fetchall():
            if differ == 1:
                pairs[a, b].add(DuplicateReason.ID_ONE_DIGIT)
            elif differ == 2 and swapped:
                pairs[a, b].add(DuplicateReason.ID_TRANSPOSED)
            if two_cities:
                pairs[a, b].add(DuplicateReason.TWO_CITIES)
        for column, reason in (("phone", DuplicateReason.PHONE), ("bank_account", DuplicateReason.BANK_ACCOUNT)):
            cursor.execute(_shared_sql(column), [MAX_SHARED])
            for a, b in cursor.fetchall():
                pairs[a, b].add(reason)
    return pairs


def duplicates_detect(*, now: datetime.datetime | None = None) -> dict:
    """The nightly run: find the pairs and keep them (see the module's docstring). Safe to run twice."""
    now = now or timezone.now()
    started = time.perf_counter()
    pairs = duplicate_pairs_find()
    found_s = time.perf_counter() - started
    rows = [
        DuplicateCandidate(
            person_a_id=a,
            person_b_id=b,
            reasons=",".join(sorted(str(r) for r in reasons)),
            first_found_at=now,
            last_found_at=now,
        )
        for (a, b), reasons in pairs.items()
    ]
    with transaction.atomic():
        before = DuplicateCandidate.objects.count()
        for start in range(0, len(rows), BATCH):
            DuplicateCandidate.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["person_a", "person_b"],
                update_fields=["reasons", "last_found_at"],
            )
        new = DuplicateCandidate.objects.count() - before
        Status = DuplicateCandidate.Status
        stale = DuplicateCandidate.objects.filter(status=Status.OPEN, last_found_at__lt=now).update(status=Status.STALE)
        reopened = DuplicateCandidate.objects.filter(status=Status.STALE, last_found_at=now).update(status=Status.OPEN)
    by_reason: dict[str, int] = defaultdict(int)
    for reasons in pairs.values():
        for reason in reasons:
            by_reason[str(reason)] += 1
    return {
        "pairs": len(pairs),
        "new": new,
        "no_longer_matching": stale,
        "reopened": reopened,
        "by_reason": dict(sorted(by_reason.items())),
        "find_seconds": round(found_s, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }
