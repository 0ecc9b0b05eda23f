"""config.yaml plus the environment, as typed and validated settings.

A bad config is refused at start with the file, the key and what was expected:
pydantic checks shapes and types, then `_check_references` checks that every
name one section uses is defined in another.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from bot.errors import ConfigError

DEFAULT_CONFIG = "config.yaml"
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(value: Any) -> timedelta:
    """Read '30m', '4h', '1d', '1h30m' (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**9:
        return timedelta(seconds=value)
    text = str(value).strip().lower()
    match = _DURATION.match(text)
    if not text or not match:
        raise ValueError(f"a duration like '30m', '4h', '1d' or '1h30m', got {value!r}")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    try:
        duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"a duration of at most a few years, got {value!r}") from None
    if duration <= timedelta(0):
        raise ValueError(f"a duration longer than zero, got {value!r}")
    return duration


Fail = Callable[[str, str], None]  # notes a problem; all are raised together
Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class Role(IntEnum):
    """What a person may do. Higher roles include the lower ones."""

    USER = 0
    AGENT = 1
    MANAGER = 2


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeskSettings(_Section):
    name: str = "IT Service Desk"
    auto_close_after: Duration = timedelta(days=5)
    # A question to the reporter (pending on them) left unanswered this long is put to
    # them once more, and the owner told; null turns it off.
    remind_pending_after: Duration | None = timedelta(days=2)
    # How long a handled platform event id is kept to recognise a redelivery. Slack
    # retries within minutes and a Discord interaction lives 15 minutes: a week is ample.
    remember_events: Duration = timedelta(days=7)
    # The time zone cards, notices and timelines show times in (stored times are UTC).
    timezone: str = "UTC"
    # How to reach the desk besides this chat, told to whoever asks for a call or a
    # person: "call 0800 123 456, weekdays 08:00-18:00". None: the chat is the way in.
    contact: str | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return _known_zone(name)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class IntakeSettings(_Section):
    """The conversation that turns a chat message into an incident."""

    draft_expiry: Duration = timedelta(hours=4)
    duplicate_window: Duration = timedelta(hours=24)
    duplicate_threshold: int = Field(default=70, ge=1, le=100)
    # A report like one of its reporter's incidents resolved this recently is that
    # problem back: the new incident's timeline says so. None: never looked for.
    recurrence_window: Duration | None = timedelta(days=14)


class OutboxSettings(_Section):
    """Delivery of notifications: retries with backoff, then the dead-letter list."""

    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff: Duration = timedelta(seconds=10)
    backoff_cap: Duration = timedelta(minutes=30)


class DatabaseSettings(_Section):
    url: str = "sqlite:///deskbot.db"


class LimitSettings(_Section):
    message_chars: int = Field(default=4000, ge=100, le=40000)
    summary_chars: int = Field(default=200, ge=20, le=1000)


class KnowledgeSettings(_Section):
    folder: str = "knowledge"
    suggestions: int = Field(default=3, ge=1, le=10)

    def path(self, source: str) -> Path:
        """The folder, relative to the config file's own directory."""
        return (Path(source).parent / self.folder).resolve()


class ClassificationSettings(_Section):
    impact: dict[str, str] = Field(min_length=1)
    urgency: dict[str, str] = Field(min_length=1)
    default_impact: str
    default_urgency: str
    priority_matrix: dict[str, dict[str, str]]


class PrioritySettings(_Section):
    name: str
    response: Duration
    resolution: Duration


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class BusinessHoursSettings(_Section):
    """When a group works: its SLA clocks only run inside these hours, in its time zone."""

    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    hours: str = "09:00-17:00"
    timezone: str = "UTC"

    @field_validator("days")
    @classmethod
    def _days(cls, days: list[str]) -> list[str]:
        wrong = [d for d in days if d.lower() not in WEEKDAYS]
        if wrong:
            raise ValueError(f"weekdays from {', '.join(WEEKDAYS)}, got {wrong[0]!r}")
        return [d.lower() for d in days]

    @field_validator("hours")
    @classmethod
    def _hours(cls, hours: str) -> str:
        start_end = _parse_hours(hours)
        if start_end is None or start_end[0] >= start_end[1]:
            raise ValueError(f"working hours like '08:30-17:00' (start before end), got {hours!r}")
        return hours

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return _known_zone(name)

    @property
    def start_end(self) -> tuple[time, time]:
        found = _parse_hours(self.hours)
        assert found is not None  # checked by the validator
        return found


