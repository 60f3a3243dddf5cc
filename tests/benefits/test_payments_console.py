"""The console's payment pages: the batch list and page (totals, approve, export, bank file, result import,
per-line corrections), the exceptions, a line's page, and the payments panel of the person page. Every button is
a call of its service; a refusal shows on the page and changes nothing; other areas get 404."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from benefits.models import BankResultFile, Disbursement, DisbursementBatch, LedgerEntry, PaymentException
from casework.models import PersonalDataAccess
from tests.factories import make_person

from .conftest import result_file

pytestmark = pytest.mark.django_db
D = datetime.date


def batch_url(batch):
    return reverse("benefits:batch-detail", args=[batch.pk])


def upload(batch, rows, name="result.csv"):
    return {"action": "results", "file": SimpleUploadedFile(name, result_file(batch, rows), content_type="text/csv")}


def status_of(batch):
    return DisbursementBatch.objects.get(pk=batch.pk).status


def test_batches_are_for_finance_supervisors_auditors_and_admins(world, batch, finance, console_as):
    alice = console_as(world.alice)
    for url in (reverse("benefits:batch-list"), batch_url(batch), reverse("benefits:payment-exception-list")):
        assert alice.get(url).status_code == 403, url
    assert alice.post(batch_url(batch), {"action": "approve"}).status_code == 403
    assert status_of(batch) == "draft"
    nav_url = reverse("accounts:home")
    nav = console_as(finance).get(nav_url).content.decode()
    assert f'href="{reverse("benefits:batch-list")}"' in nav
    assert f'href="{reverse("benefits:batch-list")}"' not in console_as(world.alice).get(nav_url).content.decode()


def test_finance_sees_the_batch_with_its_declared_and_live_totals(batch, finance, console_as):
    client = console_as(finance)
    page = client.get(reverse("benefits:batch-list")).content.decode()
    assert batch.reference in page and "3000.00" in page and batch.program.name_zh in page and "李博" in page
    assert (
        batch.reference in client.get(reverse("benefits:batch-list") + "?month=2027-01&status=draft").content.decode()
    )
    assert batch.reference not in client.get(reverse("benefits:batch-list") + "?month=2027-02").content.decode()
    assert batch.reference not in client.get(reverse("benefits:batch-list") + "?status=approved").content.decode()
    detail = client.get(batch_url(batch))
    assert detail.context["mismatch"] is False and detail.context["page"].paginator.count == 3
    body = detail.content.decode()
    for line in batch.lines.select_related("person"):
        assert line.reference in body and line.person.masked_id_number in body
        assert line.person.masked_bank_account in body and line.person.bank_account not in body
        assert line.person.id_number not in body


def test_a_batch_whose_lines_changed_shows_the_difference(batch, finance, console_as):
    Disbursement.objects.filter(pk=batch.lines.order_by("pk").first().pk).update(amount_cny=Decimal("999.00"))
    client = console_as(finance)
    listing = client.get(reverse("benefits:batch-list"))
    assert [b.mismatch for b in listing.context["page"]] == [True]
    assert "2999.00" in listing.content.decode()
    detail = client.get(batch_url(batch))
    assert detail.context["mismatch"] is True and "2999.00" in detail.content.decode()
    refused = client.post(batch_url(batch), {"action": "approve"})
    assert refused.status_code == 200 and "控制" in refused.content.decode()  # the service's message, on the form
    assert status_of(batch) == "draft"


def test_finance_approves_through_the_page(batch, finance, console_as):
    client = console_as(finance)
    assert 'value="approve"' in client.get(batch_url(batch)).content.decode()
    response = client.post(batch_url(batch), {"action": "approve"}, follow=True)
    assert response.redirect_chain == [(batch_url(batch), 302)] and "已办理。" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == finance
    assert finance.full_name in response.content.decode()


def test_the_generator_is_refused_with_the_reason_and_nothing_changes(world, batch, console_as):
    Membership.objects.create(user=world.bob, unit=world.dalian, role=Role.FINANCE)
    response = console_as(world.bob).post(batch_url(batch), {"action": "approve"})
    assert response.status_code == 200 and "不能审批本人生成的批次。" in response.content.decode()
    assert status_of(batch) == "draft" and DisbursementBatch.objects.get().approved_by is None


def test_a_supervisor_reads_but_cannot_act(world, batch, console_as):
    bob = console_as(world.bob)
    page = bob.get(batch_url(batch)).content.decode()
    assert batch.reference in page and 'value="approve"' not in page
    refused = bob.post(batch_url(batch), {"action": "approve"})
    assert refused.status_code == 200 and "只有本单位或上级单位的财务人员" in refused.content.decode()
    assert status_of(batch) == "draft"


def test_a_supervisor_cannot_import_results(world, batch, sent, console_as):
    response = console_as(world.bob).post(batch_url(batch), upload(batch, [f"{sent[0].reference},paid,1000.00,B1,"]))
    assert response.status_code == 200 and "只有本单位或上级单位的财务人员" in response.content.decode()
    assert not BankResultFile.objects.exists() and status_of(batch) == "exported"


def test_export_then_download_the_stored_bank_file_finance_only(world, batch, finance, console_as):
    client = console_as(finance)
    client.post(batch_url(batch), {"action": "approve"})
    assert client.post(batch_url(batch), {"action": "export"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "exported" and set(batch.lines.values_list("status", flat=True)) == {"sent"}
    page = client.get(batch_url(batch)).content.decode()
    csv_url, xlsx_url = (reverse("benefits:batch-file", args=[batch.pk, fmt]) for fmt in ("csv", "xlsx"))
    assert csv_url in page and xlsx_url in page
    logged = PersonalDataAccess.objects.filter(user=finance).count()
    response = client.get(csv_url)
    assert response.status_code == 200 and response.content == bytes(batch.export_csv)
    assert response["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    assert client.get(xlsx_url).content == bytes(batch.export_xlsx)
    assert PersonalDataAccess.objects.filter(user=finance, fields="bank_account").count() == logged + 2
    assert client.get(reverse("benefits:batch-file", args=[batch.pk, "pdf"])).status_code == 404
    bob = console_as(world.bob)  # a supervisor reads the batch, not the accounts (the one client signs in again)
    assert csv_url not in bob.get(batch_url(batch)).content.decode()
    assert bob.get(csv_url).status_code == 403 and bob.get(xlsx_url).status_code == 403
    assert console_as(world.alice).get(csv_url).status_code == 403
    assert PersonalDataAccess.objects.filter(fields="bank_account").count() == logged + 2


def test_no_bank_file_before_the_export(batch, finance, console_as):
    client = console_as(finance)
    assert client.get(reverse("benefits:batch-file", args=[batch.pk, "csv"])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_importing_a_result_file_marks_lines_and_the_same_file_again_changes_nothing(batch, finance, sent, console_as):
    client = console_as(finance)
    rows = [f"{sent[0].reference},paid,1000.00,B001,", f"{sent[1].reference},failed,,,账户已销户"]
    response = client.post(batch_url(batch), upload(batch, rows))
    result = BankResultFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{batch_url(batch)}?result={result.pk}"
    assert (result.paid, result.failed, result.exceptions) == (1, 1, 0)
    statuses = dict(Disbursement.objects.values_list("reference", "status"))
    assert [statuses[line.reference] for line in sent] == ["paid", "failed", "sent"]
    page = client.get(response["Location"])
    assert (
        page.context["result"] == result and "B001" in page.content.decode() and "账户已销户" in page.content.decode()
    )
    assert list(page.context["result_files"]) == [result]

    again = client.post(batch_url(batch), upload(batch, rows, name="again.csv"))
    assert again.status_code == 302 and BankResultFile.objects.count() == 1
    assert dict(Disbursement.objects.values_list("reference", "status")) == statuses
    assert LedgerEntry.objects.count() == 1


def test_a_result_file_without_its_columns_is_refused_on_the_form(batch, finance, sent, console_as):
    bad = {"action": "results", "file": SimpleUploadedFile("r.csv", b"foo,bar\r\n1,2\r\n", content_type="text/csv")}
    response = console_as(finance).post(batch_url(batch), bad)
    assert response.status_code == 200 and response.context["result_form"].errors["file"]
    assert not BankResultFile.objects.exists()
    assert set(Disbursement.objects.values_list("status", flat=True)) == {"sent"}


def test_results_cannot_be_imported_into_a_draft_batch(batch, finance, console_as):
    response = console_as(finance).post(batch_url(batch), upload(batch, ["x,paid,1000.00,B1,"]))
    assert response.status_code == 200 and "该批次当前为“草稿”" in response.content.decode()
    assert not BankResultFile.objects.exists()


def test_an_unmatched_row_is_listed_and_resolved(batch, finance, sent, console_as, world):
    client = console_as(finance)
    client.post(batch_url(batch), upload(batch, [f"{sent[0].reference},paid,1000.00,B001,", "999-209901,paid,5,B9,"]))
    exceptions_url = reverse("benefits:payment-exception-list")
    page = client.get(exceptions_url).content.decode()
    exception = PaymentException.objects.get()
    assert "999-209901" in page and batch.reference in page and exception.problem in page
    bob = console_as(world.bob)
    assert bob.post(exceptions_url, {"exception": exception.pk, "resolution": "x"}).status_code == 200
    assert PaymentException.objects.get().resolved_at is None  # a supervisor only reads
    client = console_as(finance)  # the one test client, signed in again
    empty = client.post(exceptions_url, {"exception": exception.pk, "resolution": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["resolution"]
    response = client.post(exceptions_url, {"exception": exception.pk, "resolution": "银行退回，已核实"})
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.resolution == "银行退回，已核实" and exception.resolved_by == finance
    assert "999-209901" not in client.get(exceptions_url).content.decode()  # open ones only by default
    assert "银行退回，已核实" in client.get(exceptions_url + "?all=1").content.decode()
    again = client.post(exceptions_url, {"exception": exception.pk, "resolution": "again"})
    assert again.status_code == 200 and PaymentException.objects.get().resolution == "银行退回，已核实"


def test_a_paid_line_is_reversed_from_the_page(batch, finance, sent, console_as):
    client = console_as(finance)
    client.post(batch_url(batch), upload(batch, [f"{sent[0].reference},paid,1000.00,B001,"]))
    line_url = reverse("benefits:disbursement-detail", args=[sent[0].pk])
    assert line_url in client.get(batch_url(batch)).content.decode()
    no_reason = client.post(line_url, {"action": "reverse", "reason": ""})
    assert no_reason.status_code == 200 and "请填写原因。" in no_reason.content.decode()
    assert LedgerEntry.objects.count() == 1
    response = client.post(line_url, {"action": "reverse", "reason": "重复发放", "next": batch_url(batch)})
    assert response.status_code == 302 and response["Location"] == batch_url(batch)
    reversal = LedgerEntry.objects.get(kind="reversal")
    assert reversal.amount_cny == Decimal("-1000.00") and reversal.reason == "重复发放"
    page = client.get(line_url)
    assert (
        page.context["net"] == 0 and "重复发放" in page.content.decode() and reversal.hash[:12] in page.content.decode()
    )
    twice = client.post(line_url, {"action": "reverse", "reason": "again"})
    assert twice.status_code == 200 and "该笔发放已冲正。" in twice.content.decode()
    assert LedgerEntry.objects.count() == 2


def test_failed_lines_are_reissued_and_pending_ones_cancelled_from_the_page(batch, finance, sent, console_as):
    client = console_as(finance)
    client.post(batch_url(batch), upload(batch, [f"{sent[0].reference},failed,,,户名不符"]))
    failed_url = reverse("benefits:disbursement-detail", args=[sent[0].pk])
    history = client.get(failed_url).content.decode()
    assert "户名不符" in history and "发放失败" in history
    reissued = client.post(failed_url, {"action": "reissue", "next": "https://evil.example/"})
    assert reissued.status_code == 302 and reissued["Location"] == failed_url  # never sent off the site
    line = Disbursement.objects.get(pk=sent[0].pk)
    assert line.status == "pending" and line.batch is None
    assert client.post(failed_url, {"action": "cancel", "reason": "不再发放"}).status_code == 302
    line.refresh_from_db()
    assert line.status == "cancelled" and line.failure_reason == "不再发放"
    sent_url = reverse("benefits:disbursement-detail", args=[sent[1].pk])
    refused = client.post(sent_url, {"action": "cancel", "reason": "不再发放"})
    assert refused.status_code == 200 and Disbursement.objects.get(pk=sent[1].pk).status == "sent"
    assert client.post(sent_url, {"action": "delete"}).status_code == 404


def test_another_city_gets_404(world, batch, finance, sent, console_as, jinan_finance):
    client = console_as(jinan_finance)
    line = sent[0]
    for url in (
        batch_url(batch),
        reverse("benefits:batch-file", args=[batch.pk, "csv"]),
        reverse("benefits:disbursement-detail", args=[line.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(batch_url(batch), upload(batch, [f"{line.reference},paid,1000.00,B1,"])).status_code == 404
    assert client.post(reverse("benefits:disbursement-detail", args=[line.pk]), {"action": "cancel"}).status_code == 404
    assert batch.reference not in client.get(reverse("benefits:batch-list")).content.decode()
    assert not BankResultFile.objects.exists() and not LedgerEntry.objects.exists()
    assert console_as(world.carol).get(reverse("benefits:disbursement-detail", args=[line.pk])).status_code == 404


def test_the_person_page_lists_the_persons_payments(world, graduate, batch, finance, sent, console_as):
    console_as(finance).post(batch_url(batch), upload(batch, [f"{sent[0].reference},paid,1000.00,B001,"]))
    url = reverse("casework:person-detail", args=[graduate.pk]) + "?tab=payments"
    response = console_as(world.alice).get(url)
    assert response.status_code == 200 and "payments" in dict(response.context["tabs"])
    panel = response.context["panel"]
    assert [line.reference for line in panel["lines"]] == [line.reference for line in reversed(sent)]
    assert [line.net_cny for line in panel["lines"]] == [None, None, Decimal("1000.00")]
    body = response.content.decode()
    for line in sent:
        assert reverse("benefits:disbursement-detail", args=[line.pk]) in body and f"{line.period:%Y-%m}" in body
    assert batch.reference in body and "B001" in body and "1000.00" in body
    assert "6222021234567890123" not in body
    assert batch_url(batch) not in body  # a caseworker does not open the bank's batches
    assert batch_url(batch) in console_as(finance).get(url).content.decode()
    assert console_as(world.carol).get(url).status_code == 404


def test_the_organization_page_has_the_payments_section(world, console_as):
    from casework.models import Organization

    organization = Organization.objects.create(
        name="大连示范企业", kind="employer", uscc="91210200MA0QXXXX1X", unit=world.youhao
    )
    response = console_as(world.alice).get(reverse("casework:organization-detail", args=[organization.pk]))
    assert response.status_code == 200
    assert [panel["template"] for panel in response.context["panels"]] == ["benefits/_payments_panel.html"]
    assert response.context["panels"][0]["lines"] == []


def test_the_batch_page_queries_do_not_grow_with_the_lines(
    world, batch, finance, console_as, django_assert_num_queries
):
    client = console_as(finance)
    url = batch_url(batch)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    line = batch.lines.first()
    for n in range(12):
        person = make_person(world.youhao, f"收款人{n}", bank_account=f"62220200000000{n:05d}")
        Disbursement.objects.create(
            entitlement=line.entitlement,
            program=line.program,
            person=person,
            unit=line.unit,
            period=D(2028 + n // 12, n % 12 + 1, 1),
            reference=f"Q-{n}",
            batch=batch,
            amount_cny=Decimal("1000.00"),
            created_at=timezone.now(),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 15 and "Q-11" in response.content.decode()


def test_the_finance_home_page_links_each_waiting_step_to_its_list(world, batch, finance, console_as):
    client = console_as(finance)
    home = client.get(reverse("accounts:home"))
    panel = next(p for p in home.context["panels"] if p["template"] == "benefits/_finance_panel.html")
    waiting = panel["rows"][0]
    assert waiting["count"] == 1 and waiting["link"] == batch_url(batch)  # one batch: straight to it
    assert batch_url(batch) in home.content.decode() and "待审批" in home.content.decode()
    for row in panel["rows"][1:]:
        listed = client.get(row["link"])
        assert listed.context["page"].paginator.count == row["count"] == 0  # the number is the list it opens
    assert "待办发放" not in console_as(world.alice).get(reverse("accounts:home")).content.decode()


def test_the_bank_fills_the_result_template_in_excel_and_the_lines_are_paid(batch, sent, finance, console_as):
    import io

    from openpyxl import load_workbook

    client = console_as(finance)
    page = client.get(batch_url(batch)).content.decode()
    template_url = reverse("benefits:batch-result-template", args=[batch.pk, "xlsx"])
    assert template_url in page and "发放结果" in page  # the columns explained in Chinese beside the import
    workbook = load_workbook(io.BytesIO(b"".join(client.get(template_url).streaming_content)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "批次编号",
        "明细编号",
        "发放结果",
        "金额（元）",
        "银行流水号",
        "失败原因",
    ]
    references = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert references == sorted(line.reference for line in sent)
    assert "填写说明" in workbook.sheetnames
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=3, value="成功")
        sheet.cell(row=row, column=5, value=f"BANK{row}")
    filled = io.BytesIO()
    workbook.save(filled)
    client.post(batch_url(batch), {"action": "results", "file": SimpleUploadedFile("结果.xlsx", filled.getvalue())})
    assert {line.status for line in batch.lines.all()} == {Disbursement.Status.PAID}
    assert status_of(batch) == DisbursementBatch.Status.SETTLED


def test_the_csv_template_filled_with_failures_fails_the_lines_with_the_reason(batch, sent, finance, console_as):
    import csv
    import io

    client = console_as(finance)
    response = client.get(reverse("benefits:batch-result-template", args=[batch.pk, "csv"]))
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["批次编号", "明细编号", "发放结果"] and len(rows) == len(sent) + 1
    for row in rows[1:]:
        row[2], row[5] = "失败", "账户已注销"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    client.post(
        batch_url(batch), {"action": "results", "file": SimpleUploadedFile("结果.csv", out.getvalue().encode())}
    )
    assert {(line.status, line.failure_reason) for line in batch.lines.all()} == {("failed", "账户已注销")}


def test_a_draft_batch_has_no_result_template(batch, finance, console_as):
    response = console_as(finance).get(reverse("benefits:batch-result-template", args=[batch.pk, "xlsx"]))
    assert response.status_code == 404


def test_a_line_of_a_batch_not_yet_sent_is_waiting_to_be_paid_not_for_feedback(batch, finance, console_as):
    page = console_as(finance).get(batch_url(batch)).content.decode()
    assert "待发放" in page and "待反馈" not in page
