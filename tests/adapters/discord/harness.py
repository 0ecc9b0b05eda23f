"""The one place the Discord tests reach into discord.py's private entry points.

`FakeDiscord` is a small Discord REST API on 127.0.0.1 (port 0) that answers what the
adapter calls and records every request with its body; `discord.http.Route.BASE`
points the real client at it. Gateway events are fed in as the gateway would feed
them (`ConnectionState.parse_*`), built from Discord's published payloads in
tests/fixtures/discord/. Pinned to discord.py 2.7 (see pyproject.toml).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import yarl
from aiohttp import web

from bot.adapters.discord_adapter import DeskClient

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "discord"
BOT_ID = 1100000000000000001
APP_ID = 290926444748734465  # the samples' application_id
GUILD_ID = 290926798626357999  # the samples' guild_id
CHANNEL_ID = 645027906669510667  # the slash-command sample's channel_id
USER_ID = 53908232506183680  # "Mason", the samples' member
AGENT_ROLE_ID = 539082325061836999  # the role Mason has in the slash-command sample
AGENT_ROLE_NAME = "IT Support"
AGENT_ID = 1100000000000000555  # someone with the agent role
MANAGER_ROLE_ID = "539082325061837000"  # "Desk Managers" in guild_create.json
BOB_DISCORD_ID = "1100000000000000777"  # the agent bob's account (staff: in the settings)
BOT_USER = {
    "id": str(BOT_ID),
    "username": "Deskbot",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}
APPLICATION = {
    "id": str(APP_ID),
    "name": "Deskbot",
    "description": "",
    "icon": None,
    "bot_public": True,
    "bot_require_code_grant": False,
    "verify_key": "0" * 64,
    "flags": 0,
    "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
}
EPHEMERAL = 64


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    body: Any
    files: dict[str, bytes] = field(default_factory=dict)


class FakeDiscord:
    """Answers the REST calls the adapter makes; `fail()` makes a route answer an error."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.channels: dict[str, dict[str, Any]] = {}
        self.failures: list[tuple[str, re.Pattern[str], int, Any]] = []
        self.identified: list[dict[str, Any]] = []  # IDENTIFY payloads the gateway got
        self._ids = itertools.count(1200000000000000000)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(self, method: str, path: str, status: int, body: Any) -> None:
        self.failures.append((method, re.compile(path), status, body))

    def sent(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def next_id(self) -> str:
        return str(next(self._ids))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/gateway":
            return await self._gateway(request)
        body, files = await _read(request)
        path = request.path.removeprefix("/api/v10")
        self.requests.append(Request(request.method, path, body, files))
        for method, pattern, status, answer in self.failures:
            if method == request.method and pattern.fullmatch(path):
                headers = {"Via": "1.1 google"} if status == 429 else {}
                return _json(answer, status, headers)
        return self._route(request.method, path, body or {})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """Just enough of the gateway to get a client READY: HELLO, IDENTIFY, READY."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for frame in ws:
            data = json.loads(frame.data)
            if data["op"] == 1:
                await ws.send_json({"op": 11})
            elif data["op"] == 2:
                self.identified.append(data["d"])
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.url.replace("http", "ws") + "/gateway",
                    "application": {"id": str(APP_ID), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                }
                await ws.send_json({"op": 0, "t": "READY", "s": 1, "d": ready})
        return ws

    def _route(self, method: str, path: str, body: dict[str, Any]) -> web.Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json(APPLICATION)
        if path == "/users/@me/channels":
            return _json(self._dm(str(body["recipient_id"])))
        if parts[0] == "users":
            return _json(_user(parts[1]))
        if parts[0] == "interactions":
            return self._callback(parts[1], body)
        if parts[0] == "webhooks":
            if method == "DELETE":
                return web.Response(status=204)
            return _json(self._message(body, str(CHANNEL_ID)))
        if parts[0] == "applications":
            return _json([])
        if parts[0] == "channels":
            return self._channel(method, parts, body)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _channel(self, method: str, parts: list[str], body: dict[str, Any]) -> web.Response:
        channel_id = parts[1]
        if len(parts) == 2:
            known = self.channels.get(channel_id)
            if known is None:
                return _json({"message": "Unknown Channel", "code": 10003}, 404)
            return _json(known)
        if parts[-1] == "threads":
            thread = {
                "id": parts[3],
                "type": 11,
                "guild_id": str(GUILD_ID),
                "parent_id": channel_id,
                "owner_id": str(BOT_ID),
                "name": body.get("name", ""),
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "flags": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2026-11-23T09:00:00+00:00",
                    "locked": False,
                },
            }
            self.channels[parts[3]] = thread
            return _json(thread)
        message_id = parts[3] if len(parts) > 3 else None
        return _json(self._message(body, channel_id, message_id))

    def _dm(self, user_id: str) -> dict[str, Any]:
        channel = {"id": self.next_id(), "type": 1, "recipients": [_user(user_id)]}
        self.channels[channel["id"]] = channel
        return channel

    def _message(
        self, body: dict[str, Any], channel_id: str, message_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "id": message_id or self.next_id(),
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "timestamp": "2026-11-23T09:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
        }

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> web.Response:
        kind = body.get("type")
        data = body.get("data") or {}
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if kind in (4, 7):
            message = self._message(data, str(CHANNEL_ID))
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return _json(answer)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py compares the content type for equality: no "; charset=..." here.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


async def _read(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            raw = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(raw)
            else:
                files[part.filename or ""] = bytes(raw)  # type: ignore[union-attr]
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), {}


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": f"user{user_id[-4:]}", "discriminator": "0", "avatar": None}


# -- the client -----------------------------------------------------------------


def gateway_url(fake: FakeDiscord) -> yarl.URL:
    """Where discord.py's gateway connection goes (it skips GET /gateway for one shard)."""
    return yarl.URL(fake.url.replace("http", "ws") + "/gateway")


def point_gateway(monkeypatch: Any, fake: FakeDiscord) -> None:
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway_url(fake))


