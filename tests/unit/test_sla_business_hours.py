"""Working time across nights, weekends, holidays, DST changes and time zones."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import BusinessHoursSettings
from bot.services.business_hours import Calendar

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
HOUR = 3600.0


def office(
    zone: str = "Europe/Berlin", holidays: tuple[date, ...] = (), **hours: object
) -> Calendar:
    settings = BusinessHoursSettings.model_validate({"timezone": zone, **hours})
    return Calendar("office", settings, holidays)


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def test_around_the_clock_counts_every_second():
    always = Calendar("24/7")
    start = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert always.add(start, 2 * HOUR) == start + timedelta(hours=2)
    assert always.working_seconds(start, start + timedelta(days=3)) == 3 * 24 * HOUR
    assert always.describe() == "around the clock"


def test_friday_afternoon_plus_two_hours_is_monday_morning():
    cal = office()
    friday = local(BERLIN, 2026, 11, 27, 16, 0)  # a Friday, 16:00 in Berlin
    due = cal.add(friday, 2 * HOUR)
    assert due == local(BERLIN, 2026, 11, 30, 10, 0)  # Monday 10:00
    assert cal.working_seconds(friday, due) == 2 * HOUR
    saturday_noon = local(BERLIN, 2026, 11, 28, 12, 0)
    assert cal.working_seconds(friday, saturday_noon) == HOUR  # Friday 16-17 only
    assert cal.working_seconds(saturday_noon, local(BERLIN, 2026, 11, 30, 9, 0)) == 0


def test_the_weekend_counts_when_the_group_works_weekends():
    cal = office(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    friday = local(BERLIN, 2026, 11, 27, 16, 0)
    assert cal.add(friday, 2 * HOUR) == local(BERLIN, 2026, 11, 28, 10, 0)


def test_when_working_time_next_begins():
    cal = office(holidays=(date(2026, 11, 30),))  # that Monday is a holiday
    assert cal.opens_after(local(BERLIN, 2026, 11, 27, 16, 59)) is None  # Friday, open
    friday_evening = local(BERLIN, 2026, 11, 27, 17, 0)
    assert cal.opens_after(friday_evening) == local(BERLIN, 2026, 12, 1, 9, 0)  # Tuesday
    assert cal.opens_after(local(BERLIN, 2026, 12, 1, 7, 0)) == local(BERLIN, 2026, 12, 1, 9, 0)
    assert Calendar("24/7").opens_after(friday_evening) is None
    assert cal.hours_text() == "mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin"


def test_a_report_before_opening_time_starts_counting_at_opening():
    cal = office(hours="08:30-17:00")
    early = local(BERLIN, 2026, 11, 23, 6, 0)
    assert cal.add(early, 30 * 60) == local(BERLIN, 2026, 11, 23, 9, 0)
    assert cal.working_seconds(early, local(BERLIN, 2026, 11, 23, 8, 30)) == 0


def test_spring_forward_weekend_keeps_local_opening_hours():
    """Berlin moves from CET (UTC+1) to CEST (UTC+2) on Sunday 29 March 2026."""
    cal = office()
    friday = local(BERLIN, 2026, 3, 27, 16, 0)
    assert friday == datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
    due = cal.add(friday, 2 * HOUR)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 10:00 CEST
    assert due - friday == timedelta(days=2, hours=17)  # an hour less of wall time
    assert cal.working_seconds(friday, due) == 2 * HOUR


def test_fall_back_weekend_keeps_local_opening_hours():
    """Berlin moves from CEST back to CET on Sunday 25 October 2026."""
    cal = office()
    friday = local(BERLIN, 2026, 10, 23, 16, 0)
    due = cal.add(friday, 2 * HOUR)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # Monday 10:00 CET
    assert due - friday == timedelta(days=2, hours=19)


def test_the_working_day_is_the_groups_local_day_not_utcs():
    """New York (UTC-5 in November): 21:00 UTC on Monday is 16:00 there, still Monday."""
    cal = office("America/New_York")
    monday_4pm = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    due = cal.add(monday_4pm, 2 * HOUR)
    assert due == local(NEW_YORK, 2026, 11, 24, 10, 0)
    assert due == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    # Saturday 02:00 UTC is still Friday evening in New York: after hours, no count.
    friday_night = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    assert cal.add(friday_night, HOUR) == local(NEW_YORK, 2026, 11, 30, 10, 0)


def test_two_groups_in_two_zones_count_the_same_moment_differently():
    opened = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Berlin 16:00, New York 10:00
    assert office().add(opened, 2 * HOUR) == local(BERLIN, 2026, 11, 24, 10, 0)
    assert office("America/New_York").add(opened, 2 * HOUR) == local(NEW_YORK, 2026, 11, 23, 12, 0)


def test_holidays_stand_still_in_the_groups_time_zone():
    christmas = (date(2026, 12, 25), date(2026, 12, 28))
    cal = office(holidays=christmas)
    thursday = local(BERLIN, 2026, 12, 24, 16, 0)
    assert cal.add(thursday, 2 * HOUR) == local(BERLIN, 2026, 12, 29, 10, 0)
    friday_noon = local(BERLIN, 2026, 12, 25, 12, 0)
    assert cal.working_seconds(friday_noon, local(BERLIN, 2026, 12, 28, 17, 0)) == 0


def test_working_time_spans_many_days():
    cal = office()
    monday = local(BERLIN, 2026, 11, 23, 9, 0)
    assert cal.add(monday, 10 * 8 * HOUR) == local(BERLIN, 2026, 12, 4, 17, 0)
    assert cal.working_seconds(monday, local(BERLIN, 2026, 12, 7, 9, 0)) == 10 * 8 * HOUR


def test_add_and_working_seconds_agree_on_random_moments():
    cal = office("America/New_York", holidays=(date(2026, 11, 26),), hours="07:00-19:30")
    rng = random.Random(7)
    base = datetime(2026, 10, 20, tzinfo=UTC)
    for _ in range(300):
        start = base + timedelta(seconds=rng.randrange(90 * 86400))
        seconds = float(rng.randrange(1, 40 * 3600))
        due = cal.add(start, seconds)
        assert cal.working_seconds(start, due) == pytest.approx(seconds, abs=1e-3)
        assert cal.working_seconds(start, due - timedelta(seconds=1)) < seconds


def test_end_before_start_is_no_working_time():
    cal = office()
    moment = local(BERLIN, 2026, 11, 23, 12, 0)
    assert cal.working_seconds(moment, moment - timedelta(hours=1)) == 0


def test_describe_names_days_hours_and_zone():
    assert office().describe() == "office: mon,tue,wed,thu,fri 09:00-17:00 Europe/Berlin"
