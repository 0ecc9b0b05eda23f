"""The incident lifecycle: which action is allowed from which state.

new -> assigned -> in_progress -> pending -> resolved -> closed, with reopen
(resolved -> back to work) and cancel (any open state -> cancelled). This
table is the one place that says so; services ask `check` before acting.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.errors import InvalidTransition


class State(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# Whom a pending incident waits on. The reporter is asked, and their answer puts it back
# in progress (its SLA clock runs again); a third party (a supplier, another team) is
# waited for until the owner resumes it.
REPORTER, THIRD_PARTY = "reporter", "third-party"
WAITING_ON = (REPORTER, THIRD_PARTY)

_SUPPLIER = re.compile(
    r"\b(vendors?|suppliers?|third[- ]part(y|ies)|manufacturers?|contractors?|carriers?|"
    r"couriers?|isp|engineers?|parts?|delivery|shipment|warranty|rma|repairers?|"
    # something on its way, or a time to wait for: "until tomorrow, the battery arrives"
    r"on order|ordered|arriv(e|es|ed|ing|al)|replacement|back ?order(ed)?|until|till)\b",
    re.IGNORECASE,
)
# A request the reporter can answer: "please send a photo of the part number"
_ASKED = re.compile(r"\?|\b(please|pls|can you|could you|let me know|send (me|us))\b", re.I)


def waiting_on(reason: str) -> str:
    """Whom a pending reason waits on when the agent did not say: "waiting for the
    vendor" is a third party, and asking the reporter would send them a request they
    cannot answer. A question ("which vendor sold it?") is still the reporter's."""
    if not _ASKED.search(reason) and _SUPPLIER.search(reason):
        return THIRD_PARTY
    return REPORTER


OPEN = frozenset({State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING})
NOT_FINAL = OPEN | {State.RESOLVED}

ALLOWED: dict[str, frozenset[State]] = {
    "claim": frozenset({State.NEW, State.ASSIGNED}),
    "assign": OPEN,
    "escalate": OPEN,
    "pending": frozenset({State.IN_PROGRESS}),
    "resume": frozenset({State.PENDING}),
    "resolve": OPEN,  # first-contact resolution included
    "close": frozenset({State.RESOLVED}),
    "reopen": frozenset({State.RESOLVED}),
    "note": NOT_FINAL,
    "classify": NOT_FINAL,
    "cancel": OPEN,
}

_HINTS = {
    State.CLOSED: "It is closed for good; open a new incident if the problem is back.",
    State.CANCELLED: "It was cancelled; open a new incident if the problem is real.",
}


# How a refusal says each action, the incident where "{}" is
_VERBS = {
    "claim": "claim {}",
    "assign": "assign {}",
    "escalate": "escalate {}",
    "pending": "put {} on hold",
    "resume": "resume {}",
    "resolve": "resolve {}",
    "close": "close {}",
    "reopen": "reopen {}",
    "note": "add a note to {}",
    "classify": "reclassify {}",
    "cancel": "cancel {}",
}


def allowed_actions(state: State) -> list[str]:
    """The actions possible from a state, in lifecycle order."""
    return [action for action, states in ALLOWED.items() if state in states]


def check(action: str, state: State, label: str) -> None:
    """Raise InvalidTransition naming the current state and what is allowed from it."""
    if state in ALLOWED[action]:
        return
    shown = state.value.replace("_", " ")
    possible = allowed_actions(state)
    then = f"From {shown} you can: {', '.join(possible)}." if possible else _HINTS[state]
    raise InvalidTransition(f"You can't {_VERBS[action].format(label)}: it is {shown}. {then}")
