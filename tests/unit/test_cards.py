"""Small pieces of how cards say things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards import ago, stamp


def test_ago_says_just_now_within_a_minute_and_the_span_after():
    assert ago(timedelta(seconds=0)) == "just now"
    assert ago(timedelta(seconds=59)) == "just now"
    assert ago(timedelta(minutes=1)) == "1m ago"
    assert ago(timedelta(days=1, hours=2)) == "1d 2h ago"


def test_a_stamp_is_shown_in_the_desks_time_zone():
    moment = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
    assert stamp(moment) == "2026-11-23 14:05 UTC"
    assert stamp(moment, ZoneInfo("Europe/Berlin")) == "2026-11-23 15:05 CET"
    assert stamp(moment, ZoneInfo("America/New_York")) == "2026-11-23 09:05 EST"
    assert stamp(None) == "-"
