"""Who hears about a change, and what they are told: the notification rules, in one place.

The incident service records each timeline event it writes in the session; before
the unit of work commits, `write_notices` turns those events into outbox rows, so
a change and its notifications commit together. The person who made a change is
never notified of it. "The reporter's side" is the reporter and everyone who said
they are affected; "the desk's side" is the incident's owner.

SLA warnings and breaches that one unit of work (a sweep batch) would send one of the
desk's people more than `sla.digest_above` times come to them as one digest instead, and
so do reassignments (a handover).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cards import buttons_for, incident_card, span
from bot.ids import format_id
from bot.messages import Button, Reply
from bot.models import AffectedPerson, Conversation, Incident, IncidentEvent
from bot.outbox import Outbox, OutboxBatch, Recipient
from bot.services.bulletins import Bulletins, format_bulletin
from bot.services.incidents import (
    CHANGES,
    INTERNAL_NOTE,
    MANAGER_REASON,
    RATED,
    REMINDED,
    SEEN_IN,
    SYSTEM,
    waits_on_reporter,
)
from bot.services.lifecycle import NOT_FINAL, State
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.sla_cards import sla_digest

REPORTER, AFFECTED, OWNER, MANAGER = "reporter", "affected", "owner", "manager"
PREVIOUS = "previous owner"  # whoever owned it until this change took it from them
DESK = "desk"  # the owner, or while nobody owns it the agents of its group
DM_PLACE = "dm"
RATE = "rate"  # the conversation step after "How did we do?": a typed answer rates it
# many of one kind to one person in one unit of work: a sweep batch, or a handover
DIGESTED = frozenset({"sla_warning", "sla_breach", "assigned"})


class Event(Protocol):
    """What the rules read of a timeline event: an `IncidentEvent`, or the SLA sweep's
    lighter copy of the row it inserts in bulk."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Change:
    """One timeline event as the notification rules see it."""

    incident: Incident
    event: Event
    actor: Person
    rules: DeskRules

    @property
    def label(self) -> str:
        return f"{format_id(self.incident.id)} “{self.incident.summary}”"

    @property
    def by_desk(self) -> bool:
        return self.actor.is_agent


# (who hears it, what they are told); a message of None means nobody this time.
Rule = tuple[Sequence[str], Callable[[Change], str | None]]


def _owner_name(c: Change) -> str:
    i = c.incident
    return c.rules.directory.name_of(i.assignee) if i.assignee else f"the {i.group} team"


def _reopened(c: Change) -> str:
    reason = f": {c.event.text}" if c.event.text else "."
    return f"{c.actor.name} reopened {c.label}{reason}"


def _cancelled(c: Change) -> str:
    original = c.incident.duplicate_of_id
    if original:
        return (
            f"{c.label} is the same problem as {format_id(original)}; it is cancelled and "
            f"you will hear about {format_id(original)} from now on."
        )
    return f"{c.label} is cancelled: {c.event.text}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


_TO_REPORTER = (REPORTER, AFFECTED)
_REPORTERS_SIDE = frozenset(_TO_REPORTER)


def _opened_at_top(c: Change) -> str | None:
    """The most severe priority is an outage: the manager may want to tell everyone."""
    if c.incident.priority != c.rules.classifier.priorities[0]:
        return None
    return (
        f"{c.label} was opened as {c.incident.priority}. If many people are hit, post a "
        "bulletin so that they hear it from the desk."
    )


def _announced(c: Change) -> str | None:
    """Urgent new work can't wait for someone to look at the queue."""
    i = c.incident
    if i.priority not in c.rules.settings.sla.announce_new or i.assignee:
        return None
    return f"New {i.priority} for the {i.group} team: {c.label}."


def _why(c: Change) -> str:
    """ ": the dock needs replacing" when the change says why, else the sentence's end."""
    return f": {c.event.text}" if c.event.text else "."


