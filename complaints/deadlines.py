"""Working days: Monday to Friday, less Indonesia's national holidays (the `holidays`
package) and the office's own days off kept in `bp3mi.Holiday` (cuti bersama, local days).

A deadline of N working days from a day is the N-th working day after it: a case received on
Friday with two working days is due on Tuesday, or on Wednesday when Monday is a holiday.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from functools import cache, cached_property

import holidays

from bp3mi.models import Holiday

# Calendar days looked ahead when loading the days off for a span of working days.
_SPAN_MARGIN = 45


@cache
def national_holidays(first_year: int, last_year: int) -> frozenset[datetime.date]:
    """Indonesia's national holidays of those years, computed once per process: the
    `holidays` package takes tens of milliseconds of CPU for them (the Islamic calendar),
    which every complaint filed paid under load (benchmarks/load.py)."""
    return frozenset(holidays.country_holidays("ID", years=range(first_year, last_year + 1)))


@dataclass(frozen=True)
class WorkCalendar:
    """The days off between `start` and `end`, loaded once (one query) and reused, so a
    bulk load or a daily sweep does not query per case."""

    start: datetime.date
    end: datetime.date
    days_off: frozenset[datetime.date]

    @classmethod
    def load(cls, start: datetime.date, end: datetime.date) -> WorkCalendar:
        office = Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True)
        days_off = national_holidays(start.year, end.year) | frozenset(office)
        return cls(start=start, end=end, days_off=days_off)

    @classmethod
    def for_span(cls, start: datetime.date, working_days: int) -> WorkCalendar:
        return cls.load(start, start + datetime.timedelta(days=working_days * 2 + _SPAN_MARGIN))

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    @cached_property
    def _working_days(self) -> list[datetime.date]:
        span = (self.end - self.start).days + 1
        days = (self.start + datetime.timedelta(days=n) for n in range(span))
        return [day for day in days if self.is_working_day(day)]

    def add(self, start: datetime.date, working_days: int) -> datetime.date:
        """The `working_days`-th working day after `start` (`start` itself when 0)."""
        if working_days <= 0:
            return start
        if start < self.start:
            raise ValueError("the calendar starts after the given day; load a longer one")
        index = bisect.bisect_right(self._working_days, start) + working_days - 1
        if index >= len(self._working_days):
            raise ValueError("the calendar does not reach the deadline; load a longer one")
        return self._working_days[index]

    def count_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end`."""
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_working_days(start: datetime.date, working_days: int) -> datetime.date:
    return WorkCalendar.for_span(start, working_days).add(start, working_days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar.load(start, end).count_between(start, end)
