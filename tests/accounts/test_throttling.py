"""Throttles on the anonymous doors: signing in, asking for SMS codes, the screener. The suite runs with high
rates (every test client shares one address); here the production rates of config/settings/base.py apply."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from config.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_rates(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    yield
    cache.clear() if cache.__class__.__name__ == "LocMemCache" else None


@pytest.mark.parametrize(
    ("url", "body", "scope"),
    [
        ("api:accounts:token", {"username": "x"}, "login"),  # no password: no sign-in attempt for axes to count
        ("api:accounts:sms-code", {"phone": "1"}, "sms"),
        ("api:benefits:screen", {"city": "nowhere"}, "screen"),
    ],
)
def test_each_anonymous_door_answers_429_past_its_rate(api, real_rates, url, body, scope):
    allowed = int(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])
    address = f"10.9.{allowed % 250}.{len(scope)}"  # an address of this test's own
    answers = [api.post(reverse(url), body, format="json", REMOTE_ADDR=address).status_code for _ in range(allowed + 1)]
    assert 429 not in answers[:allowed] and answers[-1] == 429
    refused = api.post(reverse(url), body, format="json", REMOTE_ADDR=address)
    assert refused.json()["code"] == "throttled" and refused.has_header("Retry-After")
