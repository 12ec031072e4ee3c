"""Counters of requests per client in fixed windows, kept in the cache (Redis in
production, so every web worker shares them)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


def hit(*, scope: str, key: str, window: int) -> int:
    """Count one request of `key` (an address, an account) under `scope` in the current
    window of `window` seconds and return the count so far in that window."""
    slot = int(timezone.now().timestamp()) // window
    name = f"rate:{scope}:{key}:{slot}"
    cache.add(name, 0, timeout=window)
    try:
        return cache.incr(name)
    except ValueError:  # the counter expired between add and incr
        cache.set(name, 1, timeout=window)
        return 1
