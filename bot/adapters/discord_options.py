"""Registry parameters as Discord options: types, choices and autocomplete, within
Discord's limits (descriptions 100 characters, 25 choices of 100).

Incident ids suggest the open incidents the person can see, asked of the core as
`/incident list` would be, so the adapter knows no more than the person does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord_interactions import actor_of
from bot.app import Core
from bot.ids import MAX_ID
from bot.registry import INCIDENT, PERSON, Param
from bot.services.rules import DeskRules

DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
CHOICE_LIMIT = 100
TEXT_LIMIT = 6000  # Discord's longest string option
AUTOCOMPLETE_BUDGET = 2.5  # seconds: autocomplete cannot be deferred

Completer = Callable[..., Coroutine[Any, Any, list[Any]]]
_unfinished: set[asyncio.Future[list[tuple[int, str]]]] = set()  # slow lookups, kept until they end


def short(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """One line of at most `limit` characters (Discord refuses longer descriptions)."""
    text = " ".join(text.split()) or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def annotation(param: Param, rules: DeskRules) -> Any:
    """The Python type discord.py reads the option's Discord type from."""
    if param.type.switch:
        return bool
    if param.type is INCIDENT:
        return app_commands.Range[int, 1, MAX_ID]
    if param.type is PERSON:
        return discord.User  # a user picker; in a server discord.py gives the Member

    if param.type.rest:
        return app_commands.Range[str, 1, min(TEXT_LIMIT, rules.settings.limits.message_chars)]
    return str


def listed(param: Param, rules: DeskRules) -> list[str] | None:
    """The values the registry declares for a parameter, if it declares any."""
    return None if param.type.choices is None else list(param.type.choices(rules))


def fits_choices(options: Sequence[str]) -> bool:
    return 0 < len(options) <= CHOICES_LIMIT and all(len(o) <= CHOICE_LIMIT for o in options)


def choice_completer(options: Sequence[str]) -> Completer:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.lower()
        fitting = [o for o in options if typed in o.lower() and len(o) <= CHOICE_LIMIT]
        return [app_commands.Choice(name=o, value=o) for o in fitting[:CHOICES_LIMIT]]

    return complete


def incident_completer(core: Core) -> Completer:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        return await incident_choices(core, interaction, current)

    return complete


async def incident_choices(
    core: Core, interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    """The open incidents this person can see (what `/incident list` shows them),
    filtered by what they typed so far."""
    lookup = asyncio.ensure_future(core.open_incidents_for(actor_of(interaction.user)))
    done, _ = await asyncio.wait({lookup}, timeout=AUTOCOMPLETE_BUDGET)
    if not done:
        # No suggestions beats a failed interaction. The lookup is left to finish rather
        # than cancelled in the middle of its database work.
        _unfinished.add(lookup)
        lookup.add_done_callback(_unfinished.discard)
        return []
    typed = str(current or "").strip().lower().lstrip("#")
    found = [
        app_commands.Choice(name=_cut(line), value=number)
        for number, line in lookup.result()
        if not typed or typed in line.lower()
    ]
    return found[:CHOICES_LIMIT]


def _cut(line: str) -> str:
    return line if len(line) <= CHOICE_LIMIT else line[: CHOICE_LIMIT - 1] + "…"
