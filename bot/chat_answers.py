"""Answers the desk gives in chat that need no conversation state: how someone's
incidents are going, what a priority promises, how else to reach the desk, and the
texts for help and for a message it can't place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.cards import incident_reply, list_line, span, stamp
from bot.config import Role, Settings
from bot.context import CommandContext
from bot.ids import format_id
from bot.messages import Card, Reply
from bot.models import Incident
from bot.services.bulletins import known_issue_line
from bot.services.incidents import IncidentFilter, waits_on_reporter
from bot.services.lifecycle import OPEN, State
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.sla_cards import own_queue
from bot.wording import counted, listed

HELP_TEXT = (
    "Tell me what's wrong in your own words (“the wifi on floor 3 keeps dropping”): I'll "
    "suggest fixes, and if they don't help, open an incident for you.\n"
    "Ask about progress: “any news on INC-42?”, “my tickets”, “my closed tickets”; "
    "“same problem as INC-42” joins one, “take me off INC-42” leaves it.\n"
    "Commands work too: `/help` lists them."
)
AGENT_HELP = (
    "As the desk's agent you can say it plainly too: “claim INC-12”, “take the next one”, "
    "“resolve INC-12 replaced the toner”, “assign INC-12 to dave”, “note on INC-12: asked "
    "her to bring it in”, “tell alice the toner is on order”, “what's on my plate?”, "
    "“what's unassigned?”, “what's about to breach?”, “what did I resolve this week?”, "
    "“show me the network queue”, “put my tickets back in the queue”, “when is it due?”, "
    "“ask her for the serial number”, “send her the paper jam article”, “INC-13 is a "
    "duplicate of INC-12”, “which tickets are escalated?”; in an incident's "
    "thread, what you write is your note on it. “it” is the incident you last heard of "
    "or took on here (or the thread's): “i'll take it”, “put it on hold, waiting for the "
    "vendor”."
)
MANAGER_HELP = (
    "And for the team: “how are we doing this week?”, “what breached this week?”, “who's "
    "overloaded?”, “give all of bob's tickets to erin”, “update the bulletin: back within "
    "the hour”, “send the weekly report to #it-status”."
)


def help_text(person: Person) -> str:
    """What to say to the desk; the staff's plain-word commands for the staff."""
    lines = [HELP_TEXT]
    if person.is_agent:
        lines.append(AGENT_HELP)
    if person.role >= Role.MANAGER:
        lines.append(MANAGER_HELP)
    return "\n".join(lines)


STAFF_UNCLEAR_TEXT = (
    "I didn't get that question. “help” lists what the desk's staff can ask me in plain "
    "words, and `/help` every command; to report a problem of your own, tell me what's "
    "wrong."
)
UNCLEAR_TEXT = (
    "I'm not sure what you need. Are you reporting a problem (tell me what's wrong), "
    "asking about a ticket (“any news on INC-42?”), or looking for help (“help”)?"
)


async def progress(
    ctx: CommandContext, number: int | None, *, drafting: bool, past: bool = False
) -> Reply:
    """ "Any news on INC-4?", "my tickets": one incident, or all of the person's (an
    agent's queue); `drafting` when a report of theirs is not opened yet, `past` when
    the finished ones are asked for too ("my closed tickets")."""
    if number is not None:
        found = await ctx.incidents.get_for(number, ctx.person)
        return await incident_status(ctx, found)
    if past:
        return await _reported(ctx)
    # A known problem they said affects them is news they are waiting for too.
    followed = await ctx.bulletins.followed_by(ctx.person)
    lines = "\n".join(known_issue_line(b, ctx.now) for b in followed)
    # An agent's "my tickets" are their queue; anyone else's, those they reported.
    if ctx.person.is_agent:
        reply = await own_queue(ctx.session, ctx.rules, ctx.now, ctx.person)
    else:
        rows, total = await ctx.incidents.search(ctx.person, IncidentFilter())
        if not rows and followed and not drafting:  # "when will it be fixed?" of that
            return Reply(text=f"You'll hear here as soon as it is fixed:\n{lines}")
        reply = await _incidents_news(ctx, rows, total, drafting)
    if not followed:
        return reply
    return replace(reply, text=f"{reply.text}\nYou'll hear when these are fixed:\n{lines}")


