"""A `DeskReport` as a chat card: the figures as fields, SLA by priority in the body.

Shared by /report and the weekly digest, so the two always read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta

from bot.cards import span
from bot.messages import Card, Field, Reply, Severity
from bot.services.reports import DeskReport, Ratio, Spread

NONE = "–"


def percent(ratio: Ratio | None, *, of: str = "") -> str:
    """'91% (32 of 35)', or '–' when there is nothing to count."""
    if ratio is None or ratio.rate is None:
        return f"{NONE} (none{' ' + of if of else ''})"
    return f"{ratio.rate * 100:.0f}% ({ratio.part} of {ratio.whole})"


def spread(value: Spread) -> str:
    """'median 25m · p90 2h 5m (30)'."""
    if value.median is None or value.p90 is None:
        return f"{NONE} (none)"
    median, p90 = timedelta(seconds=value.median), timedelta(seconds=value.p90)
    return f"median {span(median)} · p90 {span(p90)} ({value.count})"


def satisfaction(report: DeskReport) -> str:
    """'75% good (3 of 4 rated) · 1 poor', or '– (none rated)'."""
    rated = report.satisfied
    if rated.rate is None:
        return f"{NONE} (none rated)"
    poor = f" · {report.rated_poor} poor" if report.rated_poor else ""
    return f"{rated.rate * 100:.0f}% good ({rated.part} of {rated.whole} rated){poor}"


def _joined(parts: Iterable[str]) -> str:
    return " · ".join(parts) or NONE


def report_fields(report: DeskReport) -> tuple[Field, ...]:
    backlog = _joined(f"{p} {n}" for p, n in report.backlog_by_priority().items())
    reclassified = percent(report.reclassified)
    if report.reclassified.part:
        reclassified += f": category {report.category_changed}, priority {report.priority_changed}"
    deflection = ("desk-wide only" if report.deflected is None else percent(report.deflected)) + (
        f"; {report.solved_by_kb} more solved by an article" if report.solved_by_kb else ""
    )
    return (
        Field("Backlog", f"{report.backlog_total} open · {backlog}"),
        Field("Opened / resolved", f"{report.opened} / {report.resolved}"),
        Field("Response SLA met", percent(report.response)),
        Field("Resolution SLA met", percent(report.resolution)),
        Field("MTTA", spread(report.mtta)),
        Field("MTTR", spread(report.mttr)),
        Field("Reopen rate", percent(report.reopened)),
        Field("Reclassified", reclassified),
        Field("KB deflection", deflection),
        Field("Satisfaction", satisfaction(report)),
        Field("Top categories", _joined(f"{c.name} {c.count}" for c in report.categories), False),
        Field(
            "Most helpful articles",
            _joined(f"{a.article} {a.helped} of {a.votes}" for a in report.articles),
            False,
        ),
        Field(
            "Groups",
            _joined(
                f"{g.group}: {g.opened} opened, {g.resolved} resolved, {g.open} open"
                for g in report.groups
            ),
            False,
        ),
        Field(
            "Agents",
            _joined(
                f"{a.name}: {a.resolved} resolved, {a.open} open"
                + (f", {a.rated_good} of {a.rated} rated good" if a.rated else "")
                for a in report.agents
            ),
            False,
        ),
    )


def sla_lines(report: DeskReport) -> list[str]:
    """One line per priority with a decided clock: response and resolution % met."""
    lines = [
        f"{row.priority}: response {percent(row.response)} · resolution {percent(row.resolution)}"
        for row in report.sla
        if row.response.whole or row.resolution.whole
    ]
    return ["SLA met by priority:", *lines] if lines else ["No SLA clock was decided."]


def backlog_lines(report: DeskReport) -> list[str]:
    if not report.backlog:
        return ["Backlog: nothing open."]
    return [
        "Backlog by state: "
        + " · ".join(
            f"{state.replace('_', ' ')} {sum(row.values())} "
            f"({', '.join(f'{p} {n}' for p, n in row.items())})"
            for state, row in report.backlog.items()
        )
    ]


def summary_text(report: DeskReport) -> str:
    return (
        f"{report.desk} report, {report.window.describe()}: {report.opened} opened, "
        f"{report.resolved} resolved, {report.backlog_total} open now."
    )


def report_card(report: DeskReport, title: str | None = None) -> Card:
    window = report.window
    heading = f"Desk report · {window.label}" + (f" · {window.group}" if window.group else "")
    return Card(
        title=title or heading,
        fields=report_fields(report),
        body="\n".join([*sla_lines(report), *backlog_lines(report)]),
        footer=window.describe(),
        severity=Severity.INFO,
    )


def report_reply(report: DeskReport, image: bytes | None, review: Sequence[str] = ()) -> Reply:
    """The report; `review` lines (the incidents behind its figures) end its card."""
    card = report_card(report)
    if review:
        card = replace(card, body="\n".join([card.body, "", *review]))
    return Reply(text=summary_text(report), card=card, image=image)
