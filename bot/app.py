"""The core: takes one inbound event, returns the replies. The one error boundary.

Adapters call `Core.handle` and render what it returns; they never touch the
database. Each command runs as one unit of work: the platform event id is
recorded in the same transaction, so a redelivered event does nothing twice.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import bot.commands  # noqa: F401  (registers every command)
from bot.agent_says import IT, REPORTER_OF, agent_command
from bot.cards import list_line
from bot.clock import Clock, SystemClock
from bot.config import Role, Settings
from bot.context import CommandContext
from bot.conversation import Chat
from bot.conversation_store import IDLE, incident_here, place_of
from bot.db import Database
from bot.errors import BadArguments, DeskError, Forbidden
from bot.ids import format_id
from bot.intents import me_too
from bot.messages import Action, Actor, ChannelRef, CommandCall, Inbound, Message, Reply
from bot.models import Conversation, ProcessedEvent
from bot.notices import write_notices
from bot.registry import INCIDENT, INCIDENT_ID, CommandSpec, Registry, registry
from bot.services.bulletins import posted_in
from bot.services.duplicates import named_by
from bot.services.incidents import IncidentFilter, Incidents
from bot.services.knowledge import KnowledgeBase
from bot.services.people import Person
from bot.services.reporters import reported_by
from bot.services.rules import DeskRules
from bot.services.sla_queue import unowned_incidents

log = logging.getLogger(__name__)
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}
# never done to "it" (linking a duplicate cancels it)
_FINAL = {("incident", "close"), ("incident", "cancel"), ("incident", "link")}
Work = Callable[[CommandContext], Awaitable[Reply]]
_ROLE_NAMES = {Role.AGENT: "the desk's agents", Role.MANAGER: "the desk's managers"}


class Core:
    """Routes events to commands inside a transaction, and turns errors into replies."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        clock: Clock | None = None,
        commands: Registry = registry,
        knowledge: KnowledgeBase | None = None,
    ) -> None:
        self.rules = DeskRules.from_settings(settings)
        self.knowledge = knowledge or KnowledgeBase.for_desk(settings, self.rules.triage)
        self.database = database
        self.clock = clock or SystemClock()
        self.registry = commands

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one event. Never raises: every failure becomes a reply."""
        try:
            return await self._dispatch(inbound)
        except DeskError as exc:
            return [Reply(text=str(exc), ephemeral=True, is_error=True)]
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("unhandled error, ref %s, on a %s", ref, type(inbound).__name__)
            text = (
                f"Something went wrong on our side (ref {ref}). Please try again or tell the desk."
            )
            return [Reply(text=text, ephemeral=True, is_error=True)]

    async def open_incidents_for(self, actor: Actor) -> list[tuple[int, str]]:
        """The open incidents `actor` may see, as `/incident list --state open` lines them,
        for suggestions such as Discord's autocomplete: a read that records no event."""
        person = self.rules.directory.person(actor)
        async with self.database.transaction() as session:
            incidents = Incidents(session, self.rules, self.clock.now())
            rows, _ = await incidents.search(person, IncidentFilter(state="open"))
            return [(row.id, list_line(row, self.rules)) for row in rows]

    async def follows(self, place: ChannelRef, text: str = "") -> bool:
        """Whether a reply without a mention in this channel thread is meant for the
        desk: the desk is talking there (someone's report or its incident), or it is a
        "same here" under a bulletin in force (other chatter there is left alone, also
        after someone's "same here", which leaves their conversation there idle)."""
        if place.is_direct or place.thread_id is None:
            return False
        async with self.database.transaction() as session:
            found = await session.scalar(
                select(Conversation.id)
                .where(
                    Conversation.platform == place.platform,
                    Conversation.place == place_of(place),
                    or_(Conversation.step != IDLE, Conversation.incident_id.is_not(None)),
                )
                .limit(1)
            )
            if found is None and me_too(text) is not None:
                return await posted_in(session, place) is not None
        return found is not None

    def form_for(self, press: Action) -> tuple[CommandSpec, dict[str, Any]] | None:
        """The command a pressed button stands for and what its value gives, when the
        button lacks free text the command needs (Resolve: the note), so the adapter asks
        for it in a form. None when the core should answer the press as it is: a complete
        button, an unknown one, or a person whose role the command refuses anyway."""
        try:
            spec = self.registry.get(press.action_id.split("."))
        except DeskError:
            return None
        if self.rules.directory.person(press.actor).role < spec.role_in(self.rules.settings):
            return None
        presets = self.registry.button_presets(spec, press.value, self.rules)
        return None if presets is None else (spec, presets)

    async def _dispatch(self, inbound: Inbound) -> list[Reply]:
        self._check_input(inbound)
        person = self.rules.directory.person(inbound.actor)
        if isinstance(inbound, Message) and (line := self._agent_says(inbound, person)):
            top, _, rest = line.partition(" ")
            said = inbound
            inbound = CommandCall(
                said.actor, said.channel, (top,), said.event_id, rest, people=said.people
            )
        if isinstance(inbound, Message):
            text, files = inbound.text, inbound.files

            async def converse(ctx: CommandContext) -> Reply:
                return await (await Chat.load(ctx)).on_message(text, files)

            return await self._unit(inbound, person, converse)
        spec, text = self._command(inbound)
        # The role first: someone who may not run a command is not taught its usage.
        needed = spec.role_in(self.rules.settings)
        if person.role < needed:
            raise Forbidden(
                f"{spec.name} is for {_ROLE_NAMES[needed]}, and you are not on that list. "
                "`/help` shows what you can do."
            )
        if isinstance(inbound, CommandCall) and _points(spec, text):
            return await self._unit(inbound, person, lambda ctx: self._on_it(ctx, spec, text))
        values = self._bind(spec, inbound, text)
        self._check_options(person, spec, values)
        return await self._unit(inbound, person, lambda ctx: spec.handler(ctx, **values))

    def _check_options(self, person: Person, spec: CommandSpec, values: dict[str, Any]) -> None:
        for param in spec.params:
            if person.role < param.role and values.get(param.name) not in (None, False):
                raise Forbidden(
                    f"{param.option} is for {_ROLE_NAMES[param.role]}, and you are not on that "
                    f"list: leave it out. `/help {' '.join(spec.path)}` shows what you can do."
                )

    async def _on_it(self, ctx: CommandContext, spec: CommandSpec, text: str) -> Reply:
        """ "claim it", "resolve it, new toner": the incident this thread is about, or the
        one the person's direct chat follows (the last they heard news of); "claim the
        wifi one": the one nobody owns in their groups that those words name; "tell
        alice …": the one she reported that the note is about."""
        about = _THE_ONE.match(text.strip())
        told = _TOLD.match(text)
        if about:
            claiming = spec.path == ("incident", "claim")
            said = str(await _one_about(ctx, about[1], unowned=claiming))
        elif told:
            said = f"{await _reported_by(ctx, told[1])} {told[2]}"
        else:
            at = _it_at(spec, text)
            assert at is not None  # _points said so
            words = text.strip().split(maxsplit=at + 1)
            words[at] = str(await self._followed(ctx, spec))
            said = " ".join(words)
        values = self.registry.parse(spec, said, self.rules)
        self._check_options(ctx.person, spec, values)
        return await spec.handler(ctx, **values)

    async def _followed(self, ctx: CommandContext, spec: CommandSpec) -> int:
        """The incident "it" is, for a command that may be done to it."""
        number = await incident_here(ctx.session, ctx.person.key, ctx.channel)
        verb = spec.path[-1]
        if number is None:
            raise BadArguments(
                f"Which incident? This chat isn't following one, so “{IT}” names none. "
                f"Say its number, for example “{verb} INC-12”."
            )
        if spec.path in _FINAL:
            # news of another incident may have moved the chat on: no guessing what can't
            # be undone
            raise BadArguments(
                f"That can't be undone, so say the incident's number: “{verb} "
                f"{format_id(number)}” if you mean the one this chat follows."
            )
        return number

    def _agent_says(self, message: Message, person: Person) -> str | None:
        """The command an agent's short message stands for ("claim 12"); None for
        anyone else, or a message with files (that is news for an incident)."""
        if not person.is_agent or message.files:
            return None
        command = agent_command(message.text, self.rules.settings.groups)
        # A manager's "what's about to breach?" is about their teams, not their own few.
        if command == "incident queue" and person.role >= Role.MANAGER:
            return "incident queue --all"
        return command

    async def _unit(self, inbound: Inbound, person: Person, work: Work) -> list[Reply]:
        try:
            return await self.database.run(
                lambda session: self._run(session, inbound, person, work)
            )
        except IntegrityError:
            if await self._already_processed(inbound):
                return []  # the same event, delivered twice at the same moment
            raise

    def _command(self, inbound: CommandCall | Action) -> tuple[CommandSpec, str]:
        """The command an event names, and the text left for its arguments."""
        if isinstance(inbound, Action):
            return self.registry.get(inbound.action_id.split(".")), inbound.value
        if inbound.options is not None:
            return self.registry.get(inbound.path), ""
        return self.registry.resolve(inbound.path, inbound.text)

    def _bind(self, spec: CommandSpec, inbound: CommandCall | Action, text: str) -> dict[str, Any]:
        # A button is a command with its arguments preset: the value is parsed like
        # typed text, so a button can never do what the command itself would refuse.
        if isinstance(inbound, CommandCall) and inbound.options is not None:
            return self.registry.bind(spec, inbound.options, self.rules)
        return self.registry.parse(spec, text, self.rules)

    async def _run(
        self, session: AsyncSession, inbound: Inbound, person: Person, work: Work
    ) -> list[Reply]:
        """One unit of work: the event recorded once, the change, its notifications."""
        now = self.clock.now()
        key = (inbound.actor.platform, inbound.event_id)
        if await session.get(ProcessedEvent, key) is not None:
            return []
        session.add(ProcessedEvent(platform=key[0], event_id=key[1], at=now))
        ctx = CommandContext(
            actor=inbound.actor,
            person=person,
            channel=inbound.channel,
            now=now,
            session=session,
            rules=self.rules,
            registry=self.registry,
            knowledge=self.knowledge,
            mentioned=(inbound.people if isinstance(inbound, CommandCall) else None) or {},
        )
        reply = await work(ctx)
        await write_notices(session, self.rules, now)
        return [reply]

    async def _already_processed(self, inbound: Inbound) -> bool:
        key = (inbound.actor.platform, inbound.event_id)
        async with self.database.transaction() as session:
            found = await session.scalar(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.platform == key[0], ProcessedEvent.event_id == key[1]
                )
            )
        return found is not None

    def _check_input(self, inbound: Inbound) -> None:
        for text in _texts(inbound):
            check_text(text, self.rules.settings.limits.message_chars)


