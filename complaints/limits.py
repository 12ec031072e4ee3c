"""Spam and guessing control on the public complaint pages, without any outside service: the
limits `complaint_filing`, `complaint_tracking` and `complaint_tracking_number` of
settings.RATELIMIT_RATES, counted per client address (and per case number) by
bp3mi.ratelimits."""

from bp3mi import ratelimits
from bp3mi.services import client_ip


def _address(group, request) -> str:
    return client_ip(request) or "unknown"


def _number_key(number: str):
    return lambda group, request: number


def filing_allowed(request) -> bool:
    """Count this filing; False once the address has used up its filings."""
    return not ratelimits.limited(request, "complaint_filing", key=_address)


def tracking_blocked(request, number: str) -> bool:
    """Too many wrong codes from this address, or for this case number."""
    return ratelimits.over(request, "complaint_tracking", key=_address) or ratelimits.over(
        request, "complaint_tracking_number", key=_number_key(number)
    )


def tracking_failed(request, number: str) -> None:
    """Count one wrong number/code pair against the address and the number."""
    ratelimits.limited(request, "complaint_tracking", key=_address)
    ratelimits.limited(request, "complaint_tracking_number", key=_number_key(number))
