"""Service-status bulletins: post to broadcast channels, update and resolve in place, expire.

A bulletin is posted once per channel and platform through the outbox, in the same
transaction as the bulletin itself, so a chat outage delays it and never loses it. The
outbox row of each copy is kept: updates and the resolution edit that message (and add a
line in its thread) instead of posting new ones, after a restart too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cards import ago
from bot.config import BulletinSettings, Role
from bot.errors import BadArguments, Conflict, Forbidden, NotFound
from bot.ids import format_id
from bot.messages import Card, ChannelRef, Field, Reply, Severity
from bot.models import Bulletin, BulletinCopy, BulletinFollower, Incident, OutboxRow
from bot.outbox import Outbox, Recipient
from bot.services.duplicates import content_words, same_topic, similarity
from bot.services.lifecycle import State
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.wording import sentence

ACTIVE, RESOLVED, EXPIRED = "active", "resolved", "expired"
SAME_CATEGORY = 75.0  # how alike a report and a bulletin about the same sub-category are
SEVERITIES = ("info", "minor", "major", "critical")
_COLOUR = {
    "info": Severity.INFO,
    "minor": Severity.WARNING,
    "major": Severity.DANGER,
    "critical": Severity.DANGER,
}
RECENTLY = timedelta(days=1)  # how long "is email fixed?" is answered with its bulletin
STILL_WRONG = "If it still isn't working for you, tell me what you see"
_ENDED_COLOUR = {RESOLVED: Severity.SUCCESS, EXPIRED: Severity.INFO}
_STATE_WORDS = {ACTIVE: "Ongoing", RESOLVED: "Resolved", EXPIRED: "Expired"}
_WIDE = ("major", "critical")  # severities whose reports match on the topic's branch


def format_bulletin(number: int) -> str:
    return f"BUL-{number}"


@dataclass(frozen=True, slots=True)
class Posting:
    """What a manager asked to broadcast."""

    text: str
    severity: str = "minor"
    service: str | None = None
    channels: str = "all"
    expires: timedelta | None = None
    incident_id: int | None = None


def poster_role(settings: BulletinSettings) -> Role:
    """Who posts, updates and resolves bulletins: managers, and agents as well when
    config.yaml's `bulletins.agents_may_post` says so."""
    return Role.AGENT if settings.agents_may_post else Role.MANAGER


