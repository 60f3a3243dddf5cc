"""A change of bank account in Chromium, end to end: the applicant asks in the portal, a caseworker applies it in
the console, the month's payment to the new account is held (finance sees why), a second staff member confirms
the account, and the next generation pays the held month with the current one. One test: each test with the live
server empties the database and seeds the catalogue again (seconds).

The data are the shared personas (tests/personas.py) and one monthly grant: no demo data set."""

import datetime
import re

import pytest

from accounts.models import Membership, Role
from benefits.models import Disbursement, Entitlement, PaymentException
from benefits.payments.services.generation import disbursements_generate
from casework.models import AccountChange, ChangeRequest, Person
from tests.benefits.workflow import monthly_grant
from tests.factories import UserFactory

from .test_appeals import console_sign_in, portal_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date
OLD, NEW = "6222021234567890123", "6217000099998888777"


@pytest.fixture
def colin(world):
    """柯林, a second caseworker of 友好社区, who takes no part in the change."""
    user = UserFactory(username="colin", full_name="柯林")
    Membership.objects.create(user=user, unit=world.youhao, role=Role.CASEWORKER)
    return user


@pytest.fixture
def finance(world):
    """方芳, finance officer of 大连."""
    user = UserFactory(username="fang", full_name="方芳")
    Membership.objects.create(user=user, unit=world.dalian, role=Role.FINANCE)
    return user


@pytest.fixture
def grant(world, graduate):
    """张三, claimed by dan, paid 1,000 CNY a month to OLD from 2026-11-21; November already generated."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan, bank_account=OLD)
    grant = monthly_grant(world, Person.objects.get(pk=graduate.pk), end=D(2027, 6, 20))
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=6)
    disbursements_generate(month=D(2026, 11, 1), actor=world.bob)
    return grant


def test_a_new_bank_account_is_held_until_a_second_staff_member_confirms_it(
    world, grant, colin, finance, live_server, new_page, screenshot
):
    applicant, alice, second, fang = new_page(), new_page(), new_page(), new_page()
    refused = []  # what the Content-Security-Policy blocked on the portal's pages (it must be nothing)
    applicant.on("console", lambda note: refused.append(note.text) if "Content Security Policy" in note.text else None)

    # --- the applicant asks for the new account in the portal ---------------------------------------------------
    portal_sign_in(applicant, live_server, "dan")
    applicant.goto(f"{live_server.url}/portal/changes/new/")
    applicant.locator("#change-form").wait_for()
    applicant.locator("#k-bank_account").check()
    applicant.locator("#v-bank-account").fill(f"{NEW[:4]} {NEW[4:8]} {NEW[8:]}")
    applicant.locator("#change-form button[type=submit]").click()
    applicant.wait_for_url(re.compile(r".*/portal/changes/\d+/"))
    request = ChangeRequest.objects.get(person=grant.person)
    assert (request.kind, request.proposed, request.status) == ("bank_account", {"bank_account": NEW}, "submitted")
    applicant.locator("#status").filter(has_text="待").wait_for()
    assert NEW not in applicant.content() and OLD not in applicant.content()  # masked on the applicant's page too

    # --- the community's caseworker checks it beside what is on file and applies it -------------------------------
    console_sign_in(alice, live_server, world.alice, start=f"/console/change-requests/{request.pk}/")
    page = alice.content()
    assert NEW[-4:] in page and NEW not in page and OLD not in page  # side by side, masked
    alice.locator('button[value="apply"]').click()
    alice.wait_for_load_state()
    change = AccountChange.objects.get(change_request=request)
    assert (change.status, change.made_by, Person.objects.get(pk=grant.person_id).bank_account) == (
        "pending",
        world.alice,
        NEW,
    )

    # --- December's payment is held: no line, a payment exception finance can read -------------------------------
    december = disbursements_generate(month=D(2026, 12, 1), actor=world.bob)
    assert (december["created"], december["account_held"]) == (0, 1)
    console_sign_in(fang, live_server, finance, start="/console/payments/exceptions/")
    held = fang.locator("tr", has_text="新账户")
    held.first.wait_for()
    assert "1000.00" in held.first.inner_text() or "1,000.00" in held.first.inner_text()

    # --- the caseworker who applied it cannot confirm it; a second one can ----------------------------------------
    alice.goto(f"{live_server.url}/console/account-changes/")
    row = alice.locator("tr", has_text=grant.person.name)
    row.wait_for()
    assert row.get_by_role("button", name="确认新账户").count() == 0
    assert "另一名工作人员" in row.inner_text()
    console_sign_in(second, live_server, colin, start="/console/account-changes/")
    second.locator("tr", has_text=grant.person.name).get_by_role("button", name="确认新账户").click()
    second.wait_for_load_state()
    assert "已确认" in second.locator("ul.messages").inner_text()
    change.refresh_from_db()
    assert (change.status, change.confirmed_by, change.confirmed_via) == ("confirmed", colin, "staff")
    exception = PaymentException.objects.get(kind="new_account")
    assert exception.resolved_by == colin and exception.resolved_at is not None
    screenshot(second, "console-account-changes")

    # --- the next generation pays December (held) and January, to the confirmed account ---------------------------
    january = disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    assert january["created"] == 2
    assert sorted(Disbursement.objects.values_list("period", flat=True)) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
    ]

    # --- the applicant sees the request applied and the account confirmed ----------------------------------------
    applicant.goto(f"{live_server.url}/portal/changes/{request.pk}/")
    applicant.locator("#account").wait_for()
    assert "已变更" in applicant.locator("#status").inner_text()
    assert NEW[-4:] in applicant.locator("#account-new").inner_text()
    screenshot(applicant, "portal-change-request")
    assert refused == []
