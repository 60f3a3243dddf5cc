"""The reports in Chromium: the district supervisor of the demo opens the dashboard from the navigation, sees
the charts with the tables of their numbers, follows a number to the list behind it; the page loads nothing
from another host and breaks nothing of the Content-Security-Policy. The screenshot is the README's."""

import io
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from .conftest import SCREENSHOTS
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("bootstrap_demo", stdout=io.StringIO())  # units, users, people, grants, the month's batch
    call_command("refresh_report_summaries", stdout=io.StringIO())  # what the hourly job does


def test_supervisor_opens_the_dashboard_and_follows_a_number(demo, live_server, page):
    host = urlparse(live_server.url).netloc
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server, "dalian.supervisor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="Reports").or_(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="报表")
    ).click()
    page.wait_for_load_state()
    assert "/console/reports/" in page.url
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() >= 5
    sections = page.locator("section.report")
    assert sections.count() == 7
    # every chart has the table of its numbers beside it
    assert page.locator("div.with-chart").count() == charts.count()
    assert page.locator("div.with-chart table").count() == charts.count()
    # the district's streets as the rows of the by-unit tables; nothing of another district
    assert page.get_by_role("rowheader", name="青泥洼桥街道").first.is_visible()
    assert page.get_by_role("rowheader", name="桃源街道").first.is_visible()
    assert page.get_by_text("白云街道").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))  # the top of the page, as the README shows it

    link = page.locator("#report-registers table a[href*='/reports/list/registers.active']").first
    number = int(link.inner_text())
    link.click()
    page.wait_for_load_state()
    assert f"{number}" in page.locator("h1").inner_text()
    rows = page.locator("main table tbody tr")
    assert rows.count() == min(number, 50)
    external = [url for url in requested if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host]
    assert not external, external
    assert not violations, violations
