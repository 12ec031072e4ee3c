"""Spam and guessing control that needs no outside service: counters per client address
(and per case number) in the cache, through django-ratelimit."""

from django_ratelimit.core import get_usage

from bp3mi.services import client_ip

# Filings from one address.
FILING_RATE = "5/h"
# Wrong tracking codes from one address, and for one case number from anywhere.
TRACKING_RATE_PER_ADDRESS = "10/h"
TRACKING_RATE_PER_NUMBER = "20/d"


def _address(group, request) -> str:
    return client_ip(request) or "unknown"


def _exceeded(usage) -> bool:
    return usage is not None and usage["count"] >= usage["limit"]


def filing_allowed(request) -> bool:
    """Count this filing; False once the address has filed FILING_RATE times."""
    usage = get_usage(
        request, group="complaints.file", key=_address, rate=FILING_RATE, increment=True
    )
    return usage is None or usage["count"] <= usage["limit"]


def _number_key(number: str):
    return lambda group, request: number


def tracking_blocked(request, number: str) -> bool:
    """Too many wrong codes from this address, or for this case number."""
    return _exceeded(
        get_usage(request, group="complaints.track", key=_address, rate=TRACKING_RATE_PER_ADDRESS)
    ) or _exceeded(
        get_usage(
            request,
            group="complaints.track.number",
            key=_number_key(number),
            rate=TRACKING_RATE_PER_NUMBER,
        )
    )


def tracking_failed(request, number: str) -> None:
    """Count one wrong number/code pair against the address and the number."""
    get_usage(
        request,
        group="complaints.track",
        key=_address,
        rate=TRACKING_RATE_PER_ADDRESS,
        increment=True,
    )
    get_usage(
        request,
        group="complaints.track.number",
        key=_number_key(number),
        rate=TRACKING_RATE_PER_NUMBER,
        increment=True,
    )
