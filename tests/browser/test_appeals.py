"""Review requests (复核申请) and complaints in Chromium. An applicant asks in the portal for the review of a
rejection (reasons, a PDF), withdraws it and asks again; a supervisor who took no part in the rejection overturns
it in the console; the application goes back to the supervisors' normal approval and is approved; the applicant
sees it approved and the reviewer's reason; then files a complaint (投诉与意见), which staff answer, and reads the
answer. One test: each test with the live server empties the database and seeds the catalogue again (seconds).

The data are the shared personas (tests/personas.py) and one rejected application: no demo data set."""

from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role
from accounts.security import current_code
from benefits.appeals.selectors import appeal_deadline
from benefits.appeals.services import complaint_close
from benefits.applications.services import application_reject
from benefits.models import Appeal, Application, Complaint, Entitlement
from casework.models import Person
from tests.benefits.workflow import recommended
from tests.factories import UserFactory
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def vera(world):
    """韦拉, a second supervisor of 中山区, who took no part in the rejection."""
    user = UserFactory(username="vera", full_name="韦拉")
    Membership.objects.create(user=user, unit=world.zhongshan, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def rejected(world, graduate):
    """张三's job-seeking subsidy, claimed by dan, recommended by alice and rejected by bob today."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    application = recommended(world, graduate)
    return application_reject(actor=world.bob, application=application, note="材料不足", on=timezone.localdate())


def portal_sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/portal/login/")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/profile/")


def console_sign_in(page, live_server, user, *, start):
    """The console's sign-in page: the password, then the code of the user's authenticator (made here)."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    page.goto(f"{live_server.url}{start}")
    page.wait_for_url(f"{live_server.url}/login/**")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/login/otp/" in page.url:
        page.get_by_label("认证器应用中的 6 位验证码").fill(current_code(device))
        page.get_by_role("button", name="继续").click()
    page.wait_for_url(f"{live_server.url}{start}")


def message(page) -> str:
    region = page.locator("#messages")
    region.locator(".message").wait_for()
    return region.inner_text()


def test_a_rejection_is_appealed_overturned_and_approved_anew_and_a_complaint_answered(
    world, rejected, vera, live_server, new_page, screenshot
):
    applicant, staff = new_page(), new_page()
    refused = []  # what the Content-Security-Policy blocked on the portal's pages (it must be nothing)
    applicant.on("console", lambda note: refused.append(note.text) if "Content Security Policy" in note.text else None)
    last_day = appeal_deadline(rejected).isoformat()

    # --- the applicant reads the review right and asks, then changes their mind and asks again with a PDF ----------
    portal_sign_in(applicant, live_server, "dan")
    page_of = f"{live_server.url}/portal/applications/{rejected.pk}/"
    applicant.goto(page_of)
    applicant.locator("#appeal-form").wait_for()
    assert applicant.locator("#status").inner_text() == "未获批准"
    right = applicant.locator("#review-right").inner_text()
    assert "复核" in right and last_day in right
    applicant.locator("#a-reasons").fill("我已登记失业，材料已补齐")
    applicant.locator("#appeal-form button[type=submit]").click()
    applicant.locator("#appeal-status .status-pending").wait_for()
    assert applicant.locator("#appeal-status").inner_text() == "待复核"
    assert applicant.locator("#appeal-form").is_hidden()  # one request at a time
    applicant.once("dialog", lambda dialog: dialog.accept())
    applicant.locator("#appeal-withdraw").click()
    applicant.locator("#appeal-status .status-withdrawn").wait_for()
    assert applicant.locator("#appeal-status").inner_text() == "已撤回"
    applicant.locator("#appeal-form").wait_for()  # a withdrawn request can be asked again

    applicant.locator("#a-reasons").fill("我符合条件：毕业证明见附件")
    applicant.locator("#a-files").set_input_files(
        {"name": "毕业证明.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    applicant.locator("#appeal-form button[type=submit]").click()
    applicant.locator("#appeal-status .status-pending").wait_for()
    assert "毕业证明.pdf" in applicant.locator("#appeal-documents").inner_text()
    appeal = Appeal.objects.get(application=rejected, status="pending")
    assert (appeal.reasons, appeal.documents.get().content_type) == ("我符合条件：毕业证明见附件", "application/pdf")
    with applicant.expect_download() as download:  # the listed document opens from where it is listed
        applicant.locator("#appeal-documents a", has_text="毕业证明.pdf").click()
    assert download.value.suggested_filename == "毕业证明.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # --- a supervisor who took no part overturns the rejection, then approves it the normal way -------------------
    console_sign_in(staff, live_server, vera, start=f"/console/appeals/{appeal.pk}/")
    assert "毕业证明" in staff.content()
    staff.locator("textarea[name=reason]").fill("原决定认定事实有误，申请人已补齐材料")
    staff.locator('button[value="overturn"]').click()
    staff.wait_for_load_state()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reviewed_by) == ("overturned", vera)
    assert Application.objects.get(pk=rejected.pk).state == "recommended"
    assert not Entitlement.objects.exists()  # nothing granted on the side
    staff.goto(f"{live_server.url}/console/applications/{rejected.pk}/")
    staff.locator('button[value="approve"]').click()
    staff.wait_for_load_state()
    application = Application.objects.get(pk=rejected.pk)
    assert (application.state, application.decided_by) == ("approved", vera)

    # --- the applicant sees the approval and the review's answer ---------------------------------------------------
    applicant.goto(page_of)
    applicant.locator("#status .status-approved").wait_for()
    assert applicant.locator("#status").inner_text() == "已批准"
    applicant.locator("#appeal-answer").wait_for()
    assert applicant.locator("#appeal-status").inner_text() == "撤销原决定，重新审批"
    assert applicant.locator("#appeal-review-reason").inner_text() == "原决定认定事实有误，申请人已补齐材料"
    assert applicant.locator("#appeal-form").is_hidden()
    screenshot(applicant, "portal-appeal")

    # --- and a complaint about the time it took, answered by the community's caseworker ----------------------------
    applicant.get_by_role("link", name="投诉与意见").click()
    applicant.wait_for_url(f"{live_server.url}/portal/complaints/")
    applicant.locator("section .empty").wait_for()  # the list has loaded: nothing sent yet
    applicant.locator("#c-category").select_option("delay")
    applicant.locator("#c-subject").fill("补贴审核太慢")
    applicant.locator("#c-text").fill("提交后被驳回，复核后才批准。")
    applicant.locator("#complaint-form button[type=submit]").click()
    row = applicant.locator("#complaints tbody tr", has_text="补贴审核太慢")
    row.wait_for()
    complaint = Complaint.objects.get(person=rejected.person)
    assert (complaint.kind, complaint.category, complaint.status) == ("complaint", "delay", "open")
    assert "未办结" in row.inner_text() and complaint.due_on.isoformat() in row.inner_text()
    assert complaint.due_on.isoformat() in message(applicant)
    complaint_close(actor=world.alice, complaint=complaint, reply="已加快审核，本周内办结。")
    applicant.reload()
    row.wait_for()
    assert "已答复办结" in row.inner_text() and "已加快审核，本周内办结。" in row.inner_text()
    screenshot(applicant, "portal-complaints")
    assert refused == []
