"""The applicant portal in Chromium. The main flow, end to end in Chinese: a new applicant registers with an SMS
code, claims the record a caseworker registered (the code sent to the phone on file), screens, applies with a
PDF and submits; the caseworker recommends in the console, the supervisor approves, finance approves the
month's batch, exports it and imports the bank's result; the applicant sees 已批准 and the payment. Also: the
anonymous screener in English and Chinese, a phone-sized screen without sideways scrolling, and signing in with
the keyboard alone.

Screenshots of the main portal pages go to the screenshot folder (``CASEWORK_SCREENSHOT_DIR``; the README's
copies in docs/screenshots/ are made by running this file with that variable pointing there)."""

import datetime
import re
from importlib import import_module

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection

from accounts.models import Notification, User
from benefits.applications.services import application_create
from benefits.models import Application, Disbursement, DisbursementBatch, Program
from benefits.payments.services.generation import disbursements_generate
from casework import services
from casework.models import Person, Register
from tests.benefits.conftest import result_file
from tests.browser.conftest import SCREENSHOTS
from tests.browser.signin import sign_in
from tests.factories import make_id_number
from tests.personas import PASSWORD as PERSONA_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAM = "dalian_job_seeking_startup_subsidy"  # 一次性求职创业补贴: 1,000 CNY once
FLEXIBLE_SI = "dalian_graduate_flexible_si_subsidy"  # 离校未就业高校毕业生灵活就业社会保险补贴
PHONE_ON_FILE = "13812341234"
NEW_PHONE = "13998765432"
PASSWORD = "Harbour-Kite-2026"
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def new_page(browser):
    """``new_page(...)``: a page in a browser context of its own (another person at another desk), Chinese and
    desktop-sized unless told otherwise; all closed after the test."""
    contexts = []

    def open_page(locale="zh-CN", width=1280, height=900, **options):
        contexts.append(browser.new_context(locale=locale, viewport={"width": width, "height": height}, **options))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def chen():
    """陈晓 as the 友好社区 caseworker registered her: a 2026 graduate with a national student loan, on the
    unemployed-graduates register, with a phone on file and a bank account for payments."""
    from accounts.demo import bootstrap_demo

    bootstrap_demo()
    caseworker = User.objects.get(username="dalian.caseworker")
    person = services.person_create(
        actor=caseworker,
        name="陈晓",
        id_number=make_id_number("210202", "20030415", 24),
        residence_unit=caseworker.memberships.get().unit,
        phone=PHONE_ON_FILE,
        education="bachelor",
        graduation_date=datetime.date(2026, 7, 1),
        has_student_loan=True,
    )
    services.registry_entry_add(
        actor=caseworker,
        register=Register.objects.get(code="unemployed_graduates_after_leaving"),
        person=person,
        entered_on=datetime.date(2026, 7, 10),
    )
    Person.objects.filter(pk=person.pk).update(bank_account="6222021234567890123")
    # the district's finance officer makes bank files, which carry full account numbers
    finance = User.objects.get(username="dalian.finance")
    finance.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def paid_lines_flushable(transactional_db):
    """After the test the database is emptied, on SQLite by DELETE, which the ledger's append-only triggers refuse
    once a line was paid: empty it here with the triggers lifted, then put them back (PostgreSQL empties tables
    with TRUNCATE, which fires no row trigger)."""
    yield
    if connection.vendor != "sqlite":
        return
    triggers = import_module("benefits.migrations.0011_ledger_triggers")
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_REVERSE:
            cursor.execute(statement)
    try:
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    finally:
        with connection.cursor() as cursor:
            for statement in triggers.SQLITE:
                cursor.execute(statement)


