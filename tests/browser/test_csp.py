"""The Content-Security-Policy breaks no page: Chromium reports no violation on the console, the portal and the API
documentation (Swagger UI draws its operations, which needs its scripts to run)."""

import pytest
from django.conf import settings

from accounts.models import Membership
from tests.factories import make_person
from tests.headers import csp_directives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    from accounts.demo import bootstrap_demo

    bootstrap_demo()


def watch_violations(page) -> list[str]:
    """Every CSP violation the page reports, as the browser's console says it."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text} {message.location}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


def test_the_console_pages_and_the_portal_keep_to_the_policy(demo_world, live_server, page):
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/portal/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("dalian.caseworker")  # a caseworker: no second factor
    page.get_by_label("密码").fill(settings.CASEWORK_DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/console/")
    community = Membership.objects.get(user__username="dalian.caseworker").unit
    person = make_person(community, "张三", phone="13812341234")
    for path in [
        f"/console/people/{person.pk}/",
        "/console/",
        "/console/people/",
        "/console/registers/",
        "/console/applications/",
        "/console/leads/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)


def test_the_api_documentation_runs_under_its_own_policy(live_server, page):
    violations = watch_violations(page)
    response = page.goto(f"{live_server.url}/api/docs/")
    policy = csp_directives(response.headers["content-security-policy"])
    assert policy["script-src"] == "'self'"  # the scripts stay strict: only the styles are loosened
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    page.get_by_text("/api/v1/persons/").first.wait_for(timeout=30_000)  # Swagger UI ran and read the schema
    assert violations == [], "\n".join(violations)
