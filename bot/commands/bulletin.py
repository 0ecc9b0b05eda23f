"""The /bulletin commands: broadcast service status, keep it current, end it."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.config import Role, Settings, parse_duration
from bot.context import CommandContext
from bot.errors import BadArguments
from bot.messages import Card, Reply
from bot.registry import INCIDENT, TEXT, WORD, Param, ValueType, registry, static_choice
from bot.services.bulletins import (
    SEVERITIES,
    Posting,
    bulletin_reply,
    format_bulletin,
    poster_role,
)
from bot.wording import counted

_BULLETIN_ID = re.compile(r"^(?:#|bul-?)?0*([0-9]{1,9})$", re.IGNORECASE)


_IN_FORCE = 0  # `latest`: the one bulletin in force ("update the bulletin: ..." in chat)


def _bulletin_id(text: str) -> int:
    if text.strip().lower() == "latest":
        return _IN_FORCE
    match = _BULLETIN_ID.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise BadArguments(
            f"'{text[:40]}' is not a bulletin id. Write it as 3 or BUL-3, or `latest` for "
            "the one in force."
        )
    return int(match.group(1))


async def _which(ctx: CommandContext, bulletin: int, verb: str) -> int:
    """The bulletin meant: the one named, or for `latest` the only one in force."""
    if bulletin != _IN_FORCE:
        return bulletin
    active = await ctx.bulletins.listing()
    if len(active) == 1:
        return active[0].id
    if not active:
        raise BadArguments("No bulletin is in force. `/bulletin list` shows them.")
    named = "; ".join(f"{format_bulletin(b.id)} · {b.text}" for b in active[:5])
    raise BadArguments(
        f"Which bulletin? {counted(len(active), 'is', 'are')} in force: {named}. Say its id, "
        f"for example “{verb} {format_bulletin(active[0].id)} ...”."
    )


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError:
        raise BadArguments(
            f"'{text[:40]}' is not a duration. Write it like 30m, 2h, 1d or 1h30m."
        ) from None


BULLETIN_ID = Param(
    "bulletin",
    ValueType("bulletin id", lambda t, _r: _bulletin_id(t)),
    "its id, or `latest` for the one in force",
)
SEVERITY = static_choice("severity", SEVERITIES)
DURATION = ValueType("duration", lambda t, _r: _duration(t))


def _posters(settings: Settings) -> Role:
    return poster_role(settings.bulletins)


@registry.command(
    "bulletin post",
    "Broadcast a service-status bulletin to the desk's channels",
    params=[
        Param("text", TEXT, "what is happening (the incident's summary if left out)", False),
        Param("severity", SEVERITY, "info, minor, major or critical", required=False, flag=True),
        Param("service", WORD, "the service it is about, e.g. email", required=False, flag=True),
        Param("channels", WORD, "all, or channel names with commas", required=False, flag=True),
        Param("expires", DURATION, "ends it by itself after this long", required=False, flag=True),
        Param("incident", INCIDENT, "the incident behind it", required=False, flag=True),
    ],
    role=Role.AGENT,
    role_by=_posters,
    examples=["/bulletin post Email is down for everyone --severity major --service email"],
)
async def post(
    ctx: CommandContext,
    text: str | None,
    severity: str | None,
    service: str | None,
    channels: str | None,
    expires: timedelta | None,
    incident: int | None,
) -> Reply:
    if incident is not None:
        behind = await ctx.incidents.get(incident)  # it must exist, whatever the text
        text = text or behind.summary
    if not text:
        raise BadArguments(
            "Say what is happening, for everyone to read, or name the incident behind it. "
            "For example: /bulletin post Email is down --severity major, "
            "or /bulletin post --incident 12."
        )
    posting = Posting(text, severity or "minor", service, channels or "all", expires, incident)
    bulletin = await ctx.bulletins.post(ctx.person, posting)
    where = ", ".join(f"#{c}" for c in bulletin.channels)
    shown = bulletin_reply(bulletin)
    return Reply(text=f"Posted {format_bulletin(bulletin.id)} to {where}.", card=shown.card)


@registry.command(
    "bulletin update",
    "Change what a bulletin says; every posted copy is edited in place",
    params=[BULLETIN_ID, Param("text", TEXT, "what is happening now")],
    role=Role.AGENT,
    role_by=_posters,
    examples=["/bulletin update 3 A fix is being rolled out, back within the hour"],
)
async def update(ctx: CommandContext, bulletin: int, text: str) -> Reply:
    bulletin = await _which(ctx, bulletin, "update")
    found = await ctx.bulletins.update(ctx.person, bulletin, text)
    return Reply(text=f"Updated {format_bulletin(found.id)}.", card=bulletin_reply(found).card)


@registry.command(
    "bulletin resolve",
    "End a bulletin: the problem is over",
    params=[
        BULLETIN_ID,
        Param(
            "text",
            TEXT,
            "a last word, e.g. what fixed it (by default the fix of the incident it announced)",
            required=False,
        ),
    ],
    role=Role.AGENT,
    role_by=_posters,
    examples=["/bulletin resolve 3 Email is back for everyone"],
)
async def resolve(ctx: CommandContext, bulletin: int, text: str | None) -> Reply:
    bulletin = await _which(ctx, bulletin, "resolve")
    found = await ctx.bulletins.resolve(ctx.person, bulletin, text)
    return Reply(text=f"Resolved {format_bulletin(found.id)}.", card=bulletin_reply(found).card)


@registry.command(
    "bulletin list",
    "The service-status bulletins in force",
    params=[],
    examples=["/bulletin list"],
)
async def list_(ctx: CommandContext) -> Reply:
    active = await ctx.bulletins.listing()
    if not active:
        return Reply(text="No bulletins are in force: no known problems right now.")
    lines = "\n".join(
        f"{format_bulletin(b.id)} · {b.severity} · {b.service or '-'} · {b.text}"
        + (f" · latest: {b.latest}" if b.latest else "")
        for b in active
    )
    heading = f"{counted(len(active), 'bulletin')} in force:"
    return Reply(text=heading, card=Card("Service status", body=lines))
