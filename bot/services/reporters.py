"""Which incident an agent means when they name its reporter: "tell alice the toner is
on order" notes the one alice reported, when only one of hers can be meant."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import BadArguments
from bot.ids import format_id
from bot.models import Incident
from bot.services.lifecycle import OPEN, State
from bot.wording import listed

# A chat mention as the platforms write it ("<@U123|alice>", "<@!4567>"): its account id
_MENTION = re.compile(r"^<@!?([\w-]+)(?:\|[^>]*)?>$")
_LISTED = 5  # incidents named when the person has too many to pick from
# A resolved incident's reporter is still told things ("it's fixed, try it now")
_TOLD = [s.value for s in (*OPEN, State.RESOLVED)]


async def reported_by(
    session: AsyncSession,
    who: str,
    *,
    followed: int | None,
    owner: str | None,
    groups: Sequence[str] = (),
    account: str | None = None,
) -> int:
    """The incident `who` reported that a note to them is about: the one the chat
    follows if theirs, else their only one `owner` holds, else their only one in the
    owner's `groups`, else their only one. Refused, naming what fits, when none or
    several do. `account` is their key, when the chat resolved a mention of them."""
    theirs = await _theirs(session, who, account)
    if not theirs:
        raise BadArguments(
            f"I found no open or resolved incident reported by “{who}”. Say the incident "
            "instead, for example “reply to INC-12: the toner is on order”."
        )
    if followed is not None and any(i.id == followed for i in theirs):
        return followed
    held = [i for i in theirs if owner is not None and i.assignee == owner]
    queued = [i for i in theirs if i.group in groups]
    for choice in (held, queued, theirs):
        if len(choice) == 1:
            return choice[0].id
    named = listed([f"{format_id(i.id)} “{i.summary}”" for i in theirs[:_LISTED]])
    raise BadArguments(
        f"{theirs[0].reporter_name} has {len(theirs)} incidents open or resolved ({named}"
        f"{', …' if len(theirs) > _LISTED else ''}): say which, for example “reply to "
        f"{format_id(theirs[0].id)}: …”."
    )


async def _theirs(session: AsyncSession, who: str, account: str | None) -> Sequence[Incident]:
    """Incidents not finished whose reporter is `who`: the account a mention resolved
    to, else an account id, their name or its first word; the newest first."""
    query = select(Incident).where(Incident.state.in_(_TOLD)).order_by(Incident.id.desc())
    if account is not None:
        return list(await session.scalars(query.where(Incident.reporter_key == account)))
    mention = _MENTION.match(who)
    said = (mention[1] if mention else who.removeprefix("@")).lower()
    escaped = re.sub(r"([\\%_])", r"\\\1", said)
    name = func.lower(Incident.reporter_name)
    named = or_(
        func.lower(Incident.reporter_key).like(f"%:{escaped}", escape="\\"),
        name == said,
        name.like(f"{escaped} %", escape="\\"),
    )
    return list(await session.scalars(query.where(named)))
