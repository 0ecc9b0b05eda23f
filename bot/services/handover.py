"""Handing an agent's open incidents over at once: to a colleague, or back to the
queues, when they go on leave or fall ill. Each incident is assigned as `/incident
assign` would (its timeline row, its notices), all in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.config import Role
from bot.errors import BadArguments, Forbidden, NotFound
from bot.models import Incident
from bot.services.incidents import Incidents
from bot.services.lifecycle import OPEN
from bot.services.people import SELF, Person

# `to` for "each back to its own group's queue"
QUEUE = "queue"


@dataclass(frozen=True, slots=True)
class Handover:
    """What moved, and what stayed because it is in groups the actor doesn't manage."""

    moved: list[Incident]
    kept: list[Incident]


async def hand_over(incidents: Incidents, actor: Person, owner: str, to: str) -> Handover:
    """Give `owner`'s open incidents to `to`: an agent, a group's queue, or QUEUE (each
    to its own group's). Agents hand over their own; managers, in the groups they manage."""
    directory = incidents.rules.directory
    giver = _staff(incidents, actor, owner)
    target = _target(incidents, to)
    if target == giver.handle:
        raise BadArguments(f"Those are {directory.name_of(giver.handle)}'s already.")
    held = await _open_of(incidents, giver.handle or "")
    if not held:
        raise NotFound(f"{directory.name_of(giver.handle)} has no open incidents to hand over.")
    moved, kept = _movable(incidents, actor, giver, held)
    for incident in moved:
        await incidents.assign(incident.id, actor, incident.group if target == QUEUE else target)
    return Handover(moved, kept)


def _staff(incidents: Incidents, actor: Person, owner: str) -> Person:
    directory = incidents.rules.directory
    if owner.lower() in SELF:
        return actor
    # "bobs tickets", typed without the apostrophe
    found = directory.staff(owner) or directory.staff(owner.removesuffix("s"))
    if found is None:
        raise BadArguments(
            f"'{owner}' is not an agent. Agents: {', '.join(directory.handles())}. "
            "Example: `/incident handover bob erin`."
        )
    return found


def _target(incidents: Incidents, to: str) -> str:
    """An agent's handle, a group, or QUEUE ("the queue", "queues" too)."""
    said = to.lower().removeprefix("@").removeprefix("the ").rstrip("s")
    if said == QUEUE:
        return QUEUE
    found = incidents.rules.directory.staff(to)
    if found is not None and found.handle:
        return found.handle
    if to in incidents.rules.settings.groups:
        return to
    directory, groups = incidents.rules.directory, incidents.rules.settings.groups
    raise BadArguments(
        f"'{to}' is neither an agent, a group nor `queue`. Agents: "
        f"{', '.join(directory.handles())}. Groups: {', '.join(groups)}. "
        "Example: `/incident handover bob erin` or `/incident handover bob queue`."
    )


async def _open_of(incidents: Incidents, handle: str) -> list[Incident]:
    rows = await incidents.session.scalars(
        select(Incident)
        .where(Incident.assignee == handle, Incident.state.in_([s.value for s in OPEN]))
        .order_by(Incident.id)
    )
    return list(rows)


def _movable(
    incidents: Incidents, actor: Person, giver: Person, held: list[Incident]
) -> tuple[list[Incident], list[Incident]]:
    """All of one's own; of someone else's, those in groups the actor manages."""
    if giver.handle == actor.handle:
        return held, []
    directory = incidents.rules.directory
    managed = directory.managed_by(actor)
    if actor.role < Role.MANAGER or not managed:
        raise Forbidden(
            f"Only a manager hands over {directory.name_of(giver.handle)}'s incidents; "
            "you can hand over your own: `/incident handover me erin`."
        )
    moved = [i for i in held if i.group in managed]
    if not moved:
        raise Forbidden(
            f"None of {directory.name_of(giver.handle)}'s open incidents is in a group "
            f"you manage ({', '.join(managed)})."
        )
    return moved, [i for i in held if i.group not in managed]
