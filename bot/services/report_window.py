"""The period a report or a list covers: `--since 7d|30d|2w|today|yesterday|2026-11-01`
read into a window.

A window is [since, until): `until` is the moment the report is made (yesterday's: that
day's end), `since` either that long before it (7d, 2w) or the start of a day in the
reports' time zone (today, yesterday, 2026-11-01).
The days of a window, for the per-day figures, are that time zone's calendar days.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import BadArguments

MAX_DAYS = 366  # a period covers at most a year
_RELATIVE = re.compile(r"^(\d{1,4})\s*([dw])$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TODAY, _YESTERDAY = "today", "yesterday"
_EXAMPLES = "Write 7d, 30d, 2w, today, yesterday, or a date like 2026-11-01"


@dataclass(frozen=True, slots=True)
class Period:
    """What `--since` said, before it is placed relative to now: days, a start date, or
    today or yesterday (whose dates are only known once placed)."""

    days: int | None = None
    start: date | None = None
    text: str = "7d"

    def window(
        self, now: datetime, zone: str, group: str | None = None, *, flag: str = "--since"
    ) -> Window:
        """The window ending at `now`; a start date must lie in the past year (`flag`:
        the option it was given with, for the error)."""
        tz = ZoneInfo(zone)
        if self.text in (_TODAY, _YESTERDAY):
            return self._day(now, tz, zone, group)
        if self.start is None:
            days = self.days or 7
            return Window(now - timedelta(days=days), now, self._label(days), zone, group)
        since = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        if since >= now:
            today = now.astimezone(tz).date().isoformat()
            raise BadArguments(
                f"{flag} {self.start.isoformat()} is not in the past (today is {today} in "
                f"{zone}). {_EXAMPLES}."
            )
        if now - since > timedelta(days=MAX_DAYS):
            raise BadArguments(
                f"{flag} {self.start.isoformat()} is more than {MAX_DAYS} days ago; a period "
                f"covers at most a year. {_EXAMPLES}."
            )
        return Window(since, now, f"since {self.start.isoformat()}", zone, group)

    def _day(self, now: datetime, tz: ZoneInfo, zone: str, group: str | None) -> Window:
        """Today so far, or yesterday from midnight to midnight, in the time zone."""
        today = now.astimezone(tz).date()
        midnight = datetime.combine(today, time(0), tzinfo=tz).astimezone(UTC)
        if self.text == _TODAY:
            return Window(midnight, now, _TODAY, zone, group)
        day_before = datetime.combine(today - timedelta(days=1), time(0), tzinfo=tz)
        return Window(day_before.astimezone(UTC), midnight, _YESTERDAY, zone, group)

    def _label(self, days: int) -> str:
        if self.text.endswith("w"):
            return "last week" if days == 7 else f"last {days // 7} weeks"
        return "last day" if days == 1 else f"last {days} days"


def parse_period(text: str) -> Period:
    """Read 7d, 30d, 2w, today, yesterday or 2026-11-01; anything else is refused with
    examples."""
    value = text.strip()
    if value.lower() in (_TODAY, _YESTERDAY):
        return Period(text=value.lower())
    relative = _RELATIVE.match(value)
    if relative:
        number, unit = int(relative.group(1)), relative.group(2).lower()
        days = number * (7 if unit == "w" else 1)
        if not 1 <= days <= MAX_DAYS:
            raise BadArguments(
                f"'{value}' is {days} days; a period covers 1 to {MAX_DAYS} days. {_EXAMPLES}."
            )
        return Period(days=days, text=value.replace(" ", "").lower())
    if _DATE.match(value):
        try:
            return Period(start=date.fromisoformat(value), text=value)
        except ValueError:
            raise BadArguments(f"'{value}' is not a real date. {_EXAMPLES}.") from None
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise BadArguments(f"'{shown}' is not a period. {_EXAMPLES}.")


@dataclass(frozen=True, slots=True)
class Window:
    """The moments a report covers, [since, until), and whose incidents (a group or all)."""

    since: datetime
    until: datetime
    label: str
    timezone: str = "UTC"
    group: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def days(self) -> list[date]:
        """The calendar days (in the window's time zone) the window touches, in order."""
        first = self.since.astimezone(self.zone).date()
        last = (self.until - timedelta(microseconds=1)).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def offsets(self) -> list[tuple[datetime | None, int]]:
        """The time zone's UTC offset over the window, in seconds, as (until, offset)
        pairs in time order; the last one's until is None. A change is found to the
        second by halving the day in which the offset differs."""
        found: list[tuple[datetime | None, int]] = []
        moment, current = self.since, self._offset(self.since)
        while moment < self.until:
            step = min(moment + timedelta(days=1), self.until)
            if self._offset(step) != current:
                # Offsets change on a whole second: the first second with the new one.
                low, high = math.floor(moment.timestamp()), math.ceil(step.timestamp())
                while high - low > 1:
                    middle = (low + high) // 2
                    at = datetime.fromtimestamp(middle, UTC)
                    low, high = (middle, high) if self._offset(at) == current else (low, middle)
                change = datetime.fromtimestamp(high, UTC)
                found.append((change, current))
                current, step = self._offset(change), change
            moment = step
        return [*found, (None, current)]

    def _offset(self, moment: datetime) -> int:
        offset = moment.astimezone(self.zone).utcoffset()
        return int(offset.total_seconds()) if offset else 0

    def describe(self) -> str:
        """'last 7 days (16 Nov 09:00 – 23 Nov 09:00 UTC)', with the group if any."""
        zone = self.zone
        start, end = self.since.astimezone(zone), self.until.astimezone(zone)
        fmt = "%d %b %H:%M" if start.year == end.year else "%d %b %Y %H:%M"
        shown = f"{self.label} ({start:{fmt}} – {end:{fmt}} {self.timezone})"
        return f"{shown}, group {self.group}" if self.group else shown
