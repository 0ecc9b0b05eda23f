"""The /incident commands: thin handlers from parsed arguments to the incident service."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.cards import (
    describe_event,
    feedback_buttons,
    incident_reply,
    list_line,
    suggestions_text,
)
from bot.config import Role
from bot.context import CommandContext
from bot.conversation import Chat, confirm_fix, rated
from bot.conversation_store import follow_here
from bot.errors import BadArguments
from bot.ids import format_id
from bot.messages import Button, Card, ChannelRef, Reply
from bot.models import Incident
from bot.registry import (
    CATEGORY,
    GROUP,
    IMPACT,
    INCIDENT,
    INCIDENT_ID,
    PERIOD,
    PERSON,
    PRIORITY,
    RESOLUTION_CODE,
    SWITCH,
    TEXT,
    URGENCY,
    WORD,
    Param,
    ValueType,
    registry,
    static_choice,
)
from bot.services.classify import floor_note
from bot.services.handover import hand_over
from bot.services.incidents import (
    KINDS,
    RATINGS,
    IncidentFilter,
)
from bot.services.lifecycle import THIRD_PARTY, WAITING_ON, State, waiting_on
from bot.services.people import SELF
from bot.services.report_window import Period, Window
from bot.services.rules import DeskRules
from bot.services.sla_queue import load_by_owner, sla_queue
from bot.sla_cards import after_hours, handover_card, own_queue, queue_card, sla_reply
from bot.typed_answers import rating_of
from bot.wording import counted, sentences

_STATE_CHOICES = ("open", "all", *(s.value for s in State))
STATES = static_choice("state", _STATE_CHOICES)
_ONE_OF = static_choice("rating", RATINGS).convert


def _rating(text: str, rules: DeskRules) -> str:
    """good, ok or poor, or a word people rate with ("great", "terrible"), as in chat."""
    said = text.strip().lower().strip(",.!:;-")
    return rating_of(said) or _ONE_OF(said, rules)


RATING = ValueType("rating", _rating, choices=lambda _rules: RATINGS)


async def _answer(
    ctx: CommandContext, incident: Incident, text: str, first: tuple[Button, ...] = ()
) -> Reply:
    recent = await ctx.incidents.timeline(incident.id, ctx.person, last=3)
    articles = await ctx.incidents.linked_articles(incident.id)
    return incident_reply(text, incident, ctx.rules, ctx.now, ctx.person, recent, articles, first)


@registry.command(
    "incident open",
    "Report a problem (or ask for something) and get an incident id",
    params=[
        Param("summary", TEXT, "what is wrong, in a sentence"),
        Param("category", CATEGORY, "what it is about", required=False, flag=True),
        Param("impact", IMPACT, "how many people are affected", required=False, flag=True),
        Param("urgency", URGENCY, "how blocked they are", required=False, flag=True),
        Param(
            "type",
            static_choice("type", KINDS),
            "incident (something broke) or request (something you need)",
            required=False,
            flag=True,
        ),
        Param(
            "reporter",
            PERSON,
            "agents: whom you log it for, who told you another way (they hear its news)",
            required=False,
            flag=True,
            role=Role.AGENT,
        ),
    ],
    examples=[
        "/incident open VPN disconnects every few minutes --impact medium --urgency high",
        "/incident open Laptop screen cracked, dropped it --reporter @alice",
    ],
)
async def open_(
    ctx: CommandContext,
    summary: str,
    category: str | None,
    impact: str | None,
    urgency: str | None,
    type: str | None,
    reporter: str | None,
) -> Reply:
    if reporter:
        return await _open_for(ctx, summary, category, impact, urgency, type, reporter)
    # Without --category, the category the summary's own words name, as the chat intake
    # reads it; not the best article's, which the intake offers for confirmation and a
    # command can't (a weak match would send the incident to the wrong group).
    incident = await ctx.incidents.open(
        reporter=ctx.person,
        channel=ctx.channel,
        text=summary,
        kind=type or "incident",
        category=category or ctx.rules.triage.category(summary),
        impact=impact,
        urgency=urgency,
    )
    if ctx.channel.is_direct or ctx.channel.thread_id:
        # What its reporter says next here is about it (a bare channel is no conversation).
        (await Chat.load(ctx)).follow(incident)
    text = sentences(
        f"Opened {format_id(incident.id)} ({incident.priority}, {incident.group}).",
        _lifted(ctx, incident, impact, urgency),
        "We'll keep you posted here.",
        after_hours(incident, ctx.rules, ctx.now),
    )
    found = ctx.knowledge.search(summary, limit=ctx.rules.settings.knowledge.suggestions)
    if not found or not ctx.rules.triage.self_help_fits(incident.impact):
        return await _answer(ctx, incident, text)
    return await _answer(
        ctx, incident, suggestions_text(text, found), feedback_buttons(incident.id, found)
    )


async def _open_for(
    ctx: CommandContext,
    summary: str,
    category: str | None,
    impact: str | None,
    urgency: str | None,
    kind: str | None,
    named: str,
) -> Reply:
    """An agent logs what someone told them by phone, in person or in a message to them:
    the incident is that person's, who hears its news directly; the agent is on its
    timeline as who opened it (the core refuses --reporter from anyone else)."""
    reporter = ctx.rules.directory.person(ctx.account(named))
    incident = await ctx.incidents.open(
        reporter=reporter,
        # Not this chat's thread: the reporter hears of it directly, where they are.
        channel=ChannelRef(ctx.channel.platform, ctx.channel.channel_id, is_direct=False),
        text=summary,
        kind=kind or "incident",
        category=category or ctx.rules.triage.category(summary),
        impact=impact,
        urgency=urgency,
        logged_by=ctx.person,
    )
    text = sentences(
        f"Opened {format_id(incident.id)} ({incident.priority}, {incident.group}) for "
        f"{reporter.name}, who will hear its news.",
        _lifted(ctx, incident, impact, urgency),
    )
    return await _answer(ctx, incident, text)


def _lifted(
    ctx: CommandContext, incident: Incident, impact: str | None, urgency: str | None
) -> str:
    """Why the incident's levels are higher than the command asked, if they are."""
    return floor_note(ctx.rules.classifier.classify(incident.category, impact, urgency))


