"""The load benchmark's scenario stays valid as the site changes: ``bench load`` with a few users for a short time
(gunicorn, a Celery worker and locust in subprocesses, on the test database) ends without a failed request, and
every page of the caseworker's, the supervisor's and the applicant's day was requested. No time is asserted."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from benefits.models import Application
from casework.models import Contact

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

# every request of the three days (benefits/bench/locust/locustfile.py), by the name it is counted under
MIX = {
    "GET console: sign-in page",
    "POST console: sign in",
    "GET console: second factor page",
    "POST console: second factor",
    "GET console: home",
    "GET console: worklist",
    "GET console: person search (name)",
    "GET console: person search (pinyin)",
    "GET console: person search (id_tail)",
    "GET console: person page",
    "POST console: log a contact",
    "GET console: contacts tab",
    "GET console: eligibility tab",
    "GET console: application form",
    "POST console: application create",
    "GET console: application page",
    "POST console: application submit",
    "POST console: application recommend",
    "GET console: applications",
    "GET console: notifications",
    "GET console: report (contacts)",
    "GET console: approval queue",
    "GET console: application page (supervisor)",
    "POST console: application return",
    "POST console: application reject",
    "GET console: reports dashboard",
    "GET console: report (one)",
    "GET portal: sign-in page",
    "POST api: auth/login",
    "GET api: me",
    "GET portal: my applications",
    "GET api: me/applications",
    "GET portal: an application",
    "GET api: me/applications/<id>",
    "GET portal: my change requests",
    "GET api: me/profile",
    "GET api: me/change-requests",
    "GET api: me/account-changes",
    "GET portal: my payments",
    "GET api: me/entitlements",
    "GET api: me/payments",
    "GET portal: my record",
    "GET api: me/registers",
    "GET portal: apply",
    "GET api: me/programs",
    "GET api: me/answers",
    "POST api: me/applications (new)",
    "POST api: me/applications/<id>/submit",
}


def test_a_short_load_has_no_failure_and_requests_every_page(settings, tmp_path):
    settings.CASEWORK_DEMO_PEOPLE_PER_CITY = 40  # the first households of each city: enough for six users
    out = StringIO()
    # a failed request or step raises CommandError, with the table and the failures in the output
    call_command(
        "bench",
        "load",
        "--staff=4",
        "--portal=2",
        "--minutes=0.35",
        "--think=0.1,0.3",
        "--workers=2",
        f"--log-dir={tmp_path}",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    requested = {page["name"]: page["requests"] for page in result["pages"]}
    assert MIX - set(requested) == set(), f"never requested: {sorted(MIX - set(requested))}"
    assert set(requested) - MIX == set(), f"not in the test's list: {sorted(set(requested) - MIX)}"
    assert result["total"]["failures"] == 0
    assert result["failures"] == [] and result["errors"] == []
    assert sum(requested.values()) == result["total"]["requests"]
    # what the checked answers said was done is in the database (a request cut off at the end may add one more)
    assert Contact.objects.filter(note__startswith="负载测试").count() >= requested["POST console: log a contact"]
    for action, state in (("return", "returned"), ("reject", "rejected")):
        done = requested[f"POST console: application {action}"]
        assert Application.objects.filter(state=state, decision_note__startswith="负载测试").count() >= done
