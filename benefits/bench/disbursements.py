"""Monthly disbursement generation for N active grants (default 200,000; PostgreSQL): seconds of
``disbursements_generate`` against one hand-written ``INSERT … SELECT`` making the same lines in the same
database, their ratio (target ≤ 1.5 and ≤ 30 s), and the peak memory of a ``generate_disbursements`` process
(target < 300 MB).

Setup (kept between runs): a city of its own (``发放基准市``, 大连's programs, 10 communities), N people made with
the search benchmark's set-based SQL, and for each an approved application and an active grant of 1,000 CNY a
month starting in the benchmark month, split between two of 大连's monthly programs. Each round clears the
month's lines and batches (``VACUUM ANALYZE``, so neither side inherits dead rows), times the hand-written
statement, clears again and times the service; the figures are the best of ``--rounds``. Then the following month:
the benchmark month's lines made once, each round clears the next month's lines and times a hand-written statement
making every grant's next line against the service making the same lines (every grant already has a line, so
the service's "what is due after the latest line" is at work); the ratio of both months is reported."""

import datetime
import os
import resource
import subprocess
import sys
import time

from django.db import connection, transaction

from accounts.models import ServiceUnit, User
from accounts.services import unit_create
from benefits.models import Disbursement, Entitlement, Program
from benefits.payments.services.generation import disbursements_generate
from casework.bench.search import CHUNK, insert_params, insert_sql
from casework.models import Person

NAME = "disbursements"
CITY_NAME = "发放基准市"
MONTH = datetime.date(2026, 11, 1)
NEXT_MONTH = datetime.date(2026, 12, 1)
PROGRAMS = (
    "dalian_hard_to_employ_flexible_si_subsidy_others",
    "dalian_hard_to_employ_flexible_si_subsidy_priority_groups",
)

# The following month's baseline: every grant's second line (each started in MONTH, monthly, 36 periods), nothing
# checked.
BASELINE_NEXT = """
    INSERT INTO benefits_disbursement
        (entitlement_id, program_id, person_id, organization_id, unit_id, period, reference, batch_id,
         amount_cny, status, attempts, bank_reference, failure_reason, created_at)
    SELECT e.id, e.program_id, e.person_id, e.organization_id, e.unit_id, %(month)s,
           e.id::text || '-' || %(label)s, NULL, e.amount_per_period, 'pending', 0, '', '', now()
    FROM benefits_entitlement e
    WHERE e.status = 'active' AND e.amount_per_period > 0 AND e.start < %(month)s
"""

# The baseline: the same lines (batch left empty), written by hand for exactly this data (every grant monthly and
# starting in the month), with nothing to check.
BASELINE = """
    INSERT INTO benefits_disbursement
        (entitlement_id, program_id, person_id, organization_id, unit_id, period, reference, batch_id,
         amount_cny, status, attempts, bank_reference, failure_reason, created_at)
    SELECT e.id, e.program_id, e.person_id, e.organization_id, e.unit_id, %(month)s,
           e.id::text || '-' || %(label)s, NULL, e.amount_per_period, 'pending', 0, '', '', now()
    FROM benefits_entitlement e
    WHERE e.status = 'active' AND e.amount_per_period > 0 AND e.start >= %(month)s AND e.start < %(next)s
"""


def add_arguments(parser):
    parser.add_argument("--grants", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3, help="Timed rounds of each side (default 3; best kept).")


def _communities() -> list[ServiceUnit]:
    L = ServiceUnit.Level
    city = ServiceUnit.objects.filter(name=CITY_NAME, level=L.CITY).first()
    if city is not None:
        return list(ServiceUnit.objects.filter(path__startswith=city.path, level=L.COMMUNITY).order_by("pk"))
    with transaction.atomic():
        city = unit_create(name=CITY_NAME, level=L.CITY, city_code="dalian")
        district = unit_create(name="发放一区", level=L.DISTRICT, parent=city, city_code="dalian")
        street = unit_create(name="发放一街道", level=L.STREET, parent=district, city_code="dalian")
        return [
            unit_create(name=f"发放{c:02d}社区", level=L.COMMUNITY, parent=street, city_code="dalian")
            for c in range(1, 11)
        ]


