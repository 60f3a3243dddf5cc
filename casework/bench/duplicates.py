"""Duplicate detection on a large register: the search benchmark's persons plus 1 % seeded near-duplicates.

Data (PostgreSQL only): the persons of ``casework.bench.search`` (its generator, its benchmark city), then for 1 %
of them a seeded copy of one kind — an ID number with one digit of its region or sequence mistyped (40 %), two
neighbouring digits there swapped (20 %), the same mobile number under another ID number (15 %), the same bank
account under another ID number (15 %), the same name and birth date in a second benchmark city (10 %). A
mistyped number gets its check digit recomputed, as a number that passed validation would have. Seeded copies
carry a marker address and are replaced on every run, with every candidate pair.

Measurement: ``casework.duplicates.duplicates_detect`` (what the nightly task calls), timed; recall = seeded pairs
found / seeded pairs (overall and per kind); false pairs = pairs found that were not seeded, per 10,000 persons.
"""

import random
import time

from django.db import connection, transaction
from stdnum.cn import ric

from casework.bench.search import CITY_CODE, _units, generate, unit_tree
from casework.duplicates import duplicates_detect
from casework.models import DuplicateCandidate, Person

NAME = "duplicates"
MARKER = "基准重复样本"
KINDS = [("id_digit", 40), ("id_swap", 20), ("phone", 15), ("bank", 15), ("two_cities", 10)]
# the positions of an ID number a seeded typo may touch: region (0-5) and sequence (14-16), not the birth date
TYPO_POSITIONS = [0, 1, 2, 3, 4, 5, 14, 15, 16]


def add_arguments(parser):
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons in the benchmark city")
    parser.add_argument("--share", type=float, default=0.01, help="share of persons given a seeded duplicate")
    parser.add_argument("--seed", type=int, default=2026)


