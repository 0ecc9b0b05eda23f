"""The Slack adapter: slack-bolt's async app, translating between Slack and the core.

Direct messages and @mentions become `Message`s (a mention is answered in a
thread, and that thread is the conversation's and the incident's place); each
registry top-level command is a slash command whose text the core parses;
buttons become `Action`s and replace the message they were pressed on;
`/incident open` with no text opens a modal. It holds no desk rules.

Acknowledging: every listener acks first and then does the core's work. With
bolt's default `process_before_response=False`, the async runner sends the HTTP
response as soon as `ack()` is called and lets the listener carry on as an
asyncio task, so Slack gets its answer within 3 s however slow the database is;
the result then goes out through `respond` (the response_url) or the Web API.
Lazy listeners would do the same with more ceremony; they exist for FaaS, where
the process may be frozen after the response, and `deskbot run` is long-running.
A modal submission is the exception: its field errors must travel in the ack, so
they are checked first (locally, with the registry's converters).

Serving: HTTP mode runs bolt behind our own aiohttp server on settings.slack
(host, port, path); with SLACK_APP_TOKEN set it connects in Socket Mode instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack_home import publish_home
from bot.adapters.slack_manifest import slash_commands
from bot.adapters.slack_modal import (
    CALLBACK_PREFIX,
    Origin,
    command_path,
    modal_view,
    read_submission,
)
from bot.adapters.slack_people import SlackPeople
from bot.adapters.slack_render import ACTION_PATTERN, action_of, plain, render
from bot.adapters.slack_sender import DirectChats, SlackSender, upload_files
from bot.app import Core
from bot.config import Settings
from bot.messages import Action, Actor, ChannelRef, CommandCall, FileLink, Message, Reply
from bot.registry import CommandSpec
from bot.runner import NoAdapters

log = logging.getLogger(__name__)


class _SameToken(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN by itself and warns that the client we give it wins;
    the client holds that same token, so the warning would only worry the admin."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_SameToken())
PLATFORM = "slack"
# Message subtypes that are someone saying something; the rest (edits, deletions,
# joins, topic changes, bot posts) are not messages to the desk.
_SAYING = frozenset({None, "file_share", "thread_broadcast"})
_RATE_LIMIT_RETRIES = 2
Respond = Callable[..., Awaitable[Any]]


def build(core: Core, settings: Settings, env: Mapping[str, str]) -> SlackAdapter | None:
    """The adapter, or None when Slack's tokens are not in `env`."""
    token = env.get("SLACK_BOT_TOKEN")
    secret = env.get("SLACK_SIGNING_SECRET")
    app_token = env.get("SLACK_APP_TOKEN")
    if not (token or secret or app_token):
        return None
    _check_complete(token, secret, app_token)
    api_url = env.get("SLACK_API_URL") or None
    if api_url and not api_url.endswith("/"):
        api_url += "/"  # slack_sdk joins method names onto it
    return SlackAdapter(
        core, settings, token=token, signing_secret=secret, app_token=app_token, api_url=api_url
    )


def _check_complete(token: str | None, secret: str | None, app_token: str | None) -> None:
    """Half of Slack's settings is a mistake to say, not a reason to run without Slack."""
    if not token:
        given = "SLACK_SIGNING_SECRET" if secret else "SLACK_APP_TOKEN"
        raise NoAdapters(
            f"{given} is set, but not SLACK_BOT_TOKEN (the xoxb-… token on the Slack app's "
            "OAuth & Permissions page). Set it, or unset the Slack settings to run without Slack."
        )
    if not (secret or app_token):
        raise NoAdapters(
            "SLACK_BOT_TOKEN is set, but neither SLACK_SIGNING_SECRET (to receive Slack's "
            "events over HTTP) nor SLACK_APP_TOKEN (xapp-…, for Socket Mode). Set one of them, "
            "or unset SLACK_BOT_TOKEN to run without Slack."
        )