def _escalated(c: Change) -> str:
    """The team an incident lands on hears why, or that nobody claimed it in time."""
    if c.actor.key == SYSTEM.key:
        return f"{c.label} came to the {c.incident.group} team: nobody claimed it in time."
    return f"{c.actor.name} escalated {c.label} to the {c.incident.group} team{_why(c)}"


def _to_manager(c: Change) -> str:
    why = (c.event.text or "").partition(MANAGER_REASON)[2]
    return f"{c.actor.name} escalated {c.label} to you ({c.incident.priority})" + (
        f": {why}" if why else "."
    )


def _reminder(c: Change) -> str:
    return (
        f"A reminder: {_owner_name(c)} still needs your answer on {c.label}: "
        f"{c.incident.pending_reason}\nReply here and work on it carries on."
    )


def _not_answered(c: Change) -> str:
    after = c.rules.settings.desk.remind_pending_after
    waited = f" in {span(after)}" if after else ""
    return (
        f"{c.incident.reporter_name} hasn't answered on {c.label}{waited}; they were "
        "reminded. If nothing comes, you may resolve it."
    )


def at_work(incident: Incident) -> str:
    """Where an incident that stops waiting goes: its owner, or its group's queue."""
    return "in progress" if incident.assignee else f"in the {incident.group} team's queue"


def _rated(c: Change) -> str:
    return f"{c.actor.name} rated {c.label}: {c.event.text}"


def _taken_from(c: Change) -> str:
    """An owner whose incident someone else moved: it is off their queue."""
    return f"{c.actor.name} moved {c.label} to {_owner_name(c)}; it is off your queue."


def _withdrawn(c: Change) -> str:
    return f"{c.actor.name} withdrew {c.label}: {c.event.text}"


_ON_OPENING: list[Rule] = [((MANAGER,), _opened_at_top), ((DESK,), _announced)]


def _linked_article(event: IncidentEvent) -> tuple[str, str]:
    """An `article_linked` event's article: its text is "id: title"."""
    article, _, title = (event.text or "").partition(": ")
    return article, title


def _article_sent(c: Change) -> str:
    article, title = _linked_article(c.event)
    return (
        f"{c.actor.name} sent you an article for {c.label}: {title}. `/kb show {article}` opens it."
    )


def _logged_for(c: Change) -> str:
    """An agent logged it for its reporter, who told them another way (the actor is never
    told of their own act, so someone opening their own incident hears nothing here)."""
    return (
        f"{c.actor.name} logged {c.label} for you. You'll hear its news here; anything "
        "you add here goes onto it."
    )


# What the desk does (agents, managers, Deskbot itself) and who hears it.
DESK_ACTS: dict[str, list[Rule]] = {
    "opened": [*_ON_OPENING, ((REPORTER,), _logged_for)],
    "claimed": [
        (_TO_REPORTER, lambda c: f"{c.actor.name} is working on {c.label}."),
        ((PREVIOUS,), _taken_from),
    ],
    "assigned": [
        ((PREVIOUS,), _taken_from),
        (_TO_REPORTER, lambda c: f"{c.label} is with {_owner_name(c)} now."),
        ((OWNER,), lambda c: f"{c.actor.name} assigned {c.label} to you{_why(c)}"),
        (
            (DESK,),
            lambda c: (
                None
                if c.incident.assignee  # the owner was told just above
                else f"{c.actor.name} put {c.label} in the {c.incident.group} team's queue{_why(c)}"
            ),
        ),
    ],
    "escalated": [
        (
            _TO_REPORTER,
            lambda c: (
                f"{c.label} has gone to the {c.incident.group} team, who can take it further."
            ),
        ),
        ((DESK,), _escalated),
        ((PREVIOUS,), _taken_from),
    ],
    "escalated_to_manager": [((MANAGER,), _to_manager)],
    "pending": [
        (
            (REPORTER,),
            lambda c: (
                f"{c.actor.name} needs something from you on {c.label}: {c.event.text}\n"
                "Reply here and your answer goes straight onto the incident; "
                "work on it carries on as soon as you do."
                if waits_on_reporter(c.incident)
                else None
            ),
        ),
        (
            _TO_REPORTER,
            lambda c: (
                None
                if waits_on_reporter(c.incident)
                else f"{c.label} is on hold: {_sentence(c.event.text or '')} "
                "Nothing is needed from you; you will hear when it moves."
            ),
        ),
    ],
    INTERNAL_NOTE: [
        ((OWNER,), lambda c: f"{c.actor.name} on {c.label}, for the desk: {c.event.text}")
    ],
    "resumed": [
        (_TO_REPORTER, lambda c: f"{c.label} is back in progress, with {_owner_name(c)}{_why(c)}")
    ],
    "resolved": [(_TO_REPORTER, lambda c: f"{c.label} is resolved: {c.event.text}")],
    "closed": [(_TO_REPORTER, lambda c: f"{c.label} is closed.")],
    "cancelled": [(_TO_REPORTER, _cancelled)],
    "reopened": [(_TO_REPORTER, _reopened)],
    "note": [(_TO_REPORTER, lambda c: f"{c.actor.name} on {c.label}: {c.event.text}")],
    "article_linked": [(_TO_REPORTER, _article_sent)],
    REMINDED: [((REPORTER,), _reminder), ((OWNER,), _not_answered)],
    # Deskbot's SLA sweep (services/sla_sweep.py).
    "sla_warning": [((DESK,), lambda c: f"SLA warning on {c.label}: {c.event.text}.")],
    "sla_breach": [((DESK, MANAGER), lambda c: f"SLA breached on {c.label}: {c.event.text}.")],
}