class Bulletins:
    """Bulletin actions over one session (the caller's unit of work commits)."""

    def __init__(self, session: AsyncSession, rules: DeskRules, now: datetime) -> None:
        self.session, self.rules, self.now = session, rules, now
        self.settings = rules.settings.bulletins
        self.outbox = Outbox(session, now)

    async def post(self, author: Person, posting: Posting) -> Bulletin:
        self._may_post(author)
        bulletin = Bulletin(
            text=posting.text,
            severity=posting.severity,
            service=posting.service,
            state=ACTIVE,
            channels=self._channels(posting.channels),
            incident_id=posting.incident_id,
            author_key=author.key,
            author_name=author.name,
            posted_at=self.now,
            updated_at=self.now,
            expires_at=self.now + posting.expires if posting.expires else None,
            ended_at=None,
        )
        self.session.add(bulletin)
        await self.session.flush()
        for channel in bulletin.channels:
            for recipient in broadcast_to(self.settings, channel):
                row = self.outbox.add(recipient, bulletin_reply(bulletin), kind="bulletin")
                await self.session.flush()
                self.session.add(
                    BulletinCopy(bulletin_id=bulletin.id, outbox_id=row.id, channel=channel)
                )
        return bulletin

    async def update(self, author: Person, number: int, text: str) -> Bulletin:
        self._may_post(author)
        bulletin = await self._active(number, "update")
        # The problem's own words stay: an update alone ("a fix is rolling out") says
        # nothing to someone who missed the post.
        bulletin.latest, bulletin.updated_at = text, self.now
        bulletin.updates += 1
        await self._republish(bulletin, f"Update: {text}")
        news = f"Update on the problem you told us about ({_about(bulletin)}): {sentence(text)}"
        await self._tell_followers(bulletin, author, news, kind="bulletin_update")
        return bulletin

    async def resolve(self, author: Person, number: int, text: str | None) -> Bulletin:
        """End it. With no text of its own, the fix of the incident it announced is its
        last word (what the resolve button after that incident's fix relies on)."""
        self._may_post(author)
        bulletin = await self._active(number, "resolve")
        text = text or await self._incident_fix(bulletin)
        bulletin.final_note = text
        await self._end(bulletin, RESOLVED, f"Resolved: {text}" if text else "Resolved.")
        news = f"Good news: the problem you told us about ({_about(bulletin)}) is resolved"
        news = f"{news}: {sentence(text)}" if text else f"{news}."
        await self._tell_followers(bulletin, author, f"{news} {STILL_WRONG}.")
        return bulletin

    async def expire_due(self) -> int:
        """End every active bulletin whose time is up; returns how many."""
        due = await self.session.scalars(
            select(Bulletin)
            .where(Bulletin.state == ACTIVE, Bulletin.expires_at <= self.now)
            .order_by(Bulletin.id)
            .with_for_update(skip_locked=True)
        )
        ended = list(due)
        for bulletin in ended:
            await self._end(bulletin, EXPIRED, "This bulletin has expired.")
        return len(ended)

    async def announcing(self, incident_id: int) -> list[Bulletin]:
        """The active bulletins posted about an incident."""
        query = select(Bulletin).where(
            Bulletin.state == ACTIVE, Bulletin.incident_id == incident_id
        )
        return list(await self.session.scalars(query.order_by(Bulletin.id)))

    async def listing(self, include_ended: bool = False) -> list[Bulletin]:
        query = select(Bulletin).order_by(Bulletin.id.desc()).limit(20)
        if not include_ended:
            query = query.where(Bulletin.state == ACTIVE)
        return list(await self.session.scalars(query))

    async def matching(self, text: str) -> Bulletin | None:
        """The active bulletin a report is most likely about, if alike enough: the same
        words, the service named, or the same specific category ("outlook won't load my
        inbox" is about an email bulletin)."""
        return self._best(text, await self.listing())

    async def recently_resolved(self, text: str) -> Bulletin | None:
        """The bulletin resolved in the last day that "is email fixed?" asks about."""
        query = select(Bulletin).where(
            Bulletin.state == RESOLVED, Bulletin.ended_at >= self.now - RECENTLY
        )
        return self._best(text, list(await self.session.scalars(query.order_by(Bulletin.id))))

    def _best(self, text: str, bulletins: list[Bulletin]) -> Bulletin | None:
        words = content_words(text)
        category = self._specific_category(text)
        topic = self.rules.triage.category(text)
        default = self.rules.settings.default_category
        best: tuple[float, Bulletin] | None = None
        for bulletin in bulletins:
            about = f"{bulletin.service or ''} {bulletin.text} {bulletin.latest or ''}"
            same_kind = category is not None and category == self._specific_category(about)
            # A major outage is wide: its branch is enough ("no internet" in a Wi-Fi outage).
            if bulletin.severity in _WIDE:
                same_kind = same_kind or same_topic(
                    topic, self.rules.triage.category(about), default
                )
            score = max(
                similarity(words, content_words(about)),
                _service_named(bulletin.service, text),
                SAME_CATEGORY if same_kind else 0.0,
            )
            if score >= self.settings.match_threshold and (best is None or score > best[0]):
                best = (score, bulletin)
        return best[1] if best else None

    def _specific_category(self, text: str) -> str | None:
        """A sub-category ("software/email") the text's words point to; a bare branch
        ("software") is too broad to call two problems the same."""
        found = self.rules.triage.category(text)
        return found if found and "/" in found else None

    async def follow(self, person: Person, number: int) -> Bulletin:
        """`person` is affected by the bulletin's problem: they hear its updates and its end."""
        bulletin = await self._active(number, "follow")
        if await self.session.get(BulletinFollower, (number, person.key)) is None:
            self.session.add(
                BulletinFollower(
                    bulletin_id=number, person_key=person.key, person_name=person.name, at=self.now
                )
            )
        return bulletin

    async def unfollow(self, person: Person, number: int) -> Bulletin:
        """`person` is no longer affected: they hear no more of it."""
        bulletin = await self.get(number)
        follower = await self.session.get(BulletinFollower, (number, person.key))
        if follower is None:
            raise Conflict(f"You are not on the list for {format_bulletin(number)}.")
        await self.session.delete(follower)
        return bulletin

    async def followed_by(self, person: Person) -> list[Bulletin]:
        """The active bulletins `person` said affect them, the newest first."""
        query = (
            select(Bulletin)
            .join(BulletinFollower, BulletinFollower.bulletin_id == Bulletin.id)
            .where(BulletinFollower.person_key == person.key, Bulletin.state == ACTIVE)
            .order_by(Bulletin.id.desc())
        )
        return list(await self.session.scalars(query))

    async def get(self, number: int) -> Bulletin:
        bulletin = await self.session.get(Bulletin, number)
        if bulletin is None:
            raise NotFound(
                f"There is no bulletin {format_bulletin(number)}. `/bulletin list` shows them."
            )
        return bulletin

    # -- the parts -------------------------------------------------------------

    def _may_post(self, author: Person) -> None:
        # The core checks it before any command runs (`poster_role` in the registry);
        # checked again here, where bulletins are written, whoever calls.
        if author.role >= poster_role(self.settings):
            return
        who = "managers and agents" if self.settings.agents_may_post else "managers"
        raise Forbidden(f"Bulletins are posted by the desk's {who}, and you are not on that list.")

    def _channels(self, asked: str) -> list[str]:
        return broadcast_channels(self.settings, asked, "--channels")

    async def _active(self, number: int, verb: str) -> Bulletin:
        bulletin = await self.get(number)
        if bulletin.state != ACTIVE:
            raise Conflict(f"You can't {verb} {format_bulletin(number)}: it is {bulletin.state}.")
        return bulletin

    async def _incident_fix(self, bulletin: Bulletin) -> str | None:
        if bulletin.incident_id is None:
            return None
        incident = await self.session.get(Incident, bulletin.incident_id)
        if incident is None or incident.state not in (State.RESOLVED, State.CLOSED):
            return None  # a reopened incident's old note is no fix
        return incident.resolution_note

    async def _end(self, bulletin: Bulletin, state: str, line: str) -> None:
        bulletin.state, bulletin.ended_at, bulletin.updated_at = state, self.now, self.now
        await self._republish(bulletin, line)

    async def _republish(self, bulletin: Bulletin, line: str) -> None:
        """Edit every posted copy to the bulletin as it is now, and say what changed in
        the copy's thread."""
        originals = await self.session.scalars(
            select(OutboxRow)
            .join(BulletinCopy, BulletinCopy.outbox_id == OutboxRow.id)
            .where(BulletinCopy.bulletin_id == bulletin.id)
            .order_by(OutboxRow.id)
        )
        card, said = bulletin_reply(bulletin), Reply(text=line)
        for original in originals:
            recipient = Recipient(
                original.recipient_key,
                original.recipient_name,
                original.platform,
                original.channel_id,
            )
            self.outbox.add(recipient, card, kind="bulletin_edit", edit_of=original.id)
            self.outbox.add(recipient, said, kind="bulletin_line", reply_to=original.id)

    async def _tell_followers(
        self, bulletin: Bulletin, author: Person, news: str, kind: str = "bulletin_resolved"
    ) -> None:
        """Everyone who said the problem hits them hears its news in a direct message;
        the one who wrote it knows already."""
        followers = await self.session.scalars(
            select(BulletinFollower).where(
                BulletinFollower.bulletin_id == bulletin.id,
                BulletinFollower.person_key != author.key,
            )
        )
        for follower in followers:
            recipient = self.rules.directory.recipient(follower.person_key, follower.person_name)
            self.outbox.add(recipient, Reply(text=news), kind=kind)