def top_of(page, name: str, height: int):
    """A screenshot of the page's first ``height`` pixels (the screener's and the programs' pages run long)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
    )


def sms_code(phone: str) -> str:
    """The code in the newest SMS to ``phone`` (the console SMS backend's outbox is the notification rows)."""
    text = Notification.objects.filter(channel="sms", address=phone).order_by("-pk").first().body
    return re.search(r"\b\d{6}\b", text).group(0)


def message(page) -> str:
    region = page.locator("#messages")
    region.locator(".message").wait_for()
    return region.inner_text()


# What a 2026 graduate with a student loan answers (a fact not here is skipped: "I don't know").
GRADUATE = {
    "person.registers": ["unemployed_graduates_after_leaving"],
    "person.education": "bachelor",
    "person.graduation_date": "2026-07-01",
    "person.has_student_loan": "yes",
    "person.hukou_local": "yes",
    "person.veteran_status": "",
    "sections": [],  # no business, loan or course
    "circumstances": ["person.has_student_loan"],
    "household.registers": [],
}


def until(page, condition: str, arg=None, *, seconds: float = 15):
    """Poll ``condition`` (a function evaluated in the page) until it is true: ``wait_for_function`` would evaluate
    a string, which the pages' Content-Security-Policy refuses."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(condition, arg):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {condition}")


def answer_until_settled(page, answers: dict, *, rounds: int = 25) -> dict:
    """Answer the screener's questions one at a time from ``answers`` (fact → value; a list ticks boxes, text is
    typed, a code taps its button; a fact not there is skipped) until it has nothing left to ask. Returns
    {fact: the choices offered} for each question asked."""
    asked = {}
    card, settled = page.locator("#asking"), page.locator("#settled")
    for _ in range(rounds):
        until(page, "() => !document.getElementById('asking').hidden || !document.getElementById('settled').hidden")
        if settled.is_visible():
            return asked
        form = page.locator("#question-form")
        number = card.locator(".progress").inner_text()
        fact = form.get_attribute("data-fact")
        asked[fact] = form.locator(".answer-controls input, .answer-controls button").evaluate_all(
            "nodes => nodes.map((node) => node.value)"
        )
        value = answers.get(fact)
        if value is None:
            form.locator(".skip-question").click()
        elif isinstance(value, list):
            for code in value:
                form.locator(f'.answer-controls input[value="{code}"]').check()
            form.locator(".confirm").click()
        elif form.locator(f'button[name="pick"][value="{value}"]').count():
            form.locator(f'button[name="pick"][value="{value}"]').click()
        else:
            form.locator("#a-value").fill(value)
            form.locator(".confirm").click()
        until(
            page,
            "(before) => !document.getElementById('settled').hidden"
            " || document.querySelector('#asking .progress').textContent !== before",
            number,
        )
    raise AssertionError(f"still asking after {rounds} questions: {list(asked)}")


def start_screener(page, *, city="dalian", birth_date="2003-04-15", situation="unemployed", since=""):
    page.locator("#f-city").select_option(city)
    page.locator("#f-birth-date").fill(birth_date)
    page.locator(f"#s-{situation}").check()
    if since:
        page.locator("#f-since").fill(since)
    page.locator("#start-form button[type=submit]").click()


def screen_a_graduate(page):
    start_screener(page)
    answer_until_settled(page, GRADUATE)
    likely = page.locator(f'[data-group="yes"] [data-program="{PROGRAM}"]')
    likely.wait_for()
    return likely


def test_a_new_applicant_is_paid_end_to_end(chen, paid_lines_flushable, live_server, new_page, screenshot):
    page, staff = new_page(), new_page()
    refused = []  # what the Content-Security-Policy blocked on the portal's pages (it must be nothing)
    page.on("console", lambda note: refused.append(note.text) if "Content Security Policy" in note.text else None)
    # --- register with an SMS code ------------------------------------------------------------------------
    page.goto(f"{live_server.url}/portal/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, "portal-home")
    page.goto(f"{live_server.url}/portal/register/")
    page.locator("#f-phone").fill(NEW_PHONE)
    page.locator("#send-code").click()
    assert "验证码" in message(page)
    page.locator("#f-code").fill(sms_code(NEW_PHONE))
    page.locator("#f-full-name").fill("陈晓")
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#register-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/claim/")
    account = User.objects.get(username=NEW_PHONE)
    assert account.is_applicant

    # --- claim the caseworker's record: ID number + name, then the code sent to the phone on file -----------
    page.locator("#f-id-number").fill(chen.id_number)
    page.locator("#f-name").fill("陈晓")
    page.locator("#person-form button[type=submit]").click()
    page.locator("#f-sms-code").wait_for()
    page.locator("#f-sms-code").fill(sms_code(PHONE_ON_FILE))
    page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/profile/")
    page.locator("#person").wait_for()
    assert page.locator("#person [data-field=id_number_masked]").inner_text() == chen.masked_id_number
    page.get_by_role("rowheader", name="离校未就业高校毕业生").wait_for()
    assert chen.id_number not in page.content() and PHONE_ON_FILE not in page.content()
    assert Person.objects.get(pk=chen.pk).account == account
    screenshot(page, "portal-profile")

    # --- the screener: the same facts typed in give the job-seeking subsidy as likely ------------------------
    page.goto(f"{live_server.url}/portal/screen/")
    assert "1000.00" in screen_a_graduate(page).inner_text()
    top_of(page, "portal-screen", 1900)

    # --- apply from my programs, attach a PDF, submit ----------------------------------------------------------
    page.goto(f"{live_server.url}/portal/apply/")
    mine = page.locator(f'[data-group="yes"] [data-program="{PROGRAM}"]')
    mine.wait_for()
    top_of(page, "portal-apply", 1100)
    mine.locator("button.apply").click()
    page.locator("#apply-dialog button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/portal/applications/\d+/$"))
    application = Application.objects.get(person=chen)
    assert page.url == f"{live_server.url}/portal/applications/{application.pk}/"
    page.locator("#status .status").wait_for()
    asked_for = page.locator("#f-item option").first.inner_text()  # what the program asks for, in Chinese, chosen
    assert page.locator("#f-item").input_value() != ""
    page.locator("#f-file").set_input_files({"name": "证明.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator("#upload-form button[type=submit]").click()
    page.get_by_role("link", name="证明.pdf").wait_for()
    assert page.locator("#checklist li.done").all_inner_texts()[0].startswith(asked_for)
    page.locator("#submit").click()
    page.locator("#status .status-under_review").wait_for()
    assert Application.objects.get(pk=application.pk).state == "submitted"
    screenshot(page, "portal-application")

    # --- the console: the caseworker recommends, the supervisor approves ---------------------------------------
    console_page = f"/console/applications/{application.pk}/"
    sign_in(staff, live_server, "dalian.caseworker", start=console_page)
    assert "证明.pdf" in staff.content()
    staff.locator('button[value="recommend"]').click()
    staff.wait_for_load_state()
    staff.context.clear_cookies()
    sign_in(staff, live_server, "dalian.supervisor", start=console_page)
    staff.locator('button[value="approve"]').click()
    staff.wait_for_load_state()
    assert Application.objects.get(pk=application.pk).state == "approved"

    # --- payments: the month's batch (what the monthly job does), approved, exported, paid -----------------------
    finance = User.objects.get(username="dalian.finance")
    disbursements_generate(month=datetime.date.today().replace(day=1), actor=User.objects.get(username="sysadmin"))
    line = Disbursement.objects.get(person=chen)
    batch = DisbursementBatch.objects.get(pk=line.batch_id)
    staff.context.clear_cookies()
    batch_page = f"/console/payments/{batch.pk}/"
    sign_in(staff, live_server, finance.username, start=batch_page)
    staff.locator('button[value="approve"]').click()
    staff.wait_for_load_state()
    staff.locator('button[value="export"]').click()
    staff.wait_for_load_state()
    line.refresh_from_db()
    rows = [f"{other.reference},paid,{other.amount_cny},BANK-{other.pk}," for other in batch.lines.all()]
    staff.locator("input[type=file]").set_input_files(
        {"name": "result.csv", "mimeType": "text/csv", "buffer": result_file(batch, rows)}
    )
    staff.locator('button[value="results"]').click()
    staff.wait_for_load_state()
    assert Disbursement.objects.get(pk=line.pk).status == "paid"

    # --- the applicant sees the approval and the payment ---------------------------------------------------------
    page.goto(f"{live_server.url}/portal/applications/{application.pk}/")
    page.locator("#status .status-approved").wait_for()
    assert page.locator("#status").inner_text() == "已批准"
    assert "1000.00" in page.locator("#grant").inner_text()
    assert page.locator("#timeline .step").all_inner_texts() == ["准备中", "审核中", "已批准"]
    screenshot(page, "portal-application-approved")
    page.goto(f"{live_server.url}/portal/payments/")
    paid = page.locator("#payments tbody tr", has_text="1000.00")
    paid.wait_for()
    assert "已发放" in paid.inner_text()
    assert refused == []
    screenshot(page, "portal-payments")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_anonymous_screener_answers_in_the_chosen_language(live_server, new_page, language):
    page = new_page(locale="en-US" if language == "en" else "zh-CN")
    page.goto(f"{live_server.url}/portal/screen/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"  # Chinese first, whatever the browser says
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_url(f"{live_server.url}/portal/screen/")
        assert page.locator("html").get_attribute("lang") == "en"
    start_screener(page)
    asked = answer_until_settled(page, GRADUATE)
    # the registers offered are 大连's: a register of 济南 only is not among them
    assert "unemployed_graduates_after_leaving" in asked["person.registers"]
    assert "nonlocal_resident_registrants" not in asked["person.registers"]
    assert len(asked) <= 8
    likely = page.locator(f'[data-group="yes"] [data-program="{PROGRAM}"]')
    likely.wait_for()
    heading = page.locator("#group-yes").inner_text()
    assert heading.startswith("可能符合" if language == "zh-hans" else "Likely to qualify")
    text = likely.inner_text()
    assert "一次性求职创业补贴" in text and "1000.00" in text and "（十二）" in text  # the program, amount, clause
    met = likely.locator(".reasons .met-yes .state").first.inner_text()
    assert met == ("符合" if language == "zh-hans" else "met")


def test_on_a_phone_an_anonymous_graduate_reaches_the_flexible_employment_subsidy(live_server, new_page, screenshot):
    """The issue's example: a 2025 大连 graduate on the 离校未就业 register, in flexible employment, is asked whether
    social insurance is paid, one question at a time on a 375 px screen, and gets the subsidy as likely."""
    page = new_page(width=375, height=740, is_mobile=True)
    page.goto(f"{live_server.url}/portal/screen/")
    start_screener(page, birth_date="2002-04-12", situation="flexible", since="2026-03-01")
    page.locator("#asking").wait_for()
    assert page.locator("#question-form fieldset").count() == 1  # one question on the screen
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    top_of(page, "portal-phone-question", 740)
    answers = {
        **GRADUATE,
        "person.graduation_date": "2025-07-01",
        "circumstances": [],
        "person.employment.paying_social_insurance": "yes",
    }
    asked = answer_until_settled(page, answers)
    assert "person.employment.paying_social_insurance" in asked
    assert len(asked) <= 8, list(asked)  # the first three are not counted: city, birth date, situation
    likely = page.locator(f'[data-group="yes"] [data-program="{FLEXIBLE_SI}"]')
    likely.wait_for()
    assert "灵活就业" in likely.inner_text()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


@pytest.fixture
def dan_on_file(world, graduate):
    """dan's account has claimed 张三's record (a graduate, likely eligible for the job-seeking subsidy)."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    return world.dan


