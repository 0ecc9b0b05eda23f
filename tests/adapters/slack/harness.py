"""Drives the real Slack adapter as Slack does: signed HTTP requests built from real payloads.

Payload shapes come from `tests/fixtures/slack/` (Slack's docs and bolt-python's own
tests); each helper changes only the fields a test is about.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp

from bot.outbox import Deliverer
from tests.adapters.slack.fake_slack import Call, FakeSlack

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"
SECRET = "test-signing-secret"


def slack_deliverer(core: Any, adapter: Any) -> Deliverer:
    """The outbox's deliverer with the adapter's sender, as `deskbot run` builds it."""
    outbox = core.rules.settings.outbox
    return Deliverer(core.database, {"slack": adapter.sender}, core.clock, outbox)


async def deliver(core: Any, adapter: Any, fake: FakeSlack) -> list[Call]:
    """Run the outbox through the adapter's sender; return the Slack posts it made."""
    before = len(fake.to("chat.postMessage"))
    await slack_deliverer(core, adapter).deliver_due()
    return fake.to("chat.postMessage")[before:]


def fixture(name: str) -> Any:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """label -> button element, over every actions block."""
    found = {}
    for block in blocks:
        if block.get("type") == "actions":
            for element in block["elements"]:
                found[element["text"]["text"]] = element
    return found


def text_of(blocks: list[dict[str, Any]]) -> str:
    """Every mrkdwn text in the blocks, one per line."""
    parts: list[str] = []
    for block in blocks:
        if "text" in block and isinstance(block["text"], dict):
            parts.append(block["text"]["text"])
        for item in block.get("fields", []) + block.get("elements", []):
            if item.get("type") == "mrkdwn":
                parts.append(item["text"])
    return "\n".join(parts)


class SlackTester:
    """Sends what Slack would send to the adapter's endpoint, correctly signed."""

    def __init__(self, endpoint: str, fake: FakeSlack) -> None:
        self.endpoint, self.fake = endpoint, fake
        self._ids = itertools.count(1)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(secret, stamp, body),
            **(headers or {}),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.endpoint, data=body.encode(), headers=sent) as response,
        ):
            return response.status, await response.text()

    async def event(self, payload: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        return await self.post(json.dumps(payload), "application/json", **kwargs)

    async def interactive(self, payload: dict[str, Any], **kwargs: Any) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    # -- what people do ------------------------------------------------------

    async def command(
        self,
        command: str,
        text: str,
        *,
        user: str = "UALICE",
        channel: str = "C111",
        channel_name: str = "general",
    ) -> str:
        """A slash command; returns the key its response_url answers arrive under."""
        key = self.next_id("cmd")
        fields = dict(parse_qsl(fixture("slash_command.bolt_test.form.txt")))
        fields.update(
            command=command,
            text=text,
            user_id=user,
            user_name=user.lower(),
            channel_id=channel,
            channel_name=channel_name,
            trigger_id=f"trigger.{key}",
            response_url=self.fake.response_url(key),
        )
        status, _ = await self.post(urlencode(fields), "application/x-www-form-urlencoded")
        assert status == 200, status
        return key

    async def answer(self, command: str, text: str, **kwargs: Any) -> Call:
        """A slash command and the first answer it got through its response_url."""
        key = await self.command(command, text, **kwargs)
        return (await self.fake.wait_for("respond", key=key))[0]

    def message(
        self, text: str, *, user: str = "UALICE", event_id: str | None = None
    ) -> dict[str, Any]:
        """A direct message to the bot (message.im)."""
        payload = copy.deepcopy(fixture("message_im.docs.json"))
        ts = f"1800000000.{next(self._ids):06d}"
        payload["event"].update(user=user, text=text, ts=ts, event_ts=ts, channel="D" + user[1:])
        payload["event_id"] = event_id or self.next_id("Ev")
        return payload

    def thread_reply(
        self, text: str, *, thread_ts: str, channel: str = "C111", user: str = "UALICE"
    ) -> dict[str, Any]:
        """A reply in a channel thread with no mention (message.channels): the message.im
        sample's shape, as Slack documents it for channels."""
        payload = self.message(text, user=user)
        payload["event"].update(channel=channel, channel_type="channel", thread_ts=thread_ts)
        return payload

    def mention(
        self,
        text: str,
        *,
        user: str = "UALICE",
        channel: str = "C111",
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """An @deskbot mention in a channel (app_mention)."""
        payload = copy.deepcopy(fixture("app_mention.docs.json"))
        ts = f"1800000000.{next(self._ids):06d}"
        event = {"user": user, "text": f"<@UDESKBOT> {text}", "ts": ts, "event_ts": ts}
        payload["event"].update(event, channel=channel)
        if thread_ts:
            payload["event"]["thread_ts"] = thread_ts
        payload["event_id"] = self.next_id("Ev")
        return payload

    async def press(self, on: Call, label: str, *, user: str = "UALICE") -> Call:
        """Press the button labelled `label` on a message the bot sent; returns the answer."""
        key = await self.press_only(on, label, user=user)
        return (await self.fake.wait_for("respond", key=key))[0]

    async def press_only(self, on: Call, label: str, *, user: str = "UALICE") -> str:
        """Press a button; returns the key its response_url answers arrive under."""
        element = buttons(on.blocks)[label]
        key = self.next_id("press")
        channel = on.body.get("channel") or on.answer.get("channel") or "D" + user[1:]
        message_ts = on.answer.get("ts") or f"1700000000.{next(self._ids):06d}"
        payload = copy.deepcopy(fixture("block_actions.bolt_test.json"))
        payload["user"].update(id=user, username=user.lower(), name=user.lower())
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": on.method != "chat.postMessage",
        }
        payload["channel"] = {"id": channel, "name": "directmessage"}
        payload["message"] = {"type": "message", "ts": message_ts, "blocks": on.blocks}
        if on.body.get("thread_ts"):
            payload["message"]["thread_ts"] = on.body["thread_ts"]
        payload["trigger_id"] = f"trigger.{key}"
        payload["response_url"] = self.fake.response_url(key)
        payload["actions"] = [
            {
                "action_id": element["action_id"],
                "block_id": "b",
                "text": element["text"],
                **({"value": element["value"]} if "value" in element else {}),
                "type": "button",
                "action_ts": f"1800000000.{next(self._ids):06d}",
            }
        ]
        status, _ = await self.interactive(payload)
        assert status == 200, status
        return key

    def submission(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str = "UALICE"
    ) -> dict[str, Any]:
        """A view_submission of the modal `view` (as views.open received it)."""
        payload = copy.deepcopy(fixture("view_submission.bolt_test.json"))
        payload["user"].update(id=user, username=user.lower(), name=user.lower())
        payload["trigger_id"] = f"trigger.{self.next_id('view')}"
        payload["view"].update(
            id=self.next_id("V"),
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            blocks=view["blocks"],
            state={"values": values},
        )
        return payload
