"""Rate limits over the shared cache (django-ratelimit). Each limit is named in
settings.RATELIMIT_RATES; a view asks `limited(request, name, key=...)` once per attempt."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def limited(request: HttpRequest, name: str, *, key: str) -> bool:
    """Count this attempt against the limit `name` for `key` ("ip", "user", or any
    django-ratelimit key) and say whether it is over the limit."""
    return is_ratelimited(
        request,
        group=f"bp3mi.{name}",
        key=key,
        rate=settings.RATELIMIT_RATES[name],
        increment=True,
    )
