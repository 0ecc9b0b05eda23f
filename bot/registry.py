"""Commands declared once: name, typed parameters, role, help and examples.

Everything else derives from these declarations: parsing a command's text
(console, Slack's single `/incident` command), binding typed options (Discord's
application commands), buttons (an `Action` names a command), and `/help`.

    @registry.command("incident claim", "Take ownership of an incident and start work",
                      params=[Param("incident", INCIDENT, "the incident's id")],
                      role=Role.AGENT, examples=["/incident claim 42"])
    async def claim(ctx: CommandContext, incident: int) -> Reply: ...
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.config import Role, Settings
from bot.errors import BadArguments, UnknownCommand
from bot.ids import parse_id
from bot.services.report_window import parse_period
from bot.services.rules import DeskRules

Handler = Callable[..., Awaitable[Any]]
_TOKEN = re.compile(r'"([^"]*)"|\'([^\']*)\'(?=\s|$)|(\S+)')


@dataclass(frozen=True, slots=True)
class ValueType:
    """How one parameter's text becomes a value, and how help describes it."""

    name: str
    convert: Callable[[str, DeskRules], Any]
    choices: Callable[[DeskRules], Sequence[str]] | None = None
    rest: bool = False  # takes the rest of the words (free text)
    switch: bool = False  # a flag with no value


def _choice(name: str, source: Callable[[DeskRules], Sequence[str]]) -> ValueType:
    def convert(text: str, rules: DeskRules) -> str:
        options = list(source(rules))
        value = text.strip().lower()
        if value in options:
            return value
        near = difflib.get_close_matches(value, options, n=1)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        raise BadArguments(
            f"'{text}' is not a known {name}.{hint} Use one of: {', '.join(options)}."
        )

    return ValueType(name, convert, choices=source)


TEXT = ValueType("text", lambda text, _rules: text, rest=True)
WORD = ValueType("name", lambda text, _rules: text)
INCIDENT = ValueType("incident id", lambda text, _rules: parse_id(text))
# Someone on the chat platform: mentioned (Slack, the console) or picked (Discord).
PERSON = ValueType("person", lambda text, _rules: text.strip())
SWITCH = ValueType("switch", lambda text, _rules: True, switch=True)
CATEGORY = ValueType(
    "category",
    lambda text, rules: rules.classifier.category(text),
    choices=lambda rules: rules.classifier.category_paths(),
)
IMPACT = _choice("impact level", lambda rules: rules.classifier.impacts)
URGENCY = _choice("urgency level", lambda rules: rules.classifier.urgencies)
PRIORITY = ValueType(
    "priority",
    lambda text, rules: _priority(text, rules),
    choices=lambda rules: rules.classifier.priorities,
)
GROUP = _choice("group", lambda rules: list(rules.settings.groups))
RESOLUTION_CODE = _choice("resolution code", lambda rules: list(rules.settings.resolution_codes))
# How far back: 7d, 2w, today, yesterday or a date (`bot/services/report_window.py`).
PERIOD = ValueType("period", lambda text, _rules: parse_period(text))


def _priority(text: str, rules: DeskRules) -> str:
    options = rules.classifier.priorities
    for option in options:
        if text.strip().lower() in (option.lower(), option.lower().lstrip("p")):
            return option
    raise BadArguments(f"'{text}' is not a priority. Use one of: {', '.join(options)}.")