def _generate(entitlements: int, communities) -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("The disbursement benchmark generates its rows with PostgreSQL SQL; set DATABASE_URL.")
    units = [unit.pk for unit in communities]
    people = Person.objects.filter(residence_unit_id__in=units)
    have = people.count()
    started = time.perf_counter()
    params = insert_params(units)
    offset = 8_000_000  # row numbers of their own: never the search or proactive benchmarks' people
    for start in range(have, entitlements, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                insert_sql(), {**params, "start": offset + start, "stop": offset + min(start + CHUNK, entitlements)}
            )
    user, _created = User.objects.get_or_create(username="bench.disbursements", defaults={"full_name": "基准"})
    programs = list(Program.objects.filter(code__in=PROGRAMS).order_by("code"))
    if len(programs) != len(PROGRAMS):
        raise RuntimeError("Run `python manage.py sync_catalogue` first: the benchmark uses 大连's programs.")
    with transaction.atomic(), connection.cursor() as cursor:
        for index, program in enumerate(programs):
            cursor.execute(
                """
                WITH todo AS (
                    SELECT p.id, p.residence_unit_id FROM casework_person p
                    WHERE p.residence_unit_id = ANY(%(units)s) AND p.id %% 2 = %(index)s
                      AND NOT EXISTS (SELECT 1 FROM benefits_application a WHERE a.person_id = p.id)),
                made AS (
                    INSERT INTO benefits_application
                        (person_id, unit_id, program_id, state, requested_start, facts, note, created_by_id,
                         created_at, decided_by_id, decided_on, override_reason, decision_note)
                    SELECT id, residence_unit_id, %(program)s, 'approved', %(start)s, '{}', '', %(user)s, now(),
                           %(user)s, %(start)s, '', ''
                    FROM todo RETURNING id, person_id, unit_id)
                INSERT INTO benefits_entitlement
                    (person_id, unit_id, application_id, program_id, family, once, start, "end", amount_per_period,
                     period, max_periods, status, status_reason, holds_while_on, approved_by_id, approved_on)
                SELECT person_id, unit_id, id, %(program)s, %(family)s, false,
                       %(start)s + (person_id %% 28)::int, NULL, 1000.00, 'month', 36, 'active', '', '[]',
                       %(user)s, %(start)s
                FROM made
                """,
                {
                    "units": units,
                    "index": index,
                    "program": program.pk,
                    "family": program.family,
                    "start": MONTH,
                    "user": user.pk,
                },
            )
        cursor.execute("ANALYZE casework_person, benefits_application, benefits_entitlement")
    return {
        "grants": Entitlement.objects.filter(unit_id__in=units, status="active").count(),
        "setup_seconds": round(time.perf_counter() - started, 1),
    }


def _clear(month: datetime.date = MONTH) -> None:
    """Forget ``month``'s lines, batches and runs (none of them paid), and the dead rows they leave."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM benefits_disbursement WHERE period = %s", [month])
        cursor.execute("DELETE FROM benefits_disbursementbatch WHERE month = %s", [month])
        cursor.execute("DELETE FROM benefits_disbursementrun WHERE month = %s", [month])
        cursor.execute("VACUUM ANALYZE benefits_disbursement")
        cursor.execute("VACUUM ANALYZE benefits_disbursementbatch")


def _baseline(month: datetime.date = MONTH) -> tuple[float, int]:
    statement = BASELINE if month == MONTH else BASELINE_NEXT
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            statement,
            {"month": month, "next": NEXT_MONTH, "label": month.strftime("%Y%m")},
        )
        rows = cursor.rowcount
    return time.perf_counter() - started, rows


def _service(month: datetime.date = MONTH) -> tuple[float, int]:
    started = time.perf_counter()
    summary = disbursements_generate(month=month)
    return time.perf_counter() - started, summary["created"]


def _rounds(month: datetime.date, rounds: int) -> dict:
    """``rounds`` of the hand-written statement and the service making ``month``'s lines, each from a clean
    month; the same number of lines on both sides, or the benchmark stops."""
    baseline, service = [], []
    for _round in range(rounds):
        _clear(month)
        seconds, rows = _baseline(month)
        baseline.append(seconds)
        _clear(month)
        seconds, created = _service(month)
        service.append(seconds)
        if created != rows:
            raise RuntimeError(f"{month:%Y-%m}: the service made {created} lines, the hand-written statement {rows}.")
    return {
        "lines": rows,
        "baseline_seconds": [round(s, 2) for s in baseline],
        "service_seconds": [round(s, 2) for s in service],
        "ratio": round(min(service) / min(baseline), 2),
    }


def _process() -> dict:
    """``generate_disbursements`` in a process of its own: its wall time and peak memory."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "generate_disbursements", "--period", MONTH.strftime("%Y-%m")],
        env=os.environ.copy(),
        check=True,
        capture_output=True,
    )
    return {
        "process_seconds": round(time.perf_counter() - started, 1),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def run(*, grants=200_000, rounds=3, **options) -> dict:
    result = {"benchmark": NAME, "database": connection.vendor, "month": MONTH.isoformat()[:7]}
    result.update(_generate(grants, _communities()))
    _clear(NEXT_MONTH)
    result.update(_rounds(MONTH, rounds))
    result["already_present_again"] = disbursements_generate(month=MONTH)["already_present"]
    # The following month: every grant has its first line (the last round's), and each round makes the second.
    result["following_month"] = {"month": NEXT_MONTH.isoformat()[:7], **_rounds(NEXT_MONTH, rounds)}
    _clear(NEXT_MONTH)
    _clear()
    result.update(_process())
    result["lines_after_process"] = Disbursement.objects.filter(period=MONTH).count()
    return result
