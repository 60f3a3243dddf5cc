"""Backup and restore (scripts/backup, scripts/restore): a database with a paid and a reversed payment and an
uploaded file is backed up, restored into a fresh database and folder, and the ledger's hash chain verifies
there with the same entries and against the backup's copy of the signed checkpoints; a restore refuses to write
over a database that has tables."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from benefits.models import LedgerEntry
from benefits.payments.ledger import ledger_checkpoint_write
from benefits.payments.services.chain import ledger_verify
from benefits.payments.services.results import disbursement_reverse, results_import
from tests.integration.conftest import ROOT, database_url

from .conftest import result_file

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_dump and pg_restore: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run(args, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CASEWORK_LEDGER_CHECKPOINT_FILE": str(settings.CASEWORK_LEDGER_CHECKPOINT_FILE),  # this test's own
        **env,
    }
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


def backup(tmp_path, uploads) -> str:
    made = run(["scripts/backup", str(tmp_path / "backups")], DATABASE_URL=database_url(), CASEWORK_UPLOAD_DIR=uploads)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


@pytest.fixture
def fresh_database():
    """The name of a database that does not exist yet on the test server; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    server = database_url().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name, f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_where_the_ledger_verifies(
    batch, sent, finance, tmp_path, fresh_database
):
    results_import(
        actor=finance,
        batch=batch,
        content=result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent)]),
        name="result.csv",
    )
    disbursement_reverse(actor=finance, line=sent[0], reason="重复发放")
    ledger_checkpoint_write(reason="daily")
    entries, problem = ledger_verify()
    assert (entries, problem) == (4, "")  # three payments and a reversal
    checkpoints = settings.CASEWORK_LEDGER_CHECKPOINT_FILE.read_text()
    # the approval's (the empty ledger), the result import's, the reversal's and the day's
    assert [json.loads(line)["sequence"] for line in checkpoints.splitlines()] == [0, 3, 4, 4]
    uploads = tmp_path / "uploads"
    (uploads / "imports" / "2027" / "01").mkdir(parents=True)
    evidence = uploads / "imports" / "2027" / "01" / "registers.csv"
    evidence.write_bytes("姓名,身份证号\r\n张三,11010519491231002X\r\n".encode())

    made = run(
        ["scripts/backup", str(tmp_path / "backups")], DATABASE_URL=database_url(), CASEWORK_UPLOAD_DIR=str(uploads)
    )
    assert made.returncode == 0, made.stderr
    folder = made.stdout.strip().splitlines()[-1]
    assert sorted(os.listdir(folder)) == ["SHA256SUMS", "database.dump", "ledger-checkpoints.jsonl", "uploads.tar.gz"]
    assert (Path(folder) / "ledger-checkpoints.jsonl").read_text() == checkpoints
    assert oct(os.stat(folder).st_mode & 0o777) == "0o700"

    name, restored_url = fresh_database
    restored_uploads = tmp_path / "restored-uploads"
    restore = run(["scripts/restore", folder, name, str(restored_uploads)], DATABASE_URL=database_url())
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "Ledger intact: 4 entries." in restore.stdout
    assert "Signed checkpoints: 4 match, the latest at entry 4" in restore.stdout  # the backup's copy
    assert (restored_uploads / "imports" / "2027" / "01" / "registers.csv").read_bytes() == evidence.read_bytes()

    # The restored database holds the same chain, and the command that checks it says so on its own too.
    with psycopg.connect(restored_url) as restored:
        chain = restored.execute("SELECT sequence, hash FROM benefits_ledgerentry ORDER BY sequence").fetchall()
    assert chain == list(LedgerEntry.objects.order_by("sequence").values_list("sequence", "hash"))
    verify = run(
        [sys.executable, "manage.py", "verify_ledger"],
        DATABASE_URL=restored_url,
        CASEWORK_LEDGER_CHECKPOINT_FILE=str(Path(folder) / "ledger-checkpoints.jsonl"),
    )
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.splitlines()[0] == "Ledger intact: 4 entries."

    # A restore never writes over a database that has tables, nor into a folder that has files.
    again = run(["scripts/restore", folder, name, str(tmp_path / "other-uploads")], DATABASE_URL=database_url())
    assert again.returncode == 1 and f"database {name} already has" in again.stderr
    into_files = run(["scripts/restore", folder, f"{name}_x", str(restored_uploads)], DATABASE_URL=database_url())
    assert into_files.returncode == 1 and "is not empty" in into_files.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(batch, sent, tmp_path, fresh_database):
    inside = run(
        ["scripts/backup", str(tmp_path / "backups")], DATABASE_URL=database_url(), CASEWORK_UPLOAD_DIR=str(tmp_path)
    )
    assert inside.returncode == 2 and "would copy itself" in inside.stderr  # a backup inside the uploads: refused
    made = run(
        ["scripts/backup", str(tmp_path / "backups")],
        DATABASE_URL=database_url(),
        CASEWORK_UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    assert made.returncode == 0, made.stderr
    folder = made.stdout.strip().splitlines()[-1]
    with open(os.path.join(folder, "database.dump"), "r+b") as dump:
        dump.seek(200)
        dump.write(b"\x00\x00\x00\x00")
    name, _url = fresh_database
    restore = run(["scripts/restore", folder, name, str(tmp_path / "restored")], DATABASE_URL=database_url())
    assert restore.returncode != 0 and "FAILED" in restore.stdout + restore.stderr
    with psycopg.connect(database_url()) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name]).fetchone() == (0,)