# What the reporter's side does, and who at the desk hears it.
PEOPLE_ACT: dict[str, list[Rule]] = {
    "opened": [*_ON_OPENING],
    "confirmed": [
        ((OWNER,), lambda c: f"{c.actor.name} confirmed the fix; {c.label} is closed."),
        ((AFFECTED,), lambda c: f"{c.label} is closed: {c.actor.name} confirmed the fix."),
    ],
    "reopened": [((OWNER,), _reopened)],
    "cancelled": [
        ((OWNER,), _withdrawn),
        # An unowned incident the group was told of at once: they hear it is gone too.
        ((DESK,), lambda c: _withdrawn(c) if _announced(c) else None),
    ],
    # While nobody owns it the group hears: "urgent, client call at 3" can't wait for a claim.
    "note": [((DESK,), lambda c: f"{c.actor.name} on {c.label}: {c.event.text}")],
    "answered": [
        (
            (DESK,),
            lambda c: (
                f"{c.actor.name} answered on {c.label}: {c.event.text}\n"
                f"It is back {at_work(c.incident)}; its SLA clock runs again."
            ),
        )
    ],
    "resolved": [((OWNER,), lambda c: f"{c.actor.name} says {c.label} is solved: {c.event.text}")],
    RATED: [
        ((OWNER,), _rated),
        # A poor rating is for the desk's manager to review too.
        ((MANAGER,), lambda c: _rated(c) if c.incident.satisfaction == "poor" else None),
    ],
    "affected_added": [
        (
            (OWNER,),
            lambda c: (
                f"{c.actor.name} is affected by {c.label} too "
                f"({c.incident.people_affected} people now)."
            ),
        )
    ],
}


async def write_notices(
    session: AsyncSession, rules: DeskRules, now: datetime, outbox: OutboxBatch | None = None
) -> int:
    """Turn this unit of work's timeline events into outbox rows; returns how many.
    With an `outbox` batch the rows are queued there, for the caller to write in bulk."""
    notices = _Notices(session, rules, now, outbox, session.info.pop(SEEN_IN, set()))
    changes = [Change(*found, rules) for found in session.info.pop(CHANGES, [])]
    await notices.count_sla(changes)
    written = 0
    for change in changes:
        written += await notices.on_event(change)
        written += await notices.bulletins_left_on(change)
    return written + notices.write_digests()