async def logged_in(client: DeskClient) -> DeskClient:
    """Log in against the fake (GET /users/@me, /oauth2/applications/@me, setup_hook)."""
    await client.login("test-token")
    return client


def add_guild(client: discord.Client, more_channels: dict[str, str] | None = None) -> discord.Guild:
    """The server of the samples, as a GUILD_CREATE would cache it (roles, channel), with
    `more_channels` (id -> name) as further text channels."""
    data = fixture("guild_create.json")
    sample = data["channels"][0]
    for channel_id, name in (more_channels or {}).items():
        data["channels"].append({**sample, "id": channel_id, "name": name})
    return client._connection._add_guild_from_data(data)  # type: ignore[arg-type]


def views_in_memory(client: discord.Client) -> int:
    """How many views (with their buttons) the client keeps in memory for messages."""
    return len(client._connection._view_store.persistent_views)


class ErrorLog(logging.Handler):
    """discord.py logs (and swallows) exceptions in callbacks: tests fail on them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def settle() -> None:
    """Wait for every task the dispatch started (and the tasks they start)."""
    me = asyncio.current_task()
    for _ in range(50):
        pending = [t for t in asyncio.all_tasks() if t is not me and not t.done() and _ours(t)]
        if not pending:
            return
        await asyncio.wait(pending, timeout=5)
    raise AssertionError("tasks still running")


def _ours(task: asyncio.Task[Any]) -> bool:
    name = task.get_name()
    return name.startswith(("discord", "CommandTree")) or "discord.py" in name


async def interact(client: discord.Client, payload: dict[str, Any]) -> None:
    """An INTERACTION_CREATE from the gateway, run to its end."""
    client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await settle()


async def receive(client: discord.Client, payload: dict[str, Any]) -> None:
    """A MESSAGE_CREATE from the gateway, run to its end."""
    client._connection.parse_message_create(payload)  # type: ignore[arg-type]
    await settle()


# -- payloads ---------------------------------------------------------------------

_ids = itertools.count(1300000000000000000)


def new_id() -> str:
    return str(next(_ids))


def member(roles: list[str] | None = None, user_id: int = USER_ID) -> dict[str, Any]:
    data = copy.deepcopy(fixture("interaction_create.application_command.json")["member"])
    data["roles"] = roles if roles is not None else []
    data["user"]["id"] = str(user_id)
    return data


def command(
    path: tuple[str, ...],
    options: dict[str, Any] | None = None,
    *,
    roles: list[str] | None = None,
    direct: bool = False,
    focused: str | None = None,
    user_id: int = USER_ID,
) -> dict[str, Any]:
    """An APPLICATION_COMMAND (or, with `focused`, AUTOCOMPLETE) interaction."""
    payload = copy.deepcopy(fixture("interaction_create.application_command.json"))
    payload["id"], payload["token"] = new_id(), f"token-{new_id()}"
    leaf = [
        {"name": name, "type": _option_type(value), "value": value, **_focus(name, focused)}
        for name, value in (options or {}).items()
    ]
    for word in reversed(path[1:]):
        leaf = [{"name": word, "type": 1, "options": leaf}]
    payload["data"] = {"id": "771825006014889984", "name": path[0], "type": 1, "options": leaf}
    if focused is not None:
        payload["type"] = 4
    if direct:
        _make_direct(payload)
    else:
        payload["member"] = member(roles, user_id)
        payload["channel"] = {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID)}
    return payload


def _option_type(value: Any) -> int:
    return 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3


def _focus(name: str, focused: str | None) -> dict[str, Any]:
    return {"focused": True} if name == focused else {}


def _make_direct(payload: dict[str, Any]) -> None:
    user = payload.pop("member")["user"]
    payload.pop("guild_id", None)
    payload["user"] = user
    payload["context"] = 1
    payload["channel_id"] = "1400000000000000001"
    payload["channel"] = {"id": "1400000000000000001", "type": 1, "recipients": [user]}


def press(
    custom_id: str,
    message: dict[str, Any],
    *,
    roles: list[str] | None = None,
    direct: bool = False,
    user_id: int = USER_ID,
    channel: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A MESSAGE_COMPONENT interaction: the button with this custom id on `message`,
    in `channel` (a channel object; by default the samples' text channel)."""
    payload = copy.deepcopy(fixture("interaction_create.message_component.json"))
    payload["id"], payload["token"] = new_id(), f"token-{new_id()}"
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    payload["message"] = message
    payload["channel_id"] = message["channel_id"]
    if direct:
        payload["member"]["user"]["id"] = str(user_id)
        _make_direct(payload)
        payload["channel_id"] = message["channel_id"]
        payload["channel"]["id"] = message["channel_id"]
    else:
        payload["member"] = member(roles, user_id)
        payload["channel"] = channel or {
            "id": message["channel_id"],
            "type": 0,
            "guild_id": str(GUILD_ID),
        }
    return payload


