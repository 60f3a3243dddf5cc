"""Supervisors' reports on 1,000,000 persons and 2,000,000 payment lines (PostgreSQL): each report page opened
through the Django test client as the supervisor of a district and as a city-level administrator, median of a
few runs (target ≤ 1 s each).

Generation (kept between runs; each step is skipped when its rows are there): a city of its own (``报表基准市``,
大连's programs and registers, 10 districts × 10 streets × 10 communities, a caseworker per street), N persons
made with the search benchmark's set-based SQL, and, all in ``INSERT … SELECT`` statements: one register entry
each (a third on the unemployed-graduates register, a quarter exited with a reason), contacts for seven in ten
graduates, 50,000 households (zero-employment, cleared, fallen back), 100,000 approved applications each with a
monthly grant of 20 payment lines (2,000,000 lines in 48,000 batches over 24 months: paid, a few failed, the
last months sent and approved) and 0.5 percent of the paid lines reversed in the ledger, 40,000 applications in
the other states, follow-ups for graduates never contacted and households that fell back, 200,000 open leads and
one-on-one assistance. No ORM and no history rows for the bulk rows."""

import datetime
import statistics
import time

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Role, ServiceUnit, User
from accounts.services import membership_grant, staff_user_create
from benefits.models import Disbursement, DisbursementRun, Program
from casework.bench.search import CHUNK, insert_params, insert_sql, unit_tree
from casework.models import Person, Register

NAME = "reports"
CITY_NAME = "报表基准市"
OFFSET = 12_000_000  # row numbers of their own: never the search, proactive or disbursement benchmarks' people
LAST_DAY = datetime.date(2026, 11, 30)
MONTHLY_PROGRAMS = (
    "dalian_hard_to_employ_flexible_si_subsidy_others",
    "dalian_hard_to_employ_flexible_si_subsidy_priority_groups",
)
ONE_TIME_PROGRAM = "dalian_job_seeking_startup_subsidy"
# Register of each person by (hash mod 100): the unemployed graduates (contact duty) first.
REGISTERS = (
    ("unemployed_graduates_after_leaving", 33),
    ("registered_urban_unemployed", 27),
    ("hard_to_employ", 15),
    ("persons_with_disabilities", 10),
    ("new_form_workers", 10),
    ("veterans", 5),
)
EXIT_REASONS = ("employed", "employed", "employed", "window_closed", "moved_away", "no_longer_eligible", "other")
MASK = 4611686018427387903  # hashint8extended(...) & MASK: a non-negative pseudo-random bigint


def add_arguments(parser):
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="Timed requests per page and user (median kept).")
    parser.add_argument("--generate-only", action="store_true", help="Make the data, time nothing.")
    parser.add_argument(
        "--skip-generation", action="store_true", help="Time the data already there (no generation step checked)."
    )
    parser.add_argument("--no-refresh", action="store_true", help="Do not refresh the report summaries before timing.")


def _units():
    return unit_tree(city_name=CITY_NAME, prefix="报表", city_code="dalian")


def _user(username: str, full_name: str, role: str, unit: ServiceUnit) -> User:
    user = User.objects.filter(username=username).first() or staff_user_create(username=username, full_name=full_name)
    membership_grant(user=user, unit=unit, role=role)
    return user


def _users(city, districts, streets) -> dict:
    caseworkers = [
        _user(f"bench.reports.cw{index:03d}", f"报表专干{index:03d}", Role.CASEWORKER, street)
        for index, street in enumerate(streets, start=1)
    ]
    return {
        "supervisor": _user("bench.reports.supervisor", "报表区主管", Role.SUPERVISOR, districts[0]),
        "city": _user("bench.reports.city", "报表市管理员", Role.ADMIN, city),
        "caseworkers": caseworkers,
    }


def _h(column: str, seed: int) -> str:
    return f"(hashint8extended({column}, {seed}) & {MASK})"