def static_choice(name: str, options: Sequence[str]) -> ValueType:
    """A parameter whose values are a fixed list."""
    return _choice(name, lambda _rules: options)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: positional, or a `--flag` when `flag` is set."""

    name: str
    type: ValueType
    help: str
    required: bool = True
    flag: bool = False
    # A button for the command asks for it in a form although it may be left out (an
    # escalation's reason: typed, it is optional; pressed, the form offers to give one).
    ask: bool = False
    # Who may give it (the command may be anyone's): help and forms leave it out for
    # anyone below, and the core refuses it from them.
    role: Role = Role.USER

    @property
    def in_forms(self) -> bool:
        return self.role == Role.USER

    @property
    def option(self) -> str:
        """How the flag is written: --duplicate-of."""
        return "--" + self.name.replace("_", "-")

    def usage(self) -> str:
        if self.type.switch:
            text = self.option
        elif self.flag:
            text = f"{self.option} <{self.type.name}>"
        else:
            text = f"<{self.name.replace('_', ' ')}>"
        return text if self.required else f"[{text}]"


INCIDENT_ID = Param("incident", INCIDENT, "the incident's id, like 42 or INC-000042")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A declared command; `path` is its words, e.g. ("incident", "claim")."""

    path: tuple[str, ...]
    summary: str
    params: tuple[Param, ...]
    role: Role
    examples: tuple[str, ...]
    handler: Handler = field(compare=False)
    # Behind buttons only (the chat intake's answers): not listed in help, not synced
    # as a platform's slash command, but typed in the console like any other.
    hidden: bool = False
    # For a command whose audience config.yaml sets (who posts bulletins): the role it
    # needs under these settings; `role` is then the lowest it can ever need.
    role_by: Callable[[Settings], Role] | None = field(default=None, compare=False)

    def role_in(self, settings: Settings) -> Role:
        """The role a person needs to run it under these settings."""
        return self.role_by(settings) if self.role_by else self.role

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)

    def usage(self, role: Role = Role.MANAGER) -> str:
        """How it is typed, with the parameters someone of `role` may give."""
        return " ".join([self.name, *(p.usage() for p in self.params if p.role <= role)])

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


def _asked(spec: CommandSpec) -> list[Param]:
    """What a button for `spec` can't carry and a form asks for: its required free text,
    and whatever it marks `ask`."""
    return [p for p in spec.params if (p.required and p.type.rest) or p.ask]


