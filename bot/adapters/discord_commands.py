"""The application-command tree, built from the core's registry so the two never drift.

Each top-level word of the registry (incident, kb, and whatever else is declared) is a
command group with one subcommand per declared command; a word with no subcommands
(help) is a command of its own. Options are typed from the declared parameters
(`discord_options`). An invocation becomes `CommandCall(path, options)` for the core;
`/incident open` without a summary opens a form instead (`discord_form`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord_form import FORM_COMMAND, SUMMARY, IncidentForm
from bot.adapters.discord_interactions import actor_of, answer, interaction_place
from bot.adapters.discord_options import (
    annotation,
    choice_completer,
    fits_choices,
    incident_completer,
    listed,
    short,
)
from bot.app import Core
from bot.messages import CommandCall
from bot.registry import INCIDENT, CommandSpec, Param

log = logging.getLogger(__name__)
SUBCOMMANDS_LIMIT = 25

Callback = Callable[..., Coroutine[Any, Any, None]]
AppCommand = app_commands.Command[Any, ..., None] | app_commands.Group


def build_tree(client: discord.Client, core: Core) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for command in app_commands_for(core):
        tree.add_command(command)
    return tree


def app_commands_for(core: Core) -> list[AppCommand]:
    """One group per top-level word with subcommands, one command per other word."""
    by_word: dict[str, list[CommandSpec]] = {}
    for spec in core.registry.specs():
        if len(spec.path) > 2:
            raise ValueError(f"{spec.name}: Discord commands nest two words deep here")
        by_word.setdefault(spec.path[0], []).append(spec)
    found: list[AppCommand] = []
    for word, specs in by_word.items():
        subs = [s for s in specs if len(s.path) == 2]
        if subs and len(subs) < len(specs):
            raise ValueError(f"/{word} is both a command and a group; Discord allows one")
        if not subs:
            found.append(_command(specs[0], core))
            continue
        if len(subs) > SUBCOMMANDS_LIMIT:
            raise ValueError(f"/{word} has {len(subs)} subcommands; Discord allows 25")
        names = ", ".join(s.path[1] for s in subs)
        group = app_commands.Group(name=word, description=short(f"/{word}: {names}"))
        for spec in subs:
            group.add_command(_command(spec, core, group))
        found.append(group)
    return found


def _command(spec: CommandSpec, core: Core, parent: app_commands.Group | None = None) -> Any:
    return app_commands.Command(
        name=spec.path[-1],
        description=short(spec.summary),
        callback=_callback(spec, core),
        parent=parent,
    )


def optional_on_discord(spec: CommandSpec, param: Param) -> bool:
    """Whether Discord lets the option be left out (the form asks for a summary)."""
    return not param.required or (spec.path == FORM_COMMAND and param.name == SUMMARY)


def _callback(spec: CommandSpec, core: Core) -> Callback:
    """A callback whose signature declares the spec's options, as discord.py reads them."""

    async def callback(interaction: discord.Interaction[Any], **options: Any) -> None:
        await run(interaction, core, spec, options)

    rules = core.rules
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    choices: dict[str, list[app_commands.Choice[str]]] = {}
    completers: dict[str, Any] = {}
    for param in spec.params:
        optional = optional_on_discord(spec, param)
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation(param, rules),
                default=None if optional else inspect.Parameter.empty,
            )
        )
        declared = listed(param, rules)
        if declared is not None and fits_choices(declared):
            choices[param.name] = [app_commands.Choice(name=o, value=o) for o in declared]
        elif declared is not None:
            completers[param.name] = choice_completer(declared)
        elif param.type is INCIDENT:
            completers[param.name] = incident_completer(core)
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        p.name: short(p.help) for p in spec.params
    }
    callback.__discord_app_commands_param_choices__ = choices  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_autocomplete__ = completers  # type: ignore[attr-defined]
    return callback


async def run(
    interaction: discord.Interaction[Any], core: Core, spec: CommandSpec, options: Mapping[str, Any]
) -> None:
    """One invocation: the form when `/incident open` has no summary, else the core."""
    given = {name: value for name, value in options.items() if value is not None}
    if spec.path == FORM_COMMAND and not given.get(SUMMARY):
        await interaction.response.send_modal(IncidentForm(spec, core.rules, given))
        return
    await call_core(interaction, core, spec.path, given)


async def call_core(
    interaction: discord.Interaction[Any],
    core: Core,
    path: tuple[str, ...],
    options: Mapping[str, object],
) -> None:
    # A picked user becomes "@name" for the core, with the account it stands for.
    people = {
        f"@{value.display_name}": actor_of(value)
        for value in options.values()
        if isinstance(value, discord.abc.User)
    }
    named = {
        name: f"@{value.display_name}" if isinstance(value, discord.abc.User) else value
        for name, value in options.items()
    }
    call = CommandCall(
        actor_of(interaction.user),
        interaction_place(interaction),
        path,
        event_id=str(interaction.id),
        options=named,
        people=people,
    )
    await answer(interaction, core.handle(call))


async def sync(tree: app_commands.CommandTree[Any], guild_id: str | None) -> None:
    """To one server (available at once) when a guild id is configured, else globally
    (Discord may take up to an hour to show them everywhere)."""
    guild = discord.Object(id=int(guild_id)) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    try:
        await tree.sync(guild=guild)
    except discord.Forbidden:
        # DMs and mentions still work; say what is missing rather than not starting.
        log.error(
            "Discord refused the slash commands%s: the bot must be in that server, "
            "invited with the applications.commands scope (`deskbot discord invite`)",
            f" for server {guild_id}" if guild_id else "",
        )
