"""A policy scenario in Chromium, on the demo data, through a real Celery worker: the city's administrator drafts
a scenario (the job-seeking subsidy raised), runs it, watches the progress bar move to the end, reads the result
and opens the list behind a number, which has as many people as the number says. The screenshot is the README's."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from benefits.models import ScenarioRun
from tests.integration.conftest import broker_queue, worker_process  # noqa: F401 (broker_queue: a fixture)

from .conftest import SCREENSHOTS
from .signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def until(page, script: str, *, timeout: float = 60):
    """Poll ``script`` in the page until it returns something true (the CSP forbids wait_for_function's eval)."""
    deadline = timezone.now().timestamp() + timeout
    while timezone.now().timestamp() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        page.wait_for_timeout(250)
    return page.evaluate(script)


def test_an_administrator_drafts_runs_and_opens_a_number(live_server, page, settings, broker_queue, tmp_path):  # noqa: F811
    call_command("bootstrap_demo", stdout=io.StringIO())
    settings.CASEWORK_SCENARIO_CHUNK_SIZE = 4  # the demo city's people on a register in several chunks: a moving bar
    sign_in(page, live_server, "dalian.admin")
    page.goto(f"{live_server.url}/console/scenarios/")
    assert page.get_by_role("link", name="求职创业补贴提高一半").is_visible()  # the demo's own, already run
    page.get_by_label("方案名称").fill("求职创业补贴提至2000元")
    page.get_by_label("测算日").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="创建").click()
    page.wait_for_load_state()
    page.get_by_label("参数").select_option(label="求职创业补贴标准")
    page.get_by_label("生效日期").fill("2018-01-01")
    page.get_by_label("数值").fill("2000")
    page.get_by_role("button", name="添加取值").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="2000").first.is_visible()
    with worker_process(tmp_path, beat=False):
        page.get_by_role("button", name="运行测算").click()
        page.wait_for_load_state()
        seen = [until(page, "document.querySelector('#scenario-bar') && document.querySelector('#scenario-bar').max")]
        # the bar is polled every 2 s; its value grows until the page reloads with the result
        values, result = [], None
        deadline = timezone.now().timestamp() + 120
        while result is None and timezone.now().timestamp() < deadline:
            try:
                value, result = page.evaluate(
                    "[document.querySelector('#scenario-bar') && document.querySelector('#scenario-bar').value,"
                    " document.querySelector('#result-title') && document.querySelector('#result-title').textContent]"
                )
            except PlaywrightError:  # the page is reloading with the result
                value = None
            if value is not None:
                values.append(value)
            page.wait_for_timeout(200)
        assert result is not None, (tmp_path / "worker.log").read_text()[-3000:]
    run = ScenarioRun.objects.filter(finished_at__isnull=False).latest("finished_at")
    assert run.chunks_total > 2 and seen[0] == run.chunks_total, (run.people, run.chunks_total)
    # the bar showed the run before it ended and never went back (how far it got between two polls depends on
    # the worker's pace: the chunks of a small demo city take a fraction of a second each)
    assert values and values[0] < run.chunks_total and values == sorted(values), values
    assert page.get_by_role("heading", name=re.compile("测算结果")).is_visible()
    assert page.locator("figure.chart svg").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section.report").screenshot(path=str(SCREENSHOTS / "scenario.png"))  # the result, for the README
    row = (
        page.locator("#t-programs")
        .locator("xpath=following-sibling::table[1]")
        .get_by_role("row")
        .filter(has_text="一次性求职创业补贴")
    )
    link = row.get_by_role("cell").nth(4).get_by_role("link")  # the fifth figure: people whose amount changes
    number = int(link.inner_text().replace(",", ""))
    assert number > 0
    link.click()
    page.wait_for_load_state()
    assert "/people/" in page.url and "change=amount" in page.url
    assert page.locator("tbody tr").count() == min(number, 50)
    assert re.search(r"\d{6}\*{8}\d{3}[\dX]", page.locator("tbody tr td").nth(1).inner_text())  # masked