class Registry:
    """All commands, looked up by path."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, ...], CommandSpec] = {}

    def command(
        self,
        name: str,
        summary: str,
        *,
        params: Sequence[Param] = (),
        role: Role = Role.USER,
        examples: Sequence[str] = (),
        hidden: bool = False,
        role_by: Callable[[Settings], Role] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declare a command; its handler takes the context and one keyword per param."""

        def register(handler: Handler) -> Handler:
            spec = CommandSpec(
                tuple(name.split()),
                summary,
                tuple(params),
                role,
                tuple(examples),
                handler,
                hidden,
                role_by,
            )
            _check_declaration(spec, self._specs)
            self._specs[spec.path] = spec
            return handler

        return register

    def specs(self, *, hidden: bool = False) -> list[CommandSpec]:
        return [s for s in self._specs.values() if hidden or not s.hidden]

    def groups(self) -> list[str]:
        """Top-level words people type: 'incident', 'help', ... (not button-only ones)."""
        return list(dict.fromkeys(s.path[0] for s in self._specs.values() if not s.hidden))

    def group(self, word: str) -> list[CommandSpec]:
        return [
            s
            for s in self._specs.values()
            if s.path[0] == word and len(s.path) > 1 and not s.hidden
        ]

    def get(self, path: Sequence[str]) -> CommandSpec:
        spec = self._specs.get(tuple(path))
        if spec is None:
            known = [s.name for s in self._specs.values()]
            raise UnknownCommand(_unknown("/" + " ".join(path), known))
        return spec

    def button_presets(
        self, spec: CommandSpec, value: str, rules: DeskRules
    ) -> dict[str, Any] | None:
        """What a button's value gives of its command when it lacks the command's required
        free text (a Resolve button has the incident, not the note), so that an adapter
        asks for the rest in a form; None when the button is complete as it is."""
        missing = _asked(spec)
        if not missing:
            return None
        relaxed = dataclasses.replace(
            spec,
            params=tuple(
                dataclasses.replace(p, required=False) if p in missing else p for p in spec.params
            ),
        )
        try:
            given = self.parse(relaxed, value, rules)
        except BadArguments:
            return None  # pressed anyway, the core answers what is wrong with it
        if all(given.get(p.name) for p in missing):
            return None
        return {name: v for name, v in given.items() if v not in (None, False)}

    def unfilled_text(self, action_id: str, value: str) -> list[str]:
        """The free-text parameters a button's value leaves out, by name ("note" for
        Resolve), so that a surface without forms shows what is left to type."""
        spec = self._specs.get(tuple(action_id.split(".")))
        if spec is None:
            return []
        words = [w for w in value.split() if not w.startswith("--")]
        before = [p for p in spec.params if not p.flag and not p.type.rest]
        if len(words) > len(before):
            return []
        return [p.name for p in _asked(spec)]

    def resolve(self, words: Sequence[str], text: str) -> tuple[CommandSpec, str]:
        """Find the command named by `words` plus the start of `text`; return the rest."""
        top = words[0].lower().lstrip("/")
        if not any(path[0] == top for path in self._specs):
            raise UnknownCommand(_unknown("/" + top, ["/" + g for g in self.groups()]))
        if (top,) in self._specs and not self.group(top):
            # as "/incident help" works for a group
            if text.strip().lower() == "help" or _asks_help(text):
                return self._specs[("help",)], top
            return self._specs[(top,)], text
        sub, rest = _first_word(text)
        if not sub or sub.lower() == "help" or _asks_help(sub):
            return self._specs[("help",)], f"{top} {rest}".strip()
        spec = self._specs.get((top, sub))
        if spec is None:
            names = [s.name for s in self.group(top)]
            raise UnknownCommand(_unknown(f"/{top} {sub}", names, more=f"/{top} help"))
        if _asks_help(rest):
            return self._specs[("help",)], f"{top} {sub}"
        return spec, rest

    def parse(self, spec: CommandSpec, text: str, rules: DeskRules) -> dict[str, Any]:
        """Parse a command's argument text into typed values."""
        return _Parser(spec, rules).parse(text)

    def bind(
        self, spec: CommandSpec, options: Mapping[str, object], rules: DeskRules
    ) -> dict[str, Any]:
        """Convert typed options (from Discord or a button) with the same rules as text."""
        raw: dict[str, str | bool] = {}
        for name, value in options.items():
            if value is None:
                continue  # an optional option left unset
            if not any(p.name == name for p in spec.params):
                raise _bad(spec, f"Unknown option '{name}'.")
            raw[name] = value if isinstance(value, bool) else str(value)
        return _Parser(spec, rules).finish(raw)


def _asks_help(text: str) -> bool:
    """ "--help" anywhere, or "-h" alone: how command-line tools are asked for help. A
    bare "help" after a command's own words is one of them ("/incident note 1 help")."""
    words = text.lower().split()
    return "--help" in words or words == ["-h"]


