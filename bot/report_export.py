"""A `DeskReport` as a file: Markdown for people, CSV for spreadsheets, JSON for dashboards.

All three carry the same figures as the /report card. CSV is one figure per row
(section, item, measure, value), which a spreadsheet pivots as it likes; JSON is one
object whose rates are fractions (0.91, or null when there was nothing to count) and
whose durations are seconds. All three also list the incidents behind the figures for
review (SLA breaches, reopenings, poor ratings), every one of them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from bot.ids import format_id
from bot.report_card import percent, satisfaction, spread
from bot.services.reports import DeskReport, Ratio, Spread
from bot.services.review import Review

FORMATS = ("md", "csv", "json")


def export(report: DeskReport, fmt: str, found: Review | None = None) -> str:
    """The report in one of FORMATS, with `found` (the review lists) where it fits."""
    found = found or Review()
    if fmt == "json":
        data = to_dict(report) | {"review": review_dict(found)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(report, found)
    if fmt == "md":
        return to_markdown(report) + review_markdown(found)
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def _ratio(ratio: Ratio | None) -> dict[str, Any] | None:
    if ratio is None:
        return None
    rate = None if ratio.rate is None else round(ratio.rate, 4)
    return {"count": ratio.part, "of": ratio.whole, "rate": rate}


def _spread(value: Spread) -> dict[str, Any]:
    return {"count": value.count, "median_seconds": value.median, "p90_seconds": value.p90}


def to_dict(report: DeskReport) -> dict[str, Any]:
    window = report.window
    return {
        "desk": report.desk,
        "window": {
            "since": window.since.isoformat(),
            "until": window.until.isoformat(),
            "label": window.label,
            "timezone": window.timezone,
            "group": window.group,
        },
        "opened": report.opened,
        "resolved": report.resolved,
        "backlog": {
            "total": report.backlog_total,
            "by_priority": report.backlog_by_priority(),
            "by_state": report.backlog,
        },
        "days": [
            {"date": d.day.isoformat(), "opened": d.opened, "resolved": d.resolved}
            for d in report.days
        ],
        "sla": {
            "response": _ratio(report.response),
            "resolution": _ratio(report.resolution),
            "by_priority": [
                {
                    "priority": row.priority,
                    "response": _ratio(row.response),
                    "resolution": _ratio(row.resolution),
                }
                for row in report.sla
            ],
        },
        "mtta": _spread(report.mtta),
        "mttr": _spread(report.mttr),
        "reopen": _ratio(report.reopened),
        "reclassification": {
            **(_ratio(report.reclassified) or {}),
            "category_changed": report.category_changed,
            "priority_changed": report.priority_changed,
        },
        "deflection": _ratio(report.deflected),
        "solved_by_kb": report.solved_by_kb,
        "satisfaction": {**(_ratio(report.satisfied) or {}), "poor": report.rated_poor},
        "helpful_articles": [
            {"article": a.article, "helped": a.helped, "votes": a.votes} for a in report.articles
        ],
        "categories": [{"category": c.name, "opened": c.count} for c in report.categories],
        "groups": [
            {"group": g.group, "opened": g.opened, "resolved": g.resolved, "open": g.open}
            for g in report.groups
        ],
        "agents": [
            {
                "handle": a.handle,
                "name": a.name,
                "resolved": a.resolved,
                "open": a.open,
                "rated": a.rated,
                "rated_good": a.rated_good,
            }
            for a in report.agents
        ],
    }


def review_dict(found: Review) -> dict[str, Any]:
    misses, reopened, poor = found.misses, found.reopened, found.poor
    return {
        "sla_breaches": {
            "total": misses[1],
            "incidents": [
                {
                    "incident": format_id(m.incident),
                    "priority": m.priority,
                    "clock": m.clock,
                    "still_open": m.running,
                    "summary": m.summary,
                }
                for m in misses[0]
            ],
        },
        "reopened": {
            "total": reopened[1],
            "incidents": [
                {"incident": format_id(r.incident), "times": r.times, "summary": r.summary}
                for r in reopened[0]
            ],
        },
        "rated_poor": {
            "total": poor[1],
            "incidents": [
                {"incident": format_id(r.incident), "summary": r.summary, "comment": r.comment}
                for r in poor[0]
            ],
        },
    }


# -- CSV ---------------------------------------------------------------------------


def to_csv(report: DeskReport, found: Review | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "measure", "value"])
    writer.writerows(_csv_rows(report))
    writer.writerows(_review_rows(found or Review()))
    return out.getvalue()


def _review_rows(found: Review) -> Iterator[list[Any]]:
    """Each review list as its total, then a row per fact about each incident in it."""
    misses, total = found.misses
    yield ["sla_breaches", "total", "", total]
    described: set[int] = set()
    for m in misses:
        item = format_id(m.incident)
        if m.incident not in described:  # both clocks may miss: described once
            described.add(m.incident)
            yield ["sla_breaches", item, "summary", m.summary]
            yield ["sla_breaches", item, "priority", m.priority]
        yield ["sla_breaches", item, m.clock, "overdue" if m.running else "missed"]
    reopened, total = found.reopened
    yield ["reopened", "total", "", total]
    for r in reopened:
        yield ["reopened", format_id(r.incident), "summary", r.summary]
        yield ["reopened", format_id(r.incident), "times", r.times]
    poor, total = found.poor
    yield ["rated_poor", "total", "", total]
    for p in poor:
        yield ["rated_poor", format_id(p.incident), "summary", p.summary]
        yield ["rated_poor", format_id(p.incident), "comment", p.comment]


def _ratio_rows(section: str, item: str, ratio: Ratio | None, part: str, whole: str) -> list[Any]:
    if ratio is None:
        return []
    rate = "" if ratio.rate is None else round(ratio.rate, 4)
    return [
        [section, item, part, ratio.part],
        [section, item, whole, ratio.whole],
        [section, item, "rate", rate],
    ]


def _csv_rows(report: DeskReport) -> Iterator[list[Any]]:
    w = report.window
    yield from (
        ["window", "since", "", w.since.isoformat()],
        ["window", "until", "", w.until.isoformat()],
        ["window", "timezone", "", w.timezone],
        ["window", "group", "", w.group or ""],
        ["totals", "opened", "", report.opened],
        ["totals", "resolved", "", report.resolved],
        ["backlog", "total", "", report.backlog_total],
    )
    for state, row in report.backlog.items():
        for priority, count in row.items():
            yield ["backlog", state, priority, count]
    for day in report.days:
        yield ["daily", day.day.isoformat(), "opened", day.opened]
        yield ["daily", day.day.isoformat(), "resolved", day.resolved]
    for item, response, resolution in [
        ("all", report.response, report.resolution),
        *((r.priority, r.response, r.resolution) for r in report.sla),
    ]:
        yield from _ratio_rows("sla", item, response, "response_met", "response_decided")
        yield from _ratio_rows("sla", item, resolution, "resolution_met", "resolution_decided")
    for name, value in (("mtta", report.mtta), ("mttr", report.mttr)):
        yield [name, "", "count", value.count]
        yield [name, "", "median_seconds", "" if value.median is None else value.median]
        yield [name, "", "p90_seconds", "" if value.p90 is None else value.p90]
    yield from _ratio_rows("rates", "reopen", report.reopened, "reopened", "resolved_or_reopened")
    yield from _ratio_rows(
        "rates", "reclassification", report.reclassified, "reclassified", "opened"
    )
    yield ["rates", "reclassification", "category_changed", report.category_changed]
    yield ["rates", "reclassification", "priority_changed", report.priority_changed]
    yield from _ratio_rows("rates", "deflection", report.deflected, "deflected", "problems")
    yield ["kb", "solved_by_kb", "", report.solved_by_kb]
    yield from _ratio_rows("rates", "satisfaction", report.satisfied, "good", "rated")
    yield ["rates", "satisfaction", "poor", report.rated_poor]
    for a in report.articles:
        yield ["articles", a.article, "helped", a.helped]
        yield ["articles", a.article, "votes", a.votes]
    for c in report.categories:
        yield ["categories", c.name, "opened", c.count]
    for g in report.groups:
        yield from (["groups", g.group, m, v] for m, v in _counts(g.opened, g.resolved, g.open))
    for a in report.agents:
        yield ["agents", a.handle, "resolved", a.resolved]
        yield ["agents", a.handle, "open", a.open]
        yield ["agents", a.handle, "rated", a.rated]
        yield ["agents", a.handle, "rated_good", a.rated_good]


def _counts(opened: int, resolved: int, open_now: int) -> list[tuple[str, int]]:
    return [("opened", opened), ("resolved", resolved), ("open", open_now)]


# -- Markdown ----------------------------------------------------------------------


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def to_markdown(report: DeskReport) -> str:
    deflection = "desk-wide only" if report.deflected is None else percent(report.deflected)
    lines = [f"# {report.desk} report", "", report.window.describe(), "", "## Summary", ""]
    lines += _table(
        ["Figure", "Value"],
        [
            ["Open now (backlog)", report.backlog_total],
            ["Opened", report.opened],
            ["Resolved", report.resolved],
            ["Response SLA met", percent(report.response)],
            ["Resolution SLA met", percent(report.resolution)],
            ["MTTA", spread(report.mtta)],
            ["MTTR", spread(report.mttr)],
            ["Reopen rate", percent(report.reopened)],
            [
                "Reclassification rate",
                f"{percent(report.reclassified)}: category {report.category_changed}, "
                f"priority {report.priority_changed}",
            ],
            ["KB deflection", deflection],
            ["Solved by an article after opening", report.solved_by_kb],
            ["Satisfaction", satisfaction(report)],
        ],
    )
    lines += ["## SLA met by priority", ""]
    lines += _table(
        ["Priority", "Response", "Resolution"],
        [[r.priority, percent(r.response), percent(r.resolution)] for r in report.sla],
    )
    priorities = list(report.priorities)
    lines += ["## Backlog by state and priority", ""]
    lines += _table(
        ["State", *priorities, "Total"],
        [
            [state.replace("_", " "), *(row.get(p, 0) for p in priorities), sum(row.values())]
            for state, row in report.backlog.items()
        ],
    )
    lines += ["## Opened and resolved per day", ""]
    lines += _table(
        ["Day", "Opened", "Resolved"],
        [[d.day.isoformat(), d.opened, d.resolved] for d in report.days],
    )
    lines += ["## Top categories", ""]
    lines += _table(["Category", "Opened"], [[c.name, c.count] for c in report.categories])
    lines += ["## Most helpful articles", ""]
    lines += _table(
        ["Article", "Helped", "Votes"], [[a.article, a.helped, a.votes] for a in report.articles]
    )
    lines += ["## Groups", ""]
    lines += _table(
        ["Group", "Opened", "Resolved", "Open now"],
        [[g.group, g.opened, g.resolved, g.open] for g in report.groups],
    )
    lines += ["## Agents", ""]
    lines += _table(
        ["Agent", "Resolved", "Open now", "Rated good"],
        [[a.name, a.resolved, a.open, f"{a.rated_good} of {a.rated}"] for a in report.agents],
    )
    return "\n".join(lines).rstrip("\n") + "\n"


def review_markdown(found: Review) -> str:
    """The incidents behind the figures, a table per list that has any."""
    tables = [
        (
            "SLA breaches",
            ["Incident", "Priority", "Clock", "Still open", "Summary"],
            [
                [format_id(m.incident), m.priority, m.clock, _yes(m.running), m.summary]
                for m in found.misses[0]
            ],
        ),
        (
            "Reopened",
            ["Incident", "Times", "Summary"],
            [[format_id(r.incident), r.times, r.summary] for r in found.reopened[0]],
        ),
        (
            "Rated poor",
            ["Incident", "Summary", "What went wrong"],
            [[format_id(r.incident), r.summary, r.comment] for r in found.poor[0]],
        ),
    ]
    lines: list[str] = []
    for title, header, rows in tables:
        if rows:
            lines += [f"## {title}", "", *_table(header, rows)]
    return "\n" + "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
