"""Incident control: open, claim, assign, escalate, pend, resolve, close, reopen, cancel.

Every change goes through `_change`, which writes the timeline row with the
actor and the before/after values in the same session, so the two commit
together or not at all. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Role
from bot.errors import BadArguments, Conflict, Forbidden, InvalidTransition, NotFound
from bot.ids import format_id
from bot.messages import ChannelRef
from bot.models import (
    AffectedPerson,
    ArticleFeedback,
    Incident,
    IncidentArticle,
    IncidentEvent,
    SlaClock,
)
from bot.services.duplicates import best_match, named_by
from bot.services.lifecycle import NOT_FINAL, OPEN, REPORTER, THIRD_PARTY, State, check
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.services.sla_queue import next_unowned

LIST_LIMIT = 25
SOLVED_BY_KB = "solved-by-kb"
KINDS = ("incident", "request")
# The desk's own working notes ("checked the AD groups"): the reporter's side never sees
# them or hears of them, and they are no answer to the reporter (the response clock runs).
INTERNAL_NOTE = "internal_note"
REMINDED = "reminded"  # Deskbot put the desk's question to the reporter once more
REOPENED = "reopened"  # the reporter (or an agent) sent a resolved incident back to work
RATED = "rated"  # the reporter rated the handling of their fixed incident
RATINGS = ("good", "ok", "poor")
RECURRED = "recurred"  # Deskbot saw a new incident is its reporter's fixed problem back
# A note that waits for its reader's word: a question, or asked for in other words
_ASKS_FOR = re.compile(
    r"\?|\b(?:please|pls|i need|we need|i'?ll need|send me|let me know|could you|can you|"
    r"would you)\b",
    re.I,
)
MANAGER_REASON = ", because: "  # "to Carol Chen (carol), because: <why>" on the timeline
CHANGES = "deskbot.changes"  # session.info key: the events written in this unit of work
# session.info key: the places (platform, channel, thread) where this unit of work's notes
# were said, so that whoever is reached there is not told them again.
SEEN_IN = "deskbot.seen_in"
SYSTEM = Person(key="deskbot", name="Deskbot", role=Role.MANAGER)


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What `/incident list` narrows to. `state` is a state, 'open' or 'all'; when it
    is not given, agents see the open queue and users also their resolved incidents
    (those still waiting for their confirmation). `resolved_in`: only those resolved in
    [since, until) (until None: up to now) and not reopened, in whatever state now."""

    mine: bool = False
    state: str | None = None
    group: str | None = None
    priority: str | None = None
    unassigned: bool = False
    # Each word in the summary, the description or the fix; with words and no state,
    # every state, newest first ("the projector ticket from last month").
    words: tuple[str, ...] = ()
    reporter_key: str | None = None
    resolved_in: tuple[datetime, datetime | None] | None = None
    owner: str | None = None  # an agent's handle
    escalated: bool = False  # to another group or to the manager

    @property
    def urgent_first(self) -> bool:
        """Open work is listed most urgent first; a list that takes in finished work,
        newest first (what was done last week is looked for by when)."""
        open_work = self.state in (None, "open", *OPEN)
        return open_work and not (self.words or self.resolved_in)