def submit(
    custom_id: str, values: dict[str, Any], *, roles: list[str] | None = None
) -> dict[str, Any]:
    """A MODAL_SUBMIT interaction: text inputs by value, menus (lists) by values."""
    payload = command(("incident", "open"), roles=roles)
    payload["type"] = 5
    components = []
    for name, value in values.items():
        if isinstance(value, list):
            inner = {"type": 3, "custom_id": name, "values": value}
            components.append({"type": 18, "id": len(components) + 1, "component": inner})
        else:
            inner = {"type": 4, "custom_id": name, "value": value}
            components.append({"type": 18, "id": len(components) + 1, "component": inner})
    payload["data"] = {"custom_id": custom_id, "components": components}
    return payload


def message_create(
    content: str,
    *,
    channel_id: int | str,
    guild: bool = False,
    mentions: list[dict[str, Any]] | None = None,
    roles: list[str] | None = None,
    author_id: int = USER_ID,
    bot: bool = False,
) -> dict[str, Any]:
    """The `d` of a MESSAGE_CREATE, from the published example."""
    data = copy.deepcopy(fixture("message_create.gateway.json")["d"])
    data.update(id=new_id(), content=content, channel_id=str(channel_id), reactions=[])
    data["author"]["id"] = str(author_id)
    if bot:
        data["author"]["bot"] = True
    data["mentions"] = mentions or []
    if guild:
        data["guild_id"] = str(GUILD_ID)
        extra = member(roles)
        extra.pop("user")
        data["member"] = extra
    return data


def callbacks(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The bodies of every interaction response the bot sent, in order."""
    return [r.body for r in fake.sent("POST", r"/interactions/\d+/[^/]+/callback")]


def slow_core(core: Any, monkeypatch: Any) -> None:
    """The core takes longer than the adapter waits before deferring."""
    from bot.adapters import discord_interactions

    handle = core.handle

    async def slowly(inbound: Any) -> Any:
        await asyncio.sleep(0.05)
        return await handle(inbound)

    monkeypatch.setattr(core, "handle", slowly)
    monkeypatch.setattr(discord_interactions, "DEFER_AFTER", 0.01)


def last_message(fake: FakeDiscord) -> dict[str, Any]:
    """The body of the latest message the bot posted or edited, wherever."""
    for request in reversed(fake.requests):
        body = request.body or {}
        if request.path.endswith("/callback") and body.get("type") in (4, 7):
            return body["data"]
        if request.method in ("POST", "PATCH") and isinstance(body, dict) and "content" in body:
            return body
    raise AssertionError("the bot sent no message")


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components") or []
        for c in row.get("components", [])
        if "custom_id" in c
    ]


def posted(message: dict[str, Any], channel_id: str) -> dict[str, Any]:
    """A sent message body as Discord returns it (for a later button press on it)."""
    return {
        **message,
        "id": new_id(),
        "channel_id": channel_id,
        "author": BOT_USER,
        "type": 0,
        "flags": 0,
        "tts": False,
        "pinned": False,
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "attachments": [],
        "embeds": message.get("embeds") or [],
        "timestamp": "2026-11-23T09:00:00+00:00",
        "edited_timestamp": None,
    }
