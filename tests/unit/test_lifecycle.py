"""The lifecycle table in bot/services/lifecycle.py, checked pair by pair.

EXPECTED is written out by hand from the lifecycle as documented (new -> assigned ->
in progress -> pending -> resolved -> closed, resolve and cancel from any open state,
reopen from resolved), so a change to ALLOWED that nobody meant shows up here.
"""

from itertools import product

import pytest

import bot.commands  # noqa: F401  (registers the commands the actions name)
from bot.errors import DeskError, InvalidTransition
from bot.registry import registry
from bot.services.lifecycle import (
    ALLOWED,
    NOT_FINAL,
    OPEN,
    REPORTER,
    THIRD_PARTY,
    State,
    allowed_actions,
    check,
    waiting_on,
)

LABEL = "INC-000042"

# What each state allows, in lifecycle order (the order replies list them in).
EXPECTED: dict[State, list[str]] = {
    State.NEW: ["claim", "assign", "escalate", "resolve", "note", "classify", "cancel"],
    State.ASSIGNED: ["claim", "assign", "escalate", "resolve", "note", "classify", "cancel"],
    State.IN_PROGRESS: [
        "assign",
        "escalate",
        "pending",
        "resolve",
        "note",
        "classify",
        "cancel",
    ],
    State.PENDING: ["assign", "escalate", "resume", "resolve", "note", "classify", "cancel"],
    State.RESOLVED: ["close", "reopen", "note", "classify"],
    State.CLOSED: [],
    State.CANCELLED: [],
}

SPOKEN = {
    State.NEW: "new",
    State.ASSIGNED: "assigned",
    State.IN_PROGRESS: "in progress",
    State.PENDING: "pending",
    State.RESOLVED: "resolved",
    State.CLOSED: "closed",
    State.CANCELLED: "cancelled",
}

PAIRS = list(product(ALLOWED, State))


def _id(value: object) -> str:
    # A set's order differs between processes (hash seeds): its id must not, or parallel
    # workers (pytest-xdist) collect different tests.
    if isinstance(value, set | frozenset):
        return "+".join(sorted(str(item) for item in value))
    return str(value)


def test_every_state_and_action_is_covered():
    assert set(EXPECTED) == set(State)
    assert len(PAIRS) == len(ALLOWED) * len(State) == 11 * 7
    assert set(ALLOWED) == {
        "claim",
        "assign",
        "escalate",
        "pending",
        "resume",
        "resolve",
        "close",
        "reopen",
        "note",
        "classify",
        "cancel",
    }


# How a refusal names each action: "You can't put INC-… on hold", not "can't pending".
VERB = {
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


@pytest.mark.parametrize(("action", "state"), PAIRS, ids=_id)
def test_table_matches_the_documented_lifecycle(action, state):
    assert (state in ALLOWED[action]) == (action in EXPECTED[state])


@pytest.mark.parametrize(("action", "state"), PAIRS, ids=_id)
def test_check_passes_exactly_when_allowed(action, state):
    if state in ALLOWED[action]:
        assert check(action, state, LABEL) is None
        return
    with pytest.raises(InvalidTransition) as raised:
        check(action, state, LABEL)
    message = str(raised.value)
    assert message.startswith(f"You can't {VERB[action].format(LABEL)}: it is {SPOKEN[state]}. ")
    assert "_" not in message.replace(LABEL, "")
    if EXPECTED[state]:
        assert message.endswith(f"From {SPOKEN[state]} you can: {', '.join(EXPECTED[state])}.")
        assert action not in message.split("you can: ")[1].rstrip(".").split(", ")
    elif state == State.CLOSED:
        assert message.endswith("closed for good; open a new incident if the problem is back.")
    else:
        assert message.endswith("cancelled; open a new incident if the problem is real.")


def test_invalid_transition_is_a_desk_error():
    # The core answers DeskErrors with their message; anything else is logged as a bug.
    assert issubclass(InvalidTransition, DeskError)


@pytest.mark.parametrize("state", list(State), ids=_id)
def test_allowed_actions_lists_the_state_in_lifecycle_order(state):
    assert allowed_actions(state) == EXPECTED[state]


@pytest.mark.parametrize("state", [State.CLOSED, State.CANCELLED], ids=_id)
def test_final_states_allow_nothing(state):
    assert allowed_actions(state) == []
    assert state not in OPEN and state not in NOT_FINAL


def test_open_and_not_final_sets():
    assert {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING} == OPEN
    assert OPEN | {State.RESOLVED} == NOT_FINAL


@pytest.mark.parametrize(
    ("action", "states"),
    [
        ("reopen", {State.RESOLVED}),
        ("close", {State.RESOLVED}),
        ("resume", {State.PENDING}),
        ("pending", {State.IN_PROGRESS}),
        ("resolve", set(OPEN)),
        ("claim", {State.NEW, State.ASSIGNED}),
        ("cancel", {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING}),
        ("assign", {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING}),
        ("escalate", {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING}),
        ("note", {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING, State.RESOLVED}),
        (
            "classify",
            {State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.PENDING, State.RESOLVED},
        ),
    ],
    ids=_id,
)
def test_documented_shape(action, states):
    assert set(ALLOWED[action]) == states


@pytest.mark.parametrize("action", list(ALLOWED), ids=_id)
def test_every_action_named_in_replies_is_a_real_command(action):
    # Replies say "From pending you can: resume, ..."; each word must be typeable.
    spec = registry.get(("incident", action))
    assert spec.params[0].name == "incident"


@pytest.mark.parametrize(
    ("reason", "party"),
    [
        ("waiting for vendor", THIRD_PARTY),
        ("the supplier's engineer comes on Tuesday", THIRD_PARTY),
        ("parts on order", THIRD_PARTY),
        ("Dell warranty repair, RMA raised", THIRD_PARTY),
        ("which vendor sold you the dock?", REPORTER),  # a question is for the reporter
        ("which tray do you print from?", REPORTER),
        ("waiting for the user", REPORTER),
        ("please send a photo of the part number", REPORTER),  # asked of them
        # found in use: before, each asked the reporter for something they can't give
        ("until tomorrow, waiting for the battery", THIRD_PARTY),
        ("new dock ordered, it arrives on monday", THIRD_PARTY),
        ("can you send the serial number", REPORTER),
    ],
)
def test_a_pending_reason_says_whom_it_waits_on(reason, party):
    assert waiting_on(reason) == party
