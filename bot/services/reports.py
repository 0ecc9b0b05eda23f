"""The desk's figures for a window: what /report, `deskbot report` and the weekly digest show.

`build_report` returns one `DeskReport`, computed with aggregate SQL (GROUP BY in the
database; only the MTTA and MTTR durations come back one float per incident, for their
percentiles), so it never loads incidents as objects and stays fast at 100k incidents.

The window is [since, until) (`report_window`); `--group` narrows every figure to the
incidents whose support group is that group now. The definitions:

- Backlog: incidents open when the report is made (new, assigned, in progress, pending),
  by state and priority. It is a snapshot, not a figure of the window.
- Opened: incidents (and requests) whose `opened_at` lies in the window. Resolved: those
  whose resolution lies in it. An incident's resolution is its latest one: `resolved_at`,
  which a reopen clears and the next resolution sets again.
- SLA compliance, per clock and priority: % met of the clocks decided in the window. A
  clock is decided when it stops (the response at the first agent response, or at the
  resolution if nobody answered first; the resolution at the resolution) or, while it
  still runs, when its due time passes (a miss). Met means it stopped at or before its
  due time. The due times are the stored `response_due_at` / `resolution_due_at`, which
  services/sla.py already computes in the group's business hours and moves by every
  pause (pending, or resolved and then reopened), so business hours and pauses count
  exactly as the incident's own clocks count them; a pending incident whose pause began
  before its due time is not overdue. One correction, for rows written before it was
  fixed: closing a resolved incident used to move its stored resolution due time on by
  the time it waited as resolved, so for a closed incident the due time in force at the
  resolution (recorded on the closing timeline row, when it moved) is used. Cancelled
  incidents are left out of SLA compliance.
- MTTA: from opening to the first agent response, over the incidents first answered in
  the window. MTTR: from opening to the (latest) resolution, over the incidents resolved
  in the window. Both are wall-clock times: business hours and pending time are not
  taken out (they count only in SLA compliance). Median and 90th percentile, by linear
  interpolation between the nearest ranks (numpy.percentile, PostgreSQL's
  percentile_cont).
- Reopen rate: incidents reopened in the window (the Reopened list of the review), over
  those resolved in it or reopened in it. One reopened and not resolved again is no
  longer among the resolved, yet its reopening counts, so the rate never reads "none"
  above a list of reopened incidents.
- Reclassification rate: incidents opened in the window whose category or priority now
  differs from the initial classification, over incidents opened in the window.
- Knowledge-base deflection: problems a suggested article solved in the chat before any
  incident was opened (a helpful vote with no incident), over those plus the incidents
  opened, in the window. Desk-wide only: with --group it is not computed. Incidents
  resolved with the code solved-by-kb are counted apart: an incident was opened for them.
- Most helpful articles: helpful votes out of all votes cast in the window, per article.
- Satisfaction: incidents resolved in the window that their reporters rated good, over
  those they rated at all (good, ok or poor; the latest rating counts), and how many poor.
- Agents: incidents they resolved in the window (the owner at resolution) and the open
  incidents they own now; of the ones they resolved that were rated, how many good.
  Groups: opened, resolved in the window, open now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import ArticleFeedback, Incident, IncidentEvent
from bot.services.incidents import REOPENED, SOLVED_BY_KB
from bot.services.lifecycle import State
from bot.services.report_sql import epoch, local_day
from bot.services.report_window import Window
from bot.services.rules import DeskRules

OPEN_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING)
RESOLVED_STATES = (State.RESOLVED, State.CLOSED)
TOP_CATEGORIES = 8
TOP_ARTICLES = 5
# A window with more than this share of all incidents is read by a table scan.
WIDE_SHARE = 0.15
# Moments come back from SQLite to the millisecond: a resolution within this of its due
# time is on time.
TOLERANCE_SECONDS = 0.001
_CLOSING = ("closed", "confirmed")
EPOCH_DAY = date(1970, 1, 1)
_I = Incident


@dataclass(frozen=True, slots=True)
class Ratio:
    """`part` of `whole`, e.g. SLA clocks met of those decided."""

    part: int = 0
    whole: int = 0

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True, slots=True)
class Spread:
    """Durations in seconds: how many, their median and 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True, slots=True)
class SlaRow:
    priority: str
    response: Ratio
    resolution: Ratio


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    opened: int
    resolved: int