async def _incidents_news(
    ctx: CommandContext, rows: Sequence[Incident], total: int, drafting: bool
) -> Reply:
    if not rows and drafting:
        return Reply(text="You have no open incidents yet.")  # the draft's question follows
    if not rows:
        return Reply(text="You have no open incidents. Tell me if something is wrong.")
    if total == 1:
        return await incident_status(ctx, rows[0])
    body = "\n".join(list_line(i, ctx.rules) for i in rows)
    return Reply(
        text=f"You have {total} incidents open. Ask “any news on INC-…?” for one of them.",
        card=Card(title="Your incidents", body=body),
    )


async def _reported(ctx: CommandContext) -> Reply:
    """The person's incidents in every state, the newest first: those they reported or
    joined (an agent's: those they reported)."""
    whose = ctx.person.key if ctx.person.is_agent else None
    flt = IncidentFilter(state="all", reporter_key=whose)
    rows, total = await ctx.incidents.search(ctx.person, flt)
    if not rows:
        return Reply(text="You haven't reported anything yet. Tell me if something is wrong.")
    body = "\n".join(list_line(i, ctx.rules) for i in rows)
    if total > len(rows):
        body += f"\nShowing the latest {len(rows)}; `/incident list <words>` finds older ones."
    return Reply(
        text=f"You have {counted(total, 'incident')} in all, open and finished. Ask “any "
        "news on INC-…?” for one of them.",
        card=Card(title="Your incidents, newest first", body=body),
    )


async def incident_status(ctx: CommandContext, incident: Incident) -> Reply:
    """Where an incident stands, in a sentence, with its card."""
    recent = await ctx.incidents.timeline(incident.id, ctx.person, last=3)
    owner = ctx.rules.directory.name_of(incident.assignee) if incident.assignee else None
    where = f"with {owner}" if owner else f"waiting for the {incident.group} team"
    text = f"{format_id(incident.id)} is {incident.state.replace('_', ' ')}, {where}."
    if incident.state == State.PENDING and incident.pending_reason:
        text += f" It waits on {_whom(ctx, incident)}: {incident.pending_reason}"
    elif incident.state in OPEN - {State.PENDING}:  # a pending one's clocks stand still
        text += _expected(incident, ctx)
    return incident_reply(text, incident, ctx.rules, ctx.now, ctx.person, recent)


def _expected(incident: Incident, ctx: CommandContext) -> str:
    """When the next thing should happen, by its SLA: "how long will it take?" is what
    people ask an open incident's status for."""
    zone = ctx.rules.settings.desk.zone
    if incident.responded_at is None:
        due = incident.response_due_at
        left = due - ctx.now
        if left.total_seconds() >= 0:
            return f" Someone should take it up by {stamp(due, zone)} (in {span(left)})."
        return f" It should have been taken up by {stamp(due, zone)} ({span(left)} ago)."
    due, left = incident.resolution_due_at, incident.resolution_due_at - ctx.now
    if left.total_seconds() >= 0:
        return f" The target to resolve it is {stamp(due, zone)} (in {span(left)})."
    return f" It is past its target to be resolved, {stamp(due, zone)} ({span(left)} ago)."


def _whom(ctx: CommandContext, incident: Incident) -> str:
    if not waits_on_reporter(incident):
        return "a third party"
    return "you" if ctx.person.key == incident.reporter_key else incident.reporter_name


def priority_text(settings: Settings, name: str) -> str:
    """What a priority promises, from config.yaml's targets; every priority's when
    `name` is empty."""
    if not name:
        each = (
            f"{p} ({v.name}): taken up within {span(v.response)}, resolved within "
            f"{span(v.resolution)}"
            for p, v in settings.priorities.items()
        )
        return (
            "What each priority promises (in its team's working hours): "
            + "; ".join(each)
            + ". The priority comes from how many people are affected and how urgent it is."
        )
    if name not in settings.priorities:
        known = ", ".join(f"{p} ({v.name})" for p, v in settings.priorities.items())
        return f"There is no {name}. The priorities are {known}."
    p = settings.priorities[name]
    return (
        f"{name} is {p.name}: someone takes it up within {span(p.response)} and it is "
        f"resolved within {span(p.resolution)} (in its team's working hours). The priority "
        "comes from how many people are affected and how urgent it is."
    )


