"""Small pieces of how cards say things."""

from __future__ import annotations

from datetime import timedelta

from bot.cards import ago


def test_ago_says_just_now_within_a_minute_and_the_span_after():
    assert ago(timedelta(seconds=0)) == "just now"
    assert ago(timedelta(seconds=59)) == "just now"
    assert ago(timedelta(minutes=1)) == "1m ago"
    assert ago(timedelta(days=1, hours=2)) == "1d 2h ago"
