"""A neutral `Reply` as a Discord message: content, an embed, buttons and files.

Discord refuses a message over its limits (2,000 characters of content; an embed's
title 256, description 4,096, 25 fields of 256/1,024, footer 2,048, 6,000 in all), so
whatever does not fit is cut here with a pointer to the rest, and the whole reply goes
along as a text file. Buttons carry their action in a persistent custom id,
`deskbot:<action_id>:<value>`, read back by `DeskButton` with no state kept in memory,
so a button on an old message still works after a restart.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.messages import Button, Card, Reply, Severity

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
BUTTONS_LIMIT = 25  # five rows of five
FULL_TEXT_FILE = "deskbot-reply.txt"
IMAGE_FILE = "deskbot-image.png"
POINTER = f"… (cut here: the whole reply is in the attached {FULL_TEXT_FILE})"
CUSTOM_ID_PREFIX = "deskbot"
CUSTOM_ID = re.compile(r"deskbot:(?P<action>[a-z0-9_.-]+):(?P<value>.*)", re.DOTALL)

COLOURS = {
    Severity.INFO: discord.Colour(0x5865F2),
    Severity.SUCCESS: discord.Colour(0x57F287),
    Severity.WARNING: discord.Colour(0xFEE75C),
    Severity.DANGER: discord.Colour(0xED4245),
}
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "success": discord.ButtonStyle.success,
}


@dataclass
class Rendered:
    """One reply as the parts of a Discord message (files are single-use: render anew)."""

    content: str
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for a new message (channel.send, send_message, followup)."""
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_MENTIONS}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Keyword arguments that replace a message whole: old embed, buttons, files go."""
        return {
            "content": self.content,
            "embed": self.embed,
            "view": self.view,
            "attachments": self.files,
            "allowed_mentions": NO_MENTIONS,
        }


class DeskButton(discord.ui.DynamicItem[discord.ui.Button], template=CUSTOM_ID):
    """A button whose press is an `Action(action_id, value)`; rebuilt from its custom id."""

    def __init__(self, button: Button) -> None:
        super().__init__(
            discord.ui.Button(
                label=_cut(button.label, BUTTON_LABEL_LIMIT, "…") or "…",
                style=_STYLES.get(button.style, discord.ButtonStyle.secondary),
                custom_id=custom_id(button.action_id, button.value),
            )
        )
        self.action_id, self.value = button.action_id, button.value

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[discord.Client],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DeskButton:
        label = getattr(item, "label", None) or "…"
        return cls(Button(label, match["action"], match["value"]))

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        # The client knows the core; this item only says which action was pressed.
        press = getattr(interaction.client, "on_button", None)
        if press is not None:
            await press(interaction, self.action_id, self.value)


def custom_id(action_id: str, value: str) -> str:
    """`deskbot:<action>:<value>`, the value shortened by whole words to Discord's 100."""
    head = f"{CUSTOM_ID_PREFIX}:{action_id}:"
    room = CUSTOM_ID_LIMIT - len(head)
    if len(value) <= room:
        return head + value
    shortened = value[: room + 1].rsplit(" ", 1)[0] if " " in value[:room] else value[:room]
    log.warning("button value for %s shortened to fit Discord's custom id", action_id)
    return head + shortened


def render(reply: Reply) -> Rendered:
    """The reply within every Discord limit; a text file holds the whole of anything cut."""
    content, cut_content = _fit_content(reply.text)
    embed, cut_embed = (None, False) if reply.card is None else _embed(reply.card)
    files: list[discord.File] = []
    if reply.image is not None:
        files.append(discord.File(io.BytesIO(reply.image), filename=IMAGE_FILE))
        if embed is not None:
            embed.set_image(url=f"attachment://{IMAGE_FILE}")
    if reply.file is not None:
        files.append(discord.File(io.BytesIO(reply.file.data), filename=reply.file.name))
    if cut_content or cut_embed:
        whole = full_text(reply).encode("utf-8")
        files.append(discord.File(io.BytesIO(whole), filename=FULL_TEXT_FILE))
    if not content and embed is None and not files:
        content = "…"  # Discord refuses an empty message
    return Rendered(content, embed, _view(reply.buttons), files)


def full_text(reply: Reply) -> str:
    """Everything the reply says, as plain text."""
    parts = [reply.text]
    card = reply.card
    if card is not None:
        parts.append(card.title)
        parts.extend(f"{f.label}: {f.value}" for f in card.fields)
        parts.extend(part for part in (card.body, card.footer) if part)
    return "\n\n".join(part for part in parts if part)


def _cut(text: str, limit: int, pointer: str = POINTER) -> str:
    if len(text) <= limit:
        return text
    if limit <= len(pointer):
        return text[:limit]
    return text[: limit - len(pointer)].rstrip() + pointer


def _fit_content(text: str) -> tuple[str, bool]:
    return _cut(text, CONTENT_LIMIT), len(text) > CONTENT_LIMIT


def _embed(card: Card) -> tuple[discord.Embed, bool]:
    """The card as an embed; True when something had to be cut."""
    title = _cut(card.title, TITLE_LIMIT, "…")
    footer = _cut(card.footer, FOOTER_LIMIT)
    fields = [
        (_cut(f.label, FIELD_NAME_LIMIT, "…") or "-", _cut(f.value, FIELD_VALUE_LIMIT) or "-", f)
        for f in card.fields
    ]
    cut = len(fields) > FIELDS_LIMIT or footer != card.footer or title != card.title
    cut = cut or any(len(f.label) > FIELD_NAME_LIMIT for f in card.fields)
    cut = cut or any(len(f.value) > FIELD_VALUE_LIMIT for f in card.fields)
    fields = fields[:FIELDS_LIMIT]
    used = len(title) + len(footer) + sum(len(name) + len(value) for name, value, _ in fields)
    reserve = len(POINTER) + 1  # the pointer must fit when anything at all is cut
    while fields and used + reserve > EMBED_TOTAL_LIMIT:
        name, value, _ = fields.pop()
        used -= len(name) + len(value)
        cut = True
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - used)
    if cut:
        description = _cut(card.body, room - reserve)
        if POINTER not in description:
            description = (description + "\n" + POINTER).strip()
    else:
        description = _cut(card.body, room)
        cut = len(card.body) > room
    embed = discord.Embed(
        title=title, description=description or None, colour=COLOURS[card.severity]
    )
    for name, value, f in fields:
        embed.add_field(name=name, value=value, inline=f.short)
    if footer:
        embed.set_footer(text=footer)
    return embed, cut


def _view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    seen: set[str] = set()
    for button in buttons[:BUTTONS_LIMIT]:
        item = DeskButton(button)
        if item.custom_id in seen:
            continue  # Discord refuses two components with one custom id
        seen.add(item.custom_id)
        view.add_item(item)
    return view