@dataclass(frozen=True, slots=True)
class Count:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class ArticleScore:
    article: str
    helped: int
    votes: int


@dataclass(frozen=True, slots=True)
class AgentRow:
    handle: str
    name: str
    resolved: int
    open: int
    rated_good: int = 0  # of the incidents they resolved that their reporters rated
    rated: int = 0


@dataclass(frozen=True, slots=True)
class GroupRow:
    group: str
    opened: int
    resolved: int
    open: int


@dataclass(frozen=True, slots=True)
class DeskReport:
    """Every figure of one report; `bot/report_card`, `report_chart` and `report_export`
    only present it."""

    desk: str
    window: Window
    priorities: tuple[str, ...]
    backlog: dict[str, dict[str, int]]  # open state -> priority -> incidents
    days: tuple[Day, ...]
    opened: int
    resolved: int
    sla: tuple[SlaRow, ...]
    mtta: Spread
    mttr: Spread
    reopened: Ratio  # of resolved
    reclassified: Ratio  # of opened
    category_changed: int
    priority_changed: int
    deflected: Ratio | None  # of deflected + opened; None with --group
    solved_by_kb: int
    satisfied: Ratio  # rated good, of the resolved incidents their reporters rated
    rated_poor: int
    articles: tuple[ArticleScore, ...]
    categories: tuple[Count, ...]
    agents: tuple[AgentRow, ...]
    groups: tuple[GroupRow, ...]

    @property
    def backlog_total(self) -> int:
        return sum(sum(row.values()) for row in self.backlog.values())

    def backlog_by_priority(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for row in self.backlog.values():
            totals.update(row)
        return {p: totals[p] for p in self.priorities if totals[p]}

    @property
    def response(self) -> Ratio:
        return _sum(row.response for row in self.sla)

    @property
    def resolution(self) -> Ratio:
        return _sum(row.resolution for row in self.sla)


def _sum(ratios: Any) -> Ratio:
    parts = list(ratios)
    return Ratio(sum(r.part for r in parts), sum(r.whole for r in parts))


async def build_report(session: AsyncSession, rules: DeskRules, window: Window) -> DeskReport:
    """Every figure for the window, in a handful of aggregate queries."""
    figures = _Figures(session, window)
    await figures.choose_plan()
    backlog_rows = await figures.backlog()
    opened_rows = await figures.opened()
    resolved_rows = await figures.resolved()
    days = await figures.days()
    priorities = _priorities(rules, backlog_rows, opened_rows, resolved_rows)
    sla = await figures.sla(priorities, resolved_rows)
    deflected = None
    if window.group is None:
        deflections = await figures.deflections()
        deflected = Ratio(deflections, deflections + sum(r.count for r in opened_rows))

    opened = sum(r.count for r in opened_rows)
    resolved = sum(r.count for r in resolved_rows)
    return DeskReport(
        desk=rules.settings.desk.name,
        window=window,
        priorities=tuple(priorities),
        backlog=_backlog(backlog_rows, priorities),
        days=days,
        opened=opened,
        resolved=resolved,
        sla=sla,
        mtta=await figures.mtta(),
        mttr=await figures.mttr(),
        reopened=await figures.reopenings(resolved),
        reclassified=Ratio(
            sum(r.count for r in opened_rows if r.category_changed or r.priority_changed),
            opened,
        ),
        category_changed=sum(r.count for r in opened_rows if r.category_changed),
        priority_changed=sum(r.count for r in opened_rows if r.priority_changed),
        deflected=deflected,
        solved_by_kb=sum(r.count for r in resolved_rows if r.by_kb),
        satisfied=Ratio(
            sum(r.count for r in resolved_rows if r.rating == "good"),
            sum(r.count for r in resolved_rows if r.rating),
        ),
        rated_poor=sum(r.count for r in resolved_rows if r.rating == "poor"),
        articles=await figures.articles(),
        categories=_top_categories(opened_rows),
        agents=_agents(rules, backlog_rows, resolved_rows),
        groups=_groups(rules, backlog_rows, opened_rows, resolved_rows),
    )


# -- the queries -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Backlog:
    state: str
    priority: str
    group: str
    assignee: str | None
    count: int


@dataclass(frozen=True, slots=True)
class _Opened:
    category: str
    priority: str
    group: str
    category_changed: bool
    priority_changed: bool
    count: int


@dataclass(frozen=True, slots=True)
class _Resolved:
    priority: str
    group: str
    assignee: str | None
    by_kb: bool
    met: bool
    rating: str | None
    count: int


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


async def _count_by(
    session: AsyncSession, where: list[ColumnElement[bool]], *columns: ColumnElement[Any]
) -> list[Any]:
    """Rows of (*columns, count), grouped by the columns. They are computed in a subquery
    and grouped outside it, so that PostgreSQL never compares two renderings of one
    expression (with their own parameters) between SELECT and GROUP BY."""
    inner = select(*(c.label(f"k{n}") for n, c in enumerate(columns))).where(*where).subquery()
    keys = list(inner.c)
    return list(await session.execute(select(*keys, func.count()).group_by(*keys)))


def resolution_due_epoch() -> ColumnElement[float]:
    """The resolution due time in force when the incident was resolved, in seconds: the
    stored one, or for a closed incident the one its closing timeline row moved away from
    (closing used to add the time spent resolved to the pauses, which moved the stored
    one; incidents closed since keep it)."""
    before_closing = (
        select(IncidentEvent.changes[("resolution_due_at", 0)].as_string())
        .where(IncidentEvent.incident_id == _I.id, IncidentEvent.kind.in_(_CLOSING))
        .order_by(IncidentEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(epoch(before_closing), epoch(_I.resolution_due_at))


def resolution_met() -> ColumnElement[int]:
    """1 if a resolved incident's resolution was on time, else 0.

    Closing only ever moves the stored due time later, by at most the wall-clock time
    between resolving and closing. So a resolution after the stored due time was late, and
    one whose incident was closed by the stored due time was on time; only the rest (a
    closed incident of a business-hours group, mostly) need the closing row's due time.
    """
    return case(
        (_I.resolved_at > _I.resolution_due_at, 0),
        (or_(_I.state != State.CLOSED.value, _I.closed_at <= _I.resolution_due_at), 1),
        (epoch(_I.resolved_at) <= resolution_due_epoch() + TOLERANCE_SECONDS, 1),
        else_=0,
    )


def response_end() -> ColumnElement[datetime]:
    """When the response clock stopped: the first response, else the resolution."""
    return func.coalesce(_I.responded_at, _I.resolved_at)


class _Figures:
    """The queries of one report, narrowed to the window's group when it has one."""

    def __init__(self, session: AsyncSession, window: Window) -> None:
        self.session, self.window = session, window
        self.since, self.until = window.since, window.until
        self.in_group: list[ColumnElement[bool]] = (
            [_I.group == window.group] if window.group else []
        )
        self.narrow = True

    async def choose_plan(self) -> None:
        """A window holding a small share of the incidents is read through the indexes on
        (state, opened_at) and (state, resolved_at); a wide one is faster read whole, in
        table order, than row by row through an index (SQLite keeps no statistics on how
        many rows a range holds, so it is told)."""
        total = await self.session.scalar(select(func.count()).select_from(_I))
        inside = await self.session.scalar(select(func.count()).where(*self.opened_in()))
        self.narrow = (inside or 0) <= WIDE_SHARE * (total or 0)

    def within(self, column: Any) -> list[ColumnElement[bool]]:
        return [column >= self.since, column < self.until, *self.in_group]

    def opened_in(self) -> list[ColumnElement[bool]]:
        # Naming every state lets the (state, opened_at) index serve the range on opened_at.
        states = [_I.state.in_([s.value for s in State])] if self.narrow else []
        return [*states, *self.within(_I.opened_at)]

    def resolved_in(self) -> list[ColumnElement[bool]]:
        # Only resolved and closed incidents have a resolved_at: the (state, resolved_at)
        # index serves this.
        states = [_I.state.in_([s.value for s in RESOLVED_STATES])] if self.narrow else []
        return [*states, *self.within(_I.resolved_at)]

    async def backlog(self) -> list[_Backlog]:
        where = [_I.state.in_([s.value for s in OPEN_STATES]), *self.in_group]
        rows = await _count_by(self.session, where, _I.state, _I.priority, _I.group, _I.assignee)
        return [_Backlog(*row) for row in rows]

    async def opened(self) -> list[_Opened]:
        rows = await _count_by(
            self.session,
            self.opened_in(),
            _I.category,
            _I.priority,
            _I.group,
            _flag(_I.category != _I.initial_category),
            _flag(_I.priority != _I.initial_priority),
        )
        return [_Opened(c, p, g, bool(cc), bool(pc), n) for c, p, g, cc, pc, n in rows]

    async def resolved(self) -> list[_Resolved]:
        rows = await _count_by(
            self.session,
            self.resolved_in(),
            _I.priority,
            _I.group,
            _I.assignee,
            _flag(_I.resolution_code == SOLVED_BY_KB),
            resolution_met(),
            _I.satisfaction,
        )
        return [
            _Resolved(p, g, a, bool(kb), bool(met), rating, n)
            for p, g, a, kb, met, rating, n in rows
        ]

    async def days(self) -> tuple[Day, ...]:
        opened = await self._per_day(_I.opened_at, self.opened_in())
        resolved = await self._per_day(_I.resolved_at, self.resolved_in())
        return tuple(
            Day(day, opened.get(day, 0), resolved.get(day, 0)) for day in self.window.days()
        )

    async def _per_day(self, column: Any, where: list[ColumnElement[bool]]) -> Counter[date]:
        """Counts per calendar day of the window's time zone, grouped in the database."""
        day = local_day(column, self.window.offsets())
        rows = await _count_by(self.session, where, day)
        return Counter({EPOCH_DAY + timedelta(days=int(number)): count for number, count in rows})

    async def sla(self, priorities: list[str], resolved: list[_Resolved]) -> tuple[SlaRow, ...]:
        """Clocks decided in the window per priority: (met, decided). The resolutions in
        the window are counted by `resolved` already."""
        response: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        resolution: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        ended = response_end()
        not_cancelled = [_I.state != State.CANCELLED.value, *self.within(ended)]
        stopped = _flag(ended <= _I.response_due_at)
        for priority, met, count in await _count_by(
            self.session, not_cancelled, _I.priority, stopped
        ):
            response[priority][0] += count if met else 0
            response[priority][1] += count
        for priority, count in await self._overdue(response_overdue()):
            response[priority][1] += count
        for row in resolved:
            resolution[row.priority][0] += row.count if row.met else 0
            resolution[row.priority][1] += row.count
        for priority, count in await self._overdue(resolution_overdue()):
            resolution[priority][1] += count
        return tuple(
            SlaRow(p, Ratio(*response[p]), Ratio(*resolution[p]))
            for p in _with_extra(priorities, [*response, *resolution])
        )

    async def _overdue(self, conditions: tuple[Any, list[ColumnElement[bool]]]) -> list[Any]:
        due, where = conditions
        return await _count_by(self.session, [*where, *self.within(due)], _I.priority)

    async def mtta(self) -> Spread:
        taken = epoch(_I.responded_at) - epoch(_I.opened_at)
        return await self._spread(select(taken).where(*self.within(_I.responded_at)))

    async def mttr(self) -> Spread:
        taken = epoch(_I.resolved_at) - epoch(_I.opened_at)
        return await self._spread(select(taken).where(*self.resolved_in()))

    async def _spread(self, query: Any) -> Spread:
        values = np.fromiter((await self.session.scalars(query)), dtype=float)
        if not len(values):
            return Spread()
        median, p90 = np.percentile(np.round(values, 3), [50, 90])
        return Spread(len(values), round(float(median), 3), round(float(p90), 3))

    async def reopenings(self, resolved: int) -> Ratio:
        """Incidents reopened in the window, of those `resolved` in it and those reopened
        in it that were not (still open, or resolved again after it)."""
        again = and_(_I.resolved_at >= self.since, _I.resolved_at < self.until)
        not_again = case((again, None), else_=_I.id)
        query = (
            select(func.count(_I.id.distinct()), func.count(not_again.distinct()))
            .join(IncidentEvent, IncidentEvent.incident_id == _I.id)
            .where(
                IncidentEvent.kind == REOPENED,
                IncidentEvent.at >= self.since,
                IncidentEvent.at < self.until,
                *self.in_group,
            )
        )
        reopened, not_resolved = (await self.session.execute(query)).one()
        return Ratio(int(reopened), resolved + int(not_resolved))

    async def deflections(self) -> int:
        query = select(func.count()).where(
            ArticleFeedback.helpful.is_(True),
            ArticleFeedback.incident_id.is_(None),
            ArticleFeedback.at >= self.since,
            ArticleFeedback.at < self.until,
        )
        return int(await self.session.scalar(query) or 0)

    async def articles(self) -> tuple[ArticleScore, ...]:
        helped = func.sum(_flag(ArticleFeedback.helpful.is_(True)))
        where = [ArticleFeedback.at >= self.since, ArticleFeedback.at < self.until]
        if self.window.group:
            mine = select(_I.id).where(_I.group == self.window.group)
            where.append(ArticleFeedback.incident_id.in_(mine))
        rows = await self.session.execute(
            select(ArticleFeedback.article_id, helped, func.count())
            .where(*where)
            .group_by(ArticleFeedback.article_id)
        )
        scores = [ArticleScore(a, int(h or 0), int(v)) for a, h, v in rows if h]
        # The most people helped first; of as many, the one fewer people voted against.
        scores.sort(key=lambda s: (-s.helped, s.votes, s.article))
        return tuple(scores[:TOP_ARTICLES])


def response_overdue() -> tuple[Any, list[ColumnElement[bool]]]:
    """Open incidents nobody has answered whose response is overdue: (due column, where)."""
    return _I.response_due_at, [
        _I.state.in_([s.value for s in OPEN_STATES]),
        _I.responded_at.is_(None),
        _I.resolved_at.is_(None),
    ]


def resolution_overdue() -> tuple[Any, list[ColumnElement[bool]]]:
    """Open incidents whose resolution is overdue: (due column, where). A pending incident
    whose pause began before its due time has not used it up yet."""
    return _I.resolution_due_at, [
        _I.state.in_([s.value for s in OPEN_STATES]),
        _I.resolved_at.is_(None),
        or_(_I.sla_paused_since.is_(None), _I.sla_paused_since > _I.resolution_due_at),
    ]


def response_missed() -> ColumnElement[bool]:
    """A response clock that stopped after its due time (for listing the misses)."""
    ended = response_end()
    return and_(_I.state != State.CANCELLED.value, ended > _I.response_due_at)


# -- shaping ---------------------------------------------------------------------


def _priorities(rules: DeskRules, *row_lists: Any) -> list[str]:
    """The configured priorities, then any that only old incidents still carry."""
    found = [row.priority for rows in row_lists for row in rows]
    return _with_extra(list(rules.classifier.priorities), found)


def _with_extra(known: list[str], found: Any) -> list[str]:
    return list(dict.fromkeys([*known, *sorted(set(found) - set(known))]))


def _backlog(rows: list[_Backlog], priorities: list[str]) -> dict[str, dict[str, int]]:
    """Open incidents by state (in lifecycle order), then priority (in config order)."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        counts[row.state, row.priority] += row.count
    table = {
        state.value: {p: counts[state.value, p] for p in priorities if counts[state.value, p]}
        for state in OPEN_STATES
    }
    return {state: row for state, row in table.items() if row}


def _top_categories(rows: list[_Opened]) -> tuple[Count, ...]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row.category] += row.count
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Count(name, n) for name, n in ranked[:TOP_CATEGORIES])


def _agents(
    rules: DeskRules, backlog: list[_Backlog], resolved: list[_Resolved]
) -> tuple[AgentRow, ...]:
    owned: Counter[str] = Counter()
    done: Counter[str] = Counter()
    good: Counter[str] = Counter()
    rated: Counter[str] = Counter()
    for row in backlog:
        if row.assignee:
            owned[row.assignee] += row.count
    for r in resolved:
        if r.assignee:
            done[r.assignee] += r.count
            rated[r.assignee] += r.count if r.rating else 0
            good[r.assignee] += r.count if r.rating == "good" else 0
    rows = [
        AgentRow(
            handle,
            rules.directory.name_of(handle),
            done[handle],
            owned[handle],
            good[handle],
            rated[handle],
        )
        for handle in set(owned) | set(done)
    ]
    rows.sort(key=lambda a: (-a.resolved, -a.open, a.handle))
    return tuple(rows)


def _groups(
    rules: DeskRules, backlog: list[_Backlog], opened: list[_Opened], resolved: list[_Resolved]
) -> tuple[GroupRow, ...]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for o in opened:
        counts[o.group][0] += o.count
    for r in resolved:
        counts[r.group][1] += r.count
    for b in backlog:
        counts[b.group][2] += b.count
    order = _with_extra(list(rules.settings.groups), counts)
    return tuple(GroupRow(g, *counts[g]) for g in order if g in counts)
