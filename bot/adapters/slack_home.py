"""The App Home tab: the known problems, a person's open incidents and, for agents,
their queue (for managers, their teams'), with its buttons: pressed here, they act and
answer as in the person's DM, and the tab is published again.

The data comes through the core like any command (`/bulletin list`, `/incident list
--mine`, `/incident queue`, `/incident list --unassigned`), so the tab shows exactly what
the person may see and nothing is read around the core. Each list is one core call whose event
id derives from the Slack event, so a redelivered `app_home_opened` does nothing.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_render import escape, render
from bot.app import Core
from bot.config import Role
from bot.messages import Actor, ChannelRef, CommandCall

MAX_HOME_BLOCKS = 100
INTRO = (
    "Tell me what's wrong in a direct message, or mention me in a channel. "
    "`/incident open` opens a form; `/help` lists what you can do."
)


# A known problem first: "is it just me?" is what people open the tab to find out.
_KNOWN = ("Known problems", "bulletin", "list")


def _lists(role: Role) -> list[tuple[str, str, str]]:
    """What each role opens the tab for: an agent their queue by time to breach and
    what nobody owns yet; a manager their teams' work, whoever owns it."""
    if role >= Role.MANAGER:
        return [_KNOWN, ("Your teams, closest to breach first", "incident", "queue --all")]
    if role >= Role.AGENT:
        return [
            _KNOWN,
            ("Your queue, closest to breach first", "incident", "queue"),
            ("Unassigned", "incident", "list --unassigned"),
        ]
    return [_KNOWN, ("Your open incidents", "incident", "list --mine")]


async def home_blocks(core: Core, actor: Actor, event_id: str) -> list[dict[str, Any]] | None:
    """The tab's blocks, or None when this event was already handled."""
    person = core.rules.directory.person(actor)
    where = ChannelRef("slack", actor.user_id, is_direct=True)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(INTRO), "verbatim": True}}
    ]
    for title, top, words in _lists(person.role):
        call = CommandCall(actor, where, (top,), f"{event_id}:{top} {words}", text=words)
        replies = await core.handle(call)
        if not replies:
            return None
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": title}})
        for reply in replies:
            # pressed here, a button answers in the DM (`SlackAdapter._on_button`)
            blocks += render(reply)["blocks"]
    return blocks[:MAX_HOME_BLOCKS]


async def publish_home(client: AsyncWebClient, core: Core, actor: Actor, event_id: str) -> None:
    blocks = await home_blocks(core, actor, event_id)
    if blocks is not None:
        await client.views_publish(user_id=actor.user_id, view={"type": "home", "blocks": blocks})
