"""Platform-neutral events in and replies out: the seam between core and adapters.

An adapter turns a platform's payload into one of `Message`, `CommandCall` or
`Action`, hands it to `Core.handle`, and renders the `Reply` objects it gets
back. Nothing here knows about Slack, Discord or the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """A card's colour: adapters map it to their palette."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent an event: a platform account.

    `roles` are the platform-side groups the adapter saw this account in (Slack
    user-group handles and ids, Discord role ids and names); config.yaml's `roles:`
    turns them into desk roles.
    """

    platform: str
    user_id: str
    display_name: str
    roles: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where an event happened; `thread_id` ties a conversation to an incident."""

    platform: str
    channel_id: str
    is_direct: bool = False
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class FileLink:
    """A file sent with a message (a screenshot of the error): its name, and the link
    the desk's staff open it by on the platform."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Message:
    """Someone said something to the bot, perhaps with files."""

    actor: Actor
    channel: ChannelRef
    text: str
    event_id: str
    files: tuple[FileLink, ...] = ()
    # The accounts it mentions, by how its text shows them (Slack's "@U123", Discord's
    # "@alice"), so that a staff member's "show me the tickets @alice raised" names her.
    people: Mapping[str, Actor] | None = None


@dataclass(frozen=True, slots=True)
class CommandCall:
    """A slash command: its name and either its raw text or typed options.

    `path` is the command's words, e.g. ("incident", "claim"); a platform
    that sends one top-level command with free text (Slack, the console)
    leaves `path` as just the top-level word and puts the rest in `text`.
    """

    actor: Actor
    channel: ChannelRef
    path: tuple[str, ...]
    event_id: str
    text: str = ""
    options: Mapping[str, object] | None = None
    # The accounts the command names, as they appear in its text or options ("@alice"),
    # resolved by the adapter from the platform's mention: the core knows no user ids.
    people: Mapping[str, Actor] | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A button or menu choice: `action_id` names the action, `value` its target."""

    actor: Actor
    channel: ChannelRef
    action_id: str
    value: str
    event_id: str


Inbound = Message | CommandCall | Action


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled value on a card."""

    label: str
    value: str
    short: bool = True


@dataclass(frozen=True, slots=True)
class Card:
    """A titled block of fields: a Slack section, a Discord embed, a console panel."""

    title: str
    fields: tuple[Field, ...] = ()
    body: str = ""
    footer: str = ""
    severity: Severity = Severity.INFO


@dataclass(frozen=True, slots=True)
class Button:
    """A button that comes back as an `Action(action_id, value)` when pressed."""

    label: str
    action_id: str
    value: str
    style: str = "default"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (the report as CSV): its name, which says its type, and
    its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers: text, optionally a card, buttons, an image and a file."""

    text: str
    card: Card | None = None
    buttons: tuple[Button, ...] = ()
    image: bytes | None = None
    file: Attachment | None = None
    ephemeral: bool = False
    in_thread: bool = True
    is_error: bool = False
    # Only a receipt ("Noted on INC-4."): where a private reply is impossible (a Discord
    # channel message), a reaction on the message says it without a line for everyone.
    receipt: bool = False
