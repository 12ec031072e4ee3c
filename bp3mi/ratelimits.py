"""Rate limits, counted in the shared cache (Redis in production, so every web worker counts
together). Limits a view applies are named in settings.RATELIMIT_RATES and go through
django-ratelimit: `limited` counts an attempt and says whether it is over, `over` only looks.
`hit` is the plain fixed-window counter for a limit counted outside a request (a service
called with or without one) or whose window is a setting of its own."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage, is_ratelimited


def limited(request: HttpRequest, name: str, *, key) -> bool:
    """Count this attempt against the limit `name` for `key` ("ip", "user", or any
    django-ratelimit key, a callable included) and say whether it is over the limit."""
    return is_ratelimited(
        request,
        group=f"bp3mi.{name}",
        key=key,
        rate=settings.RATELIMIT_RATES[name],
        increment=True,
    )


def over(request: HttpRequest, name: str, *, key) -> bool:
    """Whether `key` has already used up the limit `name`, without counting an attempt."""
    usage = get_usage(request, group=f"bp3mi.{name}", key=key, rate=settings.RATELIMIT_RATES[name])
    return usage is not None and usage["count"] >= usage["limit"]


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
