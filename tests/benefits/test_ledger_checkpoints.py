"""The ledger against a database superuser: the chain's head is signed with a key the database does not hold and
kept outside it (a file, the log), so entries removed or rewritten up to the latest checkpoint are found even
when every hash after them was recomputed to agree; a checkpoint line made without the key fails verification."""

import base64
import json
import logging
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from benefits.models import LedgerEntry
from benefits.payments.ledger import (
    GENESIS,
    Checkpoint,
    CheckpointError,
    checkpoint_signature,
    ledger_checkpoint_write,
)
from benefits.payments.services.batches import batch_approve
from benefits.payments.services.chain import entry_hash, ledger_verify
from benefits.payments.services.results import disbursement_reverse, results_import
from benefits.tasks import ledger_checkpoint_task

from .conftest import result_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(batch, finance, sent):
    """The three lines of the batch paid: ledger entries 1 to 3."""
    content = result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent)])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    assert LedgerEntry.objects.count() == 3
    return sent


@contextmanager
def as_database_superuser():
    """What only the database's superuser (or the owner of its tables) can do: switch the append-only triggers
    off (on PostgreSQL the foreign keys' triggers too), as an attacker with those rights would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own transaction still holds the deferred foreign-key checks of what it wrote (an attacker's
            # session would have none), and PostgreSQL alters no table with such checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE benefits_ledgerentry DISABLE TRIGGER ALL")
        else:
            cursor.execute("DROP TRIGGER ledger_no_update")
            cursor.execute("DROP TRIGGER ledger_no_delete")
        yield cursor


def verify_in_english() -> tuple[int, str]:
    with translation.override("en"):
        return ledger_verify()


def verify_without_checkpoints(settings, tmp_path) -> tuple[int, str]:
    """What verification said before the checkpoints: the chain checked against itself only."""
    kept, settings.CASEWORK_LEDGER_CHECKPOINT_FILE = settings.CASEWORK_LEDGER_CHECKPOINT_FILE, tmp_path / "none"
    try:
        return ledger_verify()
    finally:
        settings.CASEWORK_LEDGER_CHECKPOINT_FILE = kept


def lines_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_checkpoints_of_an_untouched_ledger_match_it(batch, finance, sent, ledger_checkpoint_file, capsys):
    empty = ledger_checkpoint_write(reason="daily")  # nothing paid yet: the empty chain
    content = result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent)])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    third = ledger_checkpoint_write(reason="daily")
    disbursement_reverse(actor=finance, line=sent[0], reason="重复发放")  # entry 4, after the last checkpoint

    assert (empty.sequence, empty.hash, third.sequence) == (0, GENESIS, 3)
    written = lines_of(ledger_checkpoint_file)
    assert [line["sequence"] for line in written] == [0, 3]
    assert set(written[1]) == {"sequence", "hash", "at", "signature"}
    assert written[1]["hash"] == LedgerEntry.objects.get(sequence=3).hash
    assert written[1]["signature"] == checkpoint_signature(sequence=3, hash=written[1]["hash"], at=written[1]["at"])
    assert ledger_verify() == (4, "")
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "Ledger intact: 4 entries." in out
    assert "Signed checkpoints: 2 match, the latest at entry 3" in out


def test_removing_the_last_entry_and_setting_the_head_back_is_found(paid, settings, tmp_path):
    ledger_checkpoint_write(reason="daily")  # at entry 3
    second = LedgerEntry.objects.get(sequence=2)
    with as_database_superuser() as cursor:
        cursor.execute("DELETE FROM benefits_ledgerentry WHERE sequence = 3")
        cursor.execute("UPDATE benefits_ledgerhead SET sequence = 2, hash = %s", [second.hash])

    assert verify_without_checkpoints(settings, tmp_path) == (2, "")  # the chain agrees with itself
    checked, problem = verify_in_english()
    assert checked == 2
    assert problem.startswith("Entry 3 is missing: the checkpoint of ")
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_ledger")
    assert exit_status.value.code == 1


def test_an_amount_changed_and_every_hash_after_it_recomputed_is_found(paid, settings, tmp_path):
    ledger_checkpoint_write(reason="daily")  # at entry 3
    with as_database_superuser() as cursor:
        previous = LedgerEntry.objects.get(sequence=1).hash
        for entry in LedgerEntry.objects.filter(sequence__gte=2).order_by("sequence"):
            if entry.sequence == 2:
                entry.amount_cny = Decimal("10.00")
            entry.previous_hash, entry.hash = previous, entry_hash(previous, entry)
            cursor.execute(
                "UPDATE benefits_ledgerentry SET amount_cny = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [entry.amount_cny, entry.previous_hash, entry.hash, entry.pk],
            )
            previous = entry.hash
        cursor.execute("UPDATE benefits_ledgerhead SET hash = %s", [previous])

    assert LedgerEntry.objects.get(sequence=2).amount_cny == Decimal("10.00")
    assert verify_without_checkpoints(settings, tmp_path) == (3, "")  # every hash recomputed: the chain holds
    checked, problem = verify_in_english()
    assert checked == 3
    assert problem.startswith("Entry 3 no longer has the hash the checkpoint of ")


def forged(sequence: int, hash: str, at: str = "2027-01-06T00:00:00+00:00") -> str:
    """A checkpoint line signed with a key that is not the server's."""
    with override_settings(CASEWORK_LEDGER_KEY="a-key-of-someone-without-the-servers-key-0000"):
        return Checkpoint(sequence, hash, at, checkpoint_signature(sequence=sequence, hash=hash, at=at)).line()


