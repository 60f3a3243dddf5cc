"""Load: staff doing a caseworker's and a supervisor's day and applicants on the portal, at once, against gunicorn.

``python manage.py bench load [--staff 100] [--portal 50] [--minutes 5] [--skip-setup]``

Setup (skipped with ``--skip-setup``): the migrations, the five cities' demo (``bootstrap_demo``, as scripts/run
does), then the benchmark's own accounts, created once and found afterwards: staff ``load.cw.NNN`` (caseworkers,
one community each, round the demo's communities) and ``load.sup.NN`` (supervisors, one district each, round the
districts that have communities; one supervisor for every seven staff, each with an authenticator whose key the
simulated user holds), and applicants ``load.applicant.NNN``, each with a person of their own in a demo community,
on the city's register of the unemployed where it has one; and each supervisor's district gets a queue of
recommended applications to start the day with. Every account gets the demo password, hashed once.

Run: gunicorn (loopback, a free port; ``--workers`` and ``--threads``) and one Celery worker on the configured
database and broker (``DATABASE_URL`` / ``REDIS_URL``: the process's own), then locust, headless, in a subprocess
(locust patches the standard library with gevent: it never enters this process), for the given time; the simulated
users are in ``locust/locustfile.py`` beside this module (a folder without ``__init__``, so the bench command's
discovery never imports it). Afterwards everything is stopped and a table per request name (requests, failures,
median, p95, max in ms, share of the mix) is printed with the totals; the figures are returned for the JSON, and
any failed request (or error in a simulated user) makes the command fail.
"""

import csv
import datetime
import json
import math
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric

from accounts.demo import UNITS_FILE
from accounts.models import Role, ServiceUnit, User
from accounts.services import membership_grant, staff_user_create
from benefits.applications.services import application_create, application_recommend, application_submit
from benefits.models import Application, Program
from casework import services
from casework.models import HukouType, Person, Register, Source
from core.yamlfile import read_yaml

NAME = "load"
LOCUSTFILE = Path(__file__).resolve().parent / "locust" / "locustfile.py"  # not a package: never imported here
HOOKS = LOCUSTFILE.parent / "gunicorn_hooks.py"  # each request's own CPU time, written by the workers
PREFIX = "load."
STAFF_PER_SUPERVISOR = 7  # one supervisor (审核员) for every seven staff: a district's reviewer and its caseworkers
QUEUE_START = 5  # applications waiting for each supervisor when the day starts
PEOPLE_PER_USER = 60  # the people a simulated staff user looks up (their area's, in a fixed random order)
SIGN_INS = {"POST console: sign in", "POST console: second factor", "POST api: auth/login"}
REGISTER = "registered_urban_unemployed"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华"]


def add_arguments(parser):
    parser.add_argument("--staff", type=int, default=100, help="staff users (caseworkers and supervisors)")
    parser.add_argument("--portal", type=int, default=50, help="portal users (applicants)")
    parser.add_argument("--minutes", type=float, default=5, help="how long the load runs")
    parser.add_argument("--skip-setup", action="store_true", help="use the database as it is (setup done before)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn worker processes (default 2 × cores + 1: 5 on two cores)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (>1: gthread workers)")
    parser.add_argument(
        "--think", default="10,30", help="seconds between a user's steps, uniform between MIN,MAX (default 10,30)"
    )
    parser.add_argument("--ramp", type=float, default=60, help="seconds over which the users arrive (default 60)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the users' choices")
    parser.add_argument("--log-dir", default="", help="folder for the servers' logs and locust's CSV (default: new)")


# --- Setup ------------------------------------------------------------------------------------------------------