def team_text(rules: DeskRules, person: Person, named: str) -> str:
    """Who works in the team named ("network", "service desk"), in the asker's own ("my"),
    or in each of the desk's (""); a team besides IT's, how to reach it."""
    groups = list(rules.settings.groups)
    wanted = named.replace("-", " ").strip()
    chosen = [g for g in groups if g.replace("-", " ").lower() == wanted]
    lead = f"There is no team “{named}” at the desk. " if named else ""
    if named in ("my", "our"):
        chosen = rules.directory.teams(person)
        lead = (
            "You work in none of the desk's teams. "
            if person.is_agent
            else "I know only the IT desk's teams. "
        )
    for name, other in rules.settings.other_teams.items():
        if name.lower() == wanted:
            return f"{name} is not the IT desk's team: you reach them at {other.contact}."
    if chosen:
        return "\n".join(_team_line(rules, g) for g in chosen)
    return lead + "The desk's teams:\n" + "\n".join(_team_line(rules, g) for g in groups)


def _team_line(rules: DeskRules, group: str) -> str:
    """ "network (Network and VPN team): Erin Evans (erin). Its manager is Carol Chen
    (carol)." """
    settings, directory = rules.settings.groups[group], rules.directory
    names = [directory.name_of(h) for h in directory.members(group) if h != settings.manager]
    if directory.by_chat_group(group):
        names.append("whoever their Slack or Discord group makes its agents")
    about = f" ({settings.description})" if settings.description else ""
    who = listed(names) if names else "nobody named yet"
    head = f" Its manager is {directory.name_of(settings.manager)}." if settings.manager else ""
    return f"{group}{about}: {who}.{head}"


CHANGE_TEXT = (
    "I can't change what an incident says, but what you tell me here goes onto it for the "
    "desk: say what it should say (“the summary should say both monitors are dead”). Its "
    "priority is the desk's to set: “can you make it urgent?” tells its owner why it "
    "can't wait."
)
FILES_TEXT = (
    "Yes: attach it to a message here, with a few words on what it shows. While you tell "
    "me about a problem it goes with your report; once the incident is open, it goes onto it."
)


def contact_text(rules: DeskRules, *, managers: bool = False) -> str:
    """Asked for a call or a person: the desk's other way in, if it has one; asked for a
    manager, who manages which of its groups (if any group names one)."""
    contact = rules.settings.desk.contact
    other = f"You can also reach the desk another way: {contact}. " if contact else ""
    named = _managers(rules) if managers else None
    if named:
        return f"{named} {other}{_TO_A_MANAGER}"
    return (
        f"I'm the desk's assistant, and what you tell me here reaches its people. {other}"
        "Tell me what's wrong and I'll open it; if you'd like a call back, say so in it "
        "and the agent who takes it will see."
    )


# what reaches a manager from the chat (`Chat.complaint`, `Chat.hurry`)
_TO_A_MANAGER = (
    "Not happy with how an incident of yours was handled? Say so (“I'm not happy with how "
    "INC-4 was handled”) and your words reach them; if one still open can't wait, say why "
    "(“can you make INC-4 urgent? contracts are due today”) and its owner hears it at once."
)


def _managers(rules: DeskRules) -> str | None:
    """ "Carol Chen (carol) manages service-desk and network."; None if no group names
    a manager."""
    groups: dict[str, list[str]] = {}
    for name, group in rules.settings.groups.items():
        if group.manager:
            groups.setdefault(group.manager, []).append(name)
    if not groups:
        return None
    each = (f"{rules.directory.name_of(m)} manages {listed(g)}" for m, g in groups.items())
    return "; ".join(each) + "."
