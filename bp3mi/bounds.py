"""Bounds on what people type: dates within a plausible range, names without the invisible
characters that change how text around them displays.

One helper for every date field of the forms (and the services that take dates), so a
milestone in year 1 or 9999, or an expiry date decades ago, is refused with the same clear
message everywhere."""

import datetime
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), the left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic
# letter mark (U+061C). In a name they only serve to make it display as something else.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi_controls(value: str) -> str:
    return BIDI_CONTROLS.sub("", value or "")


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_range(*, years_back: int, years_ahead: int, today: datetime.date | None = None):
    """(earliest, latest) allowed: from `years_back` years before today to `years_ahead`
    years after it."""
    today = today or timezone.localdate()
    return _years_from(today, -years_back), _years_from(today, years_ahead)


def check_date(value: datetime.date, *, years_back: int, years_ahead: int) -> None:
    """Raise ValidationError (code "date_range") when `value` is outside the range."""
    earliest, latest = date_range(years_back=years_back, years_ahead=years_ahead)
    if value > latest:
        if years_ahead == 0:
            raise ValidationError(_("Tanggal tidak boleh di masa depan."), code="date_range")
        raise ValidationError(
            _("Tanggal terlalu jauh ke depan: paling lambat %(date)s.")
            % {"date": latest.strftime("%d-%m-%Y")},
            code="date_range",
        )
    if value < earliest:
        raise ValidationError(
            _("Tanggal terlalu jauh ke belakang: paling awal %(date)s.")
            % {"date": earliest.strftime("%d-%m-%Y")},
            code="date_range",
        )


def date_validator(*, years_back: int, years_ahead: int) -> Callable[[datetime.date], None]:
    """A form field validator for `check_date` (the range moves with today)."""

    def validate(value: datetime.date) -> None:
        check_date(value, years_back=years_back, years_ahead=years_ahead)

    return validate
