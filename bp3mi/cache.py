"""The cache over Redis, for a portal that goes on working while Redis is down.

Django's Redis cache raises when Redis cannot be reached, so a stopped Redis turned every page
that counts a rate limit (uploads, sign-up, complaints, the letter check) into a 500. This
backend answers as if nothing were cached instead: a read gives the default, a write stores
nothing, `incr` raises the ValueError of a missing key (which every counter handles by
starting again at one). The rate limits then let requests through until Redis is back
(RATELIMIT_FAIL_OPEN). The first failure of each interval is logged, not every one."""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

# Seconds between two log lines about the same outage.
LOG_INTERVAL = 30.0

_last_logged = 0.0
_lock = threading.Lock()


def _log_outage(exc: Exception) -> None:
    global _last_logged
    with _lock:
        now = time.monotonic()
        if now - _last_logged < LOG_INTERVAL:
            return
        _last_logged = now
    logger.warning("cache unavailable (%s: %s); answering as if empty", type(exc).__name__, exc)


def _forgiving(answer):
    """Wrap a cache method so that an unreachable Redis gives `answer(*args, **kwargs)`."""

    def wrap(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as exc:
                _log_outage(exc)
                return answer(*args, **kwargs)

        return wrapper

    return wrap


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache that treats an unreachable Redis as an empty cache."""

    add = _forgiving(lambda *a, **k: False)(RedisCache.add)
    get = _forgiving(lambda key, default=None, **k: default)(RedisCache.get)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    incr = _forgiving(_missing_key)(RedisCache.incr)
    set_many = _forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *a, **k: False)(RedisCache.clear)
