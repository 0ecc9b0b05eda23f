"""Working time: how much of a span falls inside a group's working hours, and when a
given amount of working time from a moment is used up.

A calendar is working days, daily hours and a time zone (zoneinfo, so a day is
09:00-17:00 local time whether the clocks changed that weekend or not), minus
holidays (dates in that time zone). `AROUND_THE_CLOCK` counts every second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import WEEKDAYS, BusinessHoursSettings

# A year of days with no working time at all (holidays on every working day) means
# a broken calendar, not a long wait: stop looking rather than loop forever.
_MAX_DAYS = 3700


class Calendar:
    """Working hours in one time zone; every second counts when `hours` is None."""

    def __init__(
        self,
        name: str,
        hours: BusinessHoursSettings | None = None,
        holidays: Iterable[date] = (),
    ) -> None:
        self.name = name
        self.hours = hours
        self.holidays = frozenset(holidays)
        if hours is not None:
            self.zone = ZoneInfo(hours.timezone)
            self.days = frozenset(WEEKDAYS.index(d) for d in hours.days)
            self.start, self.end = hours.start_end

    @property
    def always(self) -> bool:
        return self.hours is None

    def describe(self) -> str:
        if self.hours is None:
            return "around the clock"
        return f"{self.name}: {self.hours_text()}"

    def hours_text(self) -> str:
        """'mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin'."""
        h = self.hours
        return "around the clock" if h is None else f"{','.join(h.days)} {h.hours} {h.timezone}"

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """How much working time lies between two moments (0 if end is not after start)."""
        if end <= start:
            return 0.0
        if self.hours is None:
            return (end - start).total_seconds()
        total = 0.0
        for opens, closes in self._windows(start):
            if opens >= end:
                break
            total += (min(closes, end) - max(opens, start)).total_seconds()
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment at which `seconds` of working time from `start` are used up."""
        if self.hours is None:
            return start + timedelta(seconds=seconds)
        left = seconds
        for opens, closes in self._windows(start):
            begin = max(opens, start)
            available = (closes - begin).total_seconds()
            if left <= available:
                return begin + timedelta(seconds=left)
            left -= available
        raise ValueError(f"the calendar {self.name} has no working time in {_MAX_DAYS} days")

    def opens_after(self, moment: datetime) -> datetime | None:
        """When working time next begins, if `moment` is outside it; None inside it (and
        always, around the clock)."""
        window = next(self._windows(moment), None) if self.hours is not None else None
        if window is None:
            return None  # around the clock (or no working time at all: nothing to promise)
        return window[0] if window[0] > moment else None

    def _windows(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after `start`, in order."""
        day = start.astimezone(self.zone).date()
        for _ in range(_MAX_DAYS):
            if day.weekday() in self.days and day not in self.holidays:
                opens, closes = self._local(day, self.start), self._local(day, self.end)
                if closes > start:
                    yield opens, closes
            day += timedelta(days=1)

    def _local(self, day: date, at: time) -> datetime:
        # A wall time the clocks skip (or repeat) on a DST change resolves by zoneinfo's
        # fold rule; working hours rarely start at 02:30, so that is good enough.
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)