def _parse_hours(text: str) -> tuple[time, time] | None:
    match = _HOURS.match(text.strip())
    if not match:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        return None
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    return time(h1, m1), end


class SlaSettings(_Section):
    """SLA clocks: warnings, business hours, holidays and automatic escalation."""

    # Fractions of a target at which the owner (or the group) is warned; the breach
    # itself is always reported.
    warn_at: list[float] = Field(default_factory=lambda: [0.75, 0.9])
    # Group name -> its working hours. Groups not listed work around the clock.
    business_hours: dict[str, BusinessHoursSettings] = Field(default_factory=dict)
    # Days (in each group's own time zone) on which business-hours clocks stand still.
    holidays: list[date] = Field(default_factory=list)
    # Pending on a third party (a supplier, another team) stops the resolution clock, as
    # pending on the reporter does; false keeps it running (the person still waits).
    pause_for_third_party: bool = True
    # Unclaimed at the response target: move it to the group's escalates_to.
    escalate_unclaimed: bool = False
    # Breached resolution target at these priorities: bring in the group's manager.
    escalate_breached: list[str] = Field(default_factory=list)
    # A new incident at these priorities is announced to its group's agents at once; the
    # rest wait in the queue until someone looks (or the first warning).
    announce_new: list[str] = Field(default_factory=list)
    # One person due more than this many warnings (or breaches) from one sweep batch gets
    # them as one digest instead: hundreds of cards at once bury the ones that matter,
    # and at the platforms' rate limits take many minutes to arrive.
    digest_above: int = Field(default=3, ge=1)

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, fractions: list[float]) -> list[float]:
        if any(not 0 < f < 1 for f in fractions):
            raise ValueError("fractions between 0 and 1, like [0.75, 0.9]")
        if sorted(set(fractions)) != fractions:
            raise ValueError("fractions in increasing order, each once, like [0.75, 0.9]")
        return fractions


class CategorySettings(_Section):
    description: str = ""
    group: str | None = None
    children: list[str] = Field(default_factory=list)
    # Words that point to this category (or a child: `keywords: {vpn: [...]}`) when the
    # bot guesses a category from what someone wrote.
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    # Levels a report in this category (or a sub-category) never goes below, whatever
    # its reporter answers: `{impact: medium, urgency: high}`.
    at_least: dict[str, str] = Field(default_factory=dict)


class OtherTeamSettings(_Section):
    """A team besides IT that people write to the desk about (facilities, HR): a message
    naming its topics more than IT's category keywords, and that no article fits, is
    pointed there (`services/referrals.py`)."""

    contact: str  # how to reach them: "ext. 4000 or facilities@example.com"
    topics: list[str] = Field(min_length=1)  # words or phrases: "badge", "coffee machine"

    @field_validator("contact")
    @classmethod
    def _contact(cls, contact: str) -> str:
        if not contact.strip():
            raise ValueError("how to reach them, e.g. 'ext. 4000 or facilities@example.com'")
        return contact.strip()

    @field_validator("topics")
    @classmethod
    def _topics(cls, topics: list[str]) -> list[str]:
        cleaned = [t.strip().lower() for t in topics]
        if not all(cleaned):
            raise ValueError("words or phrases, none empty, e.g. [badge, coffee machine]")
        return cleaned


class GroupSettings(_Section):
    description: str = ""
    manager: str | None = None
    escalates_to: str | None = None


class StaffSettings(_Section):
    name: str | None = None
    role: Literal["agent", "manager"]
    groups: list[str] = Field(default_factory=list)
    slack: str | None = None
    discord: str | None = None
    # Where this person hears about their incidents; by default Slack if they have a
    # Slack id, else Discord if they have a Discord id, else the console.
    notify: Literal["slack", "discord", "console"] | None = None

    @property
    def notify_platform(self) -> str:
        if self.notify:
            return self.notify
        return "slack" if self.slack else "discord" if self.discord else "console"

    @property
    def role_level(self) -> Role:
        return Role.MANAGER if self.role == "manager" else Role.AGENT


