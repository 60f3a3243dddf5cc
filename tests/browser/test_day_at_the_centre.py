"""A caseworker's day in Chromium: the worklist follows a contact at once, and the application page keeps every
note under its step and ticks the evidence checklist with the document uploaded, in Chinese."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.signin import sign_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def caseworker_and_graduate(settings, tmp_path):
    """The demo's 大连 caseworker and a graduate of her community on the graduates' register for 45 days, never
    contacted: a contact is due."""
    from accounts.demo import bootstrap_demo
    from accounts.models import User
    from casework import services
    from casework.models import Register

    settings.MEDIA_ROOT = tmp_path
    bootstrap_demo()
    caseworker = User.objects.get(username="dalian.caseworker")
    community = caseworker.memberships.get().unit
    graduate = make_person(community, "廖军", graduation_date=datetime.date(2025, 6, 30))
    services.registry_entry_add(
        actor=caseworker,
        register=Register.objects.get(code="unemployed_graduates_after_leaving"),
        person=graduate,
        entered_on=timezone.localdate() - datetime.timedelta(days=45),
    )
    return caseworker, graduate


def test_the_worklist_and_the_application_page_follow_the_work(caseworker_and_graduate, live_server, page, screenshot):
    from benefits.applications.services import application_create, application_recommend, application_submit
    from benefits.models import Program
    from casework import services

    caseworker, graduate = caseworker_and_graduate
    sign_in(page, live_server, "dalian.caseworker")
    page.goto(f"{live_server.url}/console/worklist/")
    assert page.get_by_role("link", name="廖军").count() == 1  # due at once, not after the night
    page.goto(f"{live_server.url}/console/people/?q=lj")  # found by the initials of the name
    assert page.get_by_role("link", name="廖军").count() == 1
    services.contact_log(
        actor=caseworker, person=graduate, contacted_on=timezone.localdate(), channel="phone", outcome="seeking"
    )
    page.goto(f"{live_server.url}/console/worklist/")
    assert page.get_by_role("link", name="廖军").count() == 0  # closed by the contact, at once

    application = application_create(
        actor=caseworker,
        program=Program.objects.get(code="dalian_job_seeking_startup_subsidy"),
        person=graduate,
        requested_start=timezone.localdate(),
        note="申请人已登记失业",
    )
    page.goto(f"{live_server.url}/console/applications/{application.pk}/")
    checklist = page.locator("#checklist li")
    assert (
        checklist.first.inner_text().startswith("家庭困难、残疾或助学贷款情况证明")
        and "尚未提交" in checklist.first.inner_text()
    )
    page.get_by_label("上传文件").set_input_files(
        {"name": "国家助学贷款合同.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_load_state()
    assert "已收到（国家助学贷款合同.pdf）" in page.locator("#checklist li").first.inner_text()
    application_submit(actor=caseworker, application=application)
    application_recommend(actor=caseworker, application=application, note="材料齐全，建议批准")
    page.reload()
    timeline = page.locator("ol.timeline").inner_text()
    assert "申请人已登记失业" in timeline and "材料齐全，建议批准" in timeline  # both notes, each under its step
    assert "您创建了此申请" not in page.content()  # a caseworker is not a supervisor: no four-eyes line for her
    screenshot(page, "console-application")


def test_finance_finds_the_waiting_batch_from_home_and_a_register_cites_its_clauses(live_server, page, screenshot):
    """On the whole demo: the finance officer's home page links the batch waiting for approval; a register page
    says where the policies speak of it, in Chinese."""
    from django.core.management import call_command

    call_command("bootstrap_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sign_in(page, live_server, "dalian.finance")
    panel = page.locator("#finance-panel").locator("xpath=..")
    assert "待审批" in panel.inner_text()
    panel.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/console/payments/" in page.url and page.get_by_role("heading", level=1).is_visible()
    screenshot(page, "console-finance-batch")
    # once the batch is approved and exported, its page offers the bank the result-file template
    from accounts.models import User
    from benefits.models import DisbursementBatch
    from benefits.payments.services import batch_approve, batch_export

    finance = User.objects.get(username="dalian.finance")
    batch = DisbursementBatch.objects.visible_to(finance).filter(status="draft").order_by("pk").first()
    batch = batch_export(actor=finance, batch=batch_approve(actor=finance, batch=batch, acknowledge_unusual=True))
    page.goto(f"{live_server.url}/console/payments/{batch.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="发放结果模板（Excel）").click()
    assert download.value.suggested_filename == f"{batch.reference}-发放结果.xlsx"
    page.get_by_text("结果文件各列说明").click()
    assert "填写“成功”或“失败”" in page.locator("details").last.inner_text()
    page.goto(f"{live_server.url}/console/registers/unemployed_graduates_after_leaving/")
    page.get_by_text("政策出处").click()
    assert "大连市：（三）、（十二）" in page.locator("details").first.inner_text()


def test_a_caseworker_corrects_an_organization_and_finds_the_import_page_filled_in(
    caseworker_and_graduate, live_server, page, screenshot
):
    from casework.models import Organization
    from tests.factories import make_employer

    caseworker, _graduate = caseworker_and_graduate
    community = caseworker.memberships.get().unit
    organization = make_employer(community, actor=caseworker)
    sign_in(page, live_server, "dalian.caseworker")
    page.goto(f"{live_server.url}/console/organizations/{organization.pk}/")
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("地址").fill("友好路8号")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{live_server.url}/console/organizations/{organization.pk}/")
    assert "友好路8号" in page.content()
    assert Organization.objects.get(pk=organization.pk).address == "友好路8号"

    page.goto(f"{live_server.url}/console/imports/")
    assert page.get_by_label("台账").evaluate("select => select.selectedOptions[0].text") == "离校未就业高校毕业生"
    assert page.get_by_label("导入到").evaluate("select => select.selectedOptions[0].text") == community.name
    screenshot(page, "console-import")