@pytest.mark.parametrize("tampering", ["appended", "edited", "unsigned", "not json"])
def test_a_checkpoint_line_made_without_the_key_fails_verification_loudly(
    paid, ledger_checkpoint_file, tampering, capsys
):
    genuine = ledger_checkpoint_write(reason="daily")
    second = LedgerEntry.objects.get(sequence=2).hash
    if tampering == "appended":  # a head of the attacker's choosing, signed with their own key
        text, line = genuine.line() + "\n" + forged(2, second) + "\n", 2
    elif tampering == "edited":  # the genuine line moved back to entry 2, its signature kept
        edited = {**json.loads(genuine.line()), "sequence": 2, "hash": second}
        text, line = json.dumps(edited) + "\n", 1
    elif tampering == "unsigned":
        text, line = genuine.line() + "\n" + json.dumps({"sequence": 2, "hash": second, "at": genuine.at}) + "\n", 2
    else:
        text, line = genuine.line() + "\n" + genuine.line()[:40] + "\n", 2
    ledger_checkpoint_file.write_text(text)

    checked, problem = verify_in_english()
    assert checked == 3
    assert problem.startswith(f"Line {line} of the ledger checkpoint file {ledger_checkpoint_file} is not a checkpoint")
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_ledger")
    assert exit_status.value.code == 1
    with pytest.raises(CheckpointError):  # and nothing is signed on top of it
        ledger_checkpoint_write(reason="daily")
    assert ledger_checkpoint_file.read_text() == text


def test_a_ledger_that_contradicts_a_checkpoint_is_never_signed(paid, ledger_checkpoint_file, caplog):
    ledger_checkpoint_write(reason="daily")
    with as_database_superuser() as cursor:
        cursor.execute("DELETE FROM benefits_ledgerentry WHERE sequence = 3")
    with caplog.at_level(logging.ERROR, logger="casework.ledger"), pytest.raises(CheckpointError):
        ledger_checkpoint_write(reason="daily")
    assert [line["sequence"] for line in lines_of(ledger_checkpoint_file)] == [3]
    assert "Ledger checkpoint refused (daily)" in caplog.text


def test_approving_a_batch_signs_the_head_once_the_approval_commits(
    batch, finance, ledger_checkpoint_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch_approve(actor=finance, batch=batch)
    assert not ledger_checkpoint_file.exists()  # not before the commit
    for callback in callbacks:
        callback()
    (line,) = lines_of(ledger_checkpoint_file)
    assert (line["sequence"], line["hash"]) == (0, GENESIS)
    assert ledger_verify() == (0, "")


def test_a_result_import_and_a_reversal_sign_the_head_they_appended(
    batch, finance, sent, ledger_checkpoint_file, django_capture_on_commit_callbacks
):
    content = result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent)])
    with django_capture_on_commit_callbacks(execute=True):
        results_import(actor=finance, batch=batch, content=content, name="r.csv")
    with django_capture_on_commit_callbacks(execute=True):
        disbursement_reverse(actor=finance, line=sent[0], reason="重复发放")
    assert [line["sequence"] for line in lines_of(ledger_checkpoint_file)] == [3, 4]
    assert ledger_verify() == (4, "")


def test_the_daily_job_signs_the_head_into_the_file_and_the_log(paid, ledger_checkpoint_file, caplog, settings):
    job = settings.CASEWORK_PERIODIC_TASKS["ledger-checkpoint"]
    assert (job["task"], job["crontab"]) == ("benefits.tasks.ledger_checkpoint", {"minute": "55", "hour": "23"})
    with caplog.at_level(logging.INFO, logger="casework.ledger"):
        result = ledger_checkpoint_task.apply()
    assert result.successful(), result.traceback
    assert result.result["sequence"] == 3
    (record,) = [record for record in caplog.records if record.name == "casework.ledger"]
    (line,) = ledger_checkpoint_file.read_text().splitlines()
    assert base64.urlsafe_b64decode(record.ledger_checkpoint).decode() == line  # the log holds the same line
    assert record.ledger_checkpoint in record.getMessage()  # in the message too: the plain format shows no extras
