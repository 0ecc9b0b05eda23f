"""Two first messages from one person at the same moment share one conversation."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.models import Conversation


async def test_simultaneous_first_messages_make_one_conversation(desk, core):
    texts = ["hello", "hi there", "good morning", "hey"]
    replies = await asyncio.gather(*(desk.message("alice", text) for text in texts))
    assert [r.is_error for r in replies] == [False] * len(texts), [r.text for r in replies]
    assert all(r.text.startswith("Hi alice!") for r in replies)
    async with core.database.transaction() as session:
        rows = await session.scalar(
            select(func.count()).where(Conversation.person_key == "console:alice")
        )
    assert rows == 1
