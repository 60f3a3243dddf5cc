"""Django's Redis cache, tolerant of Redis being down.

The cache holds only what can be lost (the API's throttle counters), so an unreachable Redis is treated as an
empty cache: reads miss, writes are dropped, and a warning is logged (once a minute per process, not once per
request). Pages and the API keep working while Redis restarts; the throttles count again once it is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache as _RedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("casework.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60
_last_warning = [0.0]


def _tolerant(name: str, answer):
    """``RedisCacheClient.<name>``, answering ``answer(*arguments)`` when Redis cannot be reached."""
    method = getattr(RedisCacheClient, name)

    def tolerant(self, *args):
        try:
            return method(self, *args)
        except UNREACHABLE as error:
            now = time.monotonic()
            if now - _last_warning[0] >= WARN_EVERY_SECONDS:
                _last_warning[0] = now
                logger.warning("Cache unreachable (%s): treated as empty until it answers", error.__class__.__name__)
            return answer(*args)

    tolerant.__name__ = name
    return tolerant


class TolerantRedisCacheClient(RedisCacheClient):
    get = _tolerant("get", lambda key, default: default)
    get_many = _tolerant("get_many", lambda keys: {})
    has_key = _tolerant("has_key", lambda key: False)
    add = _tolerant("add", lambda key, value, timeout: False)
    set = _tolerant("set", lambda key, value, timeout: None)
    set_many = _tolerant("set_many", lambda data, timeout: [])
    touch = _tolerant("touch", lambda key, timeout: False)
    delete = _tolerant("delete", lambda key: False)
    delete_many = _tolerant("delete_many", lambda keys: None)
    clear = _tolerant("clear", lambda: False)


class RedisCache(_RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