def _texts(inbound: Inbound) -> list[str]:
    if isinstance(inbound, Message):
        return [inbound.text, *(f.name for f in inbound.files)]
    if isinstance(inbound, Action):
        return [inbound.action_id, inbound.value]
    options: Mapping[str, object] = inbound.options or {}
    return [inbound.text, *inbound.path, *(str(v) for v in options.values())]


def check_text(text: str, limit: int) -> None:
    """Refuse oversized text and control characters, saying exactly what is wrong."""
    if len(text) > limit:
        raise BadArguments(
            f"Your message is {len(text):,} characters long; the most I accept is {limit:,}. "
            "Send a short summary, and put long logs in a file or a link."
        )
    for position, char in enumerate(text):
        kind = unicodedata.category(char)
        if kind == "Cs":
            raise BadArguments(
                "Your message contains bytes that are not valid text (UTF-8) "
                f"{_near(text, position)}. Send it again as plain text."
            )
        if kind == "Cc" and char not in _ALLOWED_CONTROLS:
            raise BadArguments(
                f"Your message contains a control character (U+{ord(char):04X}) "
                f"{_near(text, position)}. Only printable text, tabs and line breaks are "
                "accepted; remove it and send again."
            )


def _near(text: str, position: int) -> str:
    """Where a bad character is, as the whole words around it (the character shown as '?')."""
    start, end = max(0, position - 20), position + 21
    before, after = text[start:position], text[position + 1 : end]
    if start > 0 and " " in before:
        before = before.split(" ", 1)[1]  # don't start mid-word
    if end < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0]
    shown = "".join(c if c.isprintable() else " " for c in f"{before}?{after}").strip()
    return f"near '{shown}'"