class _Notices:
    def __init__(
        self,
        session: AsyncSession,
        rules: DeskRules,
        now: datetime,
        batch: OutboxBatch | None,
        seen_in: set[tuple[str, str, str | None]] | None = None,
    ) -> None:
        self.session, self.rules, self.now = session, rules, now
        self.seen_in = seen_in or set()  # places whose people read it as it was written
        self.outbox: Outbox | OutboxBatch = batch if batch is not None else Outbox(session, now)
        self._sla_counts: Counter[tuple[str, str]] = Counter()  # (person, kind) -> notices
        self._digests: defaultdict[tuple[str, str], list[Incident]] = defaultdict(list)
        self._digest_to: dict[str, Recipient] = {}
        # Found once per change and role list (counting the SLA notices asks first), and
        # a group's agents once per unit of work: a sweep batch notifies hundreds.
        self._found: dict[tuple[int, Sequence[str]], list[tuple[str, Recipient]]] = {}
        self._group_desk: dict[str, list[Recipient]] = {}

    async def count_sla(self, changes: Sequence[Change]) -> None:
        """How many SLA notices of each kind each person would get, to know whose come
        as one digest."""
        for change in changes:
            kind = change.event.kind
            if kind in DIGESTED and change.by_desk:
                for roles, message in DESK_ACTS[kind]:
                    # a digest is a queue: the desk's, not a reporter's; and a rule that
                    # says nothing of this change sends nothing to count
                    if set(roles) & _REPORTERS_SIDE or message(change) is None:
                        continue
                    for _, recipient in await self._recipients_of(change, roles):
                        self._sla_counts[recipient.key, kind] += 1

    def _into_digest(self, change: Change, recipient: Recipient) -> bool:
        key = (recipient.key, change.event.kind)
        if self._sla_counts[key] <= self.rules.settings.sla.digest_above:
            return False
        self._digests[key].append(change.incident)
        self._digest_to[recipient.key] = recipient
        return True

    def write_digests(self) -> int:
        for (person, kind), incidents in self._digests.items():
            reply = sla_digest(kind, incidents, self.rules, self.now)
            self.outbox.add(self._digest_to[person], reply, kind=kind)
        return len(self._digests)

    async def on_event(self, change: Change) -> int:
        table = DESK_ACTS if change.by_desk else PEOPLE_ACT
        sent = 0
        for roles, message in table.get(change.event.kind, []):
            text = message(change)
            if text is None:
                continue
            replies: dict[str, Reply] = {}  # the same for everyone in one role
            for role, recipient in await self._recipients_of(change, roles):
                if self._into_digest(change, recipient):
                    continue
                if role not in replies:
                    replies[role] = self._reply(change, role, text)
                self.outbox.add(
                    recipient,
                    replies[role],
                    kind=change.event.kind,
                    incident_id=change.incident.id,
                )
                await self._focus(recipient, change.incident, role)
                sent += 1
        return sent

    async def bulletins_left_on(self, change: Change) -> int:
        """An incident a bulletin announced is fixed or cancelled while the bulletin still
        tells everyone it is ongoing: its poster is asked to end it, with one press."""
        if change.event.kind not in ("resolved", "cancelled") or change.incident.duplicate_of_id:
            return 0
        bulletins = Bulletins(self.session, self.rules, self.now)
        left = await bulletins.announcing(change.incident.id)
        for bulletin in left:
            number = format_bulletin(bulletin.id)
            places = ", ".join(f"#{c}" for c in bulletin.channels)
            text = (
                f"{change.label} is {change.event.kind}, but {number} still tells {places} "
                "that the problem is ongoing. If it is over, resolve it: its channels and "
                "everyone who said they are affected hear the news."
            )
            button = Button(f"Resolve {number}", "bulletin.resolve", str(bulletin.id), "primary")
            recipient = self.rules.directory.reach(bulletin.author_key)
            reply = Reply(text=text, buttons=(button,))
            self.outbox.add(
                recipient, reply, kind="bulletin_left_on", incident_id=change.incident.id
            )
        return len(left)

    async def _recipients_of(
        self, change: Change, roles: Sequence[str]
    ) -> list[tuple[str, Recipient]]:
        key = (id(change), roles)
        if key not in self._found:
            self._found[key] = await self._recipients(change, roles)
        return self._found[key]

    async def _recipients(
        self, change: Change, roles: Sequence[str]
    ) -> list[tuple[str, Recipient]]:
        incident, directory = change.incident, self.rules.directory
        found: list[tuple[str, Recipient]] = []
        if REPORTER in roles:
            found.append((REPORTER, self._reporter(incident)))
        if AFFECTED in roles:
            rows = await self.session.scalars(
                select(AffectedPerson).where(AffectedPerson.incident_id == incident.id)
            )
            found += [(AFFECTED, directory.recipient(a.person_key, a.person_name)) for a in rows]
        if OWNER in roles and incident.assignee:
            found.append((OWNER, directory.reach(incident.assignee)))
        if DESK in roles:
            found += [(DESK, recipient) for recipient in self._desk(incident)]
        before = _previous_owner(change)
        if PREVIOUS in roles and before:
            found.append((PREVIOUS, directory.reach(before)))
        manager = self.rules.settings.groups[incident.group].manager
        if MANAGER in roles and manager:
            found.append((MANAGER, directory.reach(manager)))
        seen = {change.actor.key}
        unique: list[tuple[str, Recipient]] = []
        for role, recipient in found:
            where = (recipient.platform, recipient.channel_id, recipient.thread_id)
            if recipient.key not in seen and where not in self.seen_in:
                seen.add(recipient.key)
                unique.append((role, recipient))
        return unique

    def _desk(self, incident: Incident) -> list[Recipient]:
        """The owner; while nobody owns it, the group's agents (its manager if it has none)."""
        directory = self.rules.directory
        if incident.assignee:
            return [directory.reach(incident.assignee)]
        if incident.group not in self._group_desk:
            handles = [
                handle
                for handle, staff in self.rules.settings.staff.items()
                if staff.role == "agent" and incident.group in staff.groups
            ]
            manager = self.rules.settings.groups[incident.group].manager
            handles = handles or ([manager] if manager else [])
            found = [directory.reach(h) for h in handles]
            self._group_desk[incident.group] = found
        return self._group_desk[incident.group]

    def _reporter(self, incident: Incident) -> Recipient:
        """In the thread the incident came from, if any; else directly."""
        if incident.origin_thread:
            return Recipient(
                incident.reporter_key,
                incident.reporter_name,
                incident.origin_platform,
                incident.origin_channel,
                incident.origin_thread,
            )
        return self.rules.directory.recipient(incident.reporter_key, incident.reporter_name)

    def _reply(self, change: Change, role: str, text: str) -> Reply:
        incident = change.incident
        if role in (OWNER, MANAGER, DESK):
            staff = self.rules.directory.staff(incident.assignee or "") if role != MANAGER else None
            if role == DESK and incident.assignee is None:
                staff = SYSTEM  # any agent of the group may claim it: offer the buttons
            card = incident_card(incident, self.rules, self.now)
            buttons = buttons_for(incident, staff) if staff else ()
            if role == MANAGER and change.event.kind == "opened":
                buttons = (bulletin_draft_button(incident),)
            return Reply(text=text, card=card, buttons=buttons)
        if role == REPORTER and change.event.kind == "resolved":
            return Reply(
                text=f"{text}\n{self._confirm_prompt(incident)}",
                buttons=confirm_buttons(incident),
            )
        if change.event.kind == "article_linked":
            article, _ = _linked_article(change.event)
            return Reply(text=text, buttons=(Button("Read the article", "kb.show", article),))
        if role == REPORTER and change.event.kind == "closed":
            return Reply(text=f"{text} {HOW_DID_WE_DO}", buttons=rating_buttons(incident))
        return Reply(text=text)

    def _confirm_prompt(self, incident: Incident) -> str:
        after = span(self.rules.settings.desk.auto_close_after)
        if incident.kind == "request":  # asked for, not broken: is it all there?
            asked = "Do you have everything you asked for? “Confirm” closes it; “Reopen” tells us "
            return f"{asked}something is missing. It closes by itself in {after} otherwise."
        return (
            "Does it work for you now? “Confirm” closes it; “Reopen” tells us it is not fixed. "
            f"It closes by itself in {after} otherwise."
        )

    async def _focus(self, recipient: Recipient, incident: Incident, role: str) -> None:
        """A person's next direct message is probably about what they just heard: the
        reporter's answer to "How did we do?" once it is closed, else a word about it
        (the owner's too: asked whether it goes onto the incident, in `Chat`; and an
        agent's "i'll take it" when their group hears of one nobody owns)."""
        if role not in (REPORTER, AFFECTED, OWNER, DESK) or recipient.thread_id:
            return
        if role == REPORTER and incident.state == State.CLOSED:
            until = self.now + self.rules.settings.intake.draft_expiry
            await ask_rating_in_chat(self.session, recipient, incident.id, self.now, until)
        if State(incident.state) not in NOT_FINAL:
            return
        await focus_direct_chat(self.session, recipient, incident.id, self.now)


