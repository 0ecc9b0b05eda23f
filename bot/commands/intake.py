"""The chat intake's buttons, as hidden commands: each press is one answer in the
conversation of the person who pressed it, where they pressed it.

Declared here like any command, so a press gets the same parsing, role check,
once-only event handling and transaction as a typed command; in the console the
buttons show as these commands, to be typed.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.context import CommandContext
from bot.conversation import Chat
from bot.conversation_store import BLOCKED, SCOPE
from bot.intake_questions import BLOCKED_OPTIONS, SCOPE_OPTIONS
from bot.messages import Reply
from bot.registry import WORD, Handler, Param, registry, static_choice

_SCOPES = static_choice("answer", [key for key, _ in SCOPE_OPTIONS])
_BLOCKED = static_choice("answer", [key for key, _ in BLOCKED_OPTIONS])


def _intake(
    name: str, summary: str, params: list[Param] | None = None
) -> Callable[[Handler], Handler]:
    return registry.command(f"intake {name}", summary, params=params or [], hidden=True)


@_intake("solved", "A suggested article fixed it", [Param("article", WORD, "the article")])
async def solved(ctx: CommandContext, article: str) -> Reply:
    return await (await Chat.load(ctx)).solved(article.lower())


@_intake("unsolved", "The suggestions did not help: go on to open an incident")
async def unsolved(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).unsolved()


@_intake("same", "Yes, affected by the incident I was shown")
async def same(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).same(True)


@_intake("different", "No, it is something else")
async def different(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).same(False)


@_intake("scope", "Who is affected", [Param("answer", _SCOPES, "me, team or many")])
async def scope(ctx: CommandContext, answer: str) -> Reply:
    chat = await Chat.load(ctx)
    chat.choose(SCOPE, answer)
    return await chat.ask_next()


@_intake("blocked", "Can you still work", [Param("answer", _BLOCKED, "stopped, slowed, can_wait")])
async def blocked(ctx: CommandContext, answer: str) -> Reply:
    chat = await Chat.load(ctx)
    chat.choose(BLOCKED, answer)
    return await chat.ask_next()


@_intake("confirm", "Open the incident as summarised")
async def confirm(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).confirm()


@_intake("edit", "Change the summary before opening")
async def edit(ctx: CommandContext) -> Reply:
    return (await Chat.load(ctx)).edit()


@_intake("cancel", "Drop the report")
async def cancel(ctx: CommandContext) -> Reply:
    return (await Chat.load(ctx)).cancel()


@_intake("note", "Add the message to the incident being followed")
async def note(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).note_or_new(add=True)


@_intake("new", "The message is a new problem")
async def new(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).note_or_new(add=False)


@_intake("affected", "Yes, the known problem (an active bulletin) is what I see")
async def affected(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).known(affected=True)


@_intake("other", "No, my problem is something else than the known one")
async def other(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).known(affected=False)


@_intake("ours", "It's for IT after all: the message pointed to another team is reported here")
async def ours(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).for_it()


@_intake("withdraw", "Yes, cancel the incident: it works now")
async def withdraw(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).withdraw(cancel=True)


@_intake("keep", "No, keep the incident open")
async def keep(ctx: CommandContext) -> Reply:
    return await (await Chat.load(ctx)).withdraw(cancel=False)
