"""Money out: a month's lines once per entitlement and due period (again or at the same time: nothing more), batches
whose control totals must hold, a finance officer's approval, one bank file however often exported, the bank's
results matched line by line, reversals, and a ledger the database keeps append-only and the hash chain proves."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from accounts.models import Membership, Role
from benefits.models import BankResultFile, Disbursement, DisbursementBatch, Entitlement, LedgerEntry
from benefits.payments.services.batches import batch_approve, batch_export, batches_waiting_remind
from benefits.payments.services.chain import ledger_verify
from benefits.payments.services.generation import disbursements_generate
from benefits.payments.services.results import (
    disbursement_cancel,
    disbursement_reissue,
    disbursement_reverse,
    results_import,
)
from casework.models import Person, PersonalDataAccess
from core.errors import Conflict, PermissionDenied

from .conftest import result_file

pytestmark = pytest.mark.django_db
D = datetime.date


def lines():
    return sorted(Disbursement.objects.values_list("entitlement_id", "period", "amount_cny", "status"))


def test_each_due_period_gets_one_line_arrears_included_and_a_second_run_adds_nothing(grant):
    first = disbursements_generate(month=D(2026, 11, 1))
    assert (first["created"], first["already_present"], first["batches"]) == (1, 0, 1)
    again = disbursements_generate(month=D(2026, 11, 1))
    assert (again["created"], again["already_present"], again["batches"]) == (0, 1, 0)
    # months later: December and January in arrears, and no more (three periods: the last from 2027-01-21)
    later = disbursements_generate(month=D(2027, 3, 1))
    assert later["created"] == 2 and later["total_cny"] == "2000.00"
    assert [period for _e, period, _a, _s in lines()] == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]
    batch = DisbursementBatch.objects.get(month=D(2027, 3, 1))
    assert (batch.control_count, batch.control_sum_cny, batch.status) == (2, Decimal("2000.00"), "draft")


def test_one_time_quarterly_and_capped_grants_follow_their_schedule(grant):
    Entitlement.objects.filter(pk=grant.pk).update(period="quarter", end=None, max_periods=2)
    disbursements_generate(month=D(2027, 12, 1))
    assert [period for _e, period, _a, _s in lines()] == [D(2026, 11, 1), D(2027, 2, 1)]  # two quarters, no more
    Disbursement.objects.all().delete()
    Entitlement.objects.filter(pk=grant.pk).update(period="once", end=grant.start, max_periods=1)
    disbursements_generate(month=D(2027, 12, 1))
    assert [period for _e, period, _a, _s in lines()] == [D(2026, 11, 1)]


def test_inactive_grants_and_grants_without_an_amount_get_no_line(grant):
    Entitlement.objects.filter(pk=grant.pk).update(status="suspended")
    assert disbursements_generate(month=D(2026, 12, 1))["created"] == 0
    Entitlement.objects.filter(pk=grant.pk).update(status="active", amount_per_period=None)
    assert disbursements_generate(month=D(2026, 12, 1))["created"] == 0


def test_the_command_prints_a_json_summary(grant, capsys):
    import json

    call_command("generate_disbursements", "--period", "2026-12")
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "month": "2026-12",
        "created": 2,
        "already_present": 0,
        "batches": 1,
        "total_cny": "2000.00",
        "back_pay_held": 0,
        "account_held": 0,
    }


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks between connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_make_the_rows_of_one(grant):
    barrier, outcomes = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            outcomes.append(disbursements_generate(month=D(2027, 3, 1))["created"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [0, 3]
    assert len(lines()) == 3 and DisbursementBatch.objects.count() == 1


# --- batches, bank file, results -----------------------------------------------------------------------------------


def test_a_finance_officer_other_than_the_generator_approves_and_totals_must_hold(batch, finance, world):
    with pytest.raises(PermissionDenied):
        batch_approve(actor=world.alice, batch=batch)  # not finance
    Membership.objects.create(user=world.bob, unit=world.dalian, role=Role.FINANCE)
    with pytest.raises(PermissionDenied, match="本人生成"):
        batch_approve(actor=world.bob, batch=batch)  # generated it
    Disbursement.objects.filter(batch=batch).update(amount_cny=Decimal("999.00"))
    with pytest.raises(Conflict, match="控制"):
        batch_approve(actor=finance, batch=batch)
    Disbursement.objects.filter(batch=batch).update(amount_cny=Decimal("1000.00"))
    batch_approve(actor=finance, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == finance
    Disbursement.objects.filter(batch=batch).update(amount_cny=Decimal("999.00"))
    with pytest.raises(Conflict, match="控制"):
        batch_export(actor=finance, batch=batch)
    assert not Disbursement.objects.filter(status="sent").exists()


def test_the_bank_file_is_made_once_and_never_repeats_a_sent_line(batch, finance, world):
    batch_approve(actor=finance, batch=batch)
    exported = batch_export(actor=finance, batch=batch)
    text = bytes(exported.export_csv).decode("utf-8-sig")
    rows = text.strip().split("\r\n")
    assert rows[0].startswith("batch_reference,line_reference,payee_name")
    assert len(rows) == 1 + 3 + 1 and rows[-1].startswith("TRAILER,3,") and ",3000.00," in rows[-1]
    assert "6222021234567890123" in text and "***************0123" in text
    assert PersonalDataAccess.objects.filter(user=finance, fields="bank_account").count() == 1
    assert set(Disbursement.objects.values_list("status", flat=True)) == {"sent"}
    again = batch_export(actor=finance, batch=batch)
    assert bytes(again.export_csv) == bytes(exported.export_csv) and bytes(again.export_xlsx) == bytes(
        exported.export_xlsx
    )
    assert set(Disbursement.objects.values_list("attempts", flat=True)) == {1}


def test_a_bank_file_needs_every_account_and_the_permission_to_see_it(batch, finance, graduate):
    batch_approve(actor=finance, batch=batch)
    finance.user_permissions.clear()
    finance = type(finance).objects.get(pk=finance.pk)
    with pytest.raises(PermissionDenied):
        batch_export(actor=finance, batch=batch)
    finance.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    finance = type(finance).objects.get(pk=finance.pk)
    Person.objects.filter(pk=graduate.pk).update(bank_account="")
    with pytest.raises(ValidationError) as refused:
        batch_export(actor=finance, batch=batch)
    assert f"{batch.lines.first().reference}" in str(refused.value)
    assert not Disbursement.objects.filter(status="sent").exists()


def test_results_match_each_line_once_unmatched_rows_become_exceptions_and_a_file_counts_once(batch, finance, sent):
    content = result_file(
        batch,
        [
            f"{sent[0].reference},paid,1000.00,B001,",
            f"{sent[1].reference},failed,,,账户已销户",
            "999-209901,paid,1000.00,B002,",  # no such line
            f"{sent[0].reference},paid,1000.00,B003,",  # twice
            f"{sent[2].reference},paid,10.00,B004,",  # another amount
        ],
    )
    result = results_import(actor=finance, batch=batch, content=content, name="result.csv")
    assert (result.paid, result.failed, result.exceptions) == (1, 1, 3)
    assert [e.row for e in result.exception_rows.order_by("row")] == [4, 5, 6]
    statuses = dict(Disbursement.objects.values_list("reference", "status"))
    assert [statuses[line.reference] for line in sent] == ["paid", "failed", "sent"]
    assert list(LedgerEntry.objects.values_list("kind", "amount_cny")) == [("payment", Decimal("1000.00"))]

    again = results_import(actor=finance, batch=batch, content=content, name="result-again.csv")
    assert again.pk == result.pk and BankResultFile.objects.count() == 1
    assert (
        LedgerEntry.objects.count() == 1 and dict(Disbursement.objects.values_list("reference", "status")) == statuses
    )
    # the same bytes for another batch are refused, naming the batch they belong to
    other = DisbursementBatch.objects.create(
        reference="PAY-OTHER",
        unit=batch.unit,
        program=batch.program,
        month=batch.month,
        sequence=9,
        control_count=0,
        control_sum_cny=Decimal("0"),
        status="exported",
        run=batch.run,
    )
    with pytest.raises(ValidationError, match=batch.reference):
        results_import(actor=finance, batch=other, content=content, name="wrong-batch.csv")
    # the lines' history says who sent them and who imported their results
    paid = Disbursement.objects.get(reference=sent[0].reference)
    assert {
        row.history_user for row in paid.history.all() if row.history_change_reason in ("sent to the bank", "paid")
    } == {finance}


def test_a_failed_line_is_reissued_in_a_later_batch_and_a_sent_line_cannot_be_cancelled(batch, finance, sent, world):
    content = result_file(batch, [f"{sent[0].reference},failed,,,户名不符"])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    with pytest.raises(Conflict):
        disbursement_cancel(actor=finance, line=sent[1], reason="不再发放")  # sent: only a reversal once paid
    disbursement_reissue(actor=finance, line=sent[0])
    summary = disbursements_generate(month=D(2027, 2, 1), actor=world.bob)
    assert (summary["created"], summary["batches"]) == (0, 1)  # nothing new is due; a batch for the re-issued line
    sent[0].refresh_from_db()
    assert sent[0].batch.month == D(2027, 2, 1) and sent[0].status == "pending"
    assert sent[0].batch.control_count == 1 and sent[0].batch.control_sum_cny == Decimal("1000.00")


def test_a_paid_line_is_frozen_by_the_database_and_corrected_by_a_reversal_that_nets_to_zero(batch, finance, sent):
    content = result_file(batch, [f"{sent[0].reference},paid,1000.00,B001,"])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    paid = Disbursement.objects.get(pk=sent[0].pk)
    for statement, params in (
        ("UPDATE benefits_disbursement SET amount_cny = 1 WHERE id = %s", [paid.pk]),
        ("DELETE FROM benefits_disbursement WHERE id = %s", [paid.pk]),
        ("UPDATE benefits_ledgerentry SET amount_cny = 1", []),
        ("DELETE FROM benefits_ledgerentry", []),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    reversal = disbursement_reverse(actor=finance, line=paid, reason="重复发放")
    assert reversal.reverses.disbursement_id == paid.pk
    assert sum(paid.ledger.values_list("amount_cny", flat=True)) == 0
    with pytest.raises(Conflict):
        disbursement_reverse(actor=finance, line=paid, reason="again")
    assert ledger_verify() == (2, "")


def test_changing_a_ledger_row_behind_the_systems_back_breaks_verification_at_that_row(batch, finance, sent):
    content = result_file(batch, [f"{line.reference},paid,1000.00,B{n}," for n, line in enumerate(sent)])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    call_command("verify_ledger")
    second = LedgerEntry.objects.get(sequence=2)
    with connection.cursor() as cursor:  # what only someone with the database's owner rights could do
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off for this transaction
        else:
            cursor.execute("DROP TRIGGER ledger_no_update")
        cursor.execute("UPDATE benefits_ledgerentry SET bank_reference = 'X' WHERE id = %s", [second.pk])
    checked, problem = ledger_verify()
    assert checked == 1 and f"id {second.pk}" in problem
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_ledger")
    assert exit_status.value.code == 1


# --- jobs ---------------------------------------------------------------------------------------------------------


def test_the_monthly_job_generates_the_current_month_with_what_it_missed(grant, settings):
    from benefits.tasks import disbursements_generate_task

    assert settings.CASEWORK_PERIODIC_TASKS["disbursements-generate"]["crontab"] == {
        "minute": "0",
        "hour": "3",
        "day_of_month": "1",
    }
    # the job did not run in December: January's run pays November to January
    summary = disbursements_generate_task.apply(kwargs={"today": "2027-01-15"}).get()
    assert (summary["month"], summary["created"], summary["total_cny"]) == ("2027-01", 3, "3000.00")
    assert disbursements_generate_task.apply(kwargs={"today": "2027-01-31"}).get()["created"] == 0


def test_finance_is_told_once_of_a_batch_waiting_for_approval_and_then_for_its_bank_file(batch, finance, world):
    from accounts.models import Notification
    from benefits.tasks import reminders_send_task

    generated_on = timezone.localdate(batch.run.started_at)  # the day in 大连, as the job counts days
    assert batches_waiting_remind(today=generated_on)["notified"] == 0  # not waiting yet on the day it was made
    summary = reminders_send_task.apply(kwargs={"today": (generated_on + datetime.timedelta(days=1)).isoformat()})
    assert summary.get()["payments_batches_waiting"] == 1
    told = Notification.objects.get(recipient=finance, key=f"batch:{batch.pk}:draft", channel="in_app")
    assert batch.reference in told.subject and told.link.endswith(f"/payments/{batch.pk}/")
    assert not Notification.objects.filter(recipient=world.alice, key__startswith="batch:").exists()
    assert batches_waiting_remind(today=generated_on + datetime.timedelta(days=2))["notified"] == 0  # once
    batch_approve(actor=finance, batch=batch)
    assert batches_waiting_remind(today=generated_on + datetime.timedelta(days=2))["notified"] == 1
    assert Notification.objects.filter(recipient=finance, key=f"batch:{batch.pk}:approved").exists()
    batch_export(actor=finance, batch=batch)
    assert batches_waiting_remind(today=generated_on + datetime.timedelta(days=3))["batches_waiting"] == 0


@pytest.mark.parametrize("back_pay", [False, True])
def test_the_months_a_grant_was_suspended_are_not_paid_unless_the_supervisor_grants_back_pay(grant, world, back_pay):
    from benefits.applications.entitlements import entitlement_resume, entitlement_suspend

    Entitlement.objects.filter(pk=grant.pk).update(max_periods=6, end=None)
    disbursements_generate(month=D(2026, 11, 1))
    entitlement_suspend(actor=world.bob, entitlement=grant, reason="核查灵活就业情况")
    assert disbursements_generate(month=D(2027, 1, 1))["created"] == 0
    entitlement_resume(actor=world.bob, entitlement=grant, reason="核查无误", today=D(2027, 2, 10), back_pay=back_pay)
    disbursements_generate(month=D(2027, 2, 1))
    paid = [period for _e, period, _a, _s in lines()]
    if back_pay:
        assert paid == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]
    else:
        assert paid == [D(2026, 11, 1), D(2027, 2, 1)]
    # March and April; the months suspended still count: the sixth and last period is April
    assert disbursements_generate(month=D(2027, 5, 1))["created"] == 2