def bulletin_draft_button(incident: Incident) -> Button:
    """One press posts a bulletin drafted from the incident (as `/bulletin post` would).

    The text is left to the command, which takes the incident's summary: a button value
    must fit Discord's 100-character custom id.
    """
    value = f"--severity critical --incident {incident.id}"
    return Button("Post a bulletin", "bulletin.post", value, "primary")


def rating_buttons(incident: Incident) -> tuple[Button, ...]:
    """Good, OK, Poor: one press rates how the desk handled the reporter's incident."""
    value = str(incident.id)
    return tuple(
        Button(label, "incident.rate", f"{value} {rating}")
        for rating, label in (("good", "Good"), ("ok", "OK"), ("poor", "Poor"))
    )


HOW_DID_WE_DO = "How did we do?"


def confirm_buttons(incident: Incident) -> tuple[Button, ...]:
    value = str(incident.id)
    return (
        Button(
            "Confirm, I have it" if incident.kind == "request" else "Confirm, it's fixed",
            "incident.confirm",
            value,
            "primary",
        ),
        Button("Reopen", "incident.reopen", value),
    )


async def ask_rating_in_chat(
    session: AsyncSession, recipient: Recipient, incident_id: int, now: datetime, until: datetime
) -> None:
    """The direct chat takes a typed "good" or "poor" as the rating asked for, until
    `until`, unless it is in the middle of something else."""
    chat = await _direct_chat(session, recipient, now)
    if chat.step == "idle":
        chat.step, chat.incident_id, chat.expires_at = RATE, incident_id, until


async def focus_direct_chat(
    session: AsyncSession, recipient: Recipient, incident_id: int, now: datetime
) -> None:
    """Remember which incident a person's direct chat with the desk is about, unless a
    question there waits for its answer (whether to cancel INC-1 is about INC-1, whatever
    news of INC-2 arrives meanwhile)."""
    chat = await _direct_chat(session, recipient, now)
    if chat.step == "idle":
        chat.incident_id = incident_id


async def _direct_chat(session: AsyncSession, recipient: Recipient, now: datetime) -> Conversation:
    chat = await session.scalar(
        select(Conversation).where(
            Conversation.person_key == recipient.key, Conversation.place == DM_PLACE
        )
    )
    if chat is None:
        chat = Conversation(
            person_key=recipient.key,
            place=DM_PLACE,
            person_name=recipient.name,
            platform=recipient.platform,
            channel_id=recipient.channel_id,
            step="idle",
            text="",
            kind="incident",
            articles=[],
            updated_at=now,
        )
        session.add(chat)
    return chat


def _previous_owner(change: Change) -> str | None:
    """The owner this change replaced, if it replaced one."""
    changes = getattr(change.event, "changes", None) or {}
    before = changes.get("assignee", [None])[0]
    return before if before and before != change.incident.assignee else None