class Incidents:
    """The incident service for one unit of work."""

    def __init__(self, session: AsyncSession, rules: DeskRules, now: datetime) -> None:
        self.session, self.rules, self.now = session, rules, now

    # -- reading ----------------------------------------------------------

    async def get(self, number: int) -> Incident:
        incident = await self.session.get(Incident, number)
        if incident is None:
            raise NotFound(f"There is no incident {format_id(number)}.")
        return incident

    async def get_for(self, number: int, viewer: Person) -> Incident:
        """An incident the viewer may see; to a plain user, others' look like missing ones."""
        if viewer.is_agent:
            return await self.get(number)
        incident = await self.session.get(Incident, number)
        if incident is None or not await self.involves(incident, viewer):
            raise NotFound(
                f"You have no incident {format_id(number)}. "
                "`/incident list` shows the ones you reported."
            )
        return incident

    async def named_in(self, person: Person, text: str) -> Incident | None:
        """The open incident of `person`'s that the text names by what it is about ("my
        printer ticket"), when exactly one fits."""
        rows = await self.session.scalars(
            select(Incident)
            .where(
                Incident.reporter_key == person.key,
                Incident.state.in_([s.value for s in OPEN]),
            )
            .order_by(Incident.id.desc())
            .limit(20)
        )
        return named_by(text, list(rows))

    async def involves(self, incident: Incident, person: Person) -> bool:
        """Whether the person reported the incident or said they are affected too."""
        if incident.reporter_key == person.key:
            return True
        key = (incident.id, person.key)
        return await self.session.get(AffectedPerson, key) is not None

    async def last_fixed(self, reporter: Person) -> Incident | None:
        """The reporter's most recently resolved incident (resolved or closed since)."""
        return await self.session.scalar(
            select(Incident)
            .where(
                Incident.reporter_key == reporter.key,
                Incident.state.in_([State.RESOLVED.value, State.CLOSED.value]),
            )
            .order_by(Incident.resolved_at.desc())
            .limit(1)
        )

    async def affected(self, number: int) -> list[AffectedPerson]:
        rows = await self.session.scalars(
            select(AffectedPerson)
            .where(AffectedPerson.incident_id == number)
            .order_by(AffectedPerson.at)
        )
        return list(rows)

    async def recent_open(self, since: datetime, limit: int = 200) -> list[Incident]:
        """Open incidents opened since a moment, newest first: duplicate candidates."""
        rows = await self.session.scalars(
            select(Incident)
            .where(Incident.state.in_([s.value for s in OPEN]), Incident.opened_at >= since)
            .order_by(Incident.opened_at.desc())
            .limit(limit)
        )
        return list(rows)

    async def timeline(
        self, number: int, viewer: Person, *, last: int | None = None
    ) -> list[IncidentEvent]:
        """The incident's events as `viewer` may see them: all of them for the desk, all
        but its internal notes for anyone else."""
        query = select(IncidentEvent).where(IncidentEvent.incident_id == number)
        if not viewer.is_agent:
            query = query.where(IncidentEvent.kind != INTERNAL_NOTE)
        if last is None:
            rows = await self.session.scalars(query.order_by(IncidentEvent.id))
            return list(rows)
        rows = await self.session.scalars(query.order_by(IncidentEvent.id.desc()).limit(last))
        return list(reversed(list(rows)))

    async def search(self, viewer: Person, flt: IncidentFilter) -> tuple[list[Incident], int]:
        """Incidents matching the filter, most urgent first, and how many match in all."""
        conditions = self._conditions(viewer, flt)
        total = await self.session.scalar(select(func.count(Incident.id)).where(*conditions))
        rank = case(
            {p: i for i, p in enumerate(self.rules.classifier.priorities)},
            value=Incident.priority,
        )
        order: tuple[Any, ...] = (rank, Incident.opened_at)
        if flt.resolved_in:
            order = (Incident.resolved_at.desc(), Incident.id.desc())
        elif not flt.urgent_first:
            order = (Incident.opened_at.desc(), Incident.id.desc())
        query = select(Incident).where(*conditions).order_by(*order)
        rows = await self.session.scalars(query.limit(LIST_LIMIT))
        return list(rows), total or 0

    def _conditions(self, viewer: Person, flt: IncidentFilter) -> list[Any]:
        conditions: list[Any] = []
        if not viewer.is_agent:
            theirs = select(AffectedPerson.incident_id).where(
                AffectedPerson.person_key == viewer.key
            )
            conditions.append(or_(Incident.reporter_key == viewer.key, Incident.id.in_(theirs)))
        elif flt.mine:
            conditions.append(Incident.assignee == viewer.handle)
        conditions.extend(_mentioning(word) for word in flt.words)
        if flt.reporter_key:
            conditions.append(Incident.reporter_key == flt.reporter_key)
        in_state = _in_state(viewer, flt)
        if in_state is not None:
            conditions.append(in_state)
        if flt.group:
            conditions.append(Incident.group == flt.group)
        if flt.priority:
            conditions.append(Incident.priority == flt.priority)
        if flt.unassigned:
            conditions.append(Incident.assignee.is_(None))
        if flt.owner:
            conditions.append(Incident.assignee == flt.owner)
        if flt.escalated:
            conditions.append(or_(Incident.escalation_level > 0, Incident.manager_escalated))
        if flt.resolved_in:
            # a reopened incident's resolution is undone (its resolved_at cleared)
            since, until = flt.resolved_in
            conditions.append(Incident.resolved_at >= since)
            if until is not None:
                conditions.append(Incident.resolved_at < until)
        return conditions

    # -- opening ----------------------------------------------------------

    async def open(
        self,
        *,
        reporter: Person,
        channel: ChannelRef,
        text: str,
        kind: str = "incident",
        category: str | None = None,
        impact: str | None = None,
        urgency: str | None = None,
        logged_by: Person | None = None,
        attachments: Sequence[str] = (),
    ) -> Incident:
        """Record a new incident with its initial classification and SLA due times;
        `logged_by` an agent who logs it for its reporter (who told them another way);
        `attachments` the lines for files sent with the report, kept in its description."""
        summary, description = self._split_summary(text)
        if attachments:
            description = "\n".join([description or summary, *attachments])
        c = self.rules.classifier.classify(category, impact, urgency)
        group = self.rules.classifier.group_for(c.category)
        due = self.rules.sla.due_times(c.priority, self.now, group)
        incident = Incident(
            kind=kind,
            summary=summary,
            description=description,
            state=State.NEW.value,
            category=c.category,
            impact=c.impact,
            urgency=c.urgency,
            priority=c.priority,
            initial_category=c.category,
            initial_impact=c.impact,
            initial_urgency=c.urgency,
            initial_priority=c.priority,
            group=group,
            assignee=None,
            reporter_key=reporter.key,
            reporter_name=reporter.name,
            origin_platform=channel.platform,
            origin_channel=channel.channel_id,
            origin_thread=channel.thread_id,
            escalation_level=0,
            manager_escalated=False,
            reopen_count=0,
            opened_at=self.now,
            updated_at=self.now,
            response_due_at=due.response,
            resolution_due_at=due.resolution,
            sla_paused_seconds=0,
            clock=SlaClock(response_stage=0, resolution_stage=0),
        )
        incident.clock.next_check_at = self.rules.sla.next_check(incident)
        self.session.add(incident)
        await self.session.flush()
        opened = {
            "state": [None, incident.state],
            "priority": [None, c.priority],
            "category": [None, c.category],
            "impact": [None, c.impact],
            "urgency": [None, c.urgency],
            "group": [None, incident.group],
        }
        self._event(incident, logged_by or reporter, "opened", opened, summary)
        await self._note_recurrence(incident, text)
        return incident

    async def _note_recurrence(self, incident: Incident, text: str) -> None:
        """The reporter's problem fixed lately is back: whoever works the new incident
        sees what was done the last time, and that it didn't hold."""
        window = self.rules.settings.intake.recurrence_window
        if window is None:
            return
        rows = await self.session.scalars(
            select(Incident)
            .where(
                Incident.reporter_key == incident.reporter_key,
                Incident.state.in_([State.RESOLVED.value, State.CLOSED.value]),
                Incident.resolved_at >= self.now - window,
            )
            .order_by(Incident.resolved_at.desc())
            .limit(20)
        )
        threshold = self.rules.settings.intake.duplicate_threshold
        default = self.rules.settings.default_category
        match = best_match(text, incident.category, list(rows), threshold, default)
        if match is None:
            return
        before = match.incident
        fix = f": {before.resolution_note}" if before.resolution_note else ""
        zone = self.rules.settings.desk.zone
        when = f"{before.resolved_at.astimezone(zone):%Y-%m-%d}" if before.resolved_at else "lately"
        self.record(
            incident,
            RECURRED,
            f"came back after {format_id(before.id)} “{before.summary}”, resolved {when}{fix}",
        )

    def summary_of(self, text: str) -> str:
        """The summary an incident opened with this text would have."""
        return self._split_summary(text)[0]

    def _split_summary(self, text: str) -> tuple[str, str]:
        """Keep the summary short; a longer text is kept whole as the description."""
        text = " ".join(text.split()) if "\n" not in text else text.strip()
        first_line = text.splitlines()[0].strip() if text else ""
        if not first_line:
            raise BadArguments(
                "An incident needs a summary: what is wrong, in a sentence.\n"
                "Example: /incident open VPN disconnects every few minutes --impact medium"
            )
        limit = self.rules.settings.limits.summary_chars
        if len(first_line) <= limit and first_line == text:
            return first_line, ""
        if len(first_line) <= limit:
            return first_line, text
        cut = first_line[: limit - 1].rsplit(" ", 1)[0] or first_line[: limit - 1]
        return cut + "…", text

    # -- ownership ----------------------------------------------------------

    async def claim(self, number: int, agent: Person) -> Incident:
        """Take ownership and start work; the loser of a race is told who won."""
        incident = await self.get(number)
        label = format_id(number)
        owner = incident.assignee
        if owner and owner != agent.handle and incident.state in OPEN - {State.NEW}:
            verb = "assigned to" if incident.state == State.ASSIGNED else "claimed by"
            name = self.rules.directory.name_of(owner)
            raise Conflict(f"{label} is already {verb} {name}.")
        if owner == agent.handle and incident.state in (State.IN_PROGRESS, State.PENDING):
            raise Conflict(f"You already own {label}.")
        self._check("claim", incident)
        self._respond(incident)
        self._change(
            incident, agent, "claimed", state=State.IN_PROGRESS.value, assignee=agent.handle
        )
        return incident

    async def claim_next(self, agent: Person) -> Incident:
        """Claim the incident nobody owns in the agent's groups that falls due first."""
        groups = self.rules.directory.teams(agent)
        if not groups:
            raise BadArguments(
                "You are in no support group, so no queue is yours to take from. "
                "Claim one by its number: `/incident claim 42`."
            )
        incident = await next_unowned(self.session, groups)
        if incident is None:
            raise NotFound(
                f"Nothing is waiting in {_queues(groups)}: every open incident there has an "
                "owner, or waits on someone else. `/incident queue --all` shows them."
            )
        return await self.claim(incident.id, agent)

    async def assign(
        self, number: int, agent: Person, target: str, reason: str | None = None
    ) -> Incident:
        """Give the incident to an agent (by handle) or to a group's queue; the reason,
        if given, is on the timeline and goes to whoever it is given to."""
        incident = await self.get(number)
        self._check("assign", incident)
        keep_pending = incident.state == State.PENDING
        state = State.PENDING.value if keep_pending else State.ASSIGNED.value
        owner, group = self._assignee_and_group(incident, target)
        if (incident.assignee, incident.group, incident.state) == (owner, group, state):
            raise Conflict(f"{format_id(number)} is already assigned to {owner or group}.")
        self._change(
            incident, agent, "assigned", text=reason, state=state, assignee=owner, group=group
        )
        return incident

    def _assignee_and_group(self, incident: Incident, target: str) -> tuple[str | None, str]:
        """An agent keeps the incident in its group if they belong to it, else in theirs."""
        staff = self.rules.directory.staff(target)
        if staff is not None:
            keep = incident.group in staff.groups or not staff.groups
            return staff.handle, incident.group if keep else staff.groups[0]
        if target in self.rules.settings.groups:
            return None, target
        raise BadArguments(
            f"'{target}' is neither an agent nor a group. "
            f"Agents: {', '.join(self.rules.directory.handles())}. "
            f"Groups: {', '.join(self.rules.settings.groups)}."
        )

    async def escalate(
        self,
        number: int,
        agent: Person,
        *,
        to_group: str | None,
        hierarchic: bool,
        reason: str | None = None,
    ) -> Incident:
        """Functional: move to the next (or named) group. Hierarchic: bring in the manager.
        The reason, if given, is on the timeline and goes to whoever takes it on."""
        incident = await self.get(number)
        self._check("escalate", incident)
        if hierarchic and not to_group:
            return self._escalate_to_manager(incident, agent, reason)
        target = to_group or self.rules.settings.groups[incident.group].escalates_to
        if target is None:
            raise BadArguments(
                f"{incident.group} has no next group to escalate to. Name one with --to "
                f"({', '.join(g for g in self.rules.settings.groups if g != incident.group)}), "
                "or use --hierarchic to bring in the manager."
            )
        if target not in self.rules.settings.groups:
            groups = ", ".join(self.rules.settings.groups)
            raise BadArguments(f"'{target}' is not a group. Groups: {groups}.")
        if target == incident.group:
            raise BadArguments(f"{format_id(number)} is already with {target}.")
        state = incident.state if incident.state == State.PENDING else State.ASSIGNED.value
        self._change(
            incident,
            agent,
            "escalated",
            state=state,
            group=target,
            assignee=None,
            escalation_level=incident.escalation_level + 1,
            text=reason,
        )
        if hierarchic:
            self._escalate_to_manager(incident, agent, reason)
        return incident

    def _escalate_to_manager(
        self, incident: Incident, agent: Person, reason: str | None = None
    ) -> Incident:
        manager = self.rules.settings.groups[incident.group].manager
        if manager is None:
            raise BadArguments(
                f"{incident.group} has no manager to escalate to (see groups in config.yaml)."
            )
        if incident.manager_escalated:
            raise Conflict(f"{format_id(incident.id)} is already escalated to the manager.")
        text = f"to {self.rules.directory.name_of(manager)}"
        text += f"{MANAGER_REASON}{reason}" if reason else ""
        self._change(incident, agent, "escalated_to_manager", manager_escalated=True, text=text)
        return incident

    # -- working ----------------------------------------------------------

    async def pend(self, number: int, agent: Person, reason: str, on: str = REPORTER) -> Incident:
        """Put on hold. Its owner may before claiming it (after a handover, say), and so
        may an agent asking first about one nobody owns: it is theirs from then on, and
        asking is the desk's first response."""
        incident = await self.get(number)
        takes = incident.state in (State.NEW, State.ASSIGNED) and incident.assignee in (
            None,
            agent.handle,
        )
        if takes:
            self._respond(incident)
        else:
            self._check("pending", incident)
        self._change(
            incident,
            agent,
            "pending",
            state=State.PENDING.value,
            assignee=agent.handle if takes else incident.assignee,
            pending_reason=reason,
            pending_on=on,
            text=reason,
        )
        return incident

    async def resume(self, number: int, agent: Person, note: str | None = None) -> Incident:
        """Carry on with a pending incident; the note, if any, says what changed."""
        incident = await self.get(number)
        self._check("resume", incident)
        self._back_to_work(incident, agent, "resumed", note)
        return incident

    def _back_to_work(
        self, incident: Incident, actor: Person, kind: str, text: str | None = None
    ) -> None:
        """Its owner carries on; with none (it was escalated while it waited), it goes
        back to its group's queue to be claimed, as a reopened one does."""
        state = State.IN_PROGRESS if incident.assignee else State.ASSIGNED
        self._change(
            incident,
            actor,
            kind,
            state=state.value,
            pending_reason=None,
            pending_on=None,
            text=text,
        )

    async def resolve(self, number: int, agent: Person, note: str, code: str) -> Incident:
        """Resolve; an agent resolving an unowned incident at first contact owns it."""
        incident = await self.get(number)
        self._check("resolve", incident)
        self._respond(incident)
        self._resolve(incident, agent, note, code, owner=incident.assignee or agent.handle)
        return incident

    async def solved_by_article(self, number: int, reporter: Person, article: str) -> Incident:
        """The reporter says a suggested article fixed it: resolved with solved-by-kb."""
        incident = await self.get_for(number, reporter)
        self._check("resolve", incident)
        note = f"Solved by knowledge-base article {article}"
        self._resolve(incident, reporter, note, SOLVED_BY_KB, owner=incident.assignee)
        return incident

    def _resolve(
        self, incident: Incident, actor: Person, note: str, code: str, *, owner: str | None
    ) -> None:
        self._change(
            incident,
            actor,
            "resolved",
            state=State.RESOLVED.value,
            resolved_at=self.now,
            resolution_note=note,
            resolution_code=code,
            pending_reason=None,
            pending_on=None,
            assignee=owner,
            text=note,
        )

    async def close(self, number: int, agent: Person) -> Incident:
        incident = await self.get(number)
        self._check("close", incident)
        self._change(incident, agent, "closed", state=State.CLOSED.value, closed_at=self.now)
        return incident

    async def confirm(self, number: int, reporter: Person) -> Incident:
        """The reporter confirms the fix: the incident closes."""
        incident = await self.get_for(number, reporter)
        _reporter_only(incident, reporter, "confirm the fix")
        self._reporter_may("confirm", incident)
        self._check("close", incident)
        self._change(incident, reporter, "confirmed", state=State.CLOSED.value, closed_at=self.now)
        return incident

    async def waiting_for_word(self, reporter: Person) -> list[Incident]:
        """The reporter's resolved incidents, waiting for them to confirm or reopen (at
        most two: enough to tell one from several)."""
        rows = await self.session.scalars(
            select(Incident)
            .where(
                Incident.reporter_key == reporter.key,
                Incident.state == State.RESOLVED.value,
            )
            .limit(2)
        )
        return list(rows)

    async def rate(
        self, number: int, reporter: Person, rating: str, comment: str | None = None
    ) -> Incident:
        """The reporter says how the desk handled their fixed incident; a second rating
        replaces the first."""
        if rating not in RATINGS:
            raise BadArguments(f"'{rating}' is not a rating. Use one of: {', '.join(RATINGS)}.")
        incident = await self.get_for(number, reporter)
        _reporter_only(incident, reporter, "rate it")
        label = format_id(incident.id)
        if State(incident.state) in OPEN:
            raise InvalidTransition(f"{label} isn't fixed yet: rate it once it is resolved.")
        if incident.state == State.CANCELLED:
            raise InvalidTransition(f"{label} was cancelled: there is nothing to rate.")
        said = f"{rating}: {comment}" if comment else rating
        self._change(incident, reporter, RATED, satisfaction=rating, text=said)
        return incident

    async def close_resolved(self, before: datetime, limit: int = 100) -> list[Incident]:
        """Close incidents resolved before a moment with no word from the reporter.
        Rows another worker is closing right now are skipped (SKIP LOCKED)."""
        closed = await self._due(
            Incident.resolved_at,
            limit,
            Incident.state == State.RESOLVED.value,
            Incident.resolved_at <= before,
        )
        for incident in closed:
            self._change(
                incident,
                SYSTEM,
                "closed",
                state=State.CLOSED.value,
                closed_at=self.now,
                text="closed automatically: resolved, and no reply from the reporter since",
            )
        return closed

    async def remind_unanswered(self, before: datetime, limit: int = 100) -> list[Incident]:
        """Put the desk's question to the reporter once more, for incidents waiting on
        their answer since before a moment and not yet reminded in this wait."""
        reminded = select(IncidentEvent.id).where(
            IncidentEvent.incident_id == Incident.id,
            IncidentEvent.kind == REMINDED,
            IncidentEvent.at > Incident.sla_paused_since,  # a reminder comes later
        )
        due = await self._due(
            Incident.sla_paused_since,
            limit,
            Incident.state == State.PENDING.value,
            or_(Incident.pending_on.is_(None), Incident.pending_on != THIRD_PARTY),
            Incident.sla_paused_since <= before,
            ~reminded.exists(),
        )
        for incident in due:
            self._event(
                incident, SYSTEM, REMINDED, {}, f"no answer yet to: {incident.pending_reason}"
            )
        return due

    async def _due(
        self, oldest_first: Any, limit: int, *conditions: ColumnElement[bool]
    ) -> list[Incident]:
        """A scheduler job's batch: rows another worker holds right now are skipped."""
        rows = await self.session.scalars(
            select(Incident)
            .where(*conditions)
            .order_by(oldest_first)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    def _reporter_may_withdraw(
        self, incident: Incident, person: Person, duplicate_of: int | None
    ) -> None:
        label = format_id(incident.id)
        if incident.reporter_key != person.key:
            raise Forbidden(
                f"Only {incident.reporter_name}, who reported it, or an agent can cancel {label}."
            )
        if duplicate_of is not None:
            raise Forbidden(
                "Only the desk links duplicates. To withdraw your own incident, say why: "
                f"`/incident cancel {incident.id} it works again`."
            )
        if incident.people_affected > 1:
            raise Forbidden(
                f"Others are affected by {label} too ({incident.people_affected} people), so "
                "it stays open for them. Tell the desk it works for you with a note: "
                f"`/incident note {incident.id} works for me now`."
            )
        if incident.state == State.RESOLVED:
            raise InvalidTransition(
                f"{label} is already resolved: `/incident confirm {incident.id}` closes it."
            )

    def reporter_may_reopen(self, incident: Incident, person: Person) -> None:
        """A reporter reopens their own incident, and only once it is resolved."""
        if incident.reporter_key != person.key:
            raise Forbidden(
                f"Only {incident.reporter_name}, who reported it, or an agent can reopen it."
            )
        self._reporter_may("reopen", incident)

    def _reporter_may(self, verb: str, incident: Incident) -> None:
        """Say in a reporter's terms why confirm/reopen can't happen yet (or any more)."""
        label, state = format_id(incident.id), State(incident.state)
        if state == State.RESOLVED:
            return
        if state in OPEN:
            shown = state.value.replace("_", " ")
            raise InvalidTransition(
                f"{label} is {shown}, not resolved yet: there is nothing to {verb} until the "
                "desk resolves it. Add anything new with a note."
            )
        raise InvalidTransition(
            f"{label} is {state.value} for good. If the problem is back, tell me about it "
            "and I'll open a new incident."
        )

    async def reopen(self, number: int, agent: Person, reason: str | None) -> Incident:
        """Back to work. Agents may reopen any; a reporter their own, saying why."""
        incident = await self.get_for(number, agent)
        if not agent.is_agent:
            self.reporter_may_reopen(incident, agent)
        if not agent.is_agent and not (reason or "").strip():
            raise BadArguments(
                f"Say what is still wrong, so the desk knows where to look.\n"
                f"Example: /incident reopen {number} the VPN dropped again this morning"
            )
        self._check("reopen", incident)
        state = State.IN_PROGRESS if incident.assignee else State.ASSIGNED
        self._change(
            incident,
            agent,
            REOPENED,
            state=state.value,
            resolved_at=None,
            reopen_count=incident.reopen_count + 1,
            text=reason,
        )
        return incident

    async def note(
        self,
        number: int,
        author: Person,
        text: str,
        *,
        internal: bool = False,
        said_in: ChannelRef | None = None,
    ) -> Incident:
        """Add a note; reporters may note their own incidents, agents any, and only
        agents write internal ones. `said_in`: the thread it was written in, whose people
        read it there and need no notice of it."""
        incident = await self.get_for(number, author)
        self._check("note", incident)
        if said_in is not None:
            where = (said_in.platform, said_in.channel_id, said_in.thread_id)
            self.session.info.setdefault(SEEN_IN, set()).add(where)
        if internal:
            if not author.is_agent:
                raise Forbidden(
                    "Only the desk's staff write internal notes. Without --internal, "
                    "your note goes onto the incident for the desk to see."
                )
            self._change(incident, author, INTERNAL_NOTE, text=text)
            return incident
        if author.is_agent:
            self._respond(incident)
        if self.answers(incident, author):
            # What the desk asked for has come: the work goes on, and its clock with it.
            self._back_to_work(incident, author, "answered", text)
        else:
            self._change(incident, author, "note", text=text)
        return incident

    @staticmethod
    def answers(incident: Incident, author: Person) -> bool:
        """Whether a note from `author` is the answer a pending incident waits for."""
        return waits_on_reporter(incident) and author.key == incident.reporter_key

    async def asked(self, incident: Incident, person: Person) -> bool:
        """Whether the desk waits for a word from `person`: the incident is pending on
        them, or, for its reporter, the last note on it is a staff member's question ("Can
        you send me the battery report?", "I need your manager's name"), not answered yet."""
        if self.answers(incident, person):
            return True
        if person.key != incident.reporter_key:
            return False
        last = await self.session.scalar(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident.id, IncidentEvent.kind == "note")
            .order_by(IncidentEvent.id.desc())
            .limit(1)
        )
        if last is None or not _ASKS_FOR.search(last.text or "") or last.actor_key == person.key:
            return False
        # Only the desk notes someone else's incident, but those affected too may ask.
        return await self.session.get(AffectedPerson, (incident.id, last.actor_key)) is None

    async def reclassify(
        self,
        number: int,
        agent: Person,
        *,
        category: str | None,
        impact: str | None,
        urgency: str | None,
        reason: str | None = None,
        priority: str | None = None,
    ) -> Incident:
        """Change the classification; a new priority moves the SLA due times (the
        timeline row records both, and the reason when one is given). A priority asked
        for moves impact and urgency to the nearest levels that give it."""
        incident = await self.get(number)
        self._check("classify", incident)
        if not (category or impact or urgency or priority):
            raise BadArguments("Say what to change: --category, --impact, --urgency or --priority.")
        classifier = self.rules.classifier
        if priority:
            if impact or urgency:
                raise BadArguments(
                    "Give --priority, or --impact and --urgency, not both: the priority "
                    f"follows from those two. Example: /incident classify {number} --priority P2"
                )
            impact, urgency = classifier.levels_for(priority, incident.impact, incident.urgency)
        moved = category is not None and classifier.category(category) != incident.category
        # The agent's own levels stand; a move into a category with a floor lifts the rest.
        floor = [k for k, given in (("impact", impact), ("urgency", urgency)) if not given]
        c = classifier.classify(
            category or incident.category,
            impact or incident.impact,
            urgency or incident.urgency,
            floor=floor if moved else (),
        )
        changes: dict[str, Any] = {"category": c.category, "impact": c.impact, "urgency": c.urgency}
        if c.priority != incident.priority:
            changes["priority"] = c.priority
        if not self._change(incident, agent, "reclassified", text=reason, **changes):
            raise BadArguments(f"{format_id(number)} is already classified that way.")
        return incident

    async def cancel(
        self, number: int, person: Person, *, reason: str | None, duplicate_of: int | None
    ) -> Incident:
        """Cancel: agents any open incident; a reporter withdraws their own."""
        incident = await self.get_for(number, person)
        if not person.is_agent:
            self._reporter_may_withdraw(incident, person, duplicate_of)
        self._check("cancel", incident)
        if duplicate_of is None and not reason:
            if not person.is_agent:
                raise BadArguments(
                    f"Say why, for the desk: `/incident cancel {number} it works again`."
                )
            raise BadArguments(
                "Say why: `/incident cancel 42 --duplicate-of 17`, or a reason "
                "like `/incident cancel 42 opened by mistake`."
            )
        if duplicate_of is not None:
            return await self.merge(number, person, duplicate_of)
        self._change(
            incident,
            person,
            "cancelled",
            state=State.CANCELLED.value,
            closed_at=self.now,
            duplicate_of_id=duplicate_of,
            text=reason,
        )
        return incident

    async def add_affected(self, number: int, person: Person) -> Incident:
        """Someone is hit by the same problem: they join the incident instead of a new one."""
        incident = await self.get(number)
        self._check("note", incident)
        if await self.involves(incident, person):
            raise Conflict(f"You are already on {format_id(number)}; you'll hear its news.")
        self._join(incident, person.key, person.name)
        self._change(
            incident,
            person,
            "affected_added",
            people_affected=incident.people_affected + 1,
            text=person.name,
        )
        return incident

    async def remove_affected(self, number: int, person: Person) -> Incident:
        """Someone said they are affected, and no longer are: they stop hearing its news.
        Its reporter can't leave it: withdrawing it is cancelling."""
        incident = await self.get_for(number, person)
        label = format_id(number)
        if incident.reporter_key == person.key:
            raise Conflict(
                f"You reported {label}, so you hear its news until it is done. If it no longer "
                f"needs fixing, say so (“cancel {label}, it works now”)."
            )
        joined = await self.session.get(AffectedPerson, (incident.id, person.key))
        if joined is None:
            raise Conflict(f"You are not on {label}.")
        if State(incident.state) not in NOT_FINAL:
            raise Conflict(f"{label} is {incident.state}: there is no more news of it to hear.")
        await self.session.delete(joined)
        self._change(
            incident,
            person,
            "affected_removed",
            people_affected=max(1, incident.people_affected - 1),
            text=person.name,
        )
        return incident

    def _join(self, incident: Incident, key: str, name: str) -> None:
        self.session.add(
            AffectedPerson(incident_id=incident.id, person_key=key, person_name=name, at=self.now)
        )

    async def merge(self, number: int, agent: Person, original_id: int) -> Incident:
        """A duplicate joins its original: its people hear the original's news from now
        on, and the duplicate is cancelled pointing to it."""
        duplicate = await self.get(number)
        if duplicate.duplicate_of_id == original_id:
            raise Conflict(f"{format_id(number)} is linked to {format_id(original_id)} already.")
        self._check("cancel", duplicate)
        await self._check_original(number, original_id)
        original = await self.get(original_id)
        self._check("note", original)
        people = [(duplicate.reporter_key, duplicate.reporter_name)] + [
            (a.person_key, a.person_name) for a in await self.affected(number)
        ]
        present = {original.reporter_key} | {a.person_key for a in await self.affected(original_id)}
        joining = [(key, name) for key, name in dict(people).items() if key not in present]
        for key, name in joining:
            self._join(original, key, name)
        names = ", ".join(name for _, name in joining) or "nobody new"
        self._change(
            original,
            agent,
            "duplicate_linked",
            people_affected=original.people_affected + len(joining),
            text=f"{format_id(number)} joined ({names})",
        )
        self._change(
            duplicate,
            agent,
            "cancelled",
            state=State.CANCELLED.value,
            closed_at=self.now,
            duplicate_of_id=original_id,
            text=f"duplicate of {format_id(original_id)}",
        )
        return duplicate

    async def _check_original(self, number: int, original_id: int) -> None:
        if original_id == number:
            raise BadArguments(f"{format_id(number)} can't be a duplicate of itself.")
        original = await self.get(original_id)
        if original.state == State.CANCELLED:
            raise BadArguments(
                f"{format_id(original_id)} is cancelled itself; point to the incident that is kept."
            )

    # -- knowledge ----------------------------------------------------------

    async def link_article(
        self, number: int, agent: Person, article_id: str, title: str
    ) -> Incident:
        """Attach an article to an incident: on its card, and sent to its reporter."""
        incident = await self.get(number)
        self._check("note", incident)
        key = (number, article_id)
        if await self.session.get(IncidentArticle, key) is not None:
            raise Conflict(f"{article_id} is already linked to {format_id(number)}.")
        self.session.add(
            IncidentArticle(
                incident_id=number, article_id=article_id, linked_by=agent.key, at=self.now
            )
        )
        self._change(incident, agent, "article_linked", text=f"{article_id}: {title}")
        return incident

    async def linked_articles(self, number: int) -> list[str]:
        rows = await self.session.scalars(
            select(IncidentArticle.article_id)
            .where(IncidentArticle.incident_id == number)
            .order_by(IncidentArticle.at)
        )
        return list(rows)

    async def record_feedback(
        self, number: int | None, person: Person, article_ids: list[str], *, helpful: bool
    ) -> None:
        """Per-article helpfulness: whether a suggested article solved the problem."""
        for article_id in article_ids:
            self.session.add(
                ArticleFeedback(
                    article_id=article_id,
                    incident_id=number,
                    actor_key=person.key,
                    helpful=helpful,
                    at=self.now,
                )
            )

    async def helpfulness(self, article_id: str) -> tuple[int, int]:
        """How many people an article helped, out of how many said either way."""
        helped = func.sum(case((ArticleFeedback.helpful, 1), else_=0))
        row = (
            await self.session.execute(
                select(helped, func.count()).where(ArticleFeedback.article_id == article_id)
            )
        ).one()
        return int(row[0] or 0), int(row[1])

    def record(self, incident: Incident, kind: str, text: str) -> None:
        """A timeline event Deskbot itself notes (an SLA warning or breach) that changes
        no field shown on the incident; its notifications follow as for any event."""
        self._event(incident, SYSTEM, kind, {}, text)

    # -- the one way to change an incident ---------------------------------

    def _check(self, action: str, incident: Incident) -> None:
        check(action, State(incident.state), format_id(incident.id))

    def _respond(self, incident: Incident) -> None:
        """The first agent response stops the response clock."""
        if incident.responded_at is None:
            incident.responded_at = self.now

    def _change(
        self,
        incident: Incident,
        actor: Person,
        kind: str,
        *,
        text: str | None = None,
        **values: Any,
    ) -> dict[str, list[Any]]:
        """Set the values that differ, and write one timeline row saying so."""
        changes = {
            name: [_plain(getattr(incident, name)), _plain(value)]
            for name, value in values.items()
            if getattr(incident, name) != value
        }
        if not changes and text is None:
            return changes
        before = incident.state
        for name, value in values.items():
            setattr(incident, name, value)
        # The SLA clocks follow: a pause starts or ends, due times move with a new
        # priority or group (and the timeline says so), the next check is set.
        changes |= self.rules.sla.track(incident, before, self.now)
        incident.updated_at = self.now
        self._event(incident, actor, kind, changes, text)
        return changes

    def _event(
        self,
        incident: Incident,
        actor: Person,
        kind: str,
        changes: dict[str, list[Any]],
        text: str | None,
    ) -> None:
        event = IncidentEvent(
            incident_id=incident.id,
            at=self.now,
            actor_key=actor.key,
            actor_name=actor.name,
            kind=kind,
            changes=changes,
            text=text,
        )
        self.session.add(event)
        # Who should hear about it is decided once per unit of work (services/notices.py),
        # from the events written, before the commit.
        self.session.info.setdefault(CHANGES, []).append((incident, event, actor))