@registry.command(
    "incident show",
    "Status, owner, priority, SLA due times and the last updates",
    params=[INCIDENT_ID],
    examples=["/incident show 42"],
)
async def show(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.get_for(incident, ctx.person)
    return await _answer(ctx, found, f"{format_id(found.id)} is {found.state.replace('_', ' ')}.")


@registry.command(
    "incident history",
    "The full timeline of an incident",
    params=[INCIDENT_ID],
    examples=["/incident history 42"],
)
async def history(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.get_for(incident, ctx.person)
    events = await ctx.incidents.timeline(found.id, ctx.person)
    lines = "\n".join(describe_event(e, ctx.rules) for e in events)
    title = f"{format_id(found.id)} · {found.summary}"
    return Reply(text=f"Timeline of {format_id(found.id)}", card=Card(title=title, body=lines))


@registry.command(
    "incident list",
    "Incidents, most urgent first (yours, if you are not an agent)",
    params=[
        Param(
            "words",
            TEXT,
            "words its summary, description or fix holds (then every state, newest first)",
            required=False,
        ),
        Param(
            "mine",
            SWITCH,
            "only yours (reported by you; for agents, owned by you)",
            required=False,
            flag=True,
        ),
        Param("state", STATES, "open (the default), all, or one state", required=False, flag=True),
        Param("group", GROUP, "only this support group's", required=False, flag=True),
        Param("priority", PRIORITY, "only this priority", required=False, flag=True),
        Param("unassigned", SWITCH, "only those nobody owns", required=False, flag=True),
        Param(
            "escalated",
            SWITCH,
            "only those escalated, to another group or to the manager",
            required=False,
            flag=True,
            role=Role.AGENT,
        ),
        Param(
            "reporter",
            PERSON,
            "agents: only those this person reported",
            required=False,
            flag=True,
            role=Role.AGENT,
        ),
        Param(
            "owner",
            WORD,
            "only those this agent owns (or owned when resolved): their handle",
            required=False,
            flag=True,
            role=Role.AGENT,
        ),
        Param(
            "resolved",
            PERIOD,
            "only those resolved in this period: 7d, 2w, today, yesterday, or a date "
            "like 2026-11-01",
            required=False,
            flag=True,
        ),
    ],
    examples=[
        "/incident list --unassigned --priority P1",
        "/incident list --escalated",
        "/incident list --mine",
        "/incident list projector room 4",
        "/incident list --reporter @alice --state all",
        "/incident list --mine --resolved 7d",
        "/incident list --owner bob --resolved 30d",
    ],
)
async def list_(
    ctx: CommandContext,
    words: str | None,
    mine: bool,
    state: str | None,
    group: str | None,
    priority: str | None,
    unassigned: bool,
    escalated: bool,
    reporter: str | None,
    owner: str | None,
    resolved: Period | None,
) -> Reply:
    whose = ctx.rules.directory.person(ctx.account(reporter)).key if reporter else None
    zone = ctx.rules.settings.desk.timezone
    window = resolved.window(ctx.now, zone, flag="--resolved") if resolved else None
    held_by = _agent_handle(ctx, owner) if owner else None
    flt = IncidentFilter(
        mine,
        state,
        group,
        priority,
        unassigned,
        reporter_key=whose,
        owner=held_by,
        escalated=escalated,
    )
    flt, words = _searched(replace(flt, resolved_in=_bounds(window, ctx.now)), words)
    rows, total = await ctx.incidents.search(ctx.person, flt)
    owned = f" owned by {ctx.rules.directory.name_of(flt.owner)}" if flt.owner else ""
    said = (f" mentioning “{words}”" if words else "") + owned + _resolved_in(window)
    said += " escalated" if flt.escalated else ""
    if not rows:
        return Reply(text=_none_listed(ctx, said))
    body = "\n".join(list_line(i, ctx.rules) for i in rows)
    more = (
        f"\nShowing {len(rows)} of {total}; narrow it with --state, --group or --priority."
        if total > len(rows)
        else ""
    )
    order = "" if flt.urgent_first else ", latest first" if window else ", newest first"
    title = f"Incidents{said}{order}"
    return Reply(text=counted(total, "incident") + said, card=Card(title=title, body=body + more))


def _bounds(window: Window | None, now: datetime) -> tuple[datetime, datetime | None] | None:
    """The resolution times `--resolved` asks for; a window that ends now is open-ended,
    so that what was resolved this very moment is in it."""
    if window is None:
        return None
    return window.since, window.until if window.until < now else None


def _resolved_in(window: Window | None) -> str:
    """ " resolved today", " resolved yesterday", " resolved in the last 7 days",
    " resolved since 2026-11-01"."""
    if window is None:
        return ""
    label = window.label
    when = f"in the {label}" if label.startswith("last") else label
    return f" resolved {when}"


def _searched(flt: IncidentFilter, words: str | None) -> tuple[IncidentFilter, str | None]:
    """The filter with the words to search for. A lone "mine", "unassigned", "all" or
    state is that option ("/incident list mine"): a search for it is far less likely."""
    bare = (words or "").strip().lower()
    if bare in ("mine", "unassigned", "escalated"):
        return replace(flt, **{bare: True}), None
    if bare in _STATE_CHOICES and flt.state is None:
        return replace(flt, state=bare), None
    return replace(flt, words=tuple(words.split()) if words else ()), words


def _none_listed(ctx: CommandContext, said: str) -> str:
    """Nothing found, saying what was looked for (" mentioning “vpn”", " resolved today")."""
    if ctx.person.is_agent:
        return f"No incidents{said}." if said else "No incidents match."
    if said:
        return f"You have no incidents{said}."
    return "You have no incidents open. `/incident open <summary>` reports a problem."


@registry.command(
    "incident claim",
    "Take ownership of an incident and start work",
    params=[INCIDENT_ID],
    role=Role.AGENT,
    examples=["/incident claim 42"],
)
async def claim(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.claim(incident, ctx.person)
    aside = await follow_here(ctx, found.id)  # "put it on hold ..." next is about this one
    return await _answer(ctx, found, _then(f"You own {format_id(found.id)} now.", aside))


@registry.command(
    "incident next",
    "Take the incident nobody owns in your groups that falls due first",
    params=[],
    role=Role.AGENT,
    examples=["/incident next"],
)
async def next_(ctx: CommandContext) -> Reply:
    found = await ctx.incidents.claim_next(ctx.person)
    aside = await follow_here(ctx, found.id)
    taken = f"You own {format_id(found.id)} now, the next due in the {found.group} queue."
    return await _answer(ctx, found, _then(taken, aside))


@registry.command(
    "incident assign",
    "Give an incident to an agent or to a group's queue",
    params=[
        INCIDENT_ID,
        Param("to", WORD, "an agent's handle, `me`, or a group"),
        Param("reason", TEXT, "why: on the timeline, and the new owner hears it", required=False),
    ],
    role=Role.AGENT,
    examples=[
        "/incident assign 42 dave",
        "/incident assign 42 network",
        "/incident assign 42 dave the dock needs replacing",
    ],
)
async def assign(ctx: CommandContext, incident: int, to: str, reason: str | None) -> Reply:
    if to.lower() in SELF and ctx.person.handle:
        to = ctx.person.handle  # "assign 3 to me"
    found = await ctx.incidents.assign(incident, ctx.person, to, reason)
    aside = await follow_here(ctx, found.id) if found.assignee == ctx.person.handle else None
    owner = ctx.rules.directory.name_of(found.assignee) if found.assignee else found.group
    return await _answer(ctx, found, _then(f"{format_id(found.id)} is assigned to {owner}.", aside))


@registry.command(
    "incident handover",
    "Hand an agent's open incidents to a colleague or the queues (yours; a manager's: anyone's)",
    params=[
        Param("owner", WORD, "whose: an agent's handle, or `me`"),
        Param("to", WORD, "an agent, a group, or `queue` (each back to its own group's)"),
    ],
    role=Role.AGENT,
    examples=["/incident handover bob erin", "/incident handover me queue"],
)
async def handover(ctx: CommandContext, owner: str, to: str) -> Reply:
    done = await hand_over(ctx.incidents, ctx.person, owner, to)
    return handover_card(done, ctx.rules, ctx.now)


@registry.command(
    "incident escalate",
    "Move an incident to the next group, or bring in the manager",
    params=[
        INCIDENT_ID,
        Param("reason", TEXT, "why, for whoever takes it on", required=False, ask=True),
        Param(
            "to",
            GROUP,
            "the group to escalate to (default: the next one)",
            required=False,
            flag=True,
        ),
        Param("hierarchic", SWITCH, "bring in the group's manager", required=False, flag=True),
    ],
    role=Role.AGENT,
    examples=[
        "/incident escalate 42 needs a new screen, tried a reseat",
        "/incident escalate 42 --to network",
        "/incident escalate 42 the whole floor is down --hierarchic",
    ],
)
async def escalate(
    ctx: CommandContext, incident: int, reason: str | None, to: str | None, hierarchic: bool
) -> Reply:
    if reason and reason.strip().lower() in ctx.rules.settings.groups:
        # "/incident escalate 42 network" means --to network, not a reason
        group = reason.strip().lower()
        raise BadArguments(
            f"'{group}' is a group: to escalate to it, add --to {group}. "
            f"Example: /incident escalate {incident} --to {group}"
        )
    found = await ctx.incidents.escalate(
        incident, ctx.person, to_group=to, hierarchic=hierarchic, reason=reason
    )
    whom = f"the manager of {found.group}" if hierarchic and not to else found.group
    return await _answer(ctx, found, f"{format_id(found.id)} is escalated to {whom}.")


@registry.command(
    "incident pending",
    "Pause an incident while waiting on the reporter (their answer resumes it) or a third party",
    params=[
        INCIDENT_ID,
        Param("reason", TEXT, "what you are waiting for"),
        Param(
            "on",
            static_choice("party", WAITING_ON),
            "reporter (their answer resumes it) or third-party; unsaid, a reason naming a "
            "supplier: third-party",
            required=False,
            flag=True,
        ),
    ],
    role=Role.AGENT,
    examples=[
        "/incident pending 42 which tray do you print from?",
        "/incident pending 42 waiting for the supplier's engineer --on third-party",
    ],
)
async def pending(ctx: CommandContext, incident: int, reason: str, on: str | None) -> Reply:
    party = on or waiting_on(reason)
    found = await ctx.incidents.pend(incident, ctx.person, reason, party)
    whom = found.reporter_name if party != THIRD_PARTY else "a third party"
    said = f"{format_id(found.id)} waits on {whom}: {reason}"
    if on is None and party == THIRD_PARTY:
        said += (
            f"\n{found.reporter_name} is told it is on hold, not asked anything; "
            f"`/incident resume {found.id}` carries on (`--on reporter` asks them instead)."
        )
    return await _answer(ctx, found, said)


@registry.command(
    "incident resume",
    "Carry on with a pending incident",
    params=[
        INCIDENT_ID,
        Param(
            "note",
            TEXT,
            "what changed: on the timeline, and its reporter hears it",
            required=False,
        ),
    ],
    role=Role.AGENT,
    examples=["/incident resume 42", "/incident resume 42 the new dock arrived"],
)
async def resume(ctx: CommandContext, incident: int, note: str | None) -> Reply:
    found = await ctx.incidents.resume(incident, ctx.person, note)
    return await _answer(ctx, found, f"{format_id(found.id)} is back in progress.")


@registry.command(
    "incident resolve",
    "Record the fix and mark the incident resolved",
    params=[
        INCIDENT_ID,
        Param("note", TEXT, "what fixed it"),
        Param("code", RESOLUTION_CODE, "how it was resolved", required=False, flag=True),
    ],
    role=Role.AGENT,
    examples=["/incident resolve 42 Replaced the VPN profile --code fixed"],
)
async def resolve(ctx: CommandContext, incident: int, note: str, code: str | None) -> Reply:
    code = code or ctx.rules.settings.default_resolution_code
    found = await ctx.incidents.resolve(incident, ctx.person, note, code)
    return await _answer(ctx, found, f"{format_id(found.id)} is resolved ({code}).")


@registry.command(
    "incident close",
    "Close a resolved incident for good",
    params=[INCIDENT_ID],
    role=Role.AGENT,
    examples=["/incident close 42"],
)
async def close(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.close(incident, ctx.person)
    return await _answer(ctx, found, f"{format_id(found.id)} is closed.")


@registry.command(
    "incident reopen",
    "Put a resolved incident back to work (its reporter can too, saying why)",
    params=[INCIDENT_ID, Param("reason", TEXT, "why it is not fixed", required=False)],
    examples=["/incident reopen 42 the VPN dropped again this morning"],
)
async def reopen(ctx: CommandContext, incident: int, reason: str | None) -> Reply:
    if not ctx.person.is_agent and not (reason or "").strip():
        # The reporter pressed Reopen: ask why, and their next message reopens it.
        found = await ctx.incidents.get_for(incident, ctx.person)
        ctx.incidents.reporter_may_reopen(found, ctx.person)
        return (await Chat.load(ctx)).ask_reopen_reason(found)
    found = await ctx.incidents.reopen(incident, ctx.person, reason)
    return await _answer(ctx, found, f"{format_id(found.id)} is reopened.")


@registry.command(
    "incident confirm",
    "Confirm the fix of an incident you reported: it closes",
    params=[INCIDENT_ID],
    examples=["/incident confirm 42"],
)
async def confirm(ctx: CommandContext, incident: int) -> Reply:
    return await confirm_fix(ctx, incident)


@registry.command(
    "incident rate",
    "Say how the desk handled an incident you reported, once it is fixed",
    params=[
        INCIDENT_ID,
        Param("rating", RATING, "good, ok or poor"),
        Param("comment", TEXT, "what went well, or what should have gone better", required=False),
    ],
    examples=["/incident rate 42 good", "/incident rate 42 poor it took three days to hear back"],
)
async def rate(ctx: CommandContext, incident: int, rating: str, comment: str | None) -> Reply:
    # The Poor button carries no words: `rated` asks, and the next message goes with it.
    return await rated(ctx, incident, rating, comment)


@registry.command(
    "incident link",
    "Link a duplicate to the incident it repeats: its people join it, the duplicate is cancelled",
    params=[
        Param("duplicate", INCIDENT, "the incident that repeats another"),
        Param("original", INCIDENT, "the incident that is kept"),
    ],
    role=Role.AGENT,
    examples=["/incident link 43 42"],
)
async def link(ctx: CommandContext, duplicate: int, original: int) -> Reply:
    await ctx.incidents.merge(duplicate, ctx.person, original)
    kept = await ctx.incidents.get(original)
    return await _answer(
        ctx,
        kept,
        f"{format_id(duplicate)} is linked to {format_id(original)} and cancelled; "
        f"{counted(kept.people_affected, 'person', 'people')} "
        f"{'is' if kept.people_affected == 1 else 'are'} affected by {format_id(original)}.",
    )


@registry.command(
    "incident note",
    "Add a note to an incident's timeline",
    params=[
        INCIDENT_ID,
        Param("text", TEXT, "the note"),
        Param(
            "internal",
            SWITCH,
            "for the desk only: the reporter doesn't see it or hear of it (agents)",
            required=False,
            flag=True,
        ),
    ],
    examples=[
        "/incident note 42 It also happens on the guest Wi-Fi",
        "/incident note 42 AD shows the account in the wrong OU --internal",
    ],
)
async def note(ctx: CommandContext, incident: int, text: str, internal: bool) -> Reply:
    found = await ctx.incidents.note(incident, ctx.person, text, internal=internal)
    if internal:
        return Reply(text=f"Noted on {format_id(found.id)}, for the desk only.")
    return Reply(text=f"Noted on {format_id(found.id)}.")


@registry.command(
    "incident classify",
    "Change category, impact or urgency (the priority follows), or ask for a priority",
    params=[
        INCIDENT_ID,
        Param("category", CATEGORY, "the new category", required=False, flag=True),
        Param("impact", IMPACT, "the new impact", required=False, flag=True),
        Param("urgency", URGENCY, "the new urgency", required=False, flag=True),
        Param(
            "priority",
            PRIORITY,
            "instead of both levels: the nearest impact and urgency that give it",
            required=False,
            flag=True,
        ),
        Param("reason", TEXT, "why, for the timeline", required=False),
    ],
    role=Role.AGENT,
    examples=[
        "/incident classify 42 --category network/vpn --impact high",
        "/incident classify 42 --impact high the whole floor is affected",
        "/incident classify 42 --priority P2 the CEO's laptop",
    ],
)
async def classify(
    ctx: CommandContext,
    incident: int,
    category: str | None,
    impact: str | None,
    urgency: str | None,
    priority: str | None,
    reason: str | None,
) -> Reply:
    found = await ctx.incidents.reclassify(
        incident,
        ctx.person,
        category=category,
        impact=impact,
        urgency=urgency,
        reason=reason,
        priority=priority,
    )
    return await _answer(
        ctx, found, f"{format_id(found.id)} is reclassified: {found.priority}, {found.category}."
    )


@registry.command(
    "incident cancel",
    "Cancel an incident: a duplicate, or opened by mistake (its reporter can withdraw their own)",
    params=[
        INCIDENT_ID,
        Param("reason", TEXT, "why it is cancelled", required=False),
        Param(
            "duplicate_of", INCIDENT, "the incident this one duplicates", required=False, flag=True
        ),
    ],
    examples=["/incident cancel 43 --duplicate-of 42", "/incident cancel 42 it works again"],
)
async def cancel(
    ctx: CommandContext, incident: int, reason: str | None, duplicate_of: int | None
) -> Reply:
    found = await ctx.incidents.cancel(
        incident, ctx.person, reason=reason, duplicate_of=duplicate_of
    )
    extra = f" as a duplicate of {format_id(duplicate_of)}" if duplicate_of else ""
    return await _answer(ctx, found, f"{format_id(found.id)} is cancelled{extra}.")


@registry.command(
    "incident sla",
    "Both SLA clocks of an incident: elapsed, remaining and paused working time",
    params=[INCIDENT_ID],
    examples=["/incident sla 42"],
)
async def sla(ctx: CommandContext, incident: int) -> Reply:
    found = await ctx.incidents.get_for(incident, ctx.person)
    return sla_reply(found, ctx.rules, ctx.now)


async def _team_queue(ctx: CommandContext, groups: list[str], whose: str) -> Reply:
    """A team's queue, with how much each owner holds of it (a manager's balancing)."""
    rows, total = await sla_queue(ctx.session, groups=groups)
    load = await load_by_owner(ctx.session, groups, ctx.now)
    return queue_card(rows, total, whose, ctx.rules, ctx.now, load=load)


@registry.command(
    "incident queue",
    "Your open incidents (or a group's), the closest to breaching its SLA first",
    params=[
        Param("group", GROUP, "this support group's queue", required=False, flag=True),
        Param(
            "agent", WORD, "this agent's queue (default: yours, or `me`)", required=False, flag=True
        ),
        Param(
            "all",
            SWITCH,
            "every group you work in or manage, whoever owns it",
            required=False,
            flag=True,
        ),
    ],
    role=Role.AGENT,
    examples=["/incident queue", "/incident queue --group network", "/incident queue --all"],
)
async def queue(ctx: CommandContext, group: str | None, agent: str | None, all: bool) -> Reply:
    if sum(map(bool, (group, agent, all))) > 1:
        raise BadArguments("Ask for one queue: --group, --agent or --all.")
    if group:
        return await _team_queue(ctx, [group], f"the {group} team")
    if all:
        teams = ctx.rules.directory.teams(ctx.person)
        if not teams:
            raise BadArguments(
                "You are in no support group. `/incident queue --group <group>` lists one."
            )
        return await _team_queue(ctx, teams, f"your teams ({', '.join(teams)})")
    handle = _agent_handle(ctx, agent) if agent else ctx.person.handle
    if handle == ctx.person.handle:
        return await own_queue(ctx.session, ctx.rules, ctx.now, ctx.person)
    rows, total = await sla_queue(ctx.session, assignee=handle)
    return queue_card(rows, total, ctx.rules.directory.name_of(handle), ctx.rules, ctx.now)


def _agent_handle(ctx: CommandContext, named: str) -> str | None:
    """The handle of the agent named ("dave", "@dave", or "me" for oneself)."""
    if named.lower() in SELF:
        return ctx.person.handle
    staff = ctx.rules.directory.staff(named)
    if staff is None:
        known = ", ".join(ctx.rules.directory.handles())
        raise BadArguments(f"'{named}' is not an agent. Agents: {known}.")
    return staff.handle


def _then(text: str, aside: str | None) -> str:
    """The answer, then what taking the incident on set aside, if anything."""
    return f"{text}\n{aside}" if aside else text
