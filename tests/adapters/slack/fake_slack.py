"""A small Slack Web API on 127.0.0.1 for tests: records every call with its body.

It answers the methods the adapter uses with the shapes Slack answers with, and can
be told to fail a method: HTTP 429 with a Retry-After, HTTP 500, or `ok: false` with
an error. `response_url`s point at `/respond/<key>` on the same server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "UDESKBOT"
NAMES = {"UALICE": "Alice Archer", "UBOB": "Bob Baker", "UCAROL": "Carol Chen"}


@dataclass
class Call:
    """One request the fake received: the Web API method (or 'respond'), and its body."""

    method: str
    body: dict[str, Any]
    at: float
    key: str = ""
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.body.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def everything(self) -> str:
        """All text of the message, as Slack would read it (for `in` checks)."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class Failure:
    status: int
    error: str | None = None
    retry_after: int | None = None
    channel: str | None = None  # only calls to this channel fail


class FakeSlack:
    """The Web API and response_url endpoint, on a free port."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.usergroups: list[dict[str, Any]] = []
        self._failures: dict[str, list[Failure]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        # Socket Mode: the connections the adapter opened, and what it sent over them.
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_frames: list[dict[str, Any]] = []

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, key: str) -> str:
        return f"{self.url}/respond/{key}"

    def fail(
        self,
        method: str,
        status: int = 200,
        *,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """The next `times` calls to `method` (to `channel`, if given) fail this way."""
        failure = Failure(status, error, retry_after, channel)
        self._failures.setdefault(method, []).extend([failure] * times)

    def to(self, method: str, key: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (key is None or c.key == key)]

    async def wait_for(
        self, method: str, count: int = 1, *, key: str | None = None, timeout: float = 5.0
    ) -> list[Call]:
        """Wait until `count` calls to `method` (and `key`) arrived; return them all."""

        async def enough() -> list[Call]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.to(method, key)) >= count)
            return self.to(method, key)

        try:
            return await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            seen = [c.method for c in self.calls]
            problem = f"no {count} x {method} {key or ''} within {timeout}s: {seen}"
            raise AssertionError(problem) from None

    async def wait_until(self, ready: Any, timeout: float = 5.0) -> None:
        """Wait until `ready()` is true (it is checked on every call or frame received)."""

        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(ready)

        await asyncio.wait_for(check(), timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        async with self._changed:
            self._changed.notify_all()
        async for frame in socket:
            if frame.type == web.WSMsgType.TEXT:
                self.socket_frames.append(json.loads(frame.data))
                async with self._changed:
                    self._changed.notify_all()
        return socket

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _body(request)
        call = Call(method, body, time.monotonic())
        failure = self._next_failure(method, body.get("channel"))
        if failure is not None:
            await self._record(call)
            return _failure(failure)
        call.answer = self._answer(method, body)
        await self._record(call)
        return web.json_response(call.answer)

    def _next_failure(self, method: str, channel: str | None) -> Failure | None:
        failures = self._failures.get(method, [])
        for position, failure in enumerate(failures):
            if failure.channel in (None, channel):
                return failures.pop(position)
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        size = len(await request.read())
        await self._record(
            Call("upload", {"size": size}, time.monotonic(), request.match_info["file"])
        )
        return web.Response(text="OK - 1")

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(Call("respond", body, time.monotonic(), request.match_info["key"]))
        return web.Response(text="ok")

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "deskbot",
                "team_id": "T111",
                "user_id": BOT_USER,
                "bot_id": "BDESKBOT",
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}
        if method == "users.info":
            user = str(body.get("user"))
            name = NAMES.get(user, user)
            profile = {"display_name": name, "real_name": name}
            return {"ok": True, "user": {"id": user, "name": user.lower(), "profile": profile}}
        if method == "usergroups.list":
            return {"ok": True, "usergroups": self.usergroups}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users"))[1:]}}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.url}/upload/F0001", "file_id": "F0001"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0001", "title": "deskbot.png"}]}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V0001", **(_json(body.get("view")) or {})}}
        return {"ok": True}


async def _body(request: web.Request) -> dict[str, Any]:
    found: dict[str, Any] = dict(request.query)
    raw = await request.read()
    if not raw:
        return found
    if request.content_type == "application/json":
        found.update(json.loads(raw))
    else:
        found.update(dict(await request.post()))
    return found


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _failure(failure: Failure) -> web.Response:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    if failure.status == 429:
        return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
    if failure.status >= 500:
        return web.Response(status=failure.status, text="upstream trouble")
    return web.json_response({"ok": False, "error": failure.error or "unknown_error"})
