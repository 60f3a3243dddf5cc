"""Security headers on every answer: Content-Security-Policy (no inline script), Permissions-Policy,
Referrer-Policy; no template writes inline script or event-handler attributes, which the policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.headers import csp_directives

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/portal/", "/api/v1/persons/", "/no-such-page/"])
def test_every_answer_carries_the_policies(client, path):
    response = client.get(path)
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # HSTS only in production (tests/test_deploy.py)


def test_the_api_documentation_allows_inline_styles_but_still_no_inline_script(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = csp_directives(page["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # every script is loaded from a URL
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def project_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_no_template_has_inline_script_or_event_handlers():
    templates = project_templates()
    assert len(templates) > 50
    found = [
        f"{path.relative_to(ROOT)}: {match.group()[:80]}"
        for path in templates
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL)
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_the_template_check_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script type="application/json" id="data">{}</script>')
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/x.js"></script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')