def _step(result: dict, name: str, present, statements: list[tuple[str, dict]]) -> None:
    """Run ``statements`` in one transaction unless ``present()`` says the step's rows are there; record seconds."""
    if present():
        result[f"{name}_seconds"] = "kept"
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    result[f"{name}_seconds"] = round(time.perf_counter() - started, 1)


def _exists(sql: str, params: dict) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({sql})", params)
        return cursor.fetchone()[0]


def _generate(persons: int, units: list[int], users: dict) -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("The reports benchmark generates its rows with PostgreSQL SQL; set DATABASE_URL.")
    result = {}
    people = Person.objects.filter(residence_unit_id__in=units)
    have = people.count()
    started = time.perf_counter()
    params = insert_params(units)
    for start in range(have, persons, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                insert_sql(), {**params, "start": OFFSET + start, "stop": OFFSET + min(start + CHUNK, persons)}
            )
    result["persons_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_person")

    registers = {code: Register.objects.get(code=code).pk for code, _share in REGISTERS}
    programs = {p.code: p for p in Program.objects.filter(code__in=[*MONTHLY_PROGRAMS, ONE_TIME_PROGRAM])}
    if len(programs) != 3:
        raise RuntimeError("Run `python manage.py sync_catalogue` first: the benchmark uses 大连's programs.")
    caseworkers = [user.pk for user in users["caseworkers"]]
    system = users["city"].pk
    graduates = registers["unemployed_graduates_after_leaving"]
    bounds, case = 0, []
    for index, (_code, share) in enumerate(REGISTERS):
        bounds += share
        case.append(f"WHEN {_h('id', 11)} %% 100 < {bounds} THEN {index + 1}")
    common = {
        "units": units,
        "last_day": LAST_DAY,
        "registers": [registers[code] for code, _share in REGISTERS],
        "reasons": list(EXIT_REASONS),
        "caseworkers": caseworkers,
        "graduates": graduates,
        "system": system,
    }
    in_city = "residence_unit_id = ANY(%(units)s)"

    _step(
        result,
        "entries",
        lambda: _exists("SELECT 1 FROM casework_registryentry WHERE unit_id = ANY(%(units)s)", common),
        [
            (
                f"""
                INSERT INTO casework_registryentry
                    (register_id, person_id, unit_id, entered_on, window_ends_on, exited_on, exit_reason, source, note)
                SELECT (%(registers)s::bigint[])[r], id, residence_unit_id, entered, NULL,
                       CASE WHEN x %% 100 < 25 THEN LEAST(entered + (x / 100 %% 400)::int, %(last_day)s) END,
                       CASE WHEN x %% 100 < 25 THEN (%(reasons)s::text[])[1 + (x / 7 %% 7)] ELSE '' END,
                       'import', ''
                FROM (SELECT id, residence_unit_id, CASE {" ".join(case)} END AS r,
                             DATE '2024-01-01' + ({_h("id", 12)} %% 1050)::int AS entered, {_h("id", 13)} AS x
                      FROM casework_person WHERE {in_city}) AS drawn
                """,  # noqa: S608 (this module's constants only)
                common,
            )
        ],
    )
    _step(
        result,
        "contacts",
        lambda: _exists(
            "SELECT 1 FROM casework_contact c JOIN casework_person p ON p.id = c.person_id"
            " WHERE p.residence_unit_id = ANY(%(units)s)",
            common,
        ),
        [
            (
                f"""
                INSERT INTO casework_contact
                    (person_id, contacted_on, channel, outcome, note, next_follow_up_on, caseworker_id, created_at)
                SELECT e.person_id,
                       e.entered_on + ({_h("e.person_id", seed)} %% GREATEST(1, %(last_day)s - e.entered_on))::int,
                       'phone', 'seeking', '', NULL,
                       (%(caseworkers)s::bigint[])[1 + ({_h("e.person_id", seed)} / 7 %% 100)], now()
                FROM casework_registryentry e
                WHERE e.register_id = %(graduates)s AND e.unit_id = ANY(%(units)s)
                  AND {_h("e.person_id", 21)} %% 100 < {share}
                """,  # noqa: S608
                common,
            )
            for seed, share in ((22, 70), (23, 20))
        ],
    )
    _step(
        result,
        "households",
        lambda: _exists("SELECT 1 FROM casework_household WHERE unit_id = ANY(%(units)s)", common),
        [
            (
                f"""
                INSERT INTO casework_household (unit_id, address, is_dibao, dibao_since, is_zero_employment,
                                                zero_employment_since, cleared_on, fell_back_on, created_at)
                SELECT residence_unit_id, 'bench:' || id, false, NULL, x < 40,
                       CASE WHEN x < 40 THEN DATE '2025-01-01' + (y %% 600)::int END,
                       CASE WHEN x >= 40 AND x < 70 THEN DATE '2025-06-01' + (y %% 540)::int END,
                       CASE WHEN x < 10 THEN DATE '2025-01-01' + (y %% 600)::int END, now()
                FROM (SELECT id, residence_unit_id, {_h("id", 31)} %% 100 AS x, {_h("id", 32)} AS y
                      FROM casework_person WHERE {in_city} AND id %% 20 = 0) AS drawn
                """,  # noqa: S608
                common,
            ),
            (
                """
                INSERT INTO casework_householdmember (household_id, person_id, relation, able_to_work)
                SELECT id, substr(address, 7)::bigint, 'head', true FROM casework_household
                WHERE unit_id = ANY(%(units)s) AND address LIKE 'bench:%%'
                """,
                common,
            ),
        ],
    )
    monthly = [programs[code] for code in MONTHLY_PROGRAMS]
    entitlements = {
        **common,
        "programs": [p.pk for p in monthly],
        "families": [p.family for p in monthly],
        "one_time": programs[ONE_TIME_PROGRAM].pk,
    }
    _step(
        result,
        "grants",
        lambda: _exists("SELECT 1 FROM benefits_entitlement WHERE unit_id = ANY(%(units)s)", entitlements),
        [
            (
                f"""
                WITH todo AS (
                    SELECT id, residence_unit_id, 1 + ({_h("id", 41)} %% 2) AS p,
                           (DATE '2024-12-01' + make_interval(months => ({_h("id", 42)} %% 5)::int))::date AS start,
                           {_h("id", 43)} AS y
                    FROM casework_person WHERE {in_city} AND id %% 10 = 1),
                made AS (
                    INSERT INTO benefits_application
                        (person_id, unit_id, program_id, state, requested_start, facts, note, created_by_id,
                         created_at, submitted_by_id, submitted_at, decided_by_id, decided_on, override_reason,
                         decision_note)
                    SELECT id, residence_unit_id, (%(programs)s::bigint[])[p], 'approved', start, '{{}}', '',
                           %(system)s, start - 26 + time '10:00', %(system)s, start - 25 + time '10:00',
                           %(system)s, start - (y %% 15)::int, '', ''
                    FROM todo RETURNING id, person_id, unit_id, program_id, requested_start, decided_on)
                INSERT INTO benefits_entitlement
                    (person_id, unit_id, application_id, program_id, family, once, start, "end", amount_per_period,
                     period, max_periods, status, status_reason, holds_while_on, approved_by_id, approved_on)
                SELECT person_id, unit_id, id, program_id,
                       (%(families)s::text[])[array_position(%(programs)s::bigint[], program_id)], false,
                       requested_start, (requested_start + interval '20 months' - interval '1 day')::date,
                       1000 + (person_id %% 5) * 100, 'month', 20,
                       CASE WHEN requested_start + interval '20 months' > %(last_day)s THEN 'active'
                            ELSE 'expired' END, '', '[]', %(system)s, decided_on
                FROM made
                """,  # noqa: S608
                entitlements,
            ),
            (
                f"""
                INSERT INTO benefits_application
                    (person_id, unit_id, program_id, state, requested_start, facts, note, created_by_id, created_at,
                     submitted_by_id, submitted_at, decided_by_id, decided_on, override_reason, decision_note)
                SELECT id, residence_unit_id, %(one_time)s, state, DATE '2026-01-01', '{{}}', '', %(system)s,
                       submitted - interval '1 day',
                       CASE WHEN state <> 'draft' THEN %(system)s END, CASE WHEN state <> 'draft' THEN submitted END,
                       CASE WHEN state = 'rejected' THEN %(system)s END,
                       CASE WHEN state = 'rejected'
                            THEN LEAST(submitted::date + (y / 100 %% 40)::int, %(last_day)s) END, '', ''
                FROM (SELECT id, residence_unit_id, {_h("id", 44)} AS y,
                             DATE '2026-01-01' + ({_h("id", 45)} %% 330)::int + time '10:00' AS submitted,
                             CASE WHEN {_h("id", 44)} %% 100 < 10 THEN 'draft'
                                  WHEN {_h("id", 44)} %% 100 < 40 THEN 'submitted'
                                  WHEN {_h("id", 44)} %% 100 < 60 THEN 'recommended'
                                  WHEN {_h("id", 44)} %% 100 < 80 THEN 'rejected'
                                  WHEN {_h("id", 44)} %% 100 < 90 THEN 'returned'
                                  ELSE 'withdrawn' END AS state
                      FROM casework_person WHERE {in_city} AND id %% 25 = 2) AS drawn
                """,  # noqa: S608
                entitlements,
            ),
        ],
    )
    payment_lines(result, entitlements)
    _step(
        result,
        "worklists",
        lambda: _exists("SELECT 1 FROM benefits_lead WHERE unit_id = ANY(%(units)s)", common),
        [
            (
                """
                INSERT INTO casework_followup (kind, due_on, detail, created_at, done_at, household_id, person_id,
                                               unit_id)
                SELECT 'contact_due', e.entered_on + 30, '', now(), NULL, NULL, e.person_id, e.unit_id
                FROM casework_registryentry e
                WHERE e.register_id = %(graduates)s AND e.unit_id = ANY(%(units)s) AND e.exited_on IS NULL
                  AND e.entered_on < %(last_day)s - 30
                  AND NOT EXISTS (SELECT 1 FROM casework_contact c WHERE c.person_id = e.person_id)
                """,
                common,
            ),
            (
                """
                INSERT INTO casework_followup (kind, due_on, detail, created_at, done_at, household_id, person_id,
                                               unit_id)
                SELECT 'fell_back', fell_back_on, '', now(), NULL, id, NULL, unit_id FROM casework_household
                WHERE unit_id = ANY(%(units)s) AND is_zero_employment AND fell_back_on IS NOT NULL
                """,
                common,
            ),
            (
                f"""
                INSERT INTO benefits_lead (person_id, program_id, unit_id, first_found_on, last_found_on, amount_cny,
                                           period, reasons, closed_on, close_reason)
                SELECT id, %(one_time)s, residence_unit_id, DATE '2026-10-01' + ({_h("id", 51)} %% 60)::int,
                       %(last_day)s, 1000, 'once', '[]', NULL, ''
                FROM casework_person WHERE {in_city} AND id %% 5 = 3
                """,  # noqa: S608
                entitlements,
            ),
            (
                f"""
                INSERT INTO casework_assistance (person_id, caseworker_id, reason, started_on, ended_on)
                SELECT e.person_id, (%(caseworkers)s::bigint[])[1 + ({_h("e.person_id", 52)} %% 100)], '一对一援助',
                       e.entered_on, NULL
                FROM casework_registryentry e
                WHERE e.register_id = (%(registers)s::bigint[])[3] AND e.unit_id = ANY(%(units)s)
                  AND e.exited_on IS NULL AND e.person_id %% 10 = 0
                """,  # noqa: S608
                common,
            ),
        ],
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (
            "accounts_serviceunit",  # without statistics the planner takes a city's subtree for one unit
            "casework_registryentry",
            "casework_contact",
            "casework_household",
            "casework_householdmember",
            "casework_followup",
            "casework_assistance",
            "benefits_application",
            "benefits_entitlement",
            "benefits_disbursementbatch",
            "benefits_disbursement",
            "benefits_ledgerentry",
            "benefits_lead",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    result["vacuum_analyze_seconds"] = round(time.perf_counter() - started, 1)
    return result


def payment_lines(result: dict, entitlements: dict) -> None:
    """20 monthly lines per grant, in one batch per community, program and month; 0.5 percent reversed."""
    entitlements["units"]
    if _exists("SELECT 1 FROM benefits_disbursement WHERE unit_id = ANY(%(units)s)", entitlements):
        result["lines_seconds"] = "kept"
        return
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    run = DisbursementRun.objects.create(
        month=LAST_DAY.replace(day=1),
        run_by_id=entitlements["system"],
        started_at=now,
        finished_at=now,
        created=0,
        already_present=0,
        batches_made=0,
        total_cny=0,
    )
    lines = """
        SELECT e.id, e.program_id, e.person_id, e.unit_id, e.amount_per_period AS amount, k,
               (e.start + make_interval(months => k))::date AS period
        FROM benefits_entitlement e CROSS JOIN generate_series(0, 19) AS k
        WHERE e.unit_id = ANY(%(units)s) AND e.program_id = ANY(%(programs)s)
    """
    status = """CASE WHEN period < DATE '2026-10-01' THEN 'settled' WHEN period < DATE '2026-11-01' THEN 'exported'
                     ELSE 'approved' END"""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO benefits_disbursementbatch
                (reference, unit_id, program_id, month, sequence, control_count, control_sum_cny, status,
                 approved_by_id, approved_at, exported_by_id, exported_at, export_sha256, run_id)
            SELECT 'RB-' || unit_id || '-' || program_id || '-' || to_char(period, 'YYYYMM'), unit_id, program_id,
                   period, 1, count(*), sum(amount), {status}, %(system)s, period + time '12:00',
                   CASE WHEN {status} <> 'approved' THEN %(system)s END,
                   CASE WHEN {status} <> 'approved' THEN period + time '14:00' END, '', %(run)s
            FROM ({lines}) AS lines GROUP BY unit_id, program_id, period
            """,  # noqa: S608
            {**entitlements, "run": run.pk},
        )
    result["batches_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE benefits_disbursementbatch; ANALYZE benefits_entitlement")
        cursor.execute("SELECT min(id), max(id) FROM benefits_entitlement WHERE unit_id = ANY(%(units)s)", entitlements)
        low, high = cursor.fetchone()
    step = max(1, (high - low + 1) // 10)
    for first in range(low, high + 1, step):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO benefits_disbursement
                    (entitlement_id, program_id, person_id, organization_id, unit_id, period, reference, batch_id,
                     amount_cny, status, attempts, bank_reference, failure_reason, created_at)
                SELECT l.id, l.program_id, l.person_id, NULL, l.unit_id, l.period,
                       'RB' || l.id || '-' || to_char(l.period, 'YYYYMM'), b.id, l.amount, s.status,
                       CASE WHEN s.status = 'pending' THEN 0 ELSE 1 END, '',
                       CASE WHEN s.status = 'failed' THEN '账户不存在' ELSE '' END, b.approved_at
                FROM ({lines} AND e.id >= %(first)s AND e.id < %(stop)s) AS l
                JOIN benefits_disbursementbatch b
                  ON b.unit_id = l.unit_id AND b.program_id = l.program_id AND b.month = l.period AND b.sequence = 1
                CROSS JOIN LATERAL (
                    SELECT CASE WHEN l.period >= DATE '2026-11-01' THEN 'pending'
                                WHEN l.period >= DATE '2026-10-01' THEN 'sent'
                                WHEN {_h("l.id * 31 + l.k", 61)} %% 100 < 3 THEN 'failed'
                                ELSE 'paid' END AS status) AS s
                """,  # noqa: S608
                {**entitlements, "first": first, "stop": first + step},
            )
    result["lines_seconds"] = round(time.perf_counter() - started, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(sequence), 0) FROM benefits_ledgerentry")
        base = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO benefits_ledgerentry (sequence, kind, amount_cny, bank_reference, reason, booked_on,
                                              recorded_at, previous_hash, hash, disbursement_id, recorded_by_id,
                                              reverses_id)
            SELECT %(base)s + row_number() OVER (ORDER BY d.id), 'payment', d.amount_cny, '', '', d.period + 14,
                   now(), '', md5('p' || d.id) || md5('P' || d.id), d.id, NULL, NULL
            FROM benefits_disbursement d
            WHERE d.unit_id = ANY(%(units)s) AND d.status = 'paid' AND {_h("d.id", 62)} %% 1000 < 5
            """,  # noqa: S608
            {**entitlements, "base": base},
        )
        cursor.execute(
            """
            INSERT INTO benefits_ledgerentry (sequence, kind, amount_cny, bank_reference, reason, booked_on,
                                              recorded_at, previous_hash, hash, disbursement_id, recorded_by_id,
                                              reverses_id)
            SELECT %(base)s + row_number() OVER (ORDER BY p.id), 'reversal', -p.amount_cny, '', '退回',
                   p.booked_on + 20, now(), '', md5('r' || p.id) || md5('R' || p.id), p.disbursement_id, NULL, p.id
            FROM benefits_ledgerentry p
            WHERE p.kind = 'payment' AND p.sequence > %(first)s
            """,
            {"base": base + cursor.rowcount, "first": base},
        )
    result["ledger_seconds"] = round(time.perf_counter() - started - result["lines_seconds"], 1)


def _median_ms(client: Client, url: str, runs: int) -> float:
    client.get(url)  # warm: the first request compiles templates and fills the caches
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return round(statistics.median(times), 1)


def report_urls() -> dict[str, str]:
    """The pages the benchmark times: the dashboard, each report, the monthly workbook."""
    from benefits.reports.context import REPORTS

    urls = {"dashboard": reverse("benefits:report-dashboard")}
    urls.update({name: reverse("benefits:report-detail", args=[name]) for name in REPORTS})
    urls["monthly_workbook"] = reverse("benefits:report-monthly") + "?month=2026-11"
    return urls


def _signed_in(user: User) -> Client:
    """A test client signed in as ``user`` with the second factor given (a confirmed authenticator device is
    made for the benchmark's users), as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _time_pages(users: dict, runs: int) -> dict:
    settings.DEBUG = False  # no query log
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    timings = {}
    for label in ("supervisor", "city"):
        client = _signed_in(users[label])
        timings[label] = {name: _median_ms(client, url, runs) for name, url in report_urls().items()}
    return timings


def run(*, persons=1_000_000, runs=5, generate_only=False, skip_generation=False, no_refresh=False, **options) -> dict:
    city, districts, streets, communities = _units()
    users = _users(city, districts, streets)
    result = {"benchmark": NAME, "database": connection.vendor}
    if not skip_generation:
        result.update(_generate(persons, [u.pk for u in communities], users))
    result.update(
        persons=Person.objects.filter(residence_unit__path__startswith=city.path).count(),
        lines=Disbursement.objects.filter(unit__path__startswith=city.path).count(),
        persons_in_district=Person.objects.filter(residence_unit__path__startswith=districts[0].path).count(),
    )
    if not generate_only:
        if not no_refresh:
            from benefits.reports.services import report_summaries_refresh

            started = time.perf_counter()
            refresh = report_summaries_refresh()
            result.update(
                summaries_seconds=refresh.seconds,  # its transaction, as the refresh records it
                summaries_seconds_with_commit_and_vacuum=round(time.perf_counter() - started, 1),
                summary_rows=refresh.figures,
            )
        result["median_ms"] = _time_pages(users, runs)
    return result
