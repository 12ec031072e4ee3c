"""The shape every report takes before it is written out: titled tables of plain values,
and the period a report covers."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _


@dataclass
class Table:
    """A titled table. `rows` hold plain values (str, int, float, None); `chart_column` names
    the column of numbers the PDF draws as a bar chart (None: no chart)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    chart_column: int | None = None
    footer: list[Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_lists(self) -> list[list[Any]]:
        return [self.columns, *self.rows, *([self.footer] if self.footer else [])]


@dataclass
class Report:
    """A report: what it is, the filters it used (shown on the XLSX's first sheet and the
    PDF's first page) and its tables."""

    title: str
    filters: list[tuple[str, str]]
    tables: list[Table]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str

    def as_params(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Period:
        return cls(
            start=datetime.date.fromisoformat(params["start"]),
            end=datetime.date.fromisoformat(params["end"]),
            label=params.get("label", ""),
        )


def month_name(month: int) -> str:
    """Django's month name in the active language ("Januari" in Bahasa Indonesia)."""
    return formats.date_format(datetime.date(2000, month, 1), "F")


def month_label(day: datetime.date) -> str:
    return formats.date_format(day, "F Y")


def indonesian_date(day: datetime.date) -> str:
    with translation.override("id"):
        return formats.date_format(day, "j F Y")


def period_month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    start = datetime.date(year, month, 1)
    return Period(start, datetime.date(year, month, last), month_label(start))


def period_quarter(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    start = datetime.date(year, first_month, 1)
    end_month = first_month + 2
    end = datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
    return Period(
        start,
        end,
        _("Triwulan %(q)s %(year)s") % {"q": ["I", "II", "III", "IV"][quarter - 1], "year": year},
    )


def period_year(year: int) -> Period:
    return Period(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), _("Tahun %(year)s") % {"year": year}
    )


def period_custom(start: datetime.date, end: datetime.date) -> Period:
    return Period(start, end, f"{indonesian_date(start)} - {indonesian_date(end)}")


def percent(part: int, whole: int) -> float | None:
    """part as a percentage of whole, one decimal; None when whole is 0 (shown as '-')."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
