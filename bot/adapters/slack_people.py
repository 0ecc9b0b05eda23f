"""Who a Slack user is to the core: their name, and the user groups config.yaml maps to roles.

Slack sends only a user id with events, and never a user's groups. Names come from
`users.info`; groups from `usergroups.list` (with members), asked only when
config.yaml's `roles:` names Slack groups at all. Both are cached for a few
minutes so a busy channel doesn't turn every message into Web API calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Actor

log = logging.getLogger(__name__)
PLATFORM = "slack"
NAMES_TTL = 3600.0
GROUPS_TTL = 300.0


class SlackPeople:
    """Builds `Actor`s for Slack user ids, with honest `roles`."""

    def __init__(
        self,
        client: AsyncWebClient,
        configured_groups: Iterable[str],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.clock = client, clock
        self.wanted = {g.lower().removeprefix("@") for g in configured_groups}
        self._names: dict[str, tuple[float, str]] = {}
        self._members: dict[str, tuple[str, ...]] = {}
        self._groups_at: float | None = None
        self._lock = asyncio.Lock()

    async def actor(self, user_id: str) -> Actor:
        name = await self.name(user_id)
        roles = await self.groups_of(user_id) if self.wanted else ()
        return Actor(PLATFORM, user_id, name, roles)

    async def name(self, user_id: str) -> str:
        cached = self._names.get(user_id)
        if cached is not None and self.clock() - cached[0] < NAMES_TTL:
            return cached[1]
        try:
            found = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            # A name is a nicety: the desk still works with the id.
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return user_id
        user = found.get("user") or {}
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user_id
        )
        self._names[user_id] = (self.clock(), name)
        return name

    async def groups_of(self, user_id: str) -> tuple[str, ...]:
        """The handles and ids of the user groups the user is in (fresh within a few minutes)."""
        async with self._lock:
            if self._groups_at is None or self.clock() - self._groups_at >= GROUPS_TTL:
                await self._load_groups()
        return self._members.get(user_id, ())

    async def _load_groups(self) -> None:
        try:
            found = await self.client.usergroups_list(include_users=True)
        except SlackApiError as exc:
            # Keep what we knew (staff listed by id keep their role anyway), and wait the
            # usual interval before asking again rather than asking on every event.
            log.warning("usergroups.list failed: %s", exc.response.get("error"))
            self._groups_at = self.clock()
            return
        members: dict[str, list[str]] = {}
        for group in found.get("usergroups") or []:
            names = [n for n in (group.get("handle"), group.get("id")) if n]
            for user in group.get("users") or []:
                members.setdefault(user, []).extend(names)
        self._members = {user: tuple(names) for user, names in members.items()}
        self._groups_at = self.clock()
