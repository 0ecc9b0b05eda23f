"""When the weekly digest is due, which week it covers, and how its lists read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.services.digest import Slot, digest_reply, latest_slot
from bot.services.review import LISTED, Miss, PoorRating, Reopening, Review
from tests.unit.test_report_export import sample

SETTINGS = load_settings(Path(__file__).resolve().parents[2] / "config.yaml")


def settings_with(day: str, hour: int, zone: str = "UTC"):
    reports = SETTINGS.reports.model_copy(
        update={
            "timezone": zone,
            "digest": SETTINGS.reports.digest.model_copy(update={"day": day, "hour": hour}),
        }
    )
    return SETTINGS.model_copy(update={"reports": reports})


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "week", "since", "until"),
    [
        # Monday 09:00 UTC: due at that moment, not a second before.
        (utc(2026, 11, 23, 9), "2026-W48", utc(2026, 11, 16, 9), utc(2026, 11, 23, 9)),
        (utc(2026, 11, 23, 8, 59), "2026-W47", utc(2026, 11, 9, 9), utc(2026, 11, 16, 9)),
        (utc(2026, 11, 29, 23), "2026-W48", utc(2026, 11, 16, 9), utc(2026, 11, 23, 9)),
        # The ISO week of a Monday early in January can belong to the new year.
        (utc(2027, 1, 4, 10), "2027-W01", utc(2026, 12, 28, 9), utc(2027, 1, 4, 9)),
    ],
)
def test_the_latest_digest_due(now, week, since, until):
    assert latest_slot(settings_with("mon", 9), now) == Slot(week, since, until)


def test_the_hour_is_local_and_follows_daylight_saving_time():
    """Monday 09:00 in Berlin is 07:00 UTC in summer and 08:00 UTC in winter; the week
    that contains the change (25 Oct 2026) is 169 hours long."""
    berlin = settings_with("mon", 9, "Europe/Berlin")
    slot = latest_slot(berlin, utc(2026, 10, 26, 8))
    assert slot == Slot("2026-W44", utc(2026, 10, 19, 7), utc(2026, 10, 26, 8))
    assert latest_slot(berlin, utc(2026, 10, 26, 7, 59)).week == "2026-W43"


def test_the_lists_are_cut_with_a_count_of_the_rest():
    misses = [Miss(n, f"Problem {n}", "P2", "response", n % 2 == 0) for n in range(1, LISTED + 1)]
    reopened = [Reopening(7, "Outlook is slow " + "x" * 80, 2)]
    poor = [PoorRating(9, "VPN drops", "nobody called back"), PoorRating(11, "Printer jams", "")]
    found = Review((misses, LISTED + 3), (reopened, 1), (poor, 4))
    reply = digest_reply(sample(), found, None)
    lines = reply.card.body.splitlines()
    assert f"SLA breaches this week: {LISTED + 3}" in lines
    assert "• INC-000001 P2 response · Problem 1" in lines
    assert "• INC-000002 P2 response (still open, overdue) · Problem 2" in lines
    assert "… and 3 more" in lines
    reopening = lines[lines.index("Reopened this week: 1") + 1]
    assert reopening.startswith("• INC-000007 (2×) · Outlook is slow xxx")
    assert reopening.endswith("…") and len(reopening) < 90
    # What reporters rated poor, and why (before: not in the review at all).
    assert lines[-4:] == [
        "Rated poor this week: 4",
        "• INC-000009 · VPN drops: nobody called back",
        "• INC-000011 · Printer jams",
        "… and 2 more",
    ]
    assert reply.card.title == "Weekly review · 16 Nov – 18 Nov 2026"
    assert reply.text.startswith("Weekly review. IT Service Desk report, last 2 days")
    assert reply.in_thread is False