class BroadcastChannel(_Section):
    """One named broadcast channel, as each platform knows it."""

    console: str | None = None
    slack: str | None = None  # a channel id, e.g. C0123ABCD
    discord: str | None = None  # a channel id, e.g. "1234567890123456789"

    def places(self) -> dict[str, str]:
        """platform -> channel id, for the platforms this channel exists on."""
        found = {"console": self.console, "slack": self.slack, "discord": self.discord}
        return {platform: where for platform, where in found.items() if where}


class BulletinSettings(_Section):
    """Service-status bulletins: who may post them and where they go."""

    agents_may_post: bool = False
    channels: dict[str, BroadcastChannel] = Field(default_factory=dict)
    # How alike (0-100) a report and an active bulletin must be to answer "known issue".
    match_threshold: int = Field(default=70, ge=1, le=100)


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"an IANA time zone like 'Europe/Berlin' or 'America/New_York', got {name!r}"
        ) from None
    return name


class DigestSettings(_Section):
    """The weekly review the scheduler posts, once a week, to a broadcast channel."""

    enabled: bool = False
    day: str = "mon"
    hour: int = Field(default=9, ge=0, le=23)
    # A channel named under bulletins.channels.
    channel: str | None = None

    @field_validator("day")
    @classmethod
    def _day(cls, day: str) -> str:
        if day.lower() not in WEEKDAYS:
            raise ValueError(f"a weekday from {', '.join(WEEKDAYS)}, got {day!r}")
        return day.lower()


class ReportSettings(_Section):
    """/report and `deskbot report`: days are counted in this time zone."""

    timezone: str = "UTC"
    # Where the console saves chart images (relative to the directory deskbot runs in).
    charts: str = "reports"
    digest: DigestSettings = DigestSettings()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        return _known_zone(name)


class PlatformRoleSettings(_Section):
    """Who counts as an agent or manager by their platform group, not by name:
    Slack user-group handles or ids, Discord role ids or names."""

    slack_groups: list[str] = Field(default_factory=list)
    discord_roles: list[str] = Field(default_factory=list)
    # Support groups such people work in (the default group when empty).
    groups: list[str] = Field(default_factory=list)


class SlackSettings(_Section):
    """The Slack adapter. Tokens come from the environment, never from here."""

    # Where `deskbot run` serves events, commands and buttons in HTTP mode (Socket
    # Mode, with SLACK_APP_TOKEN set, needs no listening port).
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    path: str = Field(default="/slack/events", pattern=r"^/\S*$")
    # Read replies in the desk's threads that don't mention the bot. Needs the
    # message.channels/message.groups events and their history scopes (the manifest adds
    # them); without it, people mention @deskbot in the thread too.
    thread_replies: bool = True


class DiscordSettings(_Section):
    """The Discord adapter. The token comes from the environment, never from here."""

    # Commands sync to this guild (instantly available) when set, else globally.
    guild_id: str | None = None
    # Read what people write in the bot's threads without mentioning it. Needs the
    # Message Content privileged intent (developer portal); DMs and mentions do not.
    message_content: bool = True

    @field_validator("guild_id", mode="before")
    @classmethod
    def _server_id(cls, value: Any) -> Any:
        """A server id, quoted or not (YAML reads an unquoted one as a number)."""
        if value is None:
            return None
        text = str(value).strip() if type(value) in (int, str) else ""
        if not re.fullmatch(r"[0-9]{15,21}", text):
            raise ValueError(f"a server id, a number like '123456789012345678', got {value!r}")
        return text


class Settings(_Section):
    """The whole validated configuration."""

    desk: DeskSettings = DeskSettings()
    database: DatabaseSettings = DatabaseSettings()
    limits: LimitSettings = LimitSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    intake: IntakeSettings = IntakeSettings()
    outbox: OutboxSettings = OutboxSettings()
    sla: SlaSettings = SlaSettings()
    classification: ClassificationSettings
    priorities: dict[str, PrioritySettings] = Field(min_length=1)
    categories: dict[str, CategorySettings] = Field(min_length=1)
    default_category: str
    groups: dict[str, GroupSettings] = Field(min_length=1)
    default_group: str
    staff: dict[str, StaffSettings] = Field(default_factory=dict)
    other_teams: dict[str, OtherTeamSettings] = Field(default_factory=dict)
    roles: dict[Literal["agent", "manager"], PlatformRoleSettings] = Field(default_factory=dict)
    bulletins: BulletinSettings = BulletinSettings()
    reports: ReportSettings = ReportSettings()
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    resolution_codes: dict[str, str] = Field(min_length=1)
    default_resolution_code: str
    source: str = Field(DEFAULT_CONFIG, exclude=True)

    @property
    def database_url(self) -> str:
        """The database URL, the environment's DESKBOT_DATABASE_URL first."""
        return os.environ.get("DESKBOT_DATABASE_URL") or self.database.url


