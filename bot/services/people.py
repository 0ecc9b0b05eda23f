"""Who someone is to the desk: a plain user, an agent or a manager, from config.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Role, Settings
from bot.messages import Actor
from bot.outbox import Recipient

# What staff call themselves where a command wants an agent: "assign 3 to me", "my tickets"
SELF = frozenset({"me", "my", "mine", "myself"})


@dataclass(frozen=True, slots=True)
class Person:
    """A resolved actor. Staff are keyed by handle on every platform."""

    key: str
    name: str
    role: Role
    handle: str | None = None
    groups: tuple[str, ...] = ()

    @property
    def is_agent(self) -> bool:
        return self.role >= Role.AGENT


class Directory:
    """Maps platform accounts to people, and staff handles to agents."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._staff = {handle: _staff_person(handle, settings) for handle in settings.staff}
        self._accounts: dict[tuple[str, str], str] = {}
        for handle, entry in settings.staff.items():
            self._accounts[("console", handle)] = handle
            if entry.slack:
                self._accounts[("slack", entry.slack)] = handle
            if entry.discord:
                self._accounts[("discord", entry.discord)] = handle

    def person(self, actor: Actor) -> Person:
        """The person behind a platform account; anyone unlisted is a plain user."""
        handle = self._accounts.get((actor.platform, actor.user_id))
        if handle is not None:
            return self._staff[handle]
        role, groups = self._platform_role(actor)
        if role > Role.USER:
            # Staff by platform group have no handle in config.yaml: their account key
            # is their handle, so ownership and notifications still reach them.
            return Person(actor.key, actor.display_name, role, handle=actor.key, groups=groups)
        return Person(key=actor.key, name=actor.display_name, role=Role.USER)

    def _platform_role(self, actor: Actor) -> tuple[Role, tuple[str, ...]]:
        """The highest desk role that one of the actor's platform groups is mapped to."""
        seen = {name.lower().removeprefix("@") for name in actor.roles}
        for level in (Role.MANAGER, Role.AGENT):
            mapping = self._settings.roles.get(level.name.lower())  # type: ignore[call-overload]
            if mapping is None:
                continue
            names = mapping.slack_groups if actor.platform == "slack" else mapping.discord_roles
            if actor.platform in ("slack", "discord") and seen & {
                n.lower().removeprefix("@") for n in names
            }:
                return level, tuple(mapping.groups) or (self._settings.default_group,)
        return Role.USER, ()

    def staff(self, handle: str) -> Person | None:
        """An agent or manager by handle (with or without a leading @)."""
        return self._staff.get(handle.lower().removeprefix("@"))

    def recipient(self, key: str, name: str) -> Recipient:
        """Where a person is reached directly: staff where config.yaml says, anyone else
        on the platform they wrote from (their key is 'platform:user id')."""
        staff = self._settings.staff.get(key)
        if staff is not None:
            platform = staff.notify_platform
            address = {"slack": staff.slack, "discord": staff.discord}.get(platform) or key
            return Recipient(key, name, platform, address)
        platform, _, user_id = key.partition(":")
        return Recipient(key, name, platform, user_id)

    def handles(self) -> list[str]:
        return list(self._staff)

    def managed_by(self, person: Person) -> list[str]:
        """The groups whose manager `person` is."""
        groups = self._settings.groups.items()
        return [name for name, g in groups if person.handle and g.manager == person.handle]

    def members(self, group: str) -> list[str]:
        """The handles config.yaml puts in `group`, in its order."""
        return [h for h, p in self._staff.items() if group in p.groups]

    def by_chat_group(self, group: str) -> bool:
        """Whether people work in `group` by their Slack or Discord group (`roles:`), not
        by name: they can't be listed, only said to be there."""
        default = (self._settings.default_group,)
        return any(
            group in (m.groups or default) and (m.slack_groups or m.discord_roles)
            for m in self._settings.roles.values()
        )

    def teams(self, person: Person) -> list[str]:
        """The groups `person` works in, then those they manage: whose work is theirs to
        watch."""
        return list(dict.fromkeys((*person.groups, *self.managed_by(person))))

    def reach(self, handle: str) -> Recipient:
        """Where a staff member (or an account key) is reached, under the name cards show."""
        return self.recipient(handle, self.name_of(handle))

    def name_of(self, handle: str | None) -> str:
        """How to show an owner: 'Bob Baker (bob)', or '-' for nobody."""
        if handle is None:
            return "-"
        person = self._staff.get(handle)
        return f"{person.name} ({handle})" if person else handle


def _staff_person(handle: str, settings: Settings) -> Person:
    entry = settings.staff[handle]
    return Person(
        key=handle,
        name=entry.name or handle,
        role=entry.role_level,
        handle=handle,
        groups=tuple(entry.groups),
    )
