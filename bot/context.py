"""What a command handler is given: who asked, where, when, and the services."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BadArguments
from bot.messages import Actor, ChannelRef
from bot.registry import Registry
from bot.services.bulletins import Bulletins
from bot.services.incidents import Incidents
from bot.services.knowledge import KnowledgeBase
from bot.services.people import Person
from bot.services.rules import DeskRules


@dataclass(frozen=True, slots=True)
class CommandContext:
    """One command's world, explicit rather than injected by name."""

    actor: Actor
    person: Person
    channel: ChannelRef
    now: datetime
    session: AsyncSession
    rules: DeskRules
    registry: Registry
    knowledge: KnowledgeBase
    mentioned: Mapping[str, Actor] = field(default_factory=dict)

    def account(self, named: str) -> Actor:
        """The platform account a command names: as the adapter resolved its mention, or,
        in the console, the name itself (console accounts are their names)."""
        found = self.mentioned.get(named) or self.mentioned.get("@" + named.lstrip("@"))
        if found is not None:
            return found
        name = named.strip().removeprefix("@")
        if self.actor.platform == "console" and re.fullmatch(r"[\w.-]{1,80}", name):
            return Actor("console", name, name)
        raise BadArguments(
            f"I can't tell who '{named}' is. Mention them as your chat offers it (type @ "
            "and pick them from the list), e.g. `--reporter @alice`. If you did, the desk's "
            "chat app predates this: its admin updates it (on Slack, `deskbot slack manifest`)."
        )

    @property
    def incidents(self) -> Incidents:
        return Incidents(self.session, self.rules, self.now)

    @property
    def bulletins(self) -> Bulletins:
        return Bulletins(self.session, self.rules, self.now)