def _migrate() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def _demo_units() -> tuple[list[ServiceUnit], list[ServiceUnit]]:
    """The demo cities' communities (not other benchmarks' cities), and the districts that have communities, in a
    fixed order."""
    names = [spec["name"] for spec in read_yaml(UNITS_FILE)]
    cities = ServiceUnit.objects.filter(level=ServiceUnit.Level.CITY, parent__isnull=True, name__in=names)
    below = Q(pk__in=[])
    for path in cities.values_list("path", flat=True):
        below |= Q(path__startswith=path)
    communities = list(
        ServiceUnit.objects.filter(below, level=ServiceUnit.Level.COMMUNITY, is_active=True)
        .select_related("parent__parent")
        .order_by("city_code", "path")
    )
    districts = []
    for community in communities:
        district = community.parent.parent
        if district not in districts:
            districts.append(district)
    # caseworkers go round the communities that have people, district by district: the first few users share the
    # first district (and its supervisor)
    people = Person.objects.filter(residence_unit__in=communities, account__isnull=True, merged_into__isnull=True)
    peopled = set(people.order_by().distinct().values_list("residence_unit", flat=True))
    communities = [c for c in communities if c.pk in peopled]
    districts = [d for d in districts if any(c.parent.parent == d for c in communities)]
    by_district = sorted(communities, key=lambda c: (districts.index(c.parent.parent), c.path))
    return by_district, districts


def _staff(*, staff: int, communities, districts) -> None:
    supervisors = max(1, staff // STAFF_PER_SUPERVISOR)
    for i in range(staff - supervisors):
        username = f"{PREFIX}cw.{i + 1:03d}"
        unit = communities[i % len(communities)]
        user = User.objects.filter(username=username).first() or staff_user_create(
            username=username, full_name=f"负载测试专干{i + 1:03d}"
        )
        membership_grant(user=user, unit=unit, role=Role.CASEWORKER)
    for j in range(supervisors):
        username = f"{PREFIX}sup.{j + 1:02d}"
        unit = districts[j % len(districts)]
        user = User.objects.filter(username=username).first() or staff_user_create(
            username=username, full_name=f"负载测试审核员{j + 1:02d}"
        )
        membership_grant(user=user, unit=unit, role=Role.SUPERVISOR)
        # the key is the device's own random one: the simulated user reads it from the accounts file
        TOTPDevice.objects.get_or_create(user=user, name="load", defaults={"confirmed": True})


def _id_number(region: str, n: int) -> str:
    birth = datetime.date(1986, 1, 1) + datetime.timedelta(days=n % 3000)
    body = f"{region}{birth:%Y%m%d}{900 + n // 3000 % 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def _applicants(*, portal: int, communities) -> None:
    registers = {r.code: r for r in Register.objects.filter(code=REGISTER)}
    today = timezone.localdate()
    for i in range(portal):
        username = f"{PREFIX}applicant.{i + 1:03d}"
        user, _created = User.objects.get_or_create(
            username=username, defaults={"kind": User.Kind.APPLICANT, "full_name": ""}
        )
        if Person.objects.filter(account=user).exists():
            continue
        unit = communities[i % len(communities)]
        region = unit.parent.parent.region_code
        n = i
        while Person.objects.filter(id_number=_id_number(region, n)).exists():
            n += 3000 * 100  # another sequence number
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)]
        with transaction.atomic():
            person = services.person_create(
                actor=None,
                name=name,
                id_number=_id_number(region, n),
                residence_unit=unit,
                source=Source.IMPORT,
                phone=f"1990000{i:04d}",
                hukou_type=HukouType.URBAN,
            )
            register = registers.get(REGISTER)
            if register is not None and unit.city_code in register.cities:
                services.registry_entry_add(
                    actor=None, register=register, person=person, entered_on=today - datetime.timedelta(days=40)
                )
            Person.objects.filter(pk=person.pk).update(account=user)
            User.objects.filter(pk=user.pk).update(full_name=name)


