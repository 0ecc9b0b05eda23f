"""Forms (Discord modals): `/incident open` without a summary, and a pressed button
whose command needs text the button lacks (Resolve asks for the note); and reading a
submitted form back as the command it stands for.

The submission is read from the interaction's data, not from the `Modal` object that
sent it, so a form opened before a restart still does its work after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import discord

from bot.adapters.discord_options import fits_choices, listed, short
from bot.registry import CommandSpec, Param
from bot.services.rules import DeskRules

FORM_COMMAND = ("incident", "open")
FORM_FIELDS = ("category", "impact", "urgency")
FORM_PREFIX = "deskbot-form:"
SUMMARY, DESCRIPTION = "summary", "description"
CUSTOM_ID_LIMIT = 100


class IncidentForm(discord.ui.Modal):
    """Summary, description, and the classification as menus (text when there are more
    options than a menu holds); the core checks the values. What the command was given
    besides (its type) rides in the form's custom id."""

    def __init__(self, spec: CommandSpec, rules: DeskRules, given: Mapping[str, Any]) -> None:
        extra = {k: str(v) for k, v in given.items() if k not in (SUMMARY, *FORM_FIELDS)}
        custom_id = FORM_PREFIX + ".".join(spec.path)
        if extra:
            custom_id = (custom_id + "?" + urlencode(extra))[:CUSTOM_ID_LIMIT]
        super().__init__(title=short("Report a problem", 45), custom_id=custom_id, timeout=900)
        summary = discord.ui.TextInput[Any](
            custom_id=SUMMARY,
            placeholder="What is wrong, in a sentence",
            max_length=min(4000, rules.settings.limits.summary_chars),
        )
        description = discord.ui.TextInput[Any](
            custom_id=DESCRIPTION,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=min(4000, rules.settings.limits.message_chars),
            placeholder="What happened, since when, what you tried",
        )
        self.add_item(discord.ui.Label(text="Summary", component=summary))
        self.add_item(discord.ui.Label(text="Description", component=description))
        for name in FORM_FIELDS:
            self.add_item(_form_field(spec.param(name), rules, given.get(name)))


class CommandForm(discord.ui.Modal):
    """What a button's command still needs, asked as a form; what the button already
    gave (e.g. the incident) rides in the form's custom id."""

    def __init__(self, spec: CommandSpec, rules: DeskRules, presets: Mapping[str, Any]) -> None:
        given = urlencode({name: str(value) for name, value in presets.items()})
        custom_id = f"{FORM_PREFIX}{'.'.join(spec.path)}?{given}"[:CUSTOM_ID_LIMIT]
        super().__init__(title=short(spec.summary, 45), custom_id=custom_id, timeout=900)
        for param in spec.params:
            if param.name not in presets and not param.type.switch and param.in_forms:
                self.add_item(_command_field(param, rules))


def _command_field(param: Param, rules: DeskRules) -> discord.ui.Item[Any]:
    if listed(param, rules) is not None:
        return _form_field(param, rules, None)
    text = discord.ui.TextInput[Any](
        custom_id=param.name,
        style=discord.TextStyle.paragraph if param.type.rest else discord.TextStyle.short,
        required=param.required,
        max_length=min(4000, rules.settings.limits.message_chars),
    )
    label = param.name.replace("_", " ").capitalize()
    return discord.ui.Label(text=label, description=short(param.help), component=text)


def _form_field(param: Param, rules: DeskRules, given: object) -> discord.ui.Item[Any]:
    options = listed(param, rules) or []
    field: discord.ui.Item[Any]
    if not fits_choices(options):
        field = discord.ui.TextInput(
            custom_id=param.name,
            required=False,
            default=str(given) if given else None,
            placeholder=short("One of: " + ", ".join(options)),
        )
    else:
        field = discord.ui.Select(
            custom_id=param.name,
            required=False,
            min_values=0,
            options=[discord.SelectOption(label=o, value=o, default=o == given) for o in options],
        )
    text = param.name.capitalize()
    return discord.ui.Label(text=text, description=short(param.help), component=field)


def submitted_call(
    interaction: discord.Interaction[Any],
) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """The command a submitted form stands for, or None when the form is not ours."""
    data = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FORM_PREFIX):
        return None
    command, _, query = custom_id.removeprefix(FORM_PREFIX).partition("?")
    path = tuple(command.split("."))
    values = _form_values(data.get("components", []))
    options: dict[str, object] = dict(parse_qsl(query))
    if path == FORM_COMMAND:
        summary = values.pop(SUMMARY, "").strip()
        description = values.pop(DESCRIPTION, "").strip()
        options[SUMMARY] = f"{summary}\n{description}" if description else summary
    options.update({name: value for name, value in values.items() if value.strip()})
    return path, options


def _form_values(components: Any) -> dict[str, str]:
    """custom id -> value from a modal submission (text inputs and menus, at any depth)."""
    found: dict[str, str] = {}
    for component in components if isinstance(components, list) else []:
        if "custom_id" in component and ("value" in component or "values" in component):
            values = component.get("values")
            value = (values[0] if values else "") if values is not None else component["value"]
            found[component["custom_id"]] = str(value)
        found.update(_form_values(component.get("components", [])))
        if isinstance(component.get("component"), dict):
            found.update(_form_values([component["component"]]))
    return found