def _first_word(text: str) -> tuple[str, str]:
    """The sub-command word (split on any whitespace) and the text after it."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


class _Token(NamedTuple):
    value: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """Words, with "quoted phrases" as one word; positions kept for free text."""
    return [
        _Token(next((g for g in m.groups() if g is not None), ""), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]


def _original(words: Sequence[_Token], text: str) -> str:
    """Free text as the sender wrote it, quotes and spacing kept, flags left out."""
    runs: list[str] = []
    start = prev_end = words[0].start
    for word in words:
        if text[prev_end : word.start].strip():
            runs.append(text[start:prev_end])
            start = word.start
        prev_end = word.end
    runs.append(text[start:prev_end])
    return " ".join(runs)


class _Parser:
    def __init__(self, spec: CommandSpec, rules: DeskRules) -> None:
        self.spec, self.rules = spec, rules
        self.flags = {p.option: p for p in spec.params if p.flag}

    def parse(self, text: str) -> dict[str, Any]:
        tokens = _tokens(text)
        raw: dict[str, str | bool] = {}
        words: list[_Token] = []
        literal = False
        while tokens:
            token = tokens.pop(0)
            if token.value == "--" and not literal:
                literal = True
            elif literal or not token.value.startswith("--") or len(token.value) < 3:
                words.append(token)
            else:
                self._take_flag(token.value, tokens, raw)
        self._take_positionals(words, raw, text)
        return self.finish(raw)

    def _take_flag(self, token: str, tokens: list[_Token], raw: dict[str, str | bool]) -> None:
        name, eq, inline = token.partition("=")
        param = self.flags.get(name.lower())
        if param is None:
            raise _bad(self.spec, _unknown_flag(name, list(self.flags)))
        if param.type.switch:
            if eq:
                raise _bad(self.spec, f"{param.option} takes no value; write just {param.option}.")
            raw[param.name] = True
            return
        if eq:
            value = _unquote(inline)
        elif tokens and not tokens[0].value.startswith("--"):
            value = tokens.pop(0).value
        else:
            value = ""
        if not value.strip():
            raise _bad(self.spec, f"{param.option} needs a value: {_describe(param, self.rules)}.")
        raw[param.name] = value

    def _take_positionals(self, words: list[_Token], raw: dict[str, str | bool], text: str) -> None:
        for param in (p for p in self.spec.params if not p.flag):
            if not words:
                break
            if param.type.rest:
                raw[param.name] = _original(words, text)
                words = []
            else:
                raw[param.name] = words.pop(0).value
        if words:
            shown = _original(words, text)
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            raise _bad(self.spec, f"I don't know what to do with '{shown}'.")

    def finish(self, raw: Mapping[str, str | bool]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for param in self.spec.params:
            given = raw.get(param.name)
            if given is None or (isinstance(given, str) and not given.strip()):
                if param.required:
                    raise _bad(self.spec, f"Missing {param.usage()}: {param.help}.")
                values[param.name] = False if param.type.switch else None
                continue
            values[param.name] = self._convert(param, given)
        return values

    def _convert(self, param: Param, given: str | bool) -> Any:
        if param.type.switch:
            return bool(given)
        try:
            return param.type.convert(str(given).strip(), self.rules)
        except BadArguments as exc:
            raise _bad(self.spec, f"{param.usage()}: {exc}") from None


def _bad(spec: CommandSpec, problem: str) -> BadArguments:
    lines = [problem, f"Usage: {spec.usage()}"]
    if spec.examples:
        lines.append(f"Example: {spec.examples[0]}")
    return BadArguments("\n".join(lines))


def _describe(param: Param, rules: DeskRules) -> str:
    if param.type.choices is not None:
        return "one of " + ", ".join(param.type.choices(rules))
    return param.help


def _unknown(name: str, known: Sequence[str], more: str = "/help") -> str:
    near = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    hint = f" Did you mean {near[0]}?" if near else ""
    shown = name if len(name) <= 40 else name[:40] + "…"
    return f"Unknown command {shown}.{hint} {more} lists the commands."


def _unknown_flag(name: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(name.lower(), known, n=1)
    hint = f" Did you mean {near[0]}?" if near else ""
    accepted = ", ".join(known) if known else "none"
    return f"Unknown option {name[:40]}.{hint} This command accepts: {accepted}."


def _check_declaration(spec: CommandSpec, existing: Mapping[tuple[str, ...], CommandSpec]) -> None:
    """Fail at import when a declaration and its handler disagree."""
    if spec.path in existing:
        raise ValueError(f"{spec.name} is declared twice")
    declared = [p.name for p in spec.params]
    accepted = list(inspect.signature(spec.handler).parameters)[1:]
    if declared != accepted:
        raise ValueError(f"{spec.name}: params {declared} but the handler takes {accepted}")
    positional = [p for p in spec.params if not p.flag]
    if any(p.type.rest for p in positional[:-1]):
        raise ValueError(f"{spec.name}: free text must be the last positional parameter")


registry = Registry()
