"""The register pages in Chromium: the caseworker logs a contact in two clicks (HTMX) and never sees a full
ID number; a supervisor with the unmask permission sees it after giving a reason."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from accounts.demo import bootstrap_demo
from accounts.models import ServiceUnit, User
from casework import services
from casework.models import Contact, PersonalDataAccess, Register
from tests.browser.signin import sign_in

from ..factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graduate():
    bootstrap_demo()  # the demo's units and users: these pages need only the person made here
    community = ServiceUnit.objects.get(name="友好社区")
    person = services.person_create(
        actor=None,
        name="陈小明",
        id_number=make_id_number("210202", "20020315", 7),
        residence_unit=community,
        phone="13912345678",
        graduation_date=datetime.date(2025, 7, 1),
        education="bachelor",
    )
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    services.registry_entry_add(actor=None, register=register, person=person, entered_on=datetime.date(2025, 7, 10))
    return person


def test_caseworker_logs_a_contact_in_two_clicks(graduate, live_server, page, screenshot):
    sign_in(page, live_server, "dalian.caseworker")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="台账").click()
    page.get_by_role("link", name="离校未就业高校毕业生").click()
    row = page.locator("tr", has_text="陈小明")
    assert "从未联系" in row.inner_text()
    assert graduate.id_number not in page.content()
    assert graduate.masked_id_number in row.inner_text()
    screenshot(page, "register-graduates")

    row.get_by_role("button", name="记录联系").click()  # click 1
    page.get_by_role("button", name="已联系：正在求职").click()  # click 2
    page.locator("tr.flash", has_text="陈小明").wait_for()
    assert "已联系" in page.locator("tr", has_text="陈小明").inner_text()
    contact = Contact.objects.get(person=graduate)
    assert (contact.person_id, contact.outcome, contact.caseworker.username) == (
        graduate.pk,
        "seeking",
        "dalian.caseworker",
    )


def test_supervisor_unmasks_with_a_reason(graduate, live_server, page, screenshot):
    supervisor = User.objects.get(username="dalian.supervisor")
    supervisor.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    sign_in(page, live_server, "dalian.supervisor")
    page.goto(f"{live_server.url}/console/people/{graduate.pk}/")
    assert graduate.id_number not in page.content()
    page.get_by_label("查看完整号码的原因").fill("核对身份证复印件")
    page.get_by_role("button", name="显示完整号码").click()
    page.get_by_text(graduate.id_number).wait_for()
    screenshot(page, "person-unmasked")
    log = PersonalDataAccess.objects.get(person=graduate)
    assert (log.user.username, log.person_id, log.reason) == ("dalian.supervisor", graduate.pk, "核对身份证复印件")
