"""`deskbot slack manifest`: the Slack app manifest an admin pastes to create the app.

It lists exactly what the adapter uses: one slash command per top-level command
in the registry (so /bulletin or /report appear as soon as they are declared),
the three events it listens to, the bot scopes its Web API calls need, and, with
`--url`, the request URL of `deskbot run` for events, commands and buttons.
Without `--url` the app is set up for Socket Mode (no public URL needed).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import yaml

import bot.commands  # noqa: F401  (registers every command)
from bot.config import Settings
from bot.registry import Registry, registry

# The events the adapter's listeners handle (slack_adapter.py).
BOT_EVENTS = ("app_home_opened", "app_mention", "message.im")
# Each scope and the calls or events that need it.
BASE_SCOPES = {
    "app_mentions:read": "app_mention events",
    "chat:write": "chat.postMessage, chat.update, chat.postEphemeral",
    "commands": "the slash commands",
    "files:write": "files.uploadV2, for chart images and report files",
    "im:history": "message.im events: direct messages to the bot",
    "im:write": "conversations.open, to reach a person in their direct chat",
    "users:read": "users.info, for people's names",
}
GROUP_SCOPE = "usergroups:read"  # usergroups.list, when roles map Slack user groups
# Replies in the desk's threads without a mention (slack.thread_replies).
THREAD_EVENTS = ("message.channels", "message.groups")
THREAD_SCOPES = {
    "channels:history": "message.channels events: replies in the desk's threads",
    "groups:history": "message.groups events: the same in private channels",
}
_DESCRIPTION_CHARS = 100
_HINT_CHARS = 100


def uses_user_groups(settings: Settings) -> bool:
    return any(mapping.slack_groups for mapping in settings.roles.values())


def scopes(settings: Settings) -> list[str]:
    found = set(BASE_SCOPES)
    if uses_user_groups(settings):
        found.add(GROUP_SCOPE)
    if settings.slack.thread_replies:
        found.update(THREAD_SCOPES)
    return sorted(found)


def bot_events(settings: Settings) -> list[str]:
    extra = THREAD_EVENTS if settings.slack.thread_replies else ()
    return [*BOT_EVENTS, *extra]


def slash_commands(reg: Registry = registry) -> list[str]:
    """'/incident', '/kb', '/help', …: the registry's top-level words."""
    return ["/" + word for word in reg.groups()]


def manifest(settings: Settings, url: str | None, reg: Registry = registry) -> dict[str, Any]:
    request_url = _request_url(url, settings) if url else None
    name = settings.desk.name
    commands = []
    for word in reg.groups():
        command: dict[str, Any] = {
            "command": f"/{word}",
            "description": _description(reg, word),
            "usage_hint": _usage_hint(reg, word),
            # Mentions come as <@U123|name>: `--reporter @alice` needs the account.
            "should_escape": True,
        }
        if request_url:
            command["url"] = request_url
        commands.append(command)
    events: dict[str, Any] = {"bot_events": bot_events(settings)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "display_information": {
            "name": "Deskbot",
            "description": f"{name}: report problems and follow them up, here in Slack.",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "deskbot", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": scopes(settings)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def _request_url(url: str, settings: Settings) -> str:
    base = url.rstrip("/")
    path = "/" + settings.slack.path.strip("/")
    return base if base.endswith(path) else base + path


def _description(reg: Registry, word: str) -> str:
    subs = [spec.path[1] for spec in reg.group(word)]
    text = f"{', '.join(subs)}; /{word} help explains" if subs else reg.get([word]).summary
    return _clip(text, _DESCRIPTION_CHARS)


def _usage_hint(reg: Registry, word: str) -> str:
    """The first sub-command with its required words, e.g. 'open <summary> | help'."""
    subs = reg.group(word)
    spec = subs[0] if subs else reg.get([word])
    shown = [p.usage() for p in spec.params if p.required or not subs]
    words = " ".join([*spec.path[1:], *shown])
    return _clip(f"{words} | help" if subs else words, _HINT_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_manifest(args: argparse.Namespace, settings: Settings) -> int:
    """Print the manifest as YAML; 2 when --url is not an https URL (Slack requires one)."""
    url = getattr(args, "url", None)
    if url and not url.startswith("https://"):
        print(
            f"deskbot: --url must be an https:// URL Slack can reach, got {url!r}", file=sys.stderr
        )
        return 2
    sys.stdout.write(yaml.safe_dump(manifest(settings, url), sort_keys=False, allow_unicode=True))
    return 0