def portal_sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/portal/login/")
    page.locator("#f-username").fill(username)
    page.locator("#f-password").fill(PERSONA_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/profile/")


def test_a_phone_sized_screen_never_scrolls_sideways(dan_on_file, live_server, new_page, screenshot):
    page = new_page(width=375, height=740, is_mobile=True)

    def fits(path, ready):
        page.goto(f"{live_server.url}{path}")
        page.locator(ready).first.wait_for()
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)

    fits("/portal/", "h1")
    fits("/portal/register/", "#f-phone")
    fits("/portal/screen/", "#start-form")
    screen_a_graduate(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], ("/portal/screen/ with results", width)
    portal_sign_in(page, live_server, "dan")
    person = Person.objects.get(account=dan_on_file)
    application = application_create(
        actor=dan_on_file, program=Program.objects.get(code=PROGRAM), person=person, requested_start=TODAY
    )
    fits("/portal/profile/", "#registers tbody tr")
    fits("/portal/apply/", f'[data-program="{PROGRAM}"]')
    top_of(page, "portal-phone-apply", 1300)
    fits("/portal/applications/", "tbody tr")
    # on a phone a table is a list of cards: each value on one line beside its heading, no heading broken up
    cards = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap tbody td')].map((td) => ({
            label: td.dataset.label,
            display: getComputedStyle(td.closest('tr')).display,
            lines: td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).fontSize),
        }))"""
    )
    assert cards and all(card["label"] and card["display"] == "block" for card in cards), cards
    assert all(card["lines"] < 2.4 for card in cards), cards  # one line of text and its padding
    assert page.evaluate("document.querySelector('.table-wrap thead').getBoundingClientRect().height") <= 1
    fits(f"/portal/applications/{application.pk}/", "#timeline li")
    fits("/portal/payments/", ".empty")


def test_a_signed_in_applicant_is_asked_only_what_the_record_lacks(dan_on_file, live_server, new_page, world):
    """On 申请 the applicant answers the questions their record leaves open; an answer is stated, not official,
    until the job centre confirms it, and the page says which."""
    from benefits.models import FactAnswer
    from benefits.screening.services import fact_answer_confirm

    page = new_page()
    portal_sign_in(page, live_server, "dan")
    page.goto(f"{live_server.url}/portal/apply/")
    page.locator("#asking").wait_for()
    fact = page.locator("#question-form").get_attribute("data-fact")
    assert fact not in ("person.education", "person.graduation_date", "person.registers")  # on the record
    answer_once = {fact: "no"} if page.locator('button[name="pick"][value="no"]').count() else {fact: []}
    number = page.locator("#asking .progress").inner_text()
    value = answer_once[fact]
    if value == "no":
        page.locator('button[name="pick"][value="no"]').click()
    else:
        page.locator("#question-form .confirm").click()
    row = page.locator("#my-answers tbody tr")
    row.wait_for()
    assert "待就业服务站核实" in row.inner_text()
    assert page.locator("#asking .progress").inner_text() != number or page.locator("#settled").is_visible()
    stated = FactAnswer.objects.get(person__account=dan_on_file, path=fact)
    assert stated.confirmed_at is None and stated.source == "applicant"
    fact_answer_confirm(actor=world.alice, answer=stated)
    page.reload()
    page.locator("#my-answers tbody tr").wait_for()
    assert "已核实" in page.locator("#my-answers tbody tr").inner_text()


def tab_to(page, element_id):
    """Press Tab until the element has the focus (at most 30 times)."""
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_signing_in_and_out_with_the_keyboard_alone(dan_on_file, live_server, new_page):
    page = new_page()
    focused = "document.activeElement.id || document.activeElement.className"
    page.goto(f"{live_server.url}/portal/")
    page.keyboard.press("Tab")  # the skip link is first and shows when focused
    assert page.evaluate(focused) == "skip" and page.locator(".skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate(focused) == "main"
    page.goto(f"{live_server.url}/portal/login/?next=/portal/payments/")
    assert page.evaluate(focused) == "f-username"  # the sign-in page starts in its first field
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.type("dan")
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "f-password"
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")
    assert "用户名或密码不正确。" in message(page)  # the refusal is announced
    assert page.evaluate(focused) == "messages"  # the reader is taken to the message
    tab_to(page, "f-password")
    page.keyboard.press("Control+A")
    page.keyboard.type(PERSONA_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/portal/payments/")  # back to the page that asked for it
    tab_to(page, "sign-out")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/portal/")
    page.goto(f"{live_server.url}/portal/payments/")
    page.wait_for_url(f"{live_server.url}/portal/login/?next=/portal/payments/")


def test_an_error_is_shown_beside_the_field_it_names(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/portal/register/")
    page.locator("#f-phone").fill("12345")
    page.locator("#send-code").click()
    phone = page.locator("#f-phone")
    page.locator("#err-f-phone").wait_for()
    assert phone.get_attribute("aria-invalid") == "true"
    assert "err-f-phone" in phone.get_attribute("aria-describedby")
    assert "11 位" in page.locator("#err-f-phone").inner_text()
    assert (
        page.locator("#messages [role=alert] li")
        .inner_text()
        .startswith(page.locator("label[for=f-phone]").inner_text())
    )
    assert page.evaluate("document.activeElement.id") == "f-phone"


def test_a_claim_code_from_the_job_centre_and_an_employer_claim(world, people, live_server, new_page):
    """dan links 张三's record with the code alice printed for him; erin asks for an employer, which waits until
    alice confirms it."""
    from casework.services_claims import claim_code_issue, organization_claim_decide

    code, _row = claim_code_issue(actor=world.alice, person=people["zhang"])
    page = new_page()
    portal_sign_in(page, live_server, "dan")
    page.goto(f"{live_server.url}/portal/claim/")
    page.locator("#f-claim-code").fill(code.lower())  # typed from paper, in any case
    page.locator("#code-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/portal/profile/")
    page.locator("#person").wait_for()
    assert page.locator("#person [data-field=name]").inner_text() == "张三"

    organization = services.organization_create(
        actor=world.alice, name="友好物流有限公司", kind="employer", uscc="91110000600037341L", unit=world.youhao
    )
    erin = new_page()
    portal_sign_in(erin, live_server, "erin")
    erin.locator("#unlinked").wait_for()
    erin.goto(f"{live_server.url}/portal/claim/")
    erin.locator("#f-credit-code").fill(organization.uscc)
    erin.locator("#organization-form button[type=submit]").click()
    pending = erin.locator("#claims tbody tr", has_text="友好物流有限公司")
    pending.wait_for()
    assert "友好物流有限公司" in message(erin)
    assert not erin.locator("#linked").is_visible()  # not linked before a caseworker confirms
    organization_claim_decide(actor=world.alice, claim=organization.claims.get(), confirm=True)
    erin.goto(f"{live_server.url}/portal/profile/")
    erin.locator("#organization").wait_for()
    assert erin.locator("#organization [data-field=credit_code]").inner_text() == organization.uscc