def load_settings(path: str | Path = DEFAULT_CONFIG) -> Settings:
    """Read and validate a config file; raise ConfigError naming the key at fault."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            str(path), "", "a config file here (copy config.yaml from Deskbot)"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "a UTF-8 text file") from None
    except OSError as exc:
        raise ConfigError(str(path), "", f"a readable file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise ConfigError(
            str(path), where, f"valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    return parse_settings(raw, source=str(path))


def parse_settings(raw: Any, *, source: str = DEFAULT_CONFIG) -> Settings:
    """Validate already-parsed YAML."""
    if not isinstance(raw, dict):
        raise ConfigError(source, "", "a mapping of sections (desk, classification, ...)")
    try:
        settings = Settings.model_validate({**raw, "source": source})
    except ValidationError as exc:
        # Every problem at once: an admin fixing one at a time would meet them in turn.
        first, *more = (_problem(source, error) for error in exc.errors())
        raise ConfigError(first.source, first.key, first.expected, more) from None
    _check_references(settings)
    return settings


def missing_knowledge(settings: Settings) -> ConfigError | None:
    """The knowledge folder the config names, if it is not there. Not a reason to refuse
    the config (a desk can run without articles), but nobody would be offered one, so
    `deskbot config check` and `deskbot kb check` refuse it and the bot warns."""
    folder = settings.knowledge.path(settings.source)
    if folder.is_dir():
        return None
    found = "is not a folder" if folder.exists() else "does not exist"
    return ConfigError(
        settings.source,
        "knowledge.folder",
        "the folder of the articles (relative to this file, or a full path like "
        f"/srv/deskbot/knowledge); {folder} {found}",
    )


def _problem(source: str, error: Any) -> ConfigError:
    # pydantic marks a bad mapping key as a '[key]' step after the key itself.
    key = ".".join(str(part) for part in error["loc"] if part != "[key]")
    return ConfigError(source, key, _expected(error))


def _expected(error: Any) -> str:
    if error["type"] == "missing":
        return "this key (it is required)"
    if error["type"] == "extra_forbidden":
        return "no such key (check its spelling)"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Input should be ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    given = error.get("input")
    if isinstance(given, str | int | float | bool) and "got " not in message:
        message += f", got {given!r}"
    return message


def _check_references(s: Settings) -> None:
    """What one field can't say alone: names that point at other sections. Every problem
    is collected and raised at once, as the fields' own are."""
    problems: list[ConfigError] = []

    def fail(key: str, expected: str) -> None:
        problems.append(ConfigError(s.source, key, expected))

    c = s.classification
    for key, levels in (("default_impact", c.impact), ("default_urgency", c.urgency)):
        if getattr(c, key) not in levels:
            fail(f"classification.{key}", f"one of {', '.join(levels)}")
    for impact in c.impact:
        row = c.priority_matrix.get(impact)
        if row is None:
            fail(f"classification.priority_matrix.{impact}", "a row for every impact level")
            continue
        for urgency in c.urgency:
            if row.get(urgency) not in s.priorities:
                fail(
                    f"classification.priority_matrix.{impact}.{urgency}",
                    f"one of the priorities {', '.join(s.priorities)}",
                )
    _check_categories(s, fail)
    _check_groups(s, fail)
    _check_sla(s, fail)
    _check_reports(s, fail)
    if s.default_resolution_code not in s.resolution_codes:
        fail("default_resolution_code", f"one of {', '.join(s.resolution_codes)}")
    if problems:
        first, *more = problems
        raise ConfigError(first.source, first.key, first.expected, more)


