"""A real streaming replica: the site (gunicorn, a separate process) on a PostgreSQL primary and its hot standby,
both started here with PostgreSQL's own tools (``initdb``, ``pg_ctl``, ``pg_basebackup -R``), on free ports, with
a copy of the test database. With the replica's replay paused, a row written straight into the primary is not in
the reports, their lists and exports until replay resumes (they read the replica); a change made through the site
is shown to the person who made it at once (their next pages read the primary); with the replica stopped the
reports still answer, from the primary, and the web log says why.

The machine's own PostgreSQL server allows no replication and holds other databases, so the test makes a small
cluster of its own; as root, PostgreSQL's commands run as the ``postgres`` user (``initdb`` refuses root).
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone, translation
from openpyxl import load_workbook

from casework import services
from casework.models import Household, Register, RegistryEntry
from core.db_router import STICKY_COOKIE, replica_lag
from tests.factories import make_person

from .conftest import wait_for
from .test_fault_drills import Web, free_port, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def postgresql_bindir(major: int) -> Path:
    """The server programs of the test server's major version (Debian keeps each version's apart)."""
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    with suppress(FileNotFoundError):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        candidates.append(Path(found))
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_basebackup").exists():
            return folder
    pytest.fail(f"PostgreSQL {major}'s server programs (initdb, pg_ctl, pg_basebackup) are not installed")


class Cluster:
    """One PostgreSQL server of the test's own: a data folder, a port, its log."""

    def __init__(self, root: Path, name: str, bindir: Path):
        self.root, self.bindir = root, bindir
        self.data, self.log, self.port = root / name, root / f"{name}.log", free_port()

    def run(self, program: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "start", "-w", "-t", "120", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data))

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True)

    def logs(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""


def scratch_folder() -> Path:
    """A new folder for the clusters, owned by whoever runs PostgreSQL's programs (as root: ``postgres``, who must
    be able to reach it, so not under a temporary folder only root may enter)."""
    if os.geteuid() != 0:
        return Path(tempfile.mkdtemp(prefix="casework-replica-"))
    base = Path(tempfile.gettempdir())
    if not all(folder.stat().st_mode & 0o001 for folder in (base, *base.parents)):
        base = Path("/tmp")  # noqa: S108 (a new folder of its own inside, made by mkdtemp)
    root = Path(tempfile.mkdtemp(prefix="casework-replica-", dir=base))
    shutil.chown(root, "postgres", "postgres")
    return root


def copy_database(source: dict, primary: Cluster, name: str) -> None:
    """``pg_dump`` of the test database piped into ``psql`` on the new primary (a few seconds; running the
    migrations there would take half a minute)."""
    dump = subprocess.Popen(
        [
            *(str(primary.bindir / "pg_dump"), "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432)),
            *("-U", source["USER"], "--no-owner", "--no-privileges", source["NAME"]),
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""},
    )
    load = subprocess.run(
        [
            *(str(primary.bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(primary.port)),
            *("-U", "postgres", "-d", name),
        ],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
    )
    dump.stdout.close()
    assert (dump.wait(), load.returncode) == (0, 0), load.stderr[-3000:]


@contextmanager
def replicated(capsys):
    """A primary holding a copy of the test database as it is now, and a hot standby streaming from it:
    (primary, replica, database name). Stopped and removed on the way out."""
    if connection.vendor != "postgresql":
        pytest.fail("the read replica test needs the suite on PostgreSQL (DATABASE_URL=postgres://…)")
    started = time.monotonic()
    bindir = postgresql_bindir(connection.pg_version // 10000)
    root = scratch_folder()
    root.chmod(0o700)
    primary, replica = Cluster(root, "primary", bindir), Cluster(root, "replica", bindir)
    name = connection.settings_dict["NAME"]
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        initialised = time.monotonic()
        copy_database(connection.settings_dict, primary, name)
        loaded = time.monotonic()
        primary.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(replica.data),
            "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        replica.start()
        with primary.connect("postgres") as conn:
            streaming = wait_for(
                lambda: conn.execute("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'").fetchone(),
                timeout=60,
            )
        assert streaming, primary.logs() + replica.logs()
        done = time.monotonic()
        with capsys.disabled():
            print(
                f"\nread replica set up in {done - started:.1f} s: primary initialised in "
                f"{initialised - started:.1f} s, test database copied in {loaded - initialised:.1f} s, "
                f"replica made and streaming in {done - loaded:.1f} s"
            )
        yield primary, replica, name
    finally:
        for cluster in (replica, primary):
            with suppress(subprocess.CalledProcessError):
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def households(world):
    """Two households in alice's community: 友好路1号 without work (counted), 回放路2号 with work."""
    counted = services.household_create(actor=world.alice, unit=world.youhao, address="友好路1号")
    other = services.household_create(actor=world.alice, unit=world.youhao, address="回放路2号")
    Household.objects.filter(pk=counted.pk).update(is_zero_employment=True)
    return counted, other


@pytest.fixture
def on_register(world) -> RegistryEntry:
    """张三丰 on a register of alice's community since the start of the year."""
    person = make_person(world.youhao, "张三丰")
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    return services.registry_entry_add(
        actor=None, register=register, person=person, entered_on=timezone.localdate().replace(month=1, day=1)
    )


HOUSEHOLDS, ENTRIES = Household._meta.db_table, RegistryEntry._meta.db_table
REPORT = "/console/reports/households/"
ZERO_LIST = "/console/reports/list/households.zero/"
EXITED_LIST = "/console/reports/list/registers.exited/"


def zero_households(web) -> int:
    """The report's number of zero-employment households (the total row's link to its list)."""
    status, _headers, page = web.request("GET", REPORT)
    assert status == 200, page[-2000:]
    found = re.search(r'list/households\.zero/\?[^"]*">(\d+)</a>', page)
    return int(found.group(1)) if found else 0


def listed(web, household: Household) -> bool:
    status, _headers, page = web.request("GET", ZERO_LIST)
    assert status == 200, page[-2000:]
    return f"/console/households/{household.pk}/" in page


def exported(web, household: Household) -> bool:
    """Whether the list's Excel file has a row for the household (its name in the first column)."""
    request = urllib.request.Request(web.base + ZERO_LIST + "?format=xlsx")  # noqa: S310 (the test's own server)
    with web.opener.open(request, timeout=120) as response:
        sheet = load_workbook(io.BytesIO(response.read()), read_only=True).active
        with translation.override("zh-hans"):  # the file is written in Chinese
            label = str(household)
        return any(row and row[0] == label for row in sheet.iter_rows(values_only=True))


def forget_writes(web) -> None:
    """The browser of a user whose last write (the sign-in, a POST) is older than the sticky window."""
    jar = next(h.cookiejar for h in web.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    for cookie in [c for c in jar if c.name == STICKY_COOKIE]:
        jar.clear(cookie.domain, cookie.path, cookie.name)


def replay(replica_conn, *, paused: bool) -> None:
    replica_conn.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
    state = "paused" if paused else "not paused"
    assert wait_for(
        lambda: replica_conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == state, timeout=30
    )


def test_reports_read_the_replica_and_a_writer_reads_the_primary(
    world, households, on_register, tmp_path, broker_queue, capsys
):
    counted, other = households
    with replicated(capsys) as (primary, replica, name):
        servers = {
            "DATABASE_URL": primary.url(name),
            "DATABASE_REPLICA_URL": replica.url(name),
            # the replica is held back on purpose below: the lag limit is not what this test is about
            "CASEWORK_REPLICA_MAX_LAG_SECONDS": "3600",
            "CASEWORK_REPLICA_STICKY_SECONDS": "600",  # longer than the test: the writer stays on the primary
        }
        with primary.connect(name) as on_primary, web_server(tmp_path, servers) as reader:
            on_replica = replica.connect(name)
            reader.sign_in("alice")
            forget_writes(reader)
            assert (zero_households(reader), listed(reader, other)) == (1, False)

            # (a) A row written straight into the primary while the replica's replay is paused: not in the report,
            # its list or its export until replay resumes.
            replay(on_replica, paused=True)
            on_primary.execute(f"UPDATE {HOUSEHOLDS} SET is_zero_employment = true WHERE id = %s", [other.pk])  # noqa: S608
            assert wait_for(lambda: (replica_lag(on_replica.cursor()) or 0) > 0, timeout=30)  # received, not applied
            assert (zero_households(reader), listed(reader, other), exported(reader, other)) == (1, False, False)
            replay(on_replica, paused=False)
            assert wait_for(lambda: replica_lag(on_replica.cursor()) == 0, timeout=60)
            assert (zero_households(reader), listed(reader, other), exported(reader, other)) == (2, True, True)

            # (b) A change made through the site while replay is paused: the POST succeeds (on the primary: the
            # standby would refuse it) and the next page of the person who made it shows it; another reader's
            # does not yet.
            replay(on_replica, paused=True)
            writer = Web(int(reader.base.rsplit(":", 1)[1]), reader.log)
            writer.sign_in("alice")
            exit_from_register(writer, on_register)
            exited = on_primary.execute(f"SELECT exited_on FROM {ENTRIES} WHERE id = %s", [on_register.pk])  # noqa: S608
            assert exited.fetchone() == (timezone.localdate(),)
            (status, _h, mine), (status_other, _h, theirs) = (
                writer.request("GET", EXITED_LIST),
                reader.request("GET", EXITED_LIST),
            )
            assert (status, status_other) == (200, 200)
            assert ("张三丰" in mine, "张三丰" in theirs) == (True, False)
            replay(on_replica, paused=False)
            assert wait_for(lambda: "张三丰" in reader.request("GET", EXITED_LIST)[2], timeout=60)

            # (c) The replica stopped: the report still answers, from the primary (a change made there is in it).
            on_replica.close()
            replica.stop()
            on_primary.execute(f"UPDATE {HOUSEHOLDS} SET is_zero_employment = false WHERE id = %s", [counted.pk])  # noqa: S608
            assert zero_households(reader) == 1
            assert listed(reader, other) and not listed(reader, counted)
    web_log = (tmp_path / "web.log").read_text()
    assert "Read replica unreachable" in web_log, web_log[-3000:]


def exit_from_register(web, entry: RegistryEntry) -> None:
    """The person page's 'take off the register' form, sent as a browser sends it."""
    status, _headers, page = web.request("GET", f"/console/people/{entry.person_id}/?tab=registers")
    assert status == 200, page[-2000:]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _headers, page = web.request(
        "POST",
        f"/console/entries/{entry.pk}/exit/",
        form={"exited_on": timezone.localdate().isoformat(), "reason": "employed", "csrfmiddlewaretoken": token},
        headers={"Referer": web.base + "/console/"},
    )
    assert status == 200, page[-2000:]  # back on the person's page
