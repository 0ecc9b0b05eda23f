"""Neutral replies as Slack Block Kit, and Slack's message text back as plain text.

Every string that reaches Slack as mrkdwn is escaped (`&`, `<`, `>`), so text a
user wrote can never become `<!channel>`, `<!here>`, `<@U…>` or `<!subteam^…>`:
the core mixes user text into its replies, so all of it is treated as untrusted.
Sections are `verbatim`, so Slack does not turn bare names or links into markup
either. Buttons carry their index in the action id, because Slack wants action
ids unique within a message and two buttons may run the same command.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Button, Card, Reply, Severity

ACTION_PREFIX = "deskbot:"
ACTION_PATTERN = re.compile(r"^deskbot:\d+:")
SECTION_CHARS = 3000  # Slack's limit for a section's text
FIELD_CHARS = 2000  # for one of a section's fields
BUTTON_CHARS = 75  # for a button's label
MAX_BLOCKS = 50
_FIELDS_PER_SECTION = 10
_BUTTONS_PER_BLOCK = 25
_MARK = {
    Severity.INFO: ":large_blue_circle:",
    Severity.SUCCESS: ":large_green_circle:",
    Severity.WARNING: ":large_orange_circle:",
    Severity.DANGER: ":red_circle:",
}
_STYLES = {"primary": "primary", "danger": "danger"}
_PARTIAL_ENTITY = re.compile(r"&[a-z]*$")

# Slack's markup in incoming text: <@U1|name>, <#C1|general>, <!here>, <!subteam^S1|@team>,
# <https://x|label>, <!date^…|fallback>.
_MARKUP = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Slack's control characters as entities; nothing else is touched (formatting stays)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Slack message text as the person meant it: markup read as words, entities decoded.

    Mentions become `@name`; the core stores and echoes this, and the renderer escapes
    it again, so a mention a user typed never pings anyone when the bot repeats it.
    """
    decoded = _MARKUP.sub(lambda m: _readable(m.group(1)), text)
    return decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _readable(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith(("@", "#")):
        return (label if label.startswith(target[0]) else target[0] + label) if label else target
    if target.startswith("!subteam^"):
        return label or "@" + target.removeprefix("!subteam^")
    if target.startswith("!"):
        return label or "@" + target[1:].split("^")[0]
    return f"{label} ({target})" if label and label != target else target


def render(reply: Reply, *, buttons: bool = True) -> dict[str, Any]:
    """`text` (what notifications show) and `blocks` for chat.postMessage and friends."""
    blocks: list[dict[str, Any]] = []
    if reply.text:
        blocks += _sections(reply.text)
    if reply.card is not None:
        blocks += card_blocks(reply.card)
    if buttons and reply.buttons:
        blocks = blocks[: MAX_BLOCKS - 1 - (len(reply.buttons) - 1) // _BUTTONS_PER_BLOCK]
        blocks += action_blocks(reply.buttons)
    fallback = reply.text or (reply.card.title if reply.card else "")
    return {"text": _clip(escape(fallback), SECTION_CHARS), "blocks": blocks[:MAX_BLOCKS]}


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """Title with the severity's mark, short fields side by side, body, footer."""
    blocks = _sections(f"{_MARK[card.severity]} *{escape(card.title)}*", escaped=True)
    short = [f for f in card.fields if f.short]
    for start in range(0, len(short), _FIELDS_PER_SECTION):
        chunk = short[start : start + _FIELDS_PER_SECTION]
        fields = [_mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}", FIELD_CHARS) for f in chunk]
        blocks.append({"type": "section", "fields": fields})
    for field in (f for f in card.fields if not f.short):
        blocks += _sections(f"*{escape(field.label)}*\n{escape(field.value)}", escaped=True)
    if card.body:
        blocks += _sections(card.body)
    if card.footer:
        blocks.append({"type": "context", "elements": [_mrkdwn(escape(card.footer), FIELD_CHARS)]})
    return blocks


def action_blocks(buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    elements = [_button(index, b) for index, b in enumerate(buttons)]
    return [
        {"type": "actions", "elements": elements[start : start + _BUTTONS_PER_BLOCK]}
        for start in range(0, len(elements), _BUTTONS_PER_BLOCK)
    ]


def _button(index: int, button: Button) -> dict[str, Any]:
    label = button.label if len(button.label) <= BUTTON_CHARS else button.label[:74] + "…"
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": f"{ACTION_PREFIX}{index}:{button.action_id}",
    }
    if button.value:  # optional in Block Kit; an empty one is left out, not sent blank
        element["value"] = button.value
    if button.style in _STYLES:
        element["style"] = _STYLES[button.style]
    return element


def action_of(slack_action_id: str) -> str | None:
    """The core's action id behind one of our buttons ('deskbot:2:incident.claim')."""
    if not ACTION_PATTERN.match(slack_action_id):
        return None
    return slack_action_id.split(":", 2)[2]


def _sections(text: str, *, escaped: bool = False) -> list[dict[str, Any]]:
    """One or more sections: long text is split at line ends to fit Slack's limit."""
    safe = text if escaped else escape(text)
    chunks: list[str] = []
    while len(safe) > SECTION_CHARS:
        cut = safe.rfind("\n", 0, SECTION_CHARS)
        cut = cut if cut > 0 else SECTION_CHARS
        head = _PARTIAL_ENTITY.sub("", safe[:cut])
        chunks.append(head)
        safe = safe[len(head) :].lstrip("\n")
    chunks.append(safe)
    return [{"type": "section", "text": _mrkdwn(c, SECTION_CHARS)} for c in chunks if c.strip()]


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _clip(text, limit), "verbatim": True}


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", text[: limit - 1]) + "…"
