"""Where a conversation waits between messages: one `conversations` row per person and
place, holding the step it is at and the draft report. Finding or creating a row,
forgetting a draft, and dropping (with a message) those nobody answered in time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import CommandContext
from bot.ids import format_id
from bot.messages import ChannelRef, Reply
from bot.models import Conversation
from bot.notices import DM_PLACE, RATE
from bot.outbox import Outbox, Recipient

IDLE, SUGGESTED, DUPLICATE, SCOPE, BLOCKED = "idle", "suggested", "duplicate", "scope", "blocked"
CONFIRM, EDIT, NOTE_OR_NEW, REOPEN_REASON = "confirm", "edit", "note_or_new", "reopen_reason"
KNOWN = "known"  # shown an active bulletin: candidate_id is the bulletin's id
WITHDRAW = "withdraw"  # asked whether to cancel the followed incident: it works now
WHICH = "which"  # told an article fixed it, asked which one
WHAT_WENT_WRONG = "what_went_wrong"  # rated poor: asked why (incident_id)
REFERRED = "referred"  # pointed to another team (text): "It's for IT" takes it after all
TOPIC = "topic"  # "I need help with my laptop": asked what is wrong with it (text: the topic)
# "it asks me for a key" after a fix: asked whether it isn't fixed (incident_id) or is new
NOT_FIXED = "not_fixed_or_new"
HOLDING = (NOTE_OR_NEW, NOT_FIXED)  # a message held (held_text) until told where it goes


def place_of(channel: ChannelRef) -> str:
    """Direct chats are one place per person; elsewhere each thread is its own."""
    if channel.is_direct:
        return DM_PLACE
    return f"{channel.channel_id}/{channel.thread_id or '-'}"


def expired_text(row: Conversation) -> str | None:
    """What to tell someone whose question went unanswered too long (nothing, when it
    was only "How did we do?", where another team is reached, or what is wrong with a
    topic)."""
    if row.step in (RATE, REFERRED, TOPIC):
        return None
    label = format_id(row.incident_id) if row.incident_id else "the incident"
    if row.step == REOPEN_REASON:
        return (
            f"{label} stays resolved: I didn't hear what is still wrong. Press Reopen again "
            "(or tell me) if it isn't fixed."
        )
    if row.step == WITHDRAW:
        return f"{label} stays open: I didn't hear whether to cancel it."
    if row.step == WHAT_WENT_WRONG:
        return f"Your rating of {label} stands; I didn't hear what went wrong."
    if row.step == NOT_FIXED:
        return (
            f"I didn't hear whether “{short(row.held_text or '', 60)}” meant {label} isn't "
            f"fixed or was a new problem, so I set it aside; {label} stays resolved."
        )
    if row.step == NOTE_OR_NEW:
        return (
            f"I didn't hear whether “{short(row.held_text or '', 60)}” was about {label} or a "
            "new problem, so I set it aside. Send it again if it matters."
        )
    return (
        f"Your unfinished report “{short(row.text, 60)}” waited too long for an answer, so I "
        "dropped it; nothing was opened. Tell me again if it still matters."
    )


def reset(row: Conversation) -> None:
    """Forget the draft; which incident the chat is about is kept."""
    row.step, row.text, row.kind, row.category = IDLE, "", "incident", None
    row.impact, row.urgency, row.articles = None, None, []
    row.candidate_id, row.held_text, row.expires_at = None, None, None
    row.attachments = None


async def expire_drafts(session: AsyncSession, now: datetime, limit: int = 100) -> int:
    """Drop drafts nobody answered in time, telling each person so (a scheduler job)."""
    rows = await session.scalars(
        select(Conversation)
        .where(Conversation.step != IDLE, Conversation.expires_at <= now)
        .order_by(Conversation.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    outbox = Outbox(session, now)
    expired = list(rows)
    for row in expired:
        where = Recipient(
            row.person_key, row.person_name, row.platform, row.channel_id, row.thread_id
        )
        text = expired_text(row)
        if text is not None:
            outbox.add(where, Reply(text=text), kind="draft_expired")
        reset(row)
    return len(expired)


async def find_row(session: AsyncSession, key: str, place: str) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(Conversation.person_key == key, Conversation.place == place)
    )


async def thread_incidents(session: AsyncSession, channel: ChannelRef) -> list[int]:
    """The incidents that conversations in this thread are about, the latest first."""
    numbers = await session.scalars(
        select(Conversation.incident_id)
        .where(
            Conversation.platform == channel.platform,
            Conversation.place == place_of(channel),
            Conversation.incident_id.is_not(None),
        )
        .order_by(Conversation.updated_at.desc())
    )
    return [n for n in numbers if n is not None]


async def incident_here(session: AsyncSession, key: str, channel: ChannelRef) -> int | None:
    """The incident "it" means for the person with `key` here: the one this thread is
    about, or the one their direct chat follows (the last they heard news of)."""
    if not channel.is_direct:
        numbers = await thread_incidents(session, channel)
        return numbers[0] if numbers else None
    row = await find_row(session, key, place_of(channel))
    return row.incident_id if row is not None else None


async def follow_here(ctx: CommandContext, number: int) -> str | None:
    """The person's direct chat is about incident `number` from now on (unless a question
    there waits for its answer): after "take the next one", "it" is that one. Called only
    when an agent takes an incident on: on every command it measured 17.0 against 18.2
    open-claim-resolve cycles/s without it (`python bench/commands.py --only sqlite`).

    "A note, or a new problem?" about another incident lapses: taking this one on moves
    the chat on, or "resolve it" would act on the old one. What it held is set aside, and
    the line saying so is returned, for the reply."""
    if not ctx.channel.is_direct:
        return None  # a thread is about what was opened in it
    row = await find_row(ctx.session, ctx.person.key, place_of(ctx.channel))
    row = row or await create_row(ctx)
    aside = None
    if row.step in HOLDING and row.incident_id != number:
        held = " / ".join((row.held_text or "").splitlines())
        label = format_id(row.incident_id) if row.incident_id else "the incident"
        aside = (
            f"I set aside what you said before (“{short(held, 60)}”), which waited to be "
            f"called a note on {label} or a new problem: send it again if it matters."
        )
        reset(row)
    if row.step == IDLE:
        row.incident_id = number
    return aside


async def create_row(ctx: CommandContext) -> Conversation:
    """A person's first message in a place. Two first messages at once (a quick double
    send) both try to insert: the savepoint lets the second find the first's row."""
    place = place_of(ctx.channel)
    try:
        async with ctx.session.begin_nested():
            row = new_row(ctx, place)
            ctx.session.add(row)
        return row
    except IntegrityError:
        found = await find_row(ctx.session, ctx.person.key, place)
        assert found is not None
        return found


def new_row(ctx: CommandContext, place: str) -> Conversation:
    return Conversation(
        person_key=ctx.person.key,
        place=place,
        person_name=ctx.person.name,
        platform=ctx.channel.platform,
        channel_id=ctx.channel.channel_id,
        thread_id=ctx.channel.thread_id,
        step=IDLE,
        text="",
        kind="incident",
        articles=[],
        updated_at=ctx.now,
    )


def short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
