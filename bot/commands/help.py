"""/help: generated from the registry, so it can never disagree with the commands."""

from __future__ import annotations

from bot.config import Role, Settings
from bot.context import CommandContext
from bot.messages import Card, Field, Reply
from bot.registry import TEXT, CommandSpec, Param, Registry, registry

_ROLE_NOTE = {Role.USER: "", Role.AGENT: " (agents)", Role.MANAGER: " (managers)"}


@registry.command(
    "help",
    "List the commands, or explain one",
    params=[Param("topic", TEXT, "a command, like 'incident' or 'incident claim'", required=False)],
    examples=["/help", "/incident help", "/help incident claim"],
)
async def help_(ctx: CommandContext, topic: str | None) -> Reply:
    words = tuple(topic.lower().lstrip("/").split()) if topic else ()
    settings = ctx.rules.settings
    if not words:
        return overview(ctx.registry, ctx.person.role, settings)
    if len(words) == 1 and ctx.registry.group(words[0]):
        return group_help(ctx.registry, words[0], ctx.person.role, settings)
    return command_help(ctx.registry.get(words[:2]), settings, ctx.person.role)


def overview(reg: Registry, role: Role, settings: Settings) -> Reply:
    # Every command one can type, single words such as /report included; /help itself is
    # what the footer explains.
    lines = [
        _line(s, settings, role)
        for s in reg.specs()
        if s.path != ("help",) and s.role_in(settings) <= role
    ]
    footer = "/help <command> explains one. Ids can be written 42, #42, INC-42 or INC-000042."
    card = Card(title="Deskbot commands", body="\n".join(lines), footer=footer)
    return Reply(text="Here is what I can do for you.", card=card)


def group_help(reg: Registry, group: str, role: Role, settings: Settings) -> Reply:
    specs = reg.group(group)
    yours = [_line(s, settings, role) for s in specs if s.role_in(settings) <= role]
    theirs = [_line(s, settings, Role.MANAGER) for s in specs if s.role_in(settings) > role]
    body = "\n".join(yours)
    if theirs:
        body += "\n\nFor the desk's staff:\n" + "\n".join(theirs)
    return Reply(
        text=f"/{group} commands",
        card=Card(title=f"/{group}", body=body, footer=f"/help {group} <command> explains one."),
    )


def command_help(spec: CommandSpec, settings: Settings, role: Role = Role.MANAGER) -> Reply:
    """One command, with the parameters (and examples) someone of `role` may use."""
    fields = tuple(Field(p.usage(), p.help, short=False) for p in spec.params if p.role <= role)
    beyond = [p.option for p in spec.params if p.role > role]
    examples = "\n".join(e for e in spec.examples if not any(o in e for o in beyond))
    usage = spec.usage(role)
    body = f"{spec.summary}{_ROLE_NOTE[spec.role_in(settings)]}.\nUsage: {usage}"
    return Reply(
        text=usage,
        card=Card(
            title=spec.name,
            fields=fields,
            body=body,
            footer=f"Example:\n{examples}" if examples else "",
        ),
    )


def _line(spec: CommandSpec, settings: Settings, role: Role) -> str:
    return f"{spec.usage(role)} — {spec.summary}{_ROLE_NOTE[spec.role_in(settings)]}"