def _number(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def _typo(number: str, rng: random.Random) -> str:
    body = list(number[:17])
    position = rng.choice(TYPO_POSITIONS)
    body[position] = rng.choice([d for d in "0123456789" if d != body[position]])
    return _number("".join(body))


def _swap(number: str, rng: random.Random) -> str | None:
    body = list(number[:17])
    pairs = [i for i in (0, 1, 2, 3, 4, 14, 15) if body[i] != body[i + 1]]
    if not pairs:
        return None
    i = rng.choice(pairs)
    body[i], body[i + 1] = body[i + 1], body[i]
    return _number("".join(body))


def _fresh(rng: random.Random, birth: str | None = None) -> str:
    """Another valid number: a region outside the generator's, the given birth date (or another), any sequence."""
    birth = birth or f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return _number(f"{rng.choice(['130102', '140105', '150102', '230102'])}{birth}{rng.randint(0, 999):03d}")


def _seed(*, share: float, rng: random.Random, communities, far_communities) -> list[tuple[int, int, str]]:
    """Seeded copies of ``share`` of the benchmark persons: (original id, copy id, kind)."""
    bench = Person.objects.filter(residence_unit__city_code=CITY_CODE)
    bench.exclude(bank_account="").update(bank_account="")
    ids = list(bench.values_list("pk", flat=True))
    chosen = rng.sample(ids, int(len(ids) * share))
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    plans, bank_updates = [], []
    for start in range(0, len(chosen), 10_000):
        for original in Person.objects.filter(pk__in=chosen[start : start + 10_000]).only(
            "pk", "name", "id_number", "birth_date", "phone"
        ):
            kind = rng.choice(kinds)
            unit = rng.choice(communities).pk
            phone, bank, number = "", "", None
            if kind == "id_digit":
                number = _typo(original.id_number, rng)
            elif kind == "id_swap":
                number = _swap(original.id_number, rng)
            elif kind == "phone":
                number, phone = _fresh(rng), original.phone
            elif kind == "bank":
                number, bank = _fresh(rng), f"62{rng.randrange(10**16, 10**17)}"
                original.bank_account = bank
                bank_updates.append(original)
            else:
                number, unit = _fresh(rng, original.id_number[6:14]), rng.choice(far_communities).pk
            if number is None:
                continue
            copy = Person(
                name=original.name,
                id_number=number,
                id_number_reversed=number[::-1],
                birth_date=original.birth_date if kind in ("id_digit", "id_swap", "two_cities") else _birth(number),
                sex="M" if int(number[16]) % 2 else "F",
                residence_unit_id=unit,
                phone=phone,
                bank_account=bank,
                address=MARKER,
            )
            plans.append((original.pk, copy, kind))
    taken = set()
    numbers = [copy.id_number for _pk, copy, _kind in plans]
    for start in range(0, len(numbers), 10_000):
        taken |= set(
            Person.objects.filter(id_number__in=numbers[start : start + 10_000]).values_list("id_number", flat=True)
        )
    seen, kept = set(), []
    for original, copy, kind in plans:
        if copy.id_number in taken or copy.id_number in seen:
            continue
        seen.add(copy.id_number)
        kept.append((original, copy, kind))
    with transaction.atomic():
        Person.objects.bulk_update(bank_updates, ["bank_account"], batch_size=5_000)
        Person.objects.bulk_create([copy for _o, copy, _k in kept], batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_person")
    return [(original, copy.pk, kind) for original, copy, kind in kept]


def _birth(number: str):
    import datetime

    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def run(*, persons=1_000_000, share=0.01, seed=2026, **options) -> dict:
    _city, communities = _units()
    _far, _d, _s, far_communities = unit_tree(city_name="基准测试二市", prefix="基二", city_code="benchmark2")
    DuplicateCandidate.objects.all().delete()  # the last run's seeds first: the generator counts the city's rows
    Person.objects.filter(address=MARKER).delete()
    result = {
        "database": connection.vendor,
        "persons_target": persons,
        **generate(persons=persons, communities=communities),
    }
    rng = random.Random(seed)  # noqa: S311 (a reproducible benchmark, not a secret)
    started = time.perf_counter()
    seeded = _seed(share=share, rng=rng, communities=communities, far_communities=far_communities)
    result["seed_seconds"] = round(time.perf_counter() - started, 1)
    result["persons_in_database"] = total = Person.objects.count()
    result["seeded_pairs"] = len(seeded)
    started = time.perf_counter()
    detection = duplicates_detect()
    result["detect_seconds"] = round(time.perf_counter() - started, 1)
    result["detection"] = detection
    found = set(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id"))
    expected = {tuple(sorted((a, b))): kind for a, b, kind in seeded}
    hits = {pair: kind for pair, kind in expected.items() if pair in found}
    result["recall"] = round(len(hits) / len(expected), 4) if expected else None
    result["recall_by_kind"] = {
        kind: round(
            sum(1 for k in hits.values() if k == kind) / max(1, sum(1 for k in expected.values() if k == kind)), 4
        )
        for kind, _weight in KINDS
    }
    false = found - expected.keys()
    result["false_pairs"] = len(false)
    result["false_pairs_per_10000_persons"] = round(len(false) * 10_000 / total, 3)
    false_reasons: dict[str, int] = {}
    for reasons in DuplicateCandidate.objects.filter(
        pk__in=[
            pk
            for pk, a, b in DuplicateCandidate.objects.values_list("pk", "person_a_id", "person_b_id")
            if (a, b) in false
        ]
    ).values_list("reasons", flat=True):
        false_reasons[reasons] = false_reasons.get(reasons, 0) + 1
    result["false_pairs_by_reasons"] = false_reasons
    with connection.cursor() as cursor:  # what "two cities" would flag if the one benchmark city were two
        cursor.execute(
            """SELECT count(*) FROM casework_person a JOIN casework_person b
               ON b.name = a.name AND b.birth_date = a.birth_date AND b.id > a.id
               WHERE a.address <> %s AND b.address <> %s""",
            [MARKER, MARKER],
        )
        result["same_name_and_birth_date_pairs_unseeded"] = cursor.fetchone()[0]
    return result
