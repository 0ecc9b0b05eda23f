"""What a command handler is given: who asked, where, when, and the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Actor, ChannelRef
from bot.registry import Registry
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

    @property
    def incidents(self) -> Incidents:
        return Incidents(self.session, self.rules, self.now)
