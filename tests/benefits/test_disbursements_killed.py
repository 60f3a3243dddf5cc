"""RELIABILITY 3: a ``generate_disbursements`` process killed part-way (SIGKILL, after its bulk insert and before
its commit) leaves nothing, and running it again gives the rows and totals of a run never interrupted."""

import datetime
import os
import signal
import subprocess
import sys

import psycopg
import pytest
from django.db import connection, transaction

from benefits.models import Disbursement, DisbursementBatch, DisbursementRun, Entitlement
from benefits.payments.services.generation import disbursements_generate
from benefits.payments.services.results import disbursement_reissue, results_import
from tests.integration.conftest import ROOT, database_url, wait_for

from .conftest import result_file

D = datetime.date
FEBRUARY = D(2027, 2, 1)

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a lock held by another connection: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def month_rows() -> dict:
    """What February's generation made, without ids or clock times."""
    return {
        "lines": sorted(
            Disbursement.objects.filter(batch__month=FEBRUARY).values_list(
                "entitlement_id", "period", "reference", "amount_cny", "status", "batch__reference"
            )
        ),
        "batches": sorted(
            DisbursementBatch.objects.filter(month=FEBRUARY).values_list(
                "reference", "control_count", "control_sum_cny", "status"
            )
        ),
        "runs": DisbursementRun.objects.filter(month=FEBRUARY).count(),
    }


class Expected(Exception):
    pass


def test_a_generation_killed_before_its_commit_leaves_nothing_and_the_next_run_makes_the_same_rows(
    batch, sent, finance, grant
):
    # January's line fails at the bank and is re-issued (it joins February's batch); the grant runs on to June.
    results_import(
        actor=finance,
        batch=batch,
        content=result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent[:2])])
        + f"{batch.reference},{sent[2].reference},failed,,,账户已销户\r\n".encode(),
        name="result.csv",
    )
    reissued = disbursement_reissue(actor=finance, line=sent[2])
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=8, end=None)

    # What an uninterrupted run makes (rolled back, to compare with later).
    try:
        with transaction.atomic():
            disbursements_generate(month=FEBRUARY)
            expected = month_rows()
            raise Expected
    except Expected:
        pass
    assert expected["lines"] and expected["runs"] == 1
    assert month_rows() == {"lines": [], "batches": [], "runs": 0}

    # Another connection holds the re-issued line: the process inserts February's batch and lines, then waits
    # on that row before it can commit.
    holder = psycopg.connect(database_url())
    holder.execute("SELECT id FROM benefits_disbursement WHERE id = %s FOR UPDATE", [reissued.pk])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url()}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "generate_disbursements", "--period", "2027-02"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def waiting_backend():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                   AND query LIKE 'UPDATE "benefits_disbursement"%%'"""
            )
            row = cursor.fetchone()
        return row[0] if row else None

    try:
        backend = wait_for(waiting_backend, timeout=60, interval=0.05)
        # waiting in the re-issue's UPDATE: the statement that inserts the batches and lines is behind it
        assert backend, process.communicate(timeout=5) if process.poll() is not None else "the run never got there"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        holder.rollback()
        holder.close()
        if process.poll() is None:
            process.kill()

    def gone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone()[0] == 0

    assert wait_for(gone, timeout=30, interval=0.1)
    assert process.returncode == -signal.SIGKILL
    assert month_rows() == {"lines": [], "batches": [], "runs": 0}
    assert Disbursement.objects.get(pk=reissued.pk).batch is None

    again = subprocess.run(
        [sys.executable, "manage.py", "generate_disbursements", "--period", "2027-02"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert month_rows() == expected
