"""The caseworker answers the open questions on the person's 可能符合的政策 tab in Chromium: each answer is one or
two clicks, the tab re-screens in place (HTMX), and a program moves from 待核实 to 可能符合."""

import datetime

import pytest

from tests.browser.signin import sign_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENUE_FUNDING = "dalian_graduate_startup_venue_funding_guidance"


@pytest.fixture
def flexible_graduate():
    """A 2026 graduate of the demo 大连 caseworker's community, on the 离校未就业 register, in flexible employment."""
    from accounts.demo import bootstrap_demo
    from accounts.models import User
    from casework import services
    from casework.models import Register

    bootstrap_demo()
    caseworker = User.objects.get(username="dalian.caseworker")
    community = caseworker.memberships.get().unit
    graduate = make_person(community, "邵明", graduation_date=datetime.date(2026, 7, 1))
    services.person_update(actor=caseworker, person=graduate, education="bachelor")
    services.registry_entry_add(
        actor=caseworker,
        register=Register.objects.get(code="unemployed_graduates_after_leaving"),
        person=graduate,
        entered_on=datetime.date(2026, 7, 10),
    )
    services.employment_record_add(
        actor=caseworker, person=graduate, status="flexible", started_on=datetime.date(2026, 9, 1)
    )
    return graduate


def test_two_answers_move_a_program_from_to_check_to_likely(flexible_graduate, live_server, page, screenshot):
    from benefits.models import FactAnswer

    sign_in(page, live_server, "dalian.caseworker")
    page.goto(f"{live_server.url}/console/people/{flexible_graduate.pk}/?tab=eligibility&as_of=2026-12-01")
    tab = page.locator("section.eligibility")
    assert tab.locator(f'details.result-unknown[data-program="{VENUE_FUNDING}"]').count() == 1
    sections = tab.locator('li[data-fact="sections"]')  # a business, a loan, a course: one question
    assert sections.get_by_text("以下情况中，本人有哪些？").is_visible()
    sections.get_by_label("已登记注册经营实体（有营业执照）").check()
    sections.get_by_role("button", name="保存").click()

    licence = page.locator('section.eligibility li[data-fact="business.registered_on"]')  # asked only now
    licence.wait_for()
    licence.get_by_label("营业执照登记日期").fill("2026-10-08")
    licence.get_by_role("button", name="保存").click()
    page.locator(f'section.eligibility details.result-yes[data-program="{VENUE_FUNDING}"]').wait_for()

    tab = page.locator("section.eligibility")
    assert tab.locator(f'details.result-unknown[data-program="{VENUE_FUNDING}"]').count() == 0
    recorded = tab.locator("table.recorded-answers")
    assert recorded.get_by_role("cell", name="经营实体、贷款或培训情况").is_visible()
    assert recorded.get_by_role("cell", name="已登记注册经营实体（有营业执照）").is_visible()
    assert recorded.get_by_role("cell", name="2026-10-08").is_visible()
    assert page.url.endswith("tab=eligibility&as_of=2026-12-01")  # answered in place, no page load
    answers = dict(FactAnswer.objects.filter(person=flexible_graduate).values_list("path", "value"))
    assert answers == {"sections": ["business"], "business.registered_on": "2026-10-08"}
    screenshot(page, "person-eligibility")