def _queue(*, staff: int, districts) -> None:
    """Each supervised district starts the day with ``QUEUE_START`` applications per supervisor waiting for a
    decision (made, submitted and recommended through the services by a caseworker of the district)."""
    supervisors = max(1, staff // STAFF_PER_SUPERVISOR)
    today = timezone.localdate()
    for d, district in enumerate(districts[:supervisors]):
        wanted = QUEUE_START * len(range(d, supervisors, len(districts)))
        waiting = Application.objects.filter(
            unit__path__startswith=district.path, state=Application.State.RECOMMENDED
        ).count()
        caseworker = (
            User.objects.filter(
                username__startswith=f"{PREFIX}cw.",
                memberships__role=Role.CASEWORKER,
                memberships__unit__path__startswith=district.path,
            )
            .order_by("username")
            .first()
        )
        if caseworker is None or waiting >= wanted:
            continue
        people = Person.objects.visible_to(caseworker).filter(merged_into__isnull=True).order_by("pk")
        for person in people[: wanted - waiting]:
            program = (
                Program.objects.filter(city=person.residence_unit.city_code, beneficiary="individual")
                .order_by("code")
                .first()
            )
            application = application_create(actor=caseworker, program=program, person=person, requested_start=today)
            application_submit(actor=caseworker, application=application)
            application_recommend(actor=caseworker, application=application)


def prepare(*, staff: int, portal: int) -> dict:
    """Migrations, the demo and the benchmark's accounts (what is missing only); how long each took."""
    timings = {}
    started = time.perf_counter()
    _migrate()
    timings["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    call_command("bootstrap_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    timings["demo_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    communities, districts = _demo_units()
    if not communities:
        raise CommandError("The demo has no communities: is CASEWORK_DEMO_ALLOWED off?")
    with transaction.atomic():
        _staff(staff=staff, communities=communities, districts=districts)
        _applicants(portal=portal, communities=communities)
        _queue(staff=staff, districts=districts)
        # one hash for every benchmark account (hashing 150 passwords one by one would take a minute)
        User.objects.filter(username__startswith=PREFIX).update(
            password=make_password(settings.CASEWORK_DEMO_PASSWORD), is_active=True
        )
    timings["accounts_s"] = round(time.perf_counter() - started, 1)
    return timings


# --- The simulated users' accounts ------------------------------------------------------------------------------


def _people(queryset, rng: random.Random) -> list[dict]:
    rows = list(
        queryset.filter(merged_into__isnull=True, account__isnull=True)
        .order_by("pk")
        .values("pk", "name", "name_pinyin", "id_number")
    )
    rng.shuffle(rows)
    # what a caseworker types: the name (characters), its pinyin as one word (wangfang), an ID number's last six
    return [
        {"id": row["pk"], "name": row["name"], "pinyin": row["name_pinyin"], "id_tail": row["id_number"][-6:]}
        for row in rows[:PEOPLE_PER_USER]
    ]


def accounts(*, staff: int, portal: int, seed: int) -> dict:
    """What the simulated users need: each account, its area's people to look up, a supervisor's authenticator key
    and their share of their district's queue (``slot`` of ``slots``: two supervisors never decide one case)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible choices, not secrets)
    supervisors = max(1, staff // STAFF_PER_SUPERVISOR)
    result = {"password": settings.CASEWORK_DEMO_PASSWORD, "caseworkers": [], "supervisors": [], "applicants": []}
    for i in range(staff - supervisors):
        user = User.objects.get(username=f"{PREFIX}cw.{i + 1:03d}")
        unit = user.memberships.get(role=Role.CASEWORKER).unit
        people = _people(Person.objects.filter(residence_unit=unit), rng)
        result["caseworkers"].append({"username": user.username, "people": people})
    districts: dict[int, list[dict]] = {}
    for j in range(supervisors):
        user = User.objects.get(username=f"{PREFIX}sup.{j + 1:02d}")
        unit = user.memberships.get(role=Role.SUPERVISOR).unit
        device = TOTPDevice.objects.get(user=user, name="load")
        people = _people(Person.objects.filter(residence_unit__path__startswith=unit.path), rng)
        entry = {"username": user.username, "totp_key": device.key, "people": people}
        districts.setdefault(unit.pk, []).append(entry)
        result["supervisors"].append(entry)
    for same_district in districts.values():
        for slot, entry in enumerate(same_district):
            entry.update(slot=slot, slots=len(same_district))
    for i in range(portal):
        result["applicants"].append({"username": f"{PREFIX}applicant.{i + 1:03d}"})
    missing = [a["username"] for a in result["caseworkers"] + result["supervisors"] if not a["people"]]
    if missing:
        raise CommandError(f"No people in the area of {', '.join(missing)}: run without --skip-setup.")
    return result


# --- The servers and the load ---------------------------------------------------------------------------------


def database_url() -> str:
    """The URL of the database this process uses (under pytest: the test database)."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        "DATABASE_URL": database_url(),
        # the simulated users come through one proxy of ours, each from an address of its own (X-Forwarded-For):
        # the sign-in throttle counts per person, as behind the city's proxy, not all 150 as one address
        "CASEWORK_PROXY_COUNT": "1",
        **extra,
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(processes: list[subprocess.Popen], timeout: float = 30) -> None:
    """SIGTERM to all (gunicorn and Celery stop gracefully), then SIGKILL to any still running after ``timeout``
    seconds."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base: str, processes: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise CommandError("gunicorn or the worker stopped while starting: see the logs.")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310 (our loopback server)
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise CommandError(f"gunicorn did not answer {base}/healthz within {timeout:.0f} s.")


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _figures(times: list[float], failures: int, later: list[float]) -> dict:
    ordered, later = sorted(times), sorted(later)
    return {
        "requests": len(ordered),
        "failures": failures,
        "median_ms": round(statistics.median(ordered)),
        "p95_ms": round(_percentile(ordered, 0.95)),
        "max_ms": round(ordered[-1]),
        "p95_steady_ms": round(_percentile(later, 0.95)) if later else None,
    }


def _cpu(times: list[float] | None) -> dict:
    """The server's own CPU time for a request name: median and p95 (ms)."""
    if not times:
        return {"cpu_median_ms": None, "cpu_p95_ms": None}
    ordered = sorted(times)
    return {"cpu_median_ms": round(statistics.median(ordered)), "cpu_p95_ms": round(_percentile(ordered, 0.95))}


def summary(folder: Path) -> dict:
    """Figures from every request the simulated users made (``requests.json``: exact percentiles, and the p95 of
    the steady part: the requests started once the last user had signed in), with locust's failures and errors."""
    path = folder / "requests.json"
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"phases": {}, "requests": []}
    phases = recorded["phases"]
    signed_in = [ended for ended, kind, name, _ms, _failed in recorded["requests"] if f"{kind} {name}" in SIGN_INS]
    steady = max(signed_in, default=phases.get("everyone_arrived", phases.get("stop", 0)))
    by_name: dict[str, tuple[list, list, list]] = {}
    for ended, kind, name, ms, failed in recorded["requests"]:
        times, failures, later = by_name.setdefault(f"{kind} {name}", ([], [], []))
        times.append(ms)
        failures.append(failed)
        if ended - ms / 1000 >= steady:
            later.append(ms)
    server: dict[str, list[float]] = {}
    for log in folder.glob("server-*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            name, _wall, cpu = json.loads(line)
            server.setdefault(name, []).append(cpu)
    pages = [{"name": name, **_figures(t, sum(f), a), **_cpu(server.get(name))} for name, (t, f, a) in by_name.items()]
    count = sum(page["requests"] for page in pages)
    for page in pages:
        page["share_pct"] = round(100 * page["requests"] / count, 1)
    total = {}
    if pages:
        every = [ms for times, _failures, _later in by_name.values() for ms in times]
        later = [ms for _times, _failures, after in by_name.values() for ms in after]
        failures = sum(page["failures"] for page in pages)
        seconds = max(1e-9, phases.get("stop", 0) - phases.get("start", 0))
        total = {"name": "total", **_figures(every, failures, later), "rps": round(count / seconds, 1)}
        total.update(_cpu([cpu for times in server.values() for cpu in times]))
        total["everyone_arrived_after_s"] = round(phases.get("everyone_arrived", 0) - phases.get("start", 0), 1)
        total["steady_from_s"] = round(steady - phases.get("start", steady), 1)
    failures = [
        {"request": f"{r['Method']} {r['Name']}", "error": r["Error"], "occurrences": int(_number(r["Occurrences"]))}
        for r in _rows(folder / "locust_failures.csv")
    ]
    errors = [
        {"error": r["Message"], "occurrences": int(_number(r["Count"])), "where": r["Traceback"][-600:]}
        for r in _rows(folder / "locust_exceptions.csv")
    ]
    return {"pages": pages, "total": total, "failures": failures, "errors": errors}


def _dash(value) -> str:
    return "-" if value is None else str(value)


def table(figures: dict) -> str:
    """The per-page table (requests, failures, median, p95, max, share of the mix, p95 of the steady part) and the
    totals."""
    head = (
        f"{'request':<44} {'requests':>8} {'failed':>6} {'median':>7} {'p95':>7} {'max':>7} {'mix %':>6} "
        f"{'p95 steady':>11} {'CPU med':>7} {'CPU p95':>7}"
    )
    lines = [head, "-" * len(head)]

    def line(page, name):
        after = page["p95_steady_ms"]
        return (
            f"{name:<44} {page['requests']:>8} {page['failures']:>6} {page['median_ms']:>7} {page['p95_ms']:>7} "
            f"{page['max_ms']:>7} {page.get('share_pct', 100):>6} {after if after is not None else '-':>11} "
            f"{_dash(page['cpu_median_ms']):>7} {_dash(page['cpu_p95_ms']):>7}"
        )

    for page in sorted(figures["pages"], key=lambda p: p["name"]):
        lines.append(line(page, page["name"]))
    total = figures["total"]
    if total:
        lines += ["-" * len(head), line(total, "total") + f"   {total['rps']} requests/s"]
        lines.append(
            f"(times in ms; every user had arrived {total['everyone_arrived_after_s']} s after the start and signed "
            f"in by {total['steady_from_s']} s: 'p95 steady' is the p95 of the requests started after that; 'CPU' is "
            "the web worker's own CPU time for the request, whatever else ran on the machine)"
        )
    for failure in figures["failures"]:
        lines.append(f"FAILED {failure['occurrences']}× {failure['request']}: {failure['error']}")
    for error in figures["errors"]:
        lines.append(f"ERROR {error['occurrences']}× {error['error']}\n{error['where']}")
    return "\n".join(lines)


def _ticks(pid: int) -> int:
    """The CPU time (user + system, clock ticks) a process has used, from /proc (Linux); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdecimal():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, IndexError, ValueError):
                continue
            found[int(entry.name)] = (parent, command)
    return found


def cpu_snapshot(servers: list[subprocess.Popen]) -> dict[str, dict[int, int]]:
    """CPU ticks per process of the servers (each with its children) and of the PostgreSQL backends serving this
    database, so that the load's own CPU use can be told apart from whatever else runs on the machine."""
    if not Path("/proc/self/stat").exists():
        return {}
    processes = _processes()
    snapshot: dict[str, dict[int, int]] = {"web": {}, "worker": {}, "postgres": {}}
    for role, server in zip(("web", "worker"), servers, strict=False):
        family = {server.pid}
        for _ in range(3):  # children and grandchildren
            family |= {pid for pid, (parent, _command) in processes.items() if parent in family}
        snapshot[role] = {pid: _ticks(pid) for pid in family}
    if connection.vendor == "postgresql":
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        snapshot["postgres"] = {
            pid: _ticks(pid)
            for pid, (_parent, command) in processes.items()
            if command.startswith("postgres:") and f" {name} " in command
        }
    return snapshot


class CpuSampler(threading.Thread):
    """Samples ``cpu_snapshot`` every second while the load runs: PostgreSQL backends come and go (a connection
    lives ``DATABASE_CONN_MAX_AGE`` seconds), so one snapshot at the end would miss the ones that ended."""

    def __init__(self, servers: list[subprocess.Popen]):
        super().__init__(daemon=True)
        self.servers, self.done = servers, threading.Event()
        self.first = cpu_snapshot(servers)
        self.last = {role: dict(ticks) for role, ticks in self.first.items()}

    def run(self):
        while not self.done.wait(1.0):
            self.sample()

    def sample(self):
        for role, ticks in cpu_snapshot(self.servers).items():
            self.last.setdefault(role, {}).update(ticks)

    def stop(self) -> dict[str, float]:
        """CPU seconds each part used since the start (a process first seen later started later: from zero)."""
        self.done.set()
        self.join()
        self.sample()
        hertz = os.sysconf("SC_CLK_TCK")
        return {
            role: round(sum(t - self.first.get(role, {}).get(pid, 0) for pid, t in ticks.items()) / hertz, 1)
            for role, ticks in self.last.items()
        }


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(
    *,
    staff=100,
    portal=50,
    minutes=5.0,
    skip_setup=False,
    workers=None,
    threads=1,
    think="10,30",
    ramp=60.0,
    seed=2026,
    log_dir="",
    **options,
) -> dict:
    think_min, think_max = (float(x) for x in think.split(","))
    workers = workers or 2 * (os.cpu_count() or 1) + 1  # gunicorn's rule for sync workers
    result = {
        "database": connection.vendor,
        "staff": staff,
        "portal": portal,
        "minutes": minutes,
        "gunicorn": {"workers": workers, "threads": threads, "worker_class": "gthread" if threads > 1 else "sync"},
        "think_s": [think_min, think_max],
        "cores": os.cpu_count(),
    }
    if not skip_setup:
        result["setup"] = prepare(staff=staff, portal=portal)
    folder = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="load-", dir=_bench_dir()))
    folder.mkdir(parents=True, exist_ok=True)
    result["logs"] = str(folder)
    users = accounts(staff=staff, portal=portal, seed=seed)
    accounts_file = folder / "accounts.json"
    accounts_file.write_text(json.dumps(users, ensure_ascii=False), encoding="utf-8")
    accounts_file.chmod(0o600)
    connections.close_all()  # the servers take the database from here

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _environment(LOAD_SERVER_LOG=str(folder))
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "-c", str(HOOKS)]
    gunicorn += ["--workers", str(workers), "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "10"]
    worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=WARNING"]
    worker += ["--hostname", f"load-{os.getpid()}@%h"]
    processes, sampler = [], None
    try:
        processes.append(_start(gunicorn, folder / "gunicorn.log", env))
        processes.append(_start(worker, folder / "worker.log", env))
        started = time.monotonic()
        _wait_ready(base, processes)
        result["servers_start_s"] = round(time.monotonic() - started, 1)
        total_users = staff + portal
        seconds = max(1, round(minutes * 60))
        spawn_rate = total_users / max(1.0, min(ramp, seconds / 4))
        locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base]
        locust += ["--users", str(total_users), "--spawn-rate", f"{spawn_rate:.2f}", "--run-time", f"{seconds}s"]
        locust += ["--csv", str(folder / "locust"), "--only-summary", "--loglevel", "WARNING"]
        locust_env = {
            **os.environ,
            "LOAD_ACCOUNTS": str(accounts_file),
            "LOAD_THINK": f"{think_min},{think_max}",
            "LOAD_SEED": str(seed),
            "LOAD_RECORD": str(folder / "requests.json"),
        }
        result["load_average_before"] = _load_average()
        sampler = CpuSampler(processes)
        sampler.start()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        with (folder / "locust.log").open("w") as out:
            finished = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
                locust,
                cwd=settings.BASE_DIR,
                env=locust_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=seconds + 120,
            )
        result["seconds"] = round(time.monotonic() - started, 1)
        result["load_average_after"] = _load_average()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["cpu_s"] = sampler.stop()
        result["cpu_s"]["locust"] = round(
            children_after.ru_utime + children_after.ru_stime - children_before.ru_utime - children_before.ru_stime, 1
        )
        result["locust_exit_code"] = finished.returncode
    finally:
        if sampler is not None:
            sampler.done.set()
        started = time.monotonic()
        _stop(processes)
        result["servers_stop_s"] = round(time.monotonic() - started, 1)
    figures = summary(folder)
    result.update(figures)
    (folder / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(table(figures), flush=True)  # the table, before the command's JSON
    if result.get("cpu_s"):
        used = result["cpu_s"]
        print(  # how much of the machine the load itself took (the rest of the load average is someone else's)
            f"CPU seconds over {result['seconds']} s: "
            + ", ".join(f"{role} {seconds}" for role, seconds in used.items())
            + f" (= {sum(used.values()) / max(result['seconds'], 1):.2f} cores of {os.cpu_count()}); "
            f"load average before {result['load_average_before']}, after {result['load_average_after']}",
            flush=True,
        )
    failed = sum(f["occurrences"] for f in figures["failures"]) + sum(e["occurrences"] for e in figures["errors"])
    if not figures["pages"]:
        raise CommandError(f"locust recorded no request: see {folder / 'locust.log'}.")
    if failed:
        raise CommandError(f"{failed} requests or steps failed (the table above; logs in {folder}).")
    return result


def _bench_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
