"""Modals built from the registry: `/incident open` with no text opens one, and so
does a button whose command needs words the button can't carry (a Resolve button
needs the fix's note).

Each of the command's parameters becomes an input: free text a text box, a
parameter with choices (category, impact, urgency, type, resolution code) a menu
of exactly the registry's choices, a switch a checkbox. `/incident open` also gets
a "Details" box, sent as the lines after the summary (the core keeps a longer text
whole as the description). A submission is checked field by field with the
registry's own converters, and what is wrong comes back on the field
(`response_action: errors`) before the modal closes; what passes goes to the
core as a `CommandCall` with typed options (a button's own values preset).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from bot.app import check_text
from bot.errors import BadArguments
from bot.registry import CommandSpec, Param
from bot.services.rules import DeskRules

CALLBACK_PREFIX = "deskbot:modal:"
VALUE = "value"  # every input's action id: the block id names the parameter
DETAILS = "details"
_TITLES = {("incident", "open"): "Report a problem", ("incident", "resolve"): "Resolve"}
_SUBMITS = {("incident", "open"): "Open incident", ("incident", "resolve"): "Resolve"}
# Commands whose free text gets a separate, longer "Details" box in the modal.
_WITH_DETAILS = {("incident", "open"): "summary"}
_MAX_OPTIONS = 100
_ERROR_CHARS = 300


@dataclass(frozen=True, slots=True)
class Origin:
    """What opened the modal and where to answer: a command's response_url, or the
    message whose button opened it (`replace`), with the values the button carried."""

    channel_id: str
    is_direct: bool
    response_url: str | None = None
    replace: bool = False
    presets: dict[str, Any] = field(default_factory=dict)
    thread_id: str | None = None

    def dump(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def load(cls, text: str) -> Origin:
        data = json.loads(text or "{}")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def callback_id(spec: CommandSpec) -> str:
    return CALLBACK_PREFIX + ".".join(spec.path)


def command_path(callback: str) -> tuple[str, ...]:
    return tuple(callback.removeprefix(CALLBACK_PREFIX).split("."))


def modal_view(spec: CommandSpec, rules: DeskRules, origin: Origin) -> dict[str, Any]:
    """The modal for `spec`: an input per parameter the origin doesn't preset."""
    blocks = []
    for param in spec.params:
        if param.name in origin.presets or not param.in_forms:
            continue
        with_details = _WITH_DETAILS.get(spec.path) == param.name
        blocks.append(_input(param, rules, multiline=param.type.rest and not with_details))
        if with_details:
            blocks.append(_details())
    title = _TITLES.get(spec.path, spec.name)[:24]
    return {
        "type": "modal",
        "callback_id": callback_id(spec),
        "private_metadata": origin.dump(),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": _SUBMITS.get(spec.path, "Send")[:24]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _input(param: Param, rules: DeskRules, *, multiline: bool) -> dict[str, Any]:
    element: dict[str, Any]
    if param.type.switch:
        element = {
            "type": "checkboxes",
            "options": [_option(param.name.replace("_", " "), "yes")],
        }
    elif param.type.choices is not None:
        choices = list(param.type.choices(rules))[:_MAX_OPTIONS]
        element = {
            "type": "static_select",
            "placeholder": {"type": "plain_text", "text": f"Choose {param.type.name}"[:150]},
            "options": [_option(choice, choice) for choice in choices],
        }
    else:
        element = {"type": "plain_text_input", "multiline": multiline}
    element["action_id"] = VALUE
    return {
        "type": "input",
        "block_id": param.name,
        "optional": not param.required or param.type.switch,
        "label": {"type": "plain_text", "text": param.name.replace("_", " ").capitalize()},
        "hint": {"type": "plain_text", "text": param.help[:150]},
        "element": element,
    }


def _details() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": DETAILS,
        "optional": True,
        "label": {"type": "plain_text", "text": "Details"},
        "hint": {"type": "plain_text", "text": "what you see, since when, what you tried"},
        "element": {"type": "plain_text_input", "multiline": True, "action_id": VALUE},
    }


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value[:150]}


def read_submission(
    spec: CommandSpec, values: dict[str, Any], rules: DeskRules, presets: dict[str, Any]
) -> tuple[dict[str, object], dict[str, str]]:
    """The submitted options (presets included), and an error per block id for what
    can't be accepted."""
    limit = rules.settings.limits.message_chars
    options: dict[str, object] = dict(presets)
    errors: dict[str, str] = {}
    for param in spec.params:
        if param.name in presets or not param.in_forms:
            continue
        raw = _submitted(values.get(param.name, {}).get(VALUE, {}))
        if param.type.switch:
            options[param.name] = bool(raw)
            continue
        if raw is None or not raw.strip():
            if param.required:
                errors[param.name] = f"Please fill this in: {param.help}."
            continue
        try:
            check_text(raw, limit)
            param.type.convert(raw.strip(), rules)
        except BadArguments as exc:
            errors[param.name] = _short(str(exc))
            continue
        options[param.name] = raw.strip()
    _add_details(spec, values, options, errors, limit)
    return options, errors


def _add_details(
    spec: CommandSpec,
    values: dict[str, Any],
    options: dict[str, object],
    errors: dict[str, str],
    limit: int,
) -> None:
    target = _WITH_DETAILS.get(spec.path)
    details = _submitted(values.get(DETAILS, {}).get(VALUE, {}))
    if target is None or not details or not details.strip() or target not in options:
        return
    text = f"{options[target]}\n{details.strip()}"
    try:
        check_text(text, limit)
    except BadArguments as exc:
        errors[DETAILS] = _short(str(exc))
        return
    options[target] = text


def _submitted(state: dict[str, Any]) -> str | None:
    """One input's value from `view.state.values`, whatever kind of element it is."""
    kind = state.get("type")
    if kind == "static_select":
        selected = state.get("selected_option") or {}
        return selected.get("value")
    if kind == "checkboxes":
        return "yes" if state.get("selected_options") else None
    return state.get("value")


def _short(text: str) -> str:
    first = text.splitlines()[0] if text else text
    return first if len(first) <= _ERROR_CHARS else first[: _ERROR_CHARS - 1] + "…"
