"""Change requests (信息变更) in Chromium, on a phone-sized screen (375 px): the applicant opens 信息变更 from the
navigation and asks for a new bank account with a PDF (a bad account first: its error is shown beside the field),
reads the request waiting; a caseworker applies it; the applicant types a wrong code (counted, shown beside the
field), then the code of the SMS, and reads the new account confirmed and the request changed. No page scrolls
sideways and the Content-Security-Policy reports nothing."""

import re

import pytest

from accounts.models import Notification
from casework.models import AccountChange, ChangeRequest, Person
from casework.services_changes import change_request_apply
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "6222021234567890123", "6217000099998888777"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def phone(browser):
    """A Chinese page on a phone-sized screen, in a browser context of its own."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    yield context.new_page()
    context.close()


def fits(page, what):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (what, width)


def sms_code(phone_number: str) -> str:
    texts = (
        Notification.objects.filter(channel="sms", address=phone_number).order_by("-pk").values_list("body", flat=True)
    )
    return next(match.group(0) for text in texts if (match := re.search(r"(?<!\d)\d{6}(?!\d)", text)))


def test_on_a_phone_the_applicant_asks_for_a_new_account_and_confirms_it_with_the_sms_code(
    world, graduate, live_server, phone, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Person.objects.filter(pk=graduate.pk).update(account=world.dan, bank_account=OLD)
    page = phone
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/portal/login/")
    page.locator("#f-username").fill("dan")
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/profile/")

    page.locator("nav").get_by_role("link", name="信息变更").click()
    page.wait_for_url(f"{live_server.url}/portal/changes/")
    page.locator(".empty").wait_for()
    fits(page, "my change requests")
    page.get_by_role("link", name="申请变更").click()
    page.wait_for_url(f"{live_server.url}/portal/changes/new/")
    page.locator("#change-form").wait_for()
    page.locator("#k-bank_account").check()
    assert page.locator("[data-on-file=bank_account]").inner_text() == "*" * 15 + OLD[-4:]
    page.locator("#v-bank-account").fill("abc")
    page.get_by_role("button", name="提交申请").click()
    error = page.locator("#v-bank-account").locator("xpath=..").locator(".field-error")
    error.wait_for()
    assert "8" in error.inner_text() and page.locator("#v-bank-account").get_attribute("aria-invalid") == "true"
    fits(page, "the form with an error")
    screenshot(page, "portal-phone-change-form")
    page.locator("#v-bank-account").fill(NEW)
    page.locator("#c-statement").fill("换了工资卡")
    page.locator("#c-files").set_input_files([{"name": "银行卡.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r".*/portal/changes/\d+/$"))
    page.locator("#documents li", has_text="银行卡.pdf").wait_for()
    assert "您的申请已提交" in page.locator("#messages").inner_text()
    assert page.locator("#outcome").inner_text() == "等待社区经办人核实。"
    assert page.locator("#account").is_hidden()
    fits(page, "one request, waiting")

    change_request_apply(actor=world.alice, change_request=ChangeRequest.objects.get(), note="核对了银行卡")
    page.reload()
    page.locator("#code-form").wait_for()
    assert page.locator("#outcome").inner_text() == "已变更。"
    assert "138****1234" in page.locator("#account-note").inner_text()
    code = sms_code(graduate.phone)
    page.locator("#a-code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="确认新账户").click()
    page.locator("#code-form .field-error", has_text="验证码不正确").wait_for()
    assert "还可尝试 4 次" in page.locator("#account-note").inner_text()
    fits(page, "the code form with an error")
    screenshot(page, "portal-phone-change-code")
    page.locator("#a-code").fill(code)
    page.get_by_role("button", name="确认新账户").click()
    page.locator("#messages", has_text="新账户已确认").wait_for()
    assert page.locator("#code-form").is_hidden() and page.locator("#account-status").inner_text() == "已确认"
    change = AccountChange.objects.get()
    assert (change.status, change.confirmed_via, change.sms_attempts) == ("confirmed", "sms", 1)

    page.goto(f"{live_server.url}/portal/changes/")
    page.locator("#changes tbody tr", has_text="已变更").wait_for()
    assert page.locator("#pending-account").is_hidden()
    fits(page, "my change requests, one changed")
    assert violations == [], violations
