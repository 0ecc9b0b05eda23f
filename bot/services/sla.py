"""SLA clocks: targets per priority, due times, pauses, warning stages, the next check.

Each incident has two clocks. The response clock runs from opening until an agent
claims or first answers; the resolution clock until it is resolved, standing still
while the incident is pending (on the user or a third party) or resolved (waiting
for the reporter). Both count only the working time of the incident's group
(`business_hours`), so a due time is "this much working time after opening, plus
what was paused".

A clock crosses thresholds: the warning fractions (`sla.warn_at`) and 1.0, the
breach. An incident's `clock` (models.SlaClock) counts the thresholds already
reported per clock, and its `next_check_at` (indexed) is the moment the next one is
crossed, or NULL when no clock is running: the sweep finds due work through that
column alone.
`track` keeps all of this right after every change the incident service makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.models import Incident
from bot.services.business_hours import Calendar
from bot.services.lifecycle import OPEN, THIRD_PARTY, State

RESPONSE, RESOLUTION = "response", "resolution"
# States in which the resolution clock may stand still (it resumes on leaving them):
# resolved always, pending unless on a third party with `sla.pause_for_third_party` off.
PAUSING = frozenset({State.PENDING, State.RESOLVED})
# Tolerance when comparing a moment computed from float seconds with another.
_EPSILON = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class DueTimes:
    response: datetime
    resolution: datetime


@dataclass(frozen=True, slots=True)
class ClockView:
    """One clock as `/incident sla` shows it."""

    name: str
    target: timedelta
    elapsed: timedelta
    paused: timedelta
    due: datetime
    status: str  # running, paused, met, missed, breached, stopped

    @property
    def remaining(self) -> timedelta:
        return self.target - self.elapsed


class SlaPolicy:
    """Response and resolution targets, from config.yaml's `priorities` and `sla`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._targets = {
            name: (p.response, p.resolution) for name, p in settings.priorities.items()
        }
        self.thresholds: tuple[float, ...] = (*settings.sla.warn_at, 1.0)
        holidays = settings.sla.holidays
        self._calendars = {
            group: Calendar(group, settings.sla.business_hours.get(group), holidays)
            for group in settings.groups
        }

    def targets(self, priority: str) -> tuple[timedelta, timedelta]:
        return self._targets[priority]

    def calendar(self, group: str) -> Calendar:
        return self._calendars.get(group) or Calendar(group)

    def due_times(
        self, priority: str, opened_at: datetime, group: str | None = None, paused: float = 0
    ) -> DueTimes:
        """When the response and the resolution are due for an incident opened then.
        Pauses (working seconds) move only the resolution: they happen after a response."""
        response, resolution = self._targets[priority]
        calendar = self.calendar(group or self.settings.default_group)
        return DueTimes(
            response=calendar.add(opened_at, response.total_seconds()),
            resolution=calendar.add(opened_at, resolution.total_seconds() + paused),
        )

    # -- thresholds ---------------------------------------------------------

    def running(self, incident: Incident) -> list[str]:
        """The clocks that are counting now."""
        if incident.state not in OPEN or is_paused(incident):  # (StrEnum sets hold text)
            return []
        clocks = [RESPONSE] if incident.responded_at is None else []
        return [*clocks, RESOLUTION]

    def moment(self, incident: Incident, clock: str, fraction: float) -> datetime:
        """When a clock reaches a fraction of its target."""
        target, paused = self._span(incident, clock)
        return self.calendar(incident.group).add(incident.opened_at, fraction * target + paused)

    def _span(self, incident: Incident, clock: str) -> tuple[float, float]:
        """A clock's target and the working seconds it stood still (pauses move only the
        resolution: they happen after a response)."""
        response, resolution = self._targets[incident.priority]
        if clock == RESPONSE:
            return response.total_seconds(), 0
        return resolution.total_seconds(), incident.sla_paused_seconds

    def crossed(self, incident: Incident, clock: str, now: datetime) -> int:
        """How many thresholds of a clock lie at or before `now`."""
        count = 0
        for fraction in self.thresholds:
            if self.moment(incident, clock, fraction) > now + _EPSILON:
                break
            count += 1
        return count

    def progress(self, incident: Incident, now: datetime) -> tuple[dict[str, int], datetime | None]:
        """For the sweep, in one pass: each running clock that has crossed thresholds
        beyond its reported stage, with how many it has crossed in all, and the next
        moment a clock crosses one (the next check once those are reported).
        Thresholds below a clock's stage are crossed already: the count starts there."""
        clocks = self.running(incident)
        if not clocks:
            return {}, None
        calendar, opened = self.calendar(incident.group), incident.opened_at
        limit = now + _EPSILON
        crossed: dict[str, int] = {}
        upcoming: list[datetime] = []
        for clock in clocks:
            target, paused = self._span(incident, clock)
            stage = count = stage_of(incident, clock)
            while count < len(self.thresholds):
                moment = calendar.add(opened, self.thresholds[count] * target + paused)
                if moment > limit:
                    upcoming.append(moment)
                    break
                count += 1
            if count > stage:
                crossed[clock] = count
        return crossed, min(upcoming, default=None)

    def next_check(self, incident: Incident) -> datetime | None:
        """The next moment a running clock crosses a threshold not yet reported."""
        moments = [
            self.moment(incident, clock, self.thresholds[stage])
            for clock in self.running(incident)
            if (stage := stage_of(incident, clock)) < len(self.thresholds)
        ]
        return min(moments, default=None)

    # -- keeping the columns right -------------------------------------------

    def track(self, incident: Incident, before: str, now: datetime) -> dict[str, list[Any]]:
        """After a change: account for pauses, recompute the due times and the next
        check. Returns the due times that moved, as timeline changes."""
        if before != incident.state:
            self._pause_or_resume(incident, State(before), now)
        moved: dict[str, list[Any]] = {}
        due = self.due_times(
            incident.priority, incident.opened_at, incident.group, incident.sla_paused_seconds
        )
        pairs = (("response_due_at", due.response), ("resolution_due_at", due.resolution))
        for name, value in pairs:
            old = getattr(incident, name)
            if old is not None and abs(old - value) <= _EPSILON:
                continue
            moved[name] = [old.isoformat() if old else None, value.isoformat()]
            setattr(incident, name, value)
        if moved:
            self._rearm(incident, now)
        incident.clock.next_check_at = self.next_check(incident)
        return moved

    def _pause_or_resume(self, incident: Incident, before: State, now: datetime) -> None:
        since = incident.sla_paused_since
        if before in PAUSING and since is not None:
            # Time spent resolved is not the desk's only when the incident goes back to
            # work; closing it must not move a missed resolution target into the future.
            if not (before is State.RESOLVED and State(incident.state) not in OPEN):
                spent = self.calendar(incident.group).working_seconds(since, now)
                # Whole seconds, rounded down: a pause never pushes a threshold already
                # reported back into the future.
                incident.sla_paused_seconds = (incident.sla_paused_seconds or 0) + int(spent)
            incident.sla_paused_since = None
        if self._pauses(incident):
            incident.sla_paused_since = now

    def _pauses(self, incident: Incident) -> bool:
        """Whether the state the incident is entering stops its resolution clock."""
        if State(incident.state) not in PAUSING:
            return False
        third_party = incident.state == State.PENDING and incident.pending_on == THIRD_PARTY
        return not third_party or self.settings.sla.pause_for_third_party

    def _rearm(self, incident: Incident, now: datetime) -> None:
        """Due times moved (a new priority or group): a warning already given for a
        threshold that now lies ahead is given again when the clock gets there."""
        for clock in (RESPONSE, RESOLUTION):
            stage = stage_of(incident, clock)
            if stage:
                set_stage(incident, clock, min(stage, self.crossed(incident, clock, now)))

    # -- reading --------------------------------------------------------------

    def view(self, incident: Incident, now: datetime) -> list[ClockView]:
        """Both clocks: elapsed working time, what is left, time paused, how they stand."""
        response, resolution = self._targets[incident.priority]
        calendar = self.calendar(incident.group)
        done = State(incident.state) not in OPEN
        ended = incident.resolved_at or incident.closed_at if done else None
        stop = incident.responded_at or ended
        elapsed = calendar.working_seconds(incident.opened_at, stop or now)
        views = [
            ClockView(
                RESPONSE,
                response,
                timedelta(seconds=elapsed),
                timedelta(0),
                incident.response_due_at,
                _status(elapsed, response, stopped=stop is not None, paused=False),
            )
        ]
        paused = self._paused_seconds(incident, now)
        end = incident.resolved_at or incident.closed_at or now
        elapsed = calendar.working_seconds(incident.opened_at, end) - paused
        status = _status(elapsed, resolution, stopped=done, paused=is_paused(incident))
        views.append(
            ClockView(
                RESOLUTION,
                resolution,
                timedelta(seconds=max(elapsed, 0)),
                timedelta(seconds=paused),
                incident.resolution_due_at,
                status,
            )
        )
        return views

    def _paused_seconds(self, incident: Incident, now: datetime) -> float:
        paused = float(incident.sla_paused_seconds or 0)
        since = incident.sla_paused_since
        if since is not None and incident.state == State.PENDING:
            paused += self.calendar(incident.group).working_seconds(since, now)
        return paused

    def time_to_breach(self, incident: Incident, now: datetime) -> timedelta | None:
        """Working time left on the clock that runs out first; None if none runs."""
        left = [v.remaining for v in self.view(incident, now) if v.status in ("running", "paused")]
        return min(left, default=None)


def is_paused(incident: Incident) -> bool:
    """Whether an open incident's resolution clock stands still now: the pause began when
    it entered its state, under the rules of that moment."""
    return incident.state in OPEN and incident.sla_paused_since is not None


def _status(elapsed: float, target: timedelta, *, stopped: bool, paused: bool) -> str:
    over = elapsed > target.total_seconds()
    if stopped:
        return "missed" if over else "met"
    if over:
        return "breached"
    return "paused" if paused else "running"


def stage_of(incident: Incident, clock: str) -> int:
    kept = incident.clock
    stage = kept.response_stage if clock == RESPONSE else kept.resolution_stage
    return stage or 0


def set_stage(incident: Incident, clock: str, stage: int) -> None:
    name = "response_stage" if clock == RESPONSE else "resolution_stage"
    setattr(incident.clock, name, stage)