def broadcast_channels(settings: BulletinSettings, asked: str, option: str) -> list[str]:
    """The broadcast channels `asked` names ("all", or names with commas, "#" or not), as
    `option` gives them; refused naming the configured ones when one is unknown."""
    known = list(settings.channels)
    if not known:
        raise BadArguments(
            "No broadcast channels are configured. Add them under bulletins.channels in "
            "config.yaml (e.g. it-status: {slack: C0123ABCD})."
        )
    names = [n.strip().lower().lstrip("#") for n in asked.split(",") if n.strip()]
    if not names or names == ["all"]:
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BadArguments(
            f"Unknown channel {', '.join(unknown)}. Use all, or some of: {', '.join(known)} "
            f"(e.g. {option} {known[0]})."
        )
    return list(dict.fromkeys(names))


def broadcast_to(settings: BulletinSettings, channel: str) -> list[Recipient]:
    """Where a broadcast channel is on each platform it is configured for."""
    places = settings.channels[channel].places().items()
    return [Recipient(f"channel:{channel}", f"#{channel}", p, where) for p, where in places]


_GENERAL = re.compile(
    r"\b(any(thing)?|something|what'?s|what is|known|current)\b.*\b(down|outages?|issues?|"
    r"problems?|broken|status)\b|\boutages?\b|\bstatus page\b",
    re.IGNORECASE,
)