class SlackAdapter:
    """One Slack workspace: bolt's app, its server (or socket), and the outbox sender."""

    platform = PLATFORM

    def __init__(
        self,
        core: Core,
        settings: Settings,
        *,
        token: str,
        signing_secret: str | None,
        app_token: str | None = None,
        api_url: str | None = None,
    ) -> None:
        self.core, self.settings, self.app_token = core, settings, app_token
        self.host, self.port = settings.slack.host, settings.slack.port
        where = {"base_url": api_url} if api_url else {}
        # Interactive paths wait out a 429 (Retry-After) a couple of times; the outbox's
        # client doesn't, so a rate limit reschedules the notice instead (slack_sender).
        self.client = AsyncWebClient(
            token=token,
            **where,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=_RATE_LIMIT_RETRIES),
            ],
        )
        self.chats = DirectChats(self.client)
        self._sender = SlackSender(AsyncWebClient(token=token, **where))
        # No Slack groups in config.yaml's roles: usergroups.list is never called.
        groups = [g for mapping in settings.roles.values() for g in mapping.slack_groups]
        self.people = SlackPeople(self.client, groups)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=signing_secret or "",
            # Socket Mode frames come over a connection authenticated by the app token.
            request_verification_enabled=app_token is None,
        )
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._listen()

    @property
    def sender(self) -> SlackSender:
        return self._sender

    # -- serving ---------------------------------------------------------

    async def start(self) -> None:
        if self.app_token:
            self._socket = AsyncSocketModeHandler(self.app, self.app_token)
            await self._socket.connect_async()
            log.info("Slack: connected in Socket Mode")
            return
        server = web.Application()
        server.router.add_post(self.settings.slack.path, self._serve)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        log.info("Slack: serving %s on %s:%s", self.settings.slack.path, self.host, self.port)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.Request) -> web.Response:
        # Bolt verifies the signature on the raw body before anything else runs.
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    def _listen(self) -> None:
        app = self.app
        for command in slash_commands(self.core.registry):
            app.command(command)(self._on_command)
        app.event("message")(self._on_message)
        app.event("app_mention")(self._on_mention)
        app.event("app_home_opened")(self._on_home)
        app.action(ACTION_PATTERN)(self._on_button)
        app.view(re.compile("^" + re.escape(CALLBACK_PREFIX)))(self._on_submit)

    # -- slash commands and the modal ------------------------------------

    async def _on_command(self, ack: Any, command: dict[str, Any], respond: Respond) -> None:
        await ack()
        word = command["command"].lstrip("/").lower()
        raw = command.get("text") or ""
        text = plain(raw)
        if word == "incident" and text.strip().lower() == "open":
            await self._open_modal(command, respond)
            return
        actor = await self.people.actor(command["user_id"])
        channel = ChannelRef(PLATFORM, command["channel_id"], is_direct=_is_direct(command))
        people = await self._mentioned(raw)
        call = CommandCall(actor, channel, (word,), command["trigger_id"], text=text, people=people)
        for reply in await self.core.handle(call):
            # Slash-command answers are private, as Slack users expect: the command itself
            # is not shown to the channel, and what it changed reaches people as notices.
            await respond(**render(reply), response_type="ephemeral")
            await self._upload(channel.channel_id, None, reply)

    async def _mentioned(self, raw: str) -> dict[str, Actor]:
        """The accounts a command's text mentions, by how the text shows them once plain
        ("<@U123|alice>" is "@alice"): `--reporter @alice` needs her account, not a name."""
        found: dict[str, Actor] = {}
        # A few at most: each costs a users.info call (cached) for the display name.
        for mention in list(_USER_MENTION.finditer(raw))[:MAX_MENTIONS]:
            user_id = mention.group(1)
            name = await self.people.name(user_id)
            found[plain(mention.group(0))] = Actor(PLATFORM, user_id, name)
        return found

    async def _open_modal(self, command: dict[str, Any], respond: Respond) -> None:
        spec = self.core.registry.get(("incident", "open"))
        origin = Origin(command["channel_id"], _is_direct(command), command.get("response_url"))
        view = modal_view(spec, self.core.rules, origin)
        try:
            await self.client.views_open(trigger_id=command["trigger_id"], view=view)
        except SlackApiError as exc:
            # The trigger lives 3 s; if Slack was slow, typing the summary still works.
            log.warning("views.open failed: %s", exc.response.get("error"))
            example = spec.examples[0] if spec.examples else spec.usage()
            text = f"I couldn't open the form just now. Type it instead, e.g. `{example}`"
            await respond(**render(Reply(text=text)), response_type="ephemeral")

    async def _on_submit(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        spec = self.core.registry.get(command_path(view["callback_id"]))
        origin = Origin.load(view.get("private_metadata") or "")
        values = view["state"]["values"]
        options, errors = read_submission(spec, values, self.core.rules, origin.presets)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user = body["user"]["id"]
        actor = await self.people.actor(user)
        channel = ChannelRef(
            PLATFORM, origin.channel_id or user, origin.is_direct, thread_id=origin.thread_id
        )
        call = CommandCall(actor, channel, spec.path, f"view:{view['id']}", options=options)
        for reply in await self.core.handle(call):
            await self._answer_submission(origin, user, reply)

    async def _answer_submission(self, origin: Origin, user: str, reply: Reply) -> None:
        """Where the modal came from: the pressed message (replaced) or the command's
        response_url; else, when that is gone, in the person's DM."""
        message = render(reply)
        if origin.response_url:
            how: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}
            if origin.replace and not reply.is_error:
                how = {"replace_original": True}
            sent = await AsyncWebhookClient(origin.response_url).send(**message, **how)
            if sent.status_code == 200:
                return
            log.warning("Slack response_url answered %s; sending a DM", sent.status_code)
        await self.client.chat_postMessage(channel=await self.chats.channel_for(user), **message)

    # -- buttons -------------------------------------------------------------

    async def _on_button(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        await ack()
        action_id = action_of(action["action_id"])
        if action_id is None:
            return
        value = action.get("value") or ""
        user = body["user"]["id"]
        actor = await self.people.actor(user)
        event_id = body.get("trigger_id") or f"{user}:{action.get('action_ts')}"
        home = _in_app_home(body)
        # the App Home's buttons act as if pressed in the person's DM, where they answer
        place = await self._dm(user) if home else _where_pressed(body)
        pressed = Action(actor, place, action_id, value, event_id)
        form = self.core.form_for(pressed)
        if form is not None and body.get("trigger_id"):
            view = self._button_form(*form, body)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        for reply in await self.core.handle(pressed):
            await self._update_pressed(body, respond, reply)
        if home:  # the tab shows the queue as it is now
            await publish_home(self.client, self.core, actor, f"{event_id}:home")

    async def _dm(self, user: str) -> ChannelRef:
        return ChannelRef(PLATFORM, await self.chats.channel_for(user), is_direct=True)

    def _button_form(
        self, spec: CommandSpec, presets: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        """A modal asking for what the button's command needs and the button lacks."""
        where = _where_pressed(body)
        origin = Origin(
            where.channel_id,
            where.is_direct,
            body.get("response_url"),
            replace=True,
            presets=presets,
            thread_id=where.thread_id,
        )
        return modal_view(spec, self.core.rules, origin)

    async def _update_pressed(self, body: dict[str, Any], respond: Respond, reply: Reply) -> None:
        """The pressed message becomes the answer; a refusal leaves it and says why aside."""
        message = render(reply)
        if not body.get("response_url"):  # a button in the App Home: answer in the DM
            user = body["user"]["id"]
            await self.client.chat_postMessage(
                channel=await self.chats.channel_for(user), **message
            )
            return
        if reply.is_error:
            await respond(**message, response_type="ephemeral", replace_original=False)
        else:
            await respond(**message, replace_original=True)

    # -- conversation: DMs and mentions --------------------------------------

    async def _on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not _said_by_a_person(event, context):
            return
        if event.get("channel_type") == "im":
            await self._converse(body, event, context, direct=True)
        elif await self._in_a_desk_thread(event, context):
            await self._converse(body, event, context, direct=False)

    async def _in_a_desk_thread(self, event: Mapping[str, Any], context: AsyncBoltContext) -> bool:
        """A reply without a mention in a thread the desk is talking in (a mention comes
        as app_mention too, and is answered from there)."""
        thread = event.get("thread_ts")
        if not (self.settings.slack.thread_replies and thread and event.get("channel")):
            return False
        if context.bot_user_id and f"<@{context.bot_user_id}" in (event.get("text") or ""):
            return False
        place = ChannelRef(PLATFORM, event["channel"], thread_id=thread)
        return await self.core.follows(place, event.get("text") or "")

    async def _on_mention(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        # A mention inside the bot's DM also arrives as message.im: answer that one only.
        in_dm = str(event.get("channel", "")).startswith("D")
        if _said_by_a_person(event, context) and not in_dm:
            await self._converse(body, event, context, direct=False)

    async def _converse(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, direct: bool
    ) -> None:
        raw = _without_mention(event.get("text") or "", context.bot_user_id)
        text, people = plain(raw), await self._mentioned(raw)
        actor = await self.people.actor(event["user"])
        # In a channel the mention's thread is the place (and the incident's, once opened).
        thread = event.get("thread_ts") or (None if direct else event["ts"])
        channel = ChannelRef(
            PLATFORM, event["channel"], is_direct=direct, thread_id=None if direct else thread
        )
        event_id = body.get("event_id") or f"{event['channel']}:{event['ts']}"
        inbound = Message(actor, channel, text, event_id, files_of(event), people)
        for reply in await self.core.handle(inbound):
            await self._post(channel, event["user"], thread, reply)

    async def _post(self, channel: ChannelRef, user: str, thread: str | None, reply: Reply) -> None:
        message = render(reply)
        where: dict[str, Any] = {"channel": channel.channel_id}
        if thread and reply.in_thread:
            where["thread_ts"] = thread
        if reply.ephemeral and not channel.is_direct:
            await self.client.chat_postEphemeral(user=user, **where, **message)
        else:
            await self.client.chat_postMessage(**where, **message)
        await self._upload(channel.channel_id, where.get("thread_ts"), reply)

    async def _upload(self, channel: str, thread: str | None, reply: Reply) -> None:
        await upload_files(self.client, channel, thread, reply)

    # -- App Home ---------------------------------------------------------------

    async def _on_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await self.people.actor(event["user"])
        await publish_home(self.client, self.core, actor, body.get("event_id") or event["event_ts"])


def _is_direct(command: Mapping[str, Any]) -> bool:
    return command.get("channel_name") == "directmessage" or command["channel_id"].startswith("D")


def _said_by_a_person(event: Mapping[str, Any], context: AsyncBoltContext) -> bool:
    if event.get("subtype") not in _SAYING or event.get("bot_id") or not event.get("user"):
        return False
    return event["user"] != context.bot_user_id


def files_of(event: Mapping[str, Any]) -> tuple[FileLink, ...]:
    """The files shared with a message (subtype file_share), by their permalinks: the
    desk's staff open them in Slack, as members of the workspace."""
    found = []
    for item in event.get("files") or ():
        url = item.get("permalink") or item.get("url_private")
        if url:
            found.append(FileLink(str(item.get("name") or item.get("title") or "file"), str(url)))
    return tuple(found)


_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MAX_MENTIONS = 5


def _without_mention(text: str, bot_user_id: str | None) -> str:
    if not bot_user_id:
        return text.strip()
    return re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text).strip()


def _in_app_home(body: Mapping[str, Any]) -> bool:
    """Whether a button was pressed in the App Home tab (a view with no message)."""
    container = body.get("container") or {}
    return container.get("type") == "view" and (body.get("view") or {}).get("type") == "home"


def _where_pressed(body: Mapping[str, Any]) -> ChannelRef:
    """The conversation a button belongs to: its DM, or its channel thread."""
    container = body.get("container") or {}
    channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id")
    channel_id = channel_id or body["user"]["id"]
    direct = channel_id.startswith("D")
    thread = (body.get("message") or {}).get("thread_ts") or container.get("thread_ts")
    return ChannelRef(PLATFORM, channel_id, is_direct=direct, thread_id=None if direct else thread)
