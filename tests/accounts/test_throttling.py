"""Throttles on the anonymous doors: signing in, asking for SMS codes, the screener. The suite runs with high
rates (every test client shares one address); here the production rates of config/settings/base.py apply."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from config.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_rates(monkeypatch):
    """The production rates, counted in a cache of this test's own: the shared cache (Redis in CI) keeps earlier
    runs' counts for up to an hour, and this test must not throttle other tests either."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    monkeypatch.setattr(ScopedRateThrottle, "cache", LocMemCache(f"throttle-test-{uuid.uuid4()}", {}))


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


def sms_code_answers(api, count: int, meta) -> list[int]:
    return [
        api.post(reverse("api:accounts:sms-code"), {"phone": "1"}, format="json", **meta(n)).status_code
        for n in range(count)
    ]


def test_a_forwarded_for_header_written_by_the_caller_is_no_new_address(api, real_rates):
    """Without proxies of ours (CASEWORK_PROXY_COUNT=0) the address is the connection's: a caller who writes a new
    X-Forwarded-For each time is still one caller (unset, DRF took the header as the address, and every SMS code
    request could come from a new one)."""
    allowed = int(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sms"].split("/")[0])
    answers = sms_code_answers(
        api, allowed + 1, meta=lambda n: {"REMOTE_ADDR": "10.9.200.1", "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"}
    )
    assert 429 not in answers[:allowed] and answers[-1] == 429


def test_behind_one_proxy_the_address_it_saw_counts_and_what_the_caller_wrote_before_it_does_not(
    api, real_rates, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    allowed = int(base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sms"].split("/")[0])

    def behind_the_proxy(client: str, written_before: str = ""):
        # the proxy (10.9.200.2) appends the address it saw to whatever the caller wrote
        return lambda n: {"REMOTE_ADDR": "10.9.200.2", "HTTP_X_FORWARDED_FOR": f"{written_before}{n}, {client}"}

    assert sms_code_answers(api, allowed + 1, meta=behind_the_proxy("198.51.100.9", "203.0.113."))[-1] == 429
    [another] = sms_code_answers(api, 1, meta=behind_the_proxy("198.51.100.10"))
    assert another != 429  # another client behind the same proxy has a budget of its own