async def posted_in(session: AsyncSession, place: ChannelRef) -> Bulletin | None:
    """The active bulletin whose posted message `place`'s thread hangs under: a reply
    there is about that bulletin's problem."""
    if place.thread_id is None:
        return None
    return await session.scalar(
        select(Bulletin)
        .join(BulletinCopy, BulletinCopy.bulletin_id == Bulletin.id)
        .join(OutboxRow, OutboxRow.id == BulletinCopy.outbox_id)
        .where(
            OutboxRow.platform == place.platform,
            OutboxRow.channel_id == place.channel_id,
            OutboxRow.message_id == place.thread_id,
            Bulletin.state == ACTIVE,
        )
        .limit(1)
    )


def is_general_status(text: str) -> bool:
    """ "Is anything down?", "any known issues?": a question about every service."""
    return bool(_GENERAL.search(text))


def known_issue_line(bulletin: Bulletin, now: datetime) -> str:
    """BUL-3 · Email is down for everyone (major, posted 10m ago)."""
    posted = ago(now - bulletin.posted_at)
    label = f"{format_bulletin(bulletin.id)} · {bulletin.text}"
    line = f"{label} ({bulletin.severity}, posted {posted})"
    if bulletin.latest:
        line += f". Latest ({ago(now - bulletin.updated_at)}): {bulletin.latest}"
    return line


def fixed_line(bulletin: Bulletin, now: datetime) -> str:
    """BUL-3 · Email is down for everyone was resolved 20m ago: Mail flows again. ..."""
    ended = ago(now - (bulletin.ended_at or bulletin.updated_at))
    line = f"{format_bulletin(bulletin.id)} · {bulletin.text} was resolved {ended}"
    line = f"{line}: {sentence(bulletin.final_note)}" if bulletin.final_note else f"{line}."
    return f"{line} {STILL_WRONG} and I'll help."


def _about(bulletin: Bulletin) -> str:
    return bulletin.service or bulletin.text


def _service_named(service: str | None, text: str) -> float:
    """100 when the report names the bulletin's service ("is email down?")."""
    if not service:
        return 0.0
    wanted = service.lower()
    return 100.0 if any(fuzz.ratio(wanted, word) >= 85 for word in content_words(text)) else 0.0


def _news(bulletin: Bulletin) -> bool:
    """Whether the last update is still news: once the problem is over, it is not."""
    return bool(bulletin.latest) and bulletin.state == ACTIVE


def bulletin_reply(bulletin: Bulletin) -> Reply:
    """A bulletin as a card: severity colour while active, green once resolved."""
    colour = _ENDED_COLOUR.get(bulletin.state, _COLOUR[bulletin.severity])
    fields: Sequence[Field] = (
        Field("Status", _STATE_WORDS[bulletin.state]),
        Field("Severity", bulletin.severity),
        *((Field("Service", bulletin.service),) if bulletin.service else ()),
        *((Field("Incident", format_id(bulletin.incident_id)),) if bulletin.incident_id else ()),
        *((Field("Latest", bulletin.latest, short=False),) if _news(bulletin) else ()),
        *((Field("Resolution", bulletin.final_note, short=False),) if bulletin.final_note else ()),
    )
    title = f"{format_bulletin(bulletin.id)} · {bulletin.service or 'Service status'}"
    footer = f"Posted by {bulletin.author_name}"
    if bulletin.updates:
        footer += f" · updated {bulletin.updates}×"
    # Once resolved, the channel's headline is the fix, not the problem's last update.
    said = bulletin.final_note if bulletin.state == RESOLVED and bulletin.final_note else None
    if said is None and _news(bulletin):
        said = f"{bulletin.text} · Latest: {bulletin.latest}"
    return Reply(
        text=f"{_STATE_WORDS[bulletin.state]}: {said or bulletin.text}",
        card=Card(title, tuple(fields), body=bulletin.text, footer=footer, severity=colour),
        in_thread=False,
    )