def _reporter_only(incident: Incident, person: Person, verb: str) -> None:
    if incident.reporter_key != person.key:
        raise Forbidden(f"Only {incident.reporter_name}, who reported it, can {verb}.")


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value, for the timeline."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def waits_on_reporter(incident: Incident) -> bool:
    """Pending until its reporter answers (a row pending from before `pending_on` was
    recorded asked its reporter too)."""
    return incident.state == State.PENDING and incident.pending_on != THIRD_PARTY


def _in_state(viewer: Person, flt: IncidentFilter) -> Any:
    """The filter's state condition; None for every state (`all`, or a search by words
    that names no state)."""
    if flt.state is None and flt.resolved_in:
        # only these have a resolved_at: the (state, resolved_at) index finds them
        states = frozenset({State.RESOLVED, State.CLOSED})
    elif flt.state is None and flt.words:
        return None
    elif flt.state is None:
        states = OPEN if viewer.is_agent else NOT_FINAL
    elif flt.state == "open":
        states = OPEN
    elif flt.state == "all":
        return None
    else:
        return Incident.state == flt.state
    return Incident.state.in_([s.value for s in states])


def _mentioning(word: str) -> Any:
    """An incident whose summary, description or fix holds the word, in any case, or
    the word without its plural ending ("printers" finds "printer")."""
    stem = _singular(word)
    return or_(
        *(
            column.icontains(stem, autoescape=True)
            for column in (Incident.summary, Incident.description, Incident.resolution_note)
        )
    )


def _singular(word: str) -> str:
    """ "printers": "printer", "switches": "switch", "batteries": "batter" (which
    "battery" holds too); short words and "access" as they are."""
    lowered = word.lower()
    if len(lowered) <= 3 or lowered.endswith("ss"):
        return word
    if lowered.endswith("ies"):
        return word[:-3]
    if lowered.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    return word[:-1] if lowered.endswith("s") else word


def _queues(groups: Sequence[str]) -> str:
    """ "the network queue", "your groups' queues (service-desk, network)"."""
    if len(groups) == 1:
        return f"the {groups[0]} queue"
    return f"your groups' queues ({', '.join(groups)})"
