"""A report as Markdown, CSV and JSON, and as a chat card, from a report made by hand."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.report_card import percent, report_reply, spread
from bot.report_export import FORMATS, export
from bot.services.report_window import Window
from bot.services.reports import (
    AgentRow,
    ArticleScore,
    Count,
    Day,
    DeskReport,
    GroupRow,
    Ratio,
    SlaRow,
    Spread,
)
from bot.services.review import Miss, PoorRating, Reopening, Review

WINDOW = Window(
    datetime(2026, 11, 16, 9, tzinfo=UTC), datetime(2026, 11, 18, 9, tzinfo=UTC), "last 2 days"
)


def sample(**changes: object) -> DeskReport:
    report = DeskReport(
        desk="IT Service Desk",
        window=WINDOW,
        priorities=("P1", "P2"),
        backlog={"new": {"P1": 1}, "in_progress": {"P1": 2, "P2": 3}},
        days=(
            Day(date(2026, 11, 16), 4, 1),
            Day(date(2026, 11, 17), 2, 3),
            Day(date(2026, 11, 18), 0, 0),
        ),
        opened=6,
        resolved=4,
        sla=(SlaRow("P1", Ratio(3, 4), Ratio(1, 2)), SlaRow("P2", Ratio(0, 0), Ratio(2, 2))),
        mtta=Spread(3, 900.0, 7200.0),
        mttr=Spread(4, 90000.0, 180000.0),
        reopened=Ratio(1, 4),
        reclassified=Ratio(2, 6),
        category_changed=2,
        priority_changed=1,
        deflected=Ratio(2, 8),
        solved_by_kb=1,
        satisfied=Ratio(3, 4),
        rated_poor=1,
        articles=(ArticleScore("vpn-cannot-connect", 2, 3),),
        categories=(Count("network/vpn", 4), Count("other", 2)),
        agents=(AgentRow("bob", "Bob | Baker (bob)", 3, 2, rated_good=1, rated=2),),
        groups=(GroupRow("service-desk", 6, 4, 6),),
    )
    return replace(report, **changes)


def test_json_carries_every_figure():
    data = json.loads(export(sample(), "json"))
    assert data["window"] == {
        "since": "2026-11-16T09:00:00+00:00",
        "until": "2026-11-18T09:00:00+00:00",
        "label": "last 2 days",
        "timezone": "UTC",
        "group": None,
    }
    assert data["backlog"] == {
        "total": 6,
        "by_priority": {"P1": 3, "P2": 3},
        "by_state": {"new": {"P1": 1}, "in_progress": {"P1": 2, "P2": 3}},
    }
    assert data["sla"]["response"] == {"count": 3, "of": 4, "rate": 0.75}
    assert data["sla"]["resolution"] == {"count": 3, "of": 4, "rate": 0.75}
    assert data["sla"]["by_priority"][1] == {
        "priority": "P2",
        "response": {"count": 0, "of": 0, "rate": None},
        "resolution": {"count": 2, "of": 2, "rate": 1.0},
    }
    assert data["mttr"] == {"count": 4, "median_seconds": 90000.0, "p90_seconds": 180000.0}
    assert data["reclassification"] == {
        "count": 2,
        "of": 6,
        "rate": 0.3333,
        "category_changed": 2,
        "priority_changed": 1,
    }
    assert data["deflection"] == {"count": 2, "of": 8, "rate": 0.25}
    assert data["satisfaction"] == {"count": 3, "of": 4, "rate": 0.75, "poor": 1}
    assert data["days"][1] == {"date": "2026-11-17", "opened": 2, "resolved": 3}
    assert data["helpful_articles"] == [{"article": "vpn-cannot-connect", "helped": 2, "votes": 3}]


def test_json_says_null_where_a_figure_does_not_apply():
    data = json.loads(export(sample(deflected=None, mtta=Spread()), "json"))
    assert data["deflection"] is None
    assert data["mtta"] == {"count": 0, "median_seconds": None, "p90_seconds": None}


def test_csv_is_one_figure_per_row():
    rows = list(csv.reader(io.StringIO(export(sample(), "csv"))))
    assert rows[0] == ["section", "item", "measure", "value"]
    assert all(len(row) == 4 for row in rows)
    for row in (
        ["totals", "opened", "", "6"],
        ["backlog", "in_progress", "P2", "3"],
        ["daily", "2026-11-17", "resolved", "3"],
        ["sla", "all", "response_met", "3"],
        ["sla", "P2", "rate", ""],
        ["sla", "P1", "resolution_decided", "2"],
        ["mttr", "", "p90_seconds", "180000.0"],
        ["rates", "deflection", "rate", "0.25"],
        ["rates", "satisfaction", "good", "3"],
        ["rates", "satisfaction", "rated", "4"],
        ["rates", "satisfaction", "poor", "1"],
        ["agents", "bob", "open", "2"],
        ["agents", "bob", "rated_good", "1"],
        ["groups", "service-desk", "open", "6"],
    ):
        assert row in rows, row


def test_csv_lists_the_incidents_behind_the_figures_too():
    """Before, only Markdown and JSON had the review lists: a spreadsheet got the rates
    without the incidents to look at."""
    found = Review(
        (
            [
                Miss(3, "VPN, down", "P1", "response", running=False),
                Miss(3, "VPN, down", "P1", "resolution", running=True),
            ],
            2,
        ),
        ([Reopening(1, "Printer jams", 2)], 1),
        ([PoorRating(4, "Slow laptop", "nobody called back")], 1),
    )
    rows = list(csv.reader(io.StringIO(export(sample(), "csv", found))))
    review = [row for row in rows if row[0] in ("sla_breaches", "reopened", "rated_poor")]
    assert review == [
        ["sla_breaches", "total", "", "2"],
        ["sla_breaches", "INC-000003", "summary", "VPN, down"],
        ["sla_breaches", "INC-000003", "priority", "P1"],
        ["sla_breaches", "INC-000003", "response", "missed"],
        ["sla_breaches", "INC-000003", "resolution", "overdue"],
        ["reopened", "total", "", "1"],
        ["reopened", "INC-000001", "summary", "Printer jams"],
        ["reopened", "INC-000001", "times", "2"],
        ["rated_poor", "total", "", "1"],
        ["rated_poor", "INC-000004", "summary", "Slow laptop"],
        ["rated_poor", "INC-000004", "comment", "nobody called back"],
    ]


def test_markdown_has_a_table_per_section_and_escapes_pipes():
    text = export(sample(), "md")
    assert text.startswith(
        "# IT Service Desk report\n\nlast 2 days (16 Nov 09:00 – 18 Nov 09:00 UTC)\n"
    )
    assert "| Response SLA met | 75% (3 of 4) |" in text
    assert "| MTTR | median 1d 1h · p90 2d 2h (4) |" in text
    assert "| P2 | – (none) | 100% (2 of 2) |" in text
    assert "| in progress | 2 | 3 | 5 |" in text
    assert "| Bob \\| Baker (bob) | 3 | 2 | 1 of 2 |" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_an_unknown_format_is_refused():
    assert FORMATS == ("md", "csv", "json")
    with pytest.raises(ValueError, match="use one of md, csv, json"):
        export(sample(), "xlsx")


def test_the_card_reads_the_same_figures():
    reply = report_reply(sample(), b"\x89PNG")
    assert reply.text == (
        "IT Service Desk report, last 2 days (16 Nov 09:00 – 18 Nov 09:00 UTC): "
        "6 opened, 4 resolved, 6 open now."
    )
    fields = {f.label: f.value for f in reply.card.fields}
    assert fields["Backlog"] == "6 open · P1 3 · P2 3"
    assert fields["KB deflection"] == "25% (2 of 8); 1 more solved by an article"
    assert fields["Satisfaction"] == "75% good (3 of 4 rated) · 1 poor"
    assert fields["Most helpful articles"] == "vpn-cannot-connect 2 of 3"
    assert reply.card.body.splitlines() == [
        "SLA met by priority:",
        "P1: response 75% (3 of 4) · resolution 50% (1 of 2)",
        "P2: response – (none) · resolution 100% (2 of 2)",
        "Backlog by state: new 1 (P1 1) · in progress 5 (P1 2, P2 3)",
    ]
    assert reply.image == b"\x89PNG"
    empty = report_reply(sample(backlog={}, deflected=None, solved_by_kb=0, agents=()), None)
    fields = {f.label: f.value for f in empty.card.fields}
    assert (fields["KB deflection"], fields["Agents"]) == ("desk-wide only", "–")
    assert empty.card.body.endswith("Backlog: nothing open.")


def test_rates_and_durations_read_plainly():
    assert percent(Ratio(7, 8)) == "88% (7 of 8)"
    assert percent(Ratio(0, 0)) == "– (none)"
    assert spread(Spread(6, 2700.0, 119700.0)) == "median 45m · p90 1d 9h 15m (6)"
    assert spread(Spread()) == "– (none)"
