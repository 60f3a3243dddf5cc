"""The payment endpoints: batches for finance (and the readers of batches) only, approval and export through the
services, the bank file as stored, the bank's results counted once, corrections, the areas' limits, the
applicant's own payments in their words, masked accounts everywhere, and lists whose cost does not grow."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from benefits.models import BankResultFile, Disbursement, DisbursementBatch, LedgerEntry, PaymentException
from benefits.payments.services.generation import disbursements_generate
from benefits.payments.services.results import results_import
from casework.models import Person, PersonalDataAccess
from casework.services import organization_create

from .conftest import result_file

pytestmark = pytest.mark.django_db
D = datetime.date
ACCOUNT = "6222021234567890123"  # 张三's account (tests/benefits/conftest.py: grant)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name, *args):
    return reverse(f"api:benefits:{name}", args=args)


def batch_action(client, batch, action):
    return client.post(url("payment-batch-action", batch.pk, action), format="json")


def line_action(client, line, action, **body):
    return client.post(url("disbursement-action", line.pk, action), body, format="json")


def upload_results(client, batch, content, name="result.csv"):
    return client.post(
        url("payment-batch-results", batch.pk), {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def test_a_caseworker_is_refused_the_batches_and_finance_lists_them_with_their_totals(world, batch, finance, api_as):
    alice = api_as(world.alice)
    for path in (
        url("payment-batch-list"),
        url("payment-batch-detail", batch.pk),
        url("payment-batch-lines", batch.pk),
        url("payment-exception-list"),
    ):
        refused = alice.get(path)
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "permission_denied" and refused.json()["message"], path

    fang = api_as(finance)
    body = fang.get(url("payment-batch-list")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["reference"], row["status"], row["month"]) == (batch.pk, batch.reference, "draft", "2027-01")
    assert (row["control_count"], row["control_sum_cny"]) == (3, "3000.00")
    assert (row["lines_count"], row["lines_sum_cny"], row["totals_match"]) == (3, "3000.00", True)
    assert row["generated_by"]["id"] == world.bob.pk and row["approved_by"] is None
    assert row["unit"]["id"] == world.youhao.pk and row["program"] == batch.program.code
    assert row["result_files"] == []  # filled on the detail

    def count(**filters):
        return fang.get(url("payment-batch-list"), filters).json()["count"]

    assert count(month="2027-01", status="draft", program=batch.program.code, unit=world.zhongshan.pk) == 1
    assert count(month="2027-02") == count(status="approved") == count(program="other") == count(unit=world.xigang.pk)
    assert count(month="2027-02") == 0
    bad = fang.get(url("payment-batch-list"), {"month": "2027-13", "status": "lost"})
    assert bad.status_code == 400 and {"month", "status"} <= set(bad.json()["fields"])
    assert fang.get(url("payment-batch-list"), {"unit": world.furong.pk}).status_code == 404  # not her area
    # a supervisor reads batches too
    assert api_as(world.bob).get(url("payment-batch-list")).json()["count"] == 1


def test_finance_approves_and_exports_through_the_api_and_the_generator_is_refused(world, batch, finance, api_as):
    Membership.objects.create(user=world.bob, unit=world.dalian, role=Role.FINANCE)  # bob generated the batch
    refused = batch_action(api_as(world.bob), batch, "approve")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied" and "本人生成" in refused.json()["message"]
    assert batch_action(api_as(world.alice), batch, "approve").status_code == 403  # not finance
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by) == ("draft", None)

    fang = api_as(finance)
    assert batch_action(fang, batch, "export").status_code == 409  # a draft is not exported
    approved = batch_action(fang, batch, "approve")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"]["id"] == finance.pk
    exported = batch_action(fang, batch, "export")
    assert exported.status_code == 200, exported.json()
    batch.refresh_from_db()
    assert exported.json()["status"] == "exported"
    assert exported.json()["export_sha256"] == hashlib.sha256(bytes(batch.export_csv)).hexdigest()
    assert set(batch.lines.values_list("status", flat=True)) == {"sent"}
    assert batch_action(fang, batch, "approve").status_code == 409
    assert batch_action(fang, batch, "publish").status_code == 404


def test_totals_that_no_longer_match_refuse_approval_and_change_nothing(batch, finance, api_as):
    Disbursement.objects.filter(pk=batch.lines.order_by("pk").first().pk).update(amount_cny=Decimal("997.00"))
    fang = api_as(finance)
    detail = fang.get(url("payment-batch-detail", batch.pk)).json()
    assert (detail["control_sum_cny"], detail["lines_sum_cny"], detail["totals_match"]) == ("3000.00", "2997.00", False)
    refused = batch_action(fang, batch, "approve")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict" and "2997" in refused.json()["message"]
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by, batch.approved_at) == ("draft", None, None)


def test_the_bank_file_downloads_as_stored_to_finance_and_a_second_export_is_the_same_file(
    world, batch, finance, api_as
):
    fang = api_as(finance)
    csv_url, xlsx_url = url("payment-batch-file-csv", batch.pk), url("payment-batch-file-xlsx", batch.pk)
    not_yet = fang.get(csv_url)
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "conflict"
    batch_action(fang, batch, "approve")
    first = batch_action(fang, batch, "export").json()

    download = fang.get(csv_url)
    batch.refresh_from_db()
    assert download.status_code == 200 and download.content == bytes(batch.export_csv)
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    second = batch_action(fang, batch, "export").json()
    assert second["export_sha256"] == first["export_sha256"] == hashlib.sha256(download.content).hexdigest()
    assert fang.get(csv_url).content == download.content

    workbook = fang.get(xlsx_url)
    assert workbook.status_code == 200 and workbook.content == bytes(batch.export_xlsx)
    assert workbook["Content-Type"] == XLSX and f'filename="{batch.reference}.xlsx"' in workbook["Content-Disposition"]
    # the export and each of the three downloads are in the personal-data access log
    assert PersonalDataAccess.objects.filter(user=finance, fields="bank_account").count() == 4

    refused = api_as(world.bob).get(csv_url)  # a supervisor reads batches, not their accounts
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    finance.user_permissions.clear()
    assert api_as(type(finance).objects.get(pk=finance.pk)).get(csv_url).status_code == 403  # no unmask
    assert PersonalDataAccess.objects.filter(fields="bank_account").count() == 4


def test_results_mark_lines_paid_or_failed_leave_exceptions_and_the_same_file_twice_changes_nothing(
    batch, finance, sent, api_as
):
    content = result_file(
        batch,
        [
            f"{sent[0].reference},paid,1000.00,B001,",
            f"{sent[1].reference},failed,,,账户已销户",
            "999-209901,paid,1000.00,B002,",  # no such line
        ],
    )
    fang = api_as(finance)
    first = upload_results(fang, batch, content)
    assert first.status_code == 200, first.json()
    summary = first.json()
    assert (summary["paid"], summary["failed"], summary["exceptions"]) == (1, 1, 1)
    statuses = dict(Disbursement.objects.values_list("reference", "status"))
    assert [statuses[line.reference] for line in sent] == ["paid", "failed", "sent"]

    again = upload_results(fang, batch, content, name="result-again.csv")
    assert again.status_code == 200 and again.json() == summary
    assert BankResultFile.objects.count() == 1 and LedgerEntry.objects.count() == 1
    assert PaymentException.objects.count() == 1
    assert dict(Disbursement.objects.values_list("reference", "status")) == statuses
    assert fang.get(url("payment-batch-detail", batch.pk)).json()["result_files"] == [summary]

    not_results = upload_results(fang, batch, "name,amount\r\n张三,1000\r\n".encode(), name="other.csv")
    assert not_results.status_code == 400 and "file" in not_results.json()["fields"]

    exceptions = fang.get(url("payment-exception-list")).json()
    assert exceptions["count"] == 1
    exception = exceptions["results"][0]
    assert exception["row"] == 4 and "999-209901" in exception["problem"]
    assert exception["batch"]["reference"] == batch.reference and exception["content"]["line_reference"] == "999-209901"
    resolve = url("payment-exception-resolve", exception["id"])
    missing = fang.post(resolve, {}, format="json")
    assert missing.status_code == 400 and "resolution" in missing.json()["fields"]
    resolved = fang.post(resolve, {"resolution": "银行确认为误报"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["resolved_by"]["id"] == finance.pk
    assert fang.post(resolve, {"resolution": "again"}, format="json").status_code == 409
    assert fang.get(url("payment-exception-list")).json()["count"] == 0
    assert fang.get(url("payment-exception-list"), {"all": 1}).json()["count"] == 1


def test_corrections_go_through_the_services_and_a_reversal_needs_a_reason(world, batch, finance, sent, api_as):
    content = result_file(batch, [f"{sent[0].reference},paid,1000.00,B001,", f"{sent[1].reference},failed,,,户名不符"])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    paid, failed, waiting = sent
    assert line_action(api_as(world.alice), paid, "reverse", reason="x").status_code == 403  # not finance

    fang = api_as(finance)
    missing = line_action(fang, paid, "reverse")
    assert missing.status_code == 400 and list(missing.json()["fields"]) == ["reason"]
    assert LedgerEntry.objects.count() == 1
    reversed_ = line_action(fang, paid, "reverse", reason="重复发放", booked_on="2027-02-03")
    assert reversed_.status_code == 200, reversed_.json()
    ledger = reversed_.json()["ledger"]
    assert [(entry["kind"], entry["amount_cny"]) for entry in ledger] == [
        ("payment", "1000.00"),
        ("reversal", "-1000.00"),
    ]
    assert ledger[1]["reverses"] == ledger[0]["id"] and ledger[1]["booked_on"] == "2027-02-03"
    assert reversed_.json()["status"] == "paid"  # the line stays as it was; the ledger nets to zero
    assert line_action(fang, paid, "reverse", reason="again").status_code == 409

    reissued = line_action(fang, failed, "reissue")
    assert reissued.status_code == 200 and (reissued.json()["status"], reissued.json()["batch"]) == ("pending", None)
    assert line_action(fang, waiting, "cancel", reason="不再发放").status_code == 409  # sent: only reversed once paid
    no_reason = line_action(fang, failed, "cancel", reason="  ")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert line_action(fang, failed, "cancel", reason="不再发放").json()["status"] == "cancelled"
    assert line_action(fang, failed, "pay").status_code == 404

    detail = fang.get(url("disbursement-detail", failed.pk)).json()
    assert detail["payee"]["id_masked"] == failed.person.masked_id_number
    assert [step["reason"] for step in detail["history"]][:2] == ["cancelled", "re-issued"]


def test_the_json_never_carries_a_full_account_number(world, batch, finance, sent, graduate, api_as):
    content = result_file(batch, [f"{sent[0].reference},paid,1000.00,B001,", "999-1,paid,1,B9,", "x,y"])
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    fang = api_as(finance)
    lines = fang.get(url("payment-batch-lines", batch.pk)).json()
    assert lines["count"] == 3 and {line["payee"]["account_masked"] for line in lines["results"]} == {
        "*" * 15 + ACCOUNT[-4:]
    }
    responses = [
        lines,
        fang.get(url("payment-batch-list")).json(),
        fang.get(url("payment-batch-detail", batch.pk)).json(),
        fang.get(url("disbursement-detail", sent[0].pk)).json(),
        fang.get(url("person-payments", graduate.pk)).json(),
        fang.get(url("payment-exception-list")).json(),
        batch_action(fang, batch, "export").json(),
        api_as(world.dan).get(url("my-payment-list")).json(),
    ]
    for body in responses:
        text = str(body)
        assert ACCOUNT not in text and ACCOUNT[:12] not in text and graduate.id_number not in text


def test_outside_the_area_every_payment_is_404(world, batch, finance, sent, graduate, jinan_finance, api_as):
    ji = api_as(jinan_finance)
    assert ji.get(url("payment-batch-list")).json()["count"] == 0
    for path in (
        url("payment-batch-detail", batch.pk),
        url("payment-batch-lines", batch.pk),
        url("payment-batch-file-csv", batch.pk),
        url("payment-batch-file-xlsx", batch.pk),
        url("disbursement-detail", sent[0].pk),
        url("person-payments", graduate.pk),
    ):
        assert ji.get(path).status_code == 404, path
    assert batch_action(ji, batch, "export").status_code == 404
    assert upload_results(ji, batch, result_file(batch, [f"{sent[0].reference},paid,1000.00,B1,"])).status_code == 404
    assert line_action(ji, sent[0], "cancel", reason="x").status_code == 404
    assert not BankResultFile.objects.exists()

    carol = api_as(world.carol)  # a caseworker of 济南
    assert carol.get(url("person-payments", graduate.pk)).status_code == 404
    assert carol.get(url("disbursement-detail", sent[0].pk)).status_code == 404

    # inside the area, a caseworker sees the person's payments (not the bank's batches)
    history = api_as(world.alice).get(url("person-payments", graduate.pk)).json()
    assert [line["period"] for line in history["results"]] == ["2027-01-01", "2026-12-01", "2026-11-01"]
    assert history["results"][0]["batch"]["reference"] == batch.reference


def test_an_organizations_payments_are_scoped_like_the_organization(world, batch, api_as):
    organization = organization_create(
        actor=None, name="青创科技", kind="employer", unit=world.youhao, uscc="91110000600037341L"
    )
    line = batch.lines.order_by("pk").first()
    Disbursement.objects.filter(pk=line.pk).update(person=None, organization=organization)  # an employer's line
    alice = api_as(world.alice)
    body = alice.get(url("organization-payments", organization.pk)).json()
    assert [row["id"] for row in body["results"]] == [line.pk]
    assert api_as(world.carol).get(url("organization-payments", organization.pk)).status_code == 404


def test_an_applicant_sees_their_own_payments_in_their_words_and_nobody_elses(
    world, batch, finance, sent, graduate, api_as
):
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    dan = api_as(world.dan)
    mine = dan.get(url("my-payment-list")).json()
    assert mine["count"] == 3 and {row["status"] for row in mine["results"]} == {"on_its_way"}
    assert set(mine["results"][0]) == {
        "id",
        "program",
        "program_name",
        "period",
        "amount_cny",
        "status",
        "status_label",
        "message",
    }
    content = result_file(
        batch, [f"{sent[0].reference},paid,1000.00,B001,", f"{sent[1].reference},failed,,,账户已销户"]
    )
    results_import(actor=finance, batch=batch, content=content, name="r.csv")
    dan = api_as(world.dan)
    rows = {row["period"]: row for row in dan.get(url("my-payment-list")).json()["results"]}
    assert [rows[p]["status"] for p in ("2026-11-01", "2026-12-01", "2027-01-01")] == ["paid", "failed", "on_its_way"]
    assert rows["2026-12-01"]["message"] == "账户已销户" and rows["2026-11-01"]["amount_cny"] == "1000.00"
    assert batch.reference not in str(rows) and "B001" not in str(rows)
    # nothing of the staff side either
    assert dan.get(url("payment-batch-list")).status_code == 403
    assert dan.get(url("disbursement-detail", sent[0].pk)).status_code == 404

    assert api_as(world.erin).get(url("my-payment-list")).json()["count"] == 0
    assert api_as(world.alice).get(url("my-payment-list")).json()["count"] == 0  # staff: as /me/entitlements/


def queries(client, path, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return len(context.captured_queries), response.json()["count"]


def test_the_lists_cost_the_same_queries_for_one_row_or_many(world, grant, finance, graduate, api_as):
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    disbursements_generate(month=D(2026, 11, 1), actor=world.bob)  # one line
    november = DisbursementBatch.objects.get()
    alice, history = api_as(world.alice), url("person-payments", graduate.pk)
    one_history = queries(alice, history)
    one_mine = queries(api_as(world.dan), url("my-payment-list"))
    fang = api_as(finance)
    one_batch = queries(fang, url("payment-batch-list"))

    disbursements_generate(month=D(2027, 1, 1), actor=world.bob)  # two more, in a second batch
    january = DisbursementBatch.objects.get(month=D(2027, 1, 1))
    DisbursementBatch.objects.create(  # a third batch, with every user the list shows
        reference="PAY-EXTRA",
        unit=world.youhao,
        program=january.program,
        month=january.month,
        sequence=2,
        control_count=0,
        control_sum_cny=0,
        run=january.run,
        approved_by=finance,
        exported_by=finance,
    )
    assert queries(alice, history) == (one_history[0], 3) and one_history[1] == 1
    assert queries(api_as(world.dan), url("my-payment-list")) == (one_mine[0], 3) and one_mine[1] == 1
    fang = api_as(finance)
    assert queries(fang, url("payment-batch-list")) == (one_batch[0], 3) and one_batch[1] == 1

    # the lines of a batch: one paid line, then all; exceptions: one, then three
    for batch in (november, january):
        fang.post(url("payment-batch-action", batch.pk, "approve"))
        fang.post(url("payment-batch-action", batch.pk, "export"))
    sent = list(january.lines.order_by("period"))
    upload_results(fang, january, result_file(january, [f"{sent[0].reference},paid,1000.00,B1,", "999-1,paid,1,B,"]))
    lines = url("payment-batch-lines", january.pk)
    one_line = queries(fang, lines, status="paid")
    assert queries(fang, lines) == (one_line[0], 2) and one_line[1] == 1
    one_exception = queries(fang, url("payment-exception-list"))
    upload_results(fang, november, result_file(november, ["999-2,paid,1,B,", "999-3,paid,1,B,"]))
    assert queries(fang, url("payment-exception-list")) == (one_exception[0], 3) and one_exception[1] == 1
