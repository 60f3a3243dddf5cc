"""The Redis cache treats an unreachable Redis as an empty cache, so the throttled API endpoints (the only users of
the cache) keep answering while Redis restarts."""

import pytest
from django.core.cache import caches

from config.cache import RedisCache

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": CLOSED,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_an_unreachable_redis_is_an_empty_cache(caplog):
    cache = RedisCache(CLOSED, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("throttle_screen_1.2.3.4", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    cache.set("throttle_screen_1.2.3.4", [1, 2, 3], 60)  # dropped, no error
    assert cache.add("k", 1) is False and cache.has_key("k") is False and cache.delete("k") is False
    assert [r.message for r in caplog.records if r.name == "casework.cache"] in (
        ["Cache unreachable (ConnectionError): treated as empty until it answers"],
        [],  # already warned within the minute by an earlier test in this process
    )


@pytest.mark.django_db
def test_a_throttled_endpoint_answers_while_the_cache_is_unreachable(api, settings):
    settings.CACHES = UNREACHABLE_CACHE  # Django makes the cache again from the new setting
    assert isinstance(caches["default"], RedisCache)
    response = api.post("/api/v1/screen/", {"city": "dalian"}, format="json")
    assert response.status_code == 200, response.content