def _check_categories(s: Settings, fail: Fail) -> None:
    seen: set[str] = set()
    for name, category in s.categories.items():
        for part in (name, *category.children):
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", part):
                fail(f"categories.{name}", f"lower-case names like 'vpn' or 'mfa', got {part!r}")
        for child in category.children:
            if child in seen or child in s.categories:
                fail(
                    f"categories.{name}.children",
                    f"sub-category names used once, {child!r} repeats",
                )
            seen.add(child)
        for key in category.keywords:
            if key != name and key not in category.children:
                known = ", ".join([name, *category.children])
                fail(f"categories.{name}.keywords.{key}", f"one of {known}")
        if category.group and category.group not in s.groups:
            fail(f"categories.{name}.group", _one_of_groups(s, category.group))
        _check_floor(s, name, category.at_least, fail)
    if s.default_category not in s.categories:
        fail("default_category", f"one of the top-level categories {', '.join(s.categories)}")


def _check_floor(s: Settings, name: str, floor: dict[str, str], fail: Fail) -> None:
    levels = {"impact": s.classification.impact, "urgency": s.classification.urgency}
    for kind, level in floor.items():
        where = f"categories.{name}.at_least.{kind}"
        if kind not in levels:
            fail(f"categories.{name}.at_least", f"impact and/or urgency, got {kind!r}")
        elif level not in levels[kind]:
            fail(where, f"one of {', '.join(levels[kind])}, got {level!r}")


def _check_groups(s: Settings, fail: Fail) -> None:
    if s.default_group not in s.groups:
        fail("default_group", _one_of_groups(s, s.default_group))
    for name, group in s.groups.items():
        if group.escalates_to and group.escalates_to not in s.groups:
            fail(f"groups.{name}.escalates_to", _one_of_groups(s, group.escalates_to))
        if group.manager and s.staff.get(group.manager, None) is None:
            fail(
                f"groups.{name}.manager",
                f"a handle listed under staff with role: manager, got {group.manager!r}",
            )
        elif group.manager and s.staff[group.manager].role != "manager":
            fail(f"groups.{name}.manager", f"a manager, but {group.manager} is an agent")
    for handle, person in s.staff.items():
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", handle):
            fail(f"staff.{handle}", "a lower-case handle like 'bob' or 'j.smith'")
        if person.notify in ("slack", "discord") and not getattr(person, person.notify):
            fail(
                f"staff.{handle}.notify",
                f"a platform this person has an id for; add {person.notify}: <their id>",
            )
        for member_of in person.groups:
            if member_of not in s.groups:
                groups = ", ".join(s.groups)
                fail(f"staff.{handle}.groups", f"groups from {groups}, got {member_of!r}")
    for name, channel in s.bulletins.channels.items():
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            fail(f"bulletins.channels.{name}", "a lower-case name like 'it-status'")
        if name == "all":
            fail("bulletins.channels.all", "another name: 'all' means every channel")
        if not channel.places():
            fail(f"bulletins.channels.{name}", "at least one of console, slack, discord")
    for role, mapping in s.roles.items():
        for member_of in mapping.groups:
            if member_of not in s.groups:
                groups = ", ".join(s.groups)
                fail(f"roles.{role}.groups", f"groups from {groups}, got {member_of!r}")


def _check_sla(s: Settings, fail: Fail) -> None:
    for group in s.sla.business_hours:
        if group not in s.groups:
            fail(f"sla.business_hours.{group}", _one_of_groups(s, group))
    for key in ("escalate_breached", "announce_new"):
        for priority in getattr(s.sla, key):
            if priority not in s.priorities:
                fail(f"sla.{key}", f"priorities from {', '.join(s.priorities)}")


def _check_reports(s: Settings, fail: Fail) -> None:
    # A digest that is off may name a channel that does not exist (yet): it posts nothing.
    digest, channels = s.reports.digest, list(s.bulletins.channels)
    if not digest.enabled:
        return
    known = ", ".join(channels) if channels else "none yet: add one under bulletins.channels"
    if digest.channel is None:
        fail("reports.digest.channel", f"a broadcast channel to post the digest in ({known})")
    elif digest.channel not in channels:
        fail("reports.digest.channel", f"one of the broadcast channels ({known})")


def _one_of_groups(s: Settings, given: str) -> str:
    return f"one of the groups {', '.join(s.groups)}, got {given!r}"