_THE_ONE = re.compile(r"^the\s+(.+?)\s+one$", re.I)  # "claim the wifi one"
_BY_WHAT_ABOUT = {("incident", "claim"), ("incident", "show")}  # "show me the visio one"
_TOLD = re.compile(rf"^{REPORTER_OF}(\S+)\s+(.*)$", re.S)  # "tell alice ..." (agent_says)


async def _reported_by(ctx: CommandContext, who: str) -> int:
    """The incident `who` reported that the agent's note to them is about."""
    mentioned = ctx.mentioned.get(who)
    return await reported_by(
        ctx.session,
        who,
        followed=await incident_here(ctx.session, ctx.person.key, ctx.channel),
        owner=ctx.person.handle,
        groups=ctx.rules.directory.teams(ctx.person),
        account=mentioned.key if mentioned else None,
    )


def _points(spec: CommandSpec, text: str) -> bool:
    """Whether a command's incident is given as "it" ("resolve it", "kb link
    printer-toner it"), or, to claim, by what it is about ("claim the wifi one")."""
    if spec.params and spec.params[0] is INCIDENT_ID:
        if spec.path in _BY_WHAT_ABOUT and _THE_ONE.match(text.strip()):
            return True
        if spec.path == ("incident", "note") and text.startswith(REPORTER_OF):
            return True
    return _it_at(spec, text) is not None


def _it_at(spec: CommandSpec, text: str) -> int | None:
    """Which of the command's words is "it" standing for an incident: the first in
    "resolve it, new toner", the second in "kb link printer-toner it"."""
    words = text.split()
    for at, param in enumerate(p for p in spec.params if not p.flag):
        if param.type is INCIDENT and words[at : at + 1] == [IT]:
            return at
        if param.type.rest:
            return None  # free text from here on: "it" is a word of it
    return None


async def _one_about(ctx: CommandContext, about: str, *, unowned: bool) -> int:
    """The one open incident in the person's groups that `about` names: to claim, the
    one nobody owns."""
    teams = ctx.rules.directory.teams(ctx.person)
    found = named_by(about, await unowned_incidents(ctx.session, teams, owned_too=not unowned))
    if found is not None:
        return found.id
    if unowned:
        raise BadArguments(
            f"No incident nobody owns in your groups is about “{about}” alone: say its "
            "number, for example “claim INC-12” (“what's unassigned?” lists them)."
        )
    raise BadArguments(
        f"No open incident in your groups is about “{about}” alone: say its number, for "
        "example “show me INC-12” (“list every ticket about …” finds them by their words)."
    )
