"""A `DeskReport` as one PNG: opened vs resolved per day, backlog by priority and state,
SLA met by priority, top categories.

matplotlib draws on its Agg canvas through `Figure` directly (never pyplot), so no
global state or display is involved and charts can be drawn from a worker thread.
matplotlib is imported on the first chart only: it takes a moment to load.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from bot.services.lifecycle import State
from bot.services.reports import DeskReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT, DPI = 11.0, 7.5, 100
_STATE_COLOURS = {
    State.NEW.value: "#9ecae1",
    State.ASSIGNED.value: "#6baed6",
    State.IN_PROGRESS.value: "#2171b5",
    State.PENDING.value: "#fdae6b",
}
_OPENED, _RESOLVED = "#de2d26", "#31a354"
_RESPONSE, _RESOLUTION = "#756bb1", "#31a354"
_BARS_UP_TO = 31  # days; a longer window is drawn as lines


def render_chart(report: DeskReport) -> bytes:
    """The report's chart as PNG bytes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    figure.suptitle(f"{report.desk} · {report.window.describe()}", fontsize=12)
    (daily, backlog), (sla, categories) = figure.subplots(2, 2)
    _daily(daily, report)
    _backlog(backlog, report)
    _sla(sla, report)
    _categories(categories, report)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": "Deskbot"})
    return out.getvalue()


def _daily(ax: Axes, report: DeskReport) -> None:
    days = [d.day for d in report.days]
    opened = [d.opened for d in report.days]
    resolved = [d.resolved for d in report.days]
    positions = list(range(len(days)))
    if len(days) <= _BARS_UP_TO:
        ax.bar([x - 0.2 for x in positions], opened, 0.4, label="opened", color=_OPENED)
        ax.bar([x + 0.2 for x in positions], resolved, 0.4, label="resolved", color=_RESOLVED)
    else:
        ax.plot(positions, opened, label="opened", color=_OPENED)
        ax.plot(positions, resolved, label="resolved", color=_RESOLVED)
    step = max(1, len(days) // 10)
    ax.set_xticks(positions[::step], [d.strftime("%d %b") for d in days][::step])
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.set_title(f"Opened {report.opened} vs resolved {report.resolved}, per day", fontsize=10)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)


def _backlog(ax: Axes, report: DeskReport) -> None:
    priorities = list(report.priorities)
    bottom = [0] * len(priorities)
    for state, row in report.backlog.items():
        counts = [row.get(p, 0) for p in priorities]
        ax.bar(
            priorities,
            counts,
            bottom=bottom,
            label=state.replace("_", " "),
            color=_STATE_COLOURS.get(state, "#bdbdbd"),
        )
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title(f"Backlog now: {report.backlog_total} open", fontsize=10)
    ax.set_ylim(0, max([*bottom, 1]) * 1.3)  # room above the bars for the legend
    ax.yaxis.get_major_locator().set_params(integer=True)
    if report.backlog:
        ax.legend(fontsize=8, loc="upper center", ncols=len(report.backlog))
    else:
        _empty(ax, "nothing open")


def _sla(ax: Axes, report: DeskReport) -> None:
    rows = [r for r in report.sla if r.response.whole or r.resolution.whole]
    positions = list(range(len(rows)))
    for offset, name, colour, pick in (
        (-0.2, "response", _RESPONSE, lambda r: r.response),
        (0.2, "resolution", _RESOLUTION, lambda r: r.resolution),
    ):
        ratios = [pick(r) for r in rows]
        heights = [100 * (q.rate or 0) for q in ratios]
        bars = ax.bar([x + offset for x in positions], heights, 0.4, label=name, color=colour)
        ax.bar_label(bars, labels=[_pct(q.rate) if q.whole else "" for q in ratios], fontsize=7)
    # How many clocks each priority had: under its name, as the bars can't say it.
    ax.set_xticks(
        positions, [f"{r.priority}\n{r.response.whole} · {r.resolution.whole}" for r in rows]
    )
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("clocks decided: response · resolution", fontsize=7)
    ax.set_ylim(0, 125)  # room above the bars for the legend
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("% met", fontsize=8)
    ax.set_title(
        f"SLA met: response {_pct(report.response.rate)}, "
        f"resolution {_pct(report.resolution.rate)}",
        fontsize=10,
    )
    if rows:
        ax.legend(fontsize=8, loc="upper center", ncols=2)
    else:
        _empty(ax, "no SLA clock decided")


def _categories(ax: Axes, report: DeskReport) -> None:
    names = [c.name for c in report.categories]
    positions = list(range(len(names)))
    ax.barh(positions, [c.count for c in report.categories], 0.6, color="#3182bd")
    ax.set_yticks(positions, names)
    # The most opened at the top, with room for as many as are shown, so that one
    # category is not one huge bar.
    ax.set_ylim(max(len(names), 5) - 0.5, -0.5)
    ax.tick_params(axis="y", labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Top categories (opened)", fontsize=10)
    if not names:
        _empty(ax, "nothing opened")


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")


def _pct(rate: Any) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"
