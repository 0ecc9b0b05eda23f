"""`--since`: what is accepted, what is refused (with examples), and the window it makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.errors import BadArguments
from bot.services.report_window import MAX_DAYS, Period, Window, parse_period

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("text", "days", "label"),
    [
        ("7d", 7, "last 7 days"),
        ("30d", 30, "last 30 days"),
        ("1d", 1, "last day"),
        ("2w", 14, "last 2 weeks"),
        ("1W", 7, "last week"),
        (" 30D ", 30, "last 30 days"),
        ("366d", 366, "last 366 days"),
    ],
)
def test_a_relative_period_ends_now_and_reaches_back(text, days, label):
    window = parse_period(text).window(NOW, "UTC")
    assert (window.since, window.until, window.label) == (NOW - timedelta(days=days), NOW, label)


@pytest.mark.parametrize(
    ("zone", "midnight"),
    [
        ("UTC", datetime(2026, 11, 23, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 11, 23, 5, tzinfo=UTC)),  # 04:30 there: the 23rd
        ("Asia/Tokyo", datetime(2026, 11, 23, 15, tzinfo=UTC) - timedelta(days=1)),
    ],
)
def test_today_starts_at_midnight_in_the_time_zone(zone, midnight):
    window = parse_period(" Today ").window(NOW, zone)
    assert (window.since, window.until, window.label) == (midnight, NOW, "today")


def test_yesterday_is_the_whole_day_before_today_in_the_time_zone():
    window = parse_period("yesterday").window(NOW, "America/New_York")
    assert (window.since, window.until, window.label) == (
        datetime(2026, 11, 22, 5, tzinfo=UTC),
        datetime(2026, 11, 23, 5, tzinfo=UTC),
        "yesterday",
    )
    assert [d.isoformat() for d in window.days()] == ["2026-11-22"]


def test_a_date_starts_at_midnight_in_the_reports_time_zone():
    berlin = parse_period("2026-11-01").window(NOW, "Europe/Berlin")
    assert berlin.since == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET is UTC+1 in November
    assert berlin.label == "since 2026-11-01"
    assert parse_period("2026-11-01").window(NOW, "UTC").since == datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "last tuesday",
            [
                "'last tuesday' is not a period",
                "Write 7d, 30d, 2w, today, yesterday, or a date like 2026-11-01",
            ],
        ),
        ("7", ["'7' is not a period"]),
        ("7h", ["'7h' is not a period"]),
        ("-7d", ["'-7d' is not a period"]),
        ("0d", ["'0d' is 0 days; a period covers 1 to 366 days"]),
        ("53w", ["'53w' is 371 days"]),
        ("2026-13-01", ["'2026-13-01' is not a real date"]),
        ("01/11/2026", ["is not a period"]),
        ("", ["'' is not a period"]),
        ("x" * 100, ["'" + "x" * 40 + "…' is not a period"]),
    ],
)
def test_anything_else_is_refused_with_examples(text, words):
    with pytest.raises(BadArguments) as caught:
        parse_period(text)
    for word in words:
        assert word in str(caught.value)


def test_a_date_in_the_future_or_more_than_a_year_back_is_refused():
    with pytest.raises(BadArguments, match=r"not in the past \(today is 2026-11-23 in UTC\)"):
        parse_period("2026-11-24").window(NOW, "UTC")
    with pytest.raises(BadArguments, match="more than 366 days ago"):
        parse_period("2025-11-01").window(NOW, "UTC")
    today = parse_period("2026-11-23").window(NOW, "UTC")  # from midnight: in the past
    assert today.until - today.since == timedelta(hours=9, minutes=30)
    assert MAX_DAYS == 366


def test_the_default_period_is_the_last_seven_days():
    assert Period().window(NOW, "UTC").since == NOW - timedelta(days=7)


def test_the_days_of_a_window_are_calendar_days_of_its_zone():
    window = Window(
        datetime(2026, 11, 20, 22, tzinfo=UTC), datetime(2026, 11, 23, 0, 30, tzinfo=UTC), "x"
    )
    assert window.days() == [
        date(2026, 11, 20),
        date(2026, 11, 21),
        date(2026, 11, 22),
        date(2026, 11, 23),
    ]
    tokyo = Window(window.since, window.until, "x", "Asia/Tokyo")  # UTC+9
    assert tokyo.days() == [date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]
    # A window ending exactly at midnight does not touch the next day.
    exact = Window(datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC), "x")
    assert exact.days() == [date(2026, 11, 21), date(2026, 11, 22)]
    # Berlin leaves summer time on 25 Oct 2026: that day is 25 hours, still one day.
    autumn = Window(
        datetime(2026, 10, 24, 12, tzinfo=UTC),
        datetime(2026, 10, 26, 12, tzinfo=UTC),
        "x",
        "Europe/Berlin",
    )
    assert autumn.days() == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]


def test_a_window_describes_itself_in_its_zone():
    window = parse_period("7d").window(NOW, "Europe/Berlin", "network")
    assert window.describe() == (
        "last 7 days (16 Nov 10:30 – 23 Nov 10:30 Europe/Berlin), group network"
    )
    long_ago = parse_period("2025-12-01").window(NOW, "UTC")
    assert long_ago.describe() == "since 2025-12-01 (01 Dec 2025 00:00 – 23 Nov 2026 09:30 UTC)"


def test_the_offsets_of_a_window_find_a_daylight_saving_change_to_the_second():
    """Berlin goes from UTC+2 to UTC+1 at 01:00 UTC on 25 Oct 2026, and back on 28 Mar."""
    autumn = Window(datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 10, 30, tzinfo=UTC), "x")
    berlin = Window(autumn.since, autumn.until, "x", "Europe/Berlin")
    assert berlin.offsets() == [(datetime(2026, 10, 25, 1, tzinfo=UTC), 7200), (None, 3600)]
    year = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC), "x")
    assert Window(year.since, year.until, "x", "Europe/Berlin").offsets() == [
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 3600),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 7200),
        (None, 3600),
    ]
    assert year.offsets() == [(None, 0)]
    india = Window(year.since, year.until, "x", "Asia/Kolkata")
    assert india.offsets() == [(None, 5 * 3600 + 1800)]
