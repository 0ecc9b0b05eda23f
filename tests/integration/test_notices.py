"""Who hears what: the outbox rows each command leaves behind, on both databases.

The reporter's side (the reporter and everyone affected) hears what the desk does;
the owner hears what the reporter's side does; a manager hears of a hierarchic
escalation; whoever made a change never hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml
from sqlalchemy import select

from bot.app import Core
from bot.config import parse_settings
from bot.conversation_store import expire_drafts
from bot.messages import Button, ChannelRef
from bot.models import Incident, IncidentEvent, OutboxRow
from bot.outbox import reply_from_payload
from tests.conftest import ROOT, Desk

SUMMARY = "Printer on floor 3 jams on every page"
LABEL = "INC-000001 “Printer on floor 3 jams on every page”"
PROMPT = (
    "Does it work for you now? “Confirm” closes it; “Reopen” tells us it is not fixed. "
    "It closes by itself in 5d otherwise."
)


@dataclass(frozen=True)
class Heard:
    """One outbox row, as the person it is for would see it."""

    kind: str
    to: str
    platform: str
    channel: str
    thread: str | None
    text: str
    buttons: tuple[Button, ...]
    card_title: str | None


async def heard(desk: Desk, kind: str | None = None, incident: int | None = 1) -> list[Heard]:
    async with desk.core.database.transaction() as session:
        query = select(OutboxRow).order_by(OutboxRow.id)
        if kind is not None:
            query = query.where(OutboxRow.kind == kind)
        if incident is not None:
            query = query.where(OutboxRow.incident_id == incident)
        rows = list(await session.scalars(query))
    found = []
    for row in rows:
        reply = reply_from_payload(row.payload)
        found.append(
            Heard(
                row.kind,
                row.recipient_key,
                row.platform,
                row.channel_id,
                row.thread_id,
                reply.text,
                reply.buttons,
                reply.card.title if reply.card else None,
            )
        )
    return found


def texts(found: list[Heard]) -> list[tuple[str, str]]:
    return [(h.to, h.text) for h in found]


async def incident_with_affected(desk: Desk) -> None:
    """INC-1 reported by alice; frank's own report INC-2 is linked to it, so he is affected."""
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("frank", "/incident open The floor 3 printer eats my pages too")
    await desk.ok("bob", "/incident link 2 1")


# -- the desk acts; the reporter's side hears ------------------------------------


async def test_a_claim_tells_the_reporter_and_the_affected_but_not_the_agent(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    said = f"Bob Baker is working on {LABEL}."
    assert texts(await heard(desk, "claimed")) == [
        ("console:alice", said),
        ("console:frank", said),
    ]
    (alice, frank) = await heard(desk, "claimed")
    assert (alice.platform, alice.channel, alice.thread) == ("console", "alice", None)
    assert (frank.platform, frank.channel, frank.thread) == ("console", "frank", None)
    assert alice.buttons == frank.buttons == ()
    assert alice.card_title is None


async def test_linking_tells_the_duplicates_reporter_where_the_news_comes_from(desk):
    await incident_with_affected(desk)
    assert texts(await heard(desk, incident=None)) == [
        (
            "console:frank",
            "INC-000002 “The floor 3 printer eats my pages too” is the same problem as "
            "INC-000001; it is cancelled and you will hear about INC-000001 from now on.",
        )
    ]


async def test_nobody_is_told_of_their_own_change(desk):
    await desk.ok("bob", f"/incident open {SUMMARY}")  # an agent reports it himself
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident note 1 checking the paper tray")
    await desk.ok("bob", "/incident resolve 1 new fuser")
    assert await heard(desk, incident=None) == []
    await desk.ok("dave", "/incident reopen 1 it jams again")
    (bob,) = await heard(desk, "reopened")
    assert (bob.to, bob.platform, bob.channel) == ("bob", "console", "bob")
    assert bob.text == f"Dave Diaz reopened {LABEL}: it jams again"


async def test_an_assignment_tells_the_new_owner_and_the_reporter(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident assign 1 dave")
    found = await heard(desk, "assigned")
    assert texts(found) == [
        ("console:alice", f"{LABEL} is with Dave Diaz (dave) now."),
        ("console:frank", f"{LABEL} is with Dave Diaz (dave) now."),
        ("dave", f"Bob Baker assigned {LABEL} to you."),
    ]
    dave = found[2]
    assert (dave.platform, dave.channel, dave.thread) == ("console", "dave", None)
    assert dave.card_title == f"INC-000001 · {SUMMARY}"  # the owner gets the incident card
    assert found[0].card_title is None


async def test_an_assignment_says_why_to_whoever_it_is_given(desk):
    # Found in use: "assign it to dave, hardware" was refused ("I don't know what to do
    # with 'hardware'"): an assignment took no reason.
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.message("bob", "actually assign it to dave, hardware fault")
    await desk.message("dave", "give 1 to the network team because it is the switch port")
    assert [(h.to, h.text) for h in await heard(desk, "assigned") if h.to != "console:alice"] == [
        ("dave", f"Bob Baker assigned {LABEL} to you: hardware fault"),
        ("erin", f"Dave Diaz put {LABEL} in the network team's queue: it is the switch port"),
    ]
    async with desk.core.database.transaction() as session:
        said = await session.scalars(
            select(IncidentEvent.text).where(IncidentEvent.kind == "assigned")
        )
        assert list(said) == ["hardware fault", "it is the switch port"]
    again = await desk.err("dave", "/incident assign 1 network still the switch")
    assert again.text == "INC-000001 is already assigned to network."


async def test_an_assignment_to_a_group_tells_the_reporter_and_the_team(desk):
    # Before, the team whose queue it went to was told nothing.
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident assign 1 network")
    assert texts(await heard(desk, "assigned")) == [
        ("console:alice", f"{LABEL} is with the network team now."),
        ("erin", f"Bob Baker put {LABEL} in the network team's queue."),
    ]
    (erin,) = [h for h in await heard(desk, "assigned") if h.to == "erin"]
    assert erin.buttons[0].label == "Claim"


async def test_pending_asks_the_reporter_the_question_and_nobody_else(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 which tray do you print from?")
    assert texts(await heard(desk, "pending")) == [
        (
            "console:alice",
            f"Bob Baker needs something from you on {LABEL}: which tray do you print from?\n"
            "Reply here and your answer goes straight onto the incident; "
            "work on it carries on as soon as you do.",
        )
    ]


async def test_a_reason_that_names_a_supplier_waits_on_a_third_party_without_asking(desk):
    """Before, "waiting for vendor" with no --on asked alice for something only the
    vendor could give, and her next message resumed the clock."""
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    reply = await desk.ok("bob", "/incident pending 1 waiting for vendor")
    assert reply.text == (
        "INC-000001 waits on a third party: waiting for vendor\n"
        "alice is told it is on hold, not asked anything; `/incident resume 1` carries on "
        "(`--on reporter` asks them instead)."
    )
    async with desk.core.database.transaction() as session:
        assert (await session.get(Incident, 1)).pending_on == "third-party"
    on_hold = (
        f"{LABEL} is on hold: waiting for vendor. "
        "Nothing is needed from you; you will hear when it moves."
    )
    assert texts(await heard(desk, "pending")) == [
        ("console:alice", on_hold),
        ("console:frank", on_hold),
    ]


async def test_the_reporters_answer_puts_it_back_to_work_and_tells_the_owner(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 which tray do you print from?")
    # frank is affected, but it was alice who was asked: his note answers nothing
    await desk.ok("frank", "/incident note 1 mine jams too")
    assert texts(await heard(desk, "answered")) == []
    await desk.ok("alice", "/incident note 1 tray 2")
    assert texts(await heard(desk, "answered")) == [
        (
            "bob",
            f"alice answered on {LABEL}: tray 2\nIt is back in progress; its SLA clock runs again.",
        )
    ]


async def test_pending_on_a_third_party_tells_the_reporters_side_nothing_is_needed(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    reply = await desk.ok("bob", "/incident pending 1 the supplier sends a fuser --on third-party")
    assert reply.text == "INC-000001 waits on a third party: the supplier sends a fuser"
    on_hold = (
        f"{LABEL} is on hold: the supplier sends a fuser. "
        "Nothing is needed from you; you will hear when it moves."
    )
    assert texts(await heard(desk, "pending")) == [
        ("console:alice", on_hold),
        ("console:frank", on_hold),
    ]
    await desk.ok("alice", "/incident note 1 any news?")
    assert texts(await heard(desk, "answered")) == []
    await desk.ok("bob", "/incident resume 1")
    back = f"{LABEL} is back in progress, with Bob Baker (bob)."
    assert texts(await heard(desk, "resumed")) == [("console:alice", back), ("console:frank", back)]


async def test_a_fulfilled_request_asks_whether_everything_asked_for_is_there(desk):
    # Found in use: a new starter's laptop and accounts were asked "Does it work for you
    # now?" and "Confirm, it's fixed", as if something had broken.
    await desk.ok("alice", "/incident open Visio for my laptop please --type request")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Installed Visio Pro")
    (alice,) = await heard(desk, "resolved")
    assert alice.text.endswith(
        "\nDo you have everything you asked for? “Confirm” closes it; “Reopen” tells us "
        "something is missing. It closes by itself in 5d otherwise."
    ), alice.text
    assert alice.buttons[0] == Button("Confirm, I have it", "incident.confirm", "1", "primary")
    thanks = await desk.message("alice", "thanks")
    assert thanks.text.startswith("You're welcome! Do you have everything you asked for in ")


async def test_a_resolution_asks_the_reporter_to_confirm_and_tells_the_affected(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    alice, frank = await heard(desk, "resolved")
    assert (alice.to, alice.text) == (
        "console:alice",
        f"{LABEL} is resolved: Replaced the fuser\n{PROMPT}",
    )
    assert alice.buttons == (
        Button("Confirm, it's fixed", "incident.confirm", "1", "primary"),
        Button("Reopen", "incident.reopen", "1"),
    )
    assert (frank.to, frank.text, frank.buttons) == (
        "console:frank",
        f"{LABEL} is resolved: Replaced the fuser",
        (),
    )


async def test_an_agent_note_goes_to_the_reporters_side(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident note 1 a new fuser is on its way")
    said = f"Bob Baker on {LABEL}: a new fuser is on its way"
    assert texts(await heard(desk, "note")) == [("console:alice", said), ("console:frank", said)]


async def test_a_functional_escalation_tells_the_reporter_and_the_new_team(desk):
    # Before, only the reporter heard: the team it went to learned of it from its queue.
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident escalate 1 needs a new fuser, on site")
    assert texts(await heard(desk, "escalated")) == [
        (
            "console:alice",
            f"{LABEL} has gone to the desktop-support team, who can take it further.",
        ),
        (
            "dave",
            f"Bob Baker escalated {LABEL} to the desktop-support team: needs a new fuser, on site",
        ),
    ]
    (dave,) = [h for h in await heard(desk, "escalated") if h.to == "dave"]
    assert dave.card_title == f"INC-000001 · {SUMMARY}"
    assert dave.buttons[0].label == "Claim"


async def test_an_escalation_without_a_reason_still_tells_the_new_team(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident escalate 1 --to network")
    assert texts(await heard(desk, "escalated"))[1:] == [
        ("erin", f"Bob Baker escalated {LABEL} to the network team."),
    ]


async def test_a_hierarchic_escalation_tells_the_manager(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident escalate 1 --hierarchic")
    (carol,) = await heard(desk, "escalated_to_manager")
    assert (carol.to, carol.platform, carol.channel) == ("carol", "console", "carol")
    assert carol.text == f"Bob Baker escalated {LABEL} to you (P4)."
    assert carol.card_title == f"INC-000001 · {SUMMARY}"
    assert carol.buttons == ()


async def test_the_manager_hears_why_an_incident_was_escalated_to_her(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident escalate 1 the CEO's printer --hierarchic")
    (carol,) = await heard(desk, "escalated_to_manager")
    assert carol.text == f"Bob Baker escalated {LABEL} to you (P4): the CEO's printer"


async def test_a_manager_escalating_to_herself_is_not_told(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("carol", "/incident escalate 1 --hierarchic")
    assert await heard(desk, "escalated_to_manager") == []


# -- the reporter's side acts; the owner hears ------------------------------------


async def test_the_reporter_confirming_closes_it_and_tells_the_owner(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    pressed = await desk.press("alice", "incident.confirm", "1")
    assert pressed.text == "Thanks for confirming. INC-000001 is closed. How did we do?"
    async with desk.core.database.transaction() as session:
        incident = await session.get(Incident, 1)
        assert incident.state == "closed"
    bob, frank = await heard(desk, "confirmed")
    assert (bob.to, bob.text) == ("bob", f"alice confirmed the fix; {LABEL} is closed.")
    assert (frank.to, frank.text) == (
        "console:frank",
        f"{LABEL} is closed: alice confirmed the fix.",
    )
    assert bob.card_title == f"INC-000001 · {SUMMARY}"


async def test_a_rating_pressed_after_confirming_reaches_the_owner_and_a_poor_one_the_manager(
    desk,
):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    pressed = await desk.press("alice", "incident.confirm", "1")
    good = next(b for b in pressed.buttons if b.label == "Good")
    await desk.press("alice", good.action_id, good.value)
    await desk.ok("alice", "/incident rate 1 poor the printer was out for a week")
    told = [(n.to, n.text) for n in await heard(desk, "rated")]
    assert told == [
        ("bob", f"alice rated {LABEL}: good"),
        ("bob", f"alice rated {LABEL}: poor: the printer was out for a week"),
        ("carol", f"alice rated {LABEL}: poor: the printer was out for a week"),
    ]


async def test_pressing_poor_asks_what_went_wrong_and_the_answer_goes_with_it(desk):
    # Before, the reply told the reporter to type the command again with their words.
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    await desk.press("alice", "incident.confirm", "1")
    asked = await desk.press("alice", "incident.rate", "1 poor")
    assert asked.text == (
        "Sorry it wasn't better. What went wrong with INC-000001? "
        "Your answer goes to the desk with your rating (or say “cancel”)."
    )
    said = await desk.message("alice", "nobody told me it was waiting on a part for 3 days")
    assert said.text == (
        "Thank you: Carol Chen (carol), who manages the service-desk team, has it with your poor "
        "rating, to look into."
    )
    told = [(n.to, n.text) for n in await heard(desk, "rated")]
    why = f"alice rated {LABEL}: poor: nobody told me it was waiting on a part for 3 days"
    assert told[-2:] == [("bob", why), ("carol", why)]
    # The question is answered: the next message is read as usual again.
    assert (await desk.message("alice", "thanks")).text != said.text


async def test_a_poor_rating_stands_when_its_reason_is_not_given(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    await desk.press("alice", "incident.rate", "1 poor")
    dropped = await desk.message("alice", "cancel")
    assert dropped.text == "OK, your rating of INC-000001 stands."
    async with desk.core.database.transaction() as session:
        assert (await session.get(Incident, 1)).satisfaction == "poor"


async def test_an_affected_person_cannot_confirm_for_the_reporter(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    refused = await desk.err("frank", "/incident confirm 1")
    assert refused.text == "Only alice, who reported it, can confirm the fix."
    assert await heard(desk, "confirmed") == []


async def test_the_reporter_reopening_tells_the_owner_why(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    asked = await desk.press("alice", "incident.reopen", "1")
    assert asked.text.startswith("Sorry it isn't fixed. What is still wrong with INC-000001?")
    assert await heard(desk, "reopened") == []
    answered = await desk.message("alice", "it still jams on tray 2")
    assert answered.text == "INC-000001 is reopened; the desk has your reason."
    assert texts(await heard(desk, "reopened")) == [
        ("bob", f"alice reopened {LABEL}: it still jams on tray 2")
    ]


async def test_a_reporter_note_goes_to_the_owner_or_while_unowned_to_the_group(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    # Before, a note on an unowned incident reached nobody, however urgent it was.
    await desk.ok("alice", "/incident note 1 urgent: the board pack prints at 3")
    assert texts(await heard(desk, "note")) == [
        ("bob", f"alice on {LABEL}: urgent: the board pack prints at 3"),
        ("erin", f"alice on {LABEL}: urgent: the board pack prints at 3"),
    ]
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("alice", "/incident note 1 it also happens on tray 2")
    (*_, bob) = found = await heard(desk, "note")
    assert len(found) == 3  # now only its owner hears
    assert (bob.to, bob.text) == ("bob", f"alice on {LABEL}: it also happens on tray 2")
    assert bob.card_title == f"INC-000001 · {SUMMARY}"


async def test_joining_as_affected_in_chat_tells_the_owner(desk):
    outage = "The VPN is down for the whole office, nobody can work"
    await desk.message("alice", outage)
    opened = await desk.message("alice", "yes")
    assert opened.text.startswith("Opened INC-000001")
    await desk.ok("erin", "/incident claim 1")
    asked = await desk.message("frank", "vpn is not working")  # an outage: no articles
    assert "Are you affected by the same thing?" in asked.text
    joined = await desk.message("frank", "yes")
    assert joined.text.startswith("You're on INC-000001 now (2 people affected)")
    (erin,) = await heard(desk, "affected_added")
    assert (erin.to, erin.text) == (
        "erin",
        f"frank is affected by INC-000001 “{outage}” too (2 people now).",
    )
    await desk.ok("erin", "/incident note 1 the VPN concentrator is rebooting")
    assert [h.to for h in await heard(desk, "note")] == ["console:alice", "console:frank"]


# -- where people are reached -------------------------------------------------------


async def test_a_reporter_in_a_channel_thread_is_told_in_that_thread(desk):
    desk.channel = ChannelRef("console", "it-help", is_direct=False, thread_id="1700.42")
    await desk.ok("alice", f"/incident open {SUMMARY}")
    desk.channel = ChannelRef("console", "test", is_direct=True)
    await desk.ok("frank", "/incident open The floor 3 printer eats my pages too")
    await desk.ok("bob", "/incident link 2 1")
    await desk.ok("bob", "/incident claim 1")
    alice, frank = await heard(desk, "claimed")
    assert (alice.to, alice.platform, alice.channel, alice.thread) == (
        "console:alice",
        "console",
        "it-help",
        "1700.42",
    )
    assert (frank.to, frank.platform, frank.channel, frank.thread) == (
        "console:frank",
        "console",
        "frank",
        None,
    )


def settings_with(**dave: str):
    """The shipped config, with more said about Dave."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["staff"]["dave"].update(dave)
    return parse_settings(raw, source=str(ROOT / "config.yaml"))


async def test_staff_are_reached_on_the_console_by_default(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident assign 1 dave")
    dave = [h for h in await heard(desk, "assigned") if h.to == "dave"]
    assert [(h.platform, h.channel, h.thread) for h in dave] == [("console", "dave", None)]


async def test_staff_with_a_slack_id_are_reached_on_slack(database, clock):
    desk = Desk(Core(settings_with(slack="U0DAVE42"), database, clock=clock))
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident assign 1 dave")
    dave = [h for h in await heard(desk, "assigned") if h.to == "dave"]
    assert [(h.platform, h.channel, h.thread) for h in dave] == [("slack", "U0DAVE42", None)]
    alice = [h for h in await heard(desk, "assigned") if h.to == "console:alice"]
    assert [(h.platform, h.channel) for h in alice] == [("console", "alice")]


async def test_staff_who_choose_the_console_are_reached_there_despite_a_slack_id(database, clock):
    desk = Desk(Core(settings_with(slack="U0DAVE42", notify="console"), database, clock=clock))
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident assign 1 dave")
    dave = [h for h in await heard(desk, "assigned") if h.to == "dave"]
    assert [(h.platform, h.channel) for h in dave] == [("console", "dave")]


async def test_the_affected_hear_when_the_reporter_confirms_the_fix(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")
    await desk.press("alice", "incident.confirm", "1")
    assert "console:frank" in [h.to for h in await heard(desk, "confirmed")]


async def test_an_agent_assigned_an_incident_can_claim_it_from_the_notice(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("carol", "/incident assign 1 dave")
    (dave,) = [h for h in await heard(desk, "assigned") if h.to == "dave"]
    offered = [(b.label, b.action_id, b.value) for b in dave.buttons]
    assert ("Claim", "incident.claim", "1") in offered
    # Pressing it starts the work: assigned -> in progress, still dave's.
    claimed = await desk.press("dave", "incident.claim", "1")
    assert claimed.text == "You own INC-000001 now."


async def test_an_internal_note_is_for_the_desk_only(desk):
    await incident_with_affected(desk)
    await desk.ok("bob", "/incident claim 1")
    reply = await desk.ok("erin", "/incident note 1 fuser part ordered, PO 4471 --internal")
    assert reply.text == "Noted on INC-000001, for the desk only."
    assert texts(await heard(desk, "internal_note")) == [
        ("bob", f"Erin Evans on {LABEL}, for the desk: fuser part ordered, PO 4471")
    ]
    for reporter_side in ("alice", "frank"):
        assert "PO 4471" not in str(await desk.ok(reporter_side, "/incident history 1"))
        assert "PO 4471" not in str(await desk.ok(reporter_side, "/incident show 1"))
    history = await desk.ok("bob", "/incident history 1")
    assert 'Erin Evans · internal note · "fuser part ordered, PO 4471"' in history.card.body


async def test_only_the_desk_writes_internal_notes(desk):
    await incident_with_affected(desk)
    refused = await desk.err("alice", "/incident note 1 please hurry --internal")
    assert refused.text.startswith("Only the desk's staff write internal notes.")
    assert await heard(desk, "note") == []


async def test_a_reporter_withdraws_their_own_incident_and_the_owner_hears_why(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    why = await desk.err("alice", "/incident cancel 1")
    assert why.text == "Say why, for the desk: `/incident cancel 1 it works again`."
    reply = await desk.ok("alice", "/incident cancel 1 it works again after a restart")
    assert reply.text == "INC-000001 is cancelled."
    assert texts(await heard(desk, "cancelled")) == [
        ("bob", f"alice withdrew {LABEL}: it works again after a restart")
    ]


async def test_only_the_reporter_withdraws_and_not_for_others_affected(desk):
    await incident_with_affected(desk)
    by_frank = await desk.err("frank", "/incident cancel 1 fine for me now")
    assert by_frank.text == "Only alice, who reported it, or an agent can cancel INC-000001."
    by_alice = await desk.err("alice", "/incident cancel 1 works for me now")
    assert by_alice.text.startswith("Others are affected by INC-000001 too (2 people)")
    await desk.ok("alice", "/incident open The floor 3 printer again")
    merged = await desk.err("alice", "/incident cancel 3 --duplicate-of 1")
    assert merged.text.startswith("Only the desk links duplicates.")


async def test_a_new_p1_is_announced_to_its_groups_agents_at_once(desk):
    await desk.ok("alice", "/incident open Nobody can log in --impact high --urgency high")
    announced = [h for h in await heard(desk, "opened") if h.to != "carol"]
    assert texts(announced) == [
        ("bob", "New P1 for the service-desk team: INC-000001 “Nobody can log in”."),
        ("erin", "New P1 for the service-desk team: INC-000001 “Nobody can log in”."),
    ]
    assert [b.action_id for b in announced[0].buttons][:1] == ["incident.claim"]
    assert announced[0].card_title == "INC-000001 · Nobody can log in"


async def test_a_new_p4_waits_in_the_queue_and_an_agent_opening_one_is_not_told(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    assert await heard(desk, "opened") == []
    await desk.ok("bob", "/incident open Core switch down --impact high --urgency high")
    assert [h.to for h in await heard(desk, "opened", incident=2)] == ["carol", "erin"]


async def test_the_group_told_of_a_new_p1_hears_when_its_reporter_withdraws_it(desk):
    await desk.ok("alice", "/incident open Nobody can log in --impact high --urgency high")
    await desk.ok("alice", "/incident cancel 1 it was the caps lock")
    withdrawn = "alice withdrew INC-000001 “Nobody can log in”: it was the caps lock"
    assert texts(await heard(desk, "cancelled")) == [("bob", withdrawn), ("erin", withdrawn)]


async def test_an_answer_on_an_unowned_incident_tells_the_group_it_is_in_their_queue(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident pending 1 which tray?")
    await desk.ok("bob", "/incident escalate 1 needs a site visit")
    answered = await desk.message("alice", "tray 2")
    assert answered.text == (
        "Added to INC-000001; it is back in the desktop-support team's queue "
        "and the desk will see it."
    )
    assert texts(await heard(desk, "answered")) == [
        (
            "dave",
            f"alice answered on {LABEL}: tray 2\n"
            "It is back in the desktop-support team's queue; its SLA clock runs again.",
        )
    ]


# -- an agent logs an incident for someone ------------------------------------------


async def test_an_incident_logged_for_someone_is_theirs_and_they_hear_of_it(desk):
    # Before, an agent told of a problem by phone could only open it as their own.
    opened = await desk.ok("bob", f"/incident open {SUMMARY} --reporter @alice")
    assert opened.text == "Opened INC-000001 (P4, service-desk) for alice, who will hear its news."
    async with desk.core.database.transaction() as session:
        incident = await session.get(Incident, 1)
        assert (incident.reporter_key, incident.reporter_name) == ("console:alice", "alice")
        event = await session.scalar(select(IncidentEvent).where(IncidentEvent.incident_id == 1))
        assert (event.kind, event.actor_key) == ("opened", "bob")  # who logged it
    (told,) = await heard(desk, "opened")
    assert (told.to, told.text) == (
        "console:alice",
        f"Bob Baker logged {LABEL} for you. You'll hear its news here; anything you add here "
        "goes onto it.",
    )
    # Her direct chat follows it: what she says next is asked about as a note on it.
    more = await desk.message("alice", "it is the one on the second floor by the window")
    assert more.text.startswith(f"Is this about {LABEL}, or a new problem?")


@pytest.mark.parametrize(
    ("who", "line", "refusal"),
    [
        ("dina", "--reporter @alice", "--reporter is for the desk's agents, and you are not on"),
        ("bob", "--reporter 'alice smith'", "I can't tell who 'alice smith' is."),
    ],
)
async def test_logging_for_someone_is_for_agents_naming_one_account(desk, who, line, refusal):
    refused = await desk.err(who, f"/incident open {SUMMARY} {line}")
    assert refused.text.startswith(refusal)
    async with desk.core.database.transaction() as session:
        assert await session.get(Incident, 1) is None


async def test_an_owner_hears_when_someone_else_moves_their_incident(desk):
    # Before, bob's incident vanished from his queue without a word.
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("carol", "/incident assign 1 dave")
    await desk.ok("carol", "/incident escalate 1 --to network")
    moved = [(n.to, n.text) for n in await heard(desk) if n.kind in ("assigned", "escalated")]
    assert ("bob", f"Carol Chen moved {LABEL} to Dave Diaz (dave); it is off your queue.") in moved
    assert ("dave", f"Carol Chen moved {LABEL} to the network team; it is off your queue.") in moved


async def test_an_owner_moving_their_own_incident_is_not_told_it_moved(desk):
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident escalate 1 --to network")
    assert [n for n in await heard(desk, "escalated") if n.to == "bob"] == []


# -- "How did we do?" answered in words ---------------------------------------------


async def fixed_for_alice(desk) -> None:
    """alice's INC-1, resolved by bob."""
    await desk.ok("alice", f"/incident open {SUMMARY}")
    await desk.ok("bob", "/incident claim 1")
    await desk.ok("bob", "/incident resolve 1 Replaced the fuser")


async def closed_for_alice(desk, by: str = "bob") -> None:
    await fixed_for_alice(desk)
    if by == "alice":
        await desk.ok("alice", "/incident confirm 1")
    else:
        await desk.ok("bob", "/incident close 1")


async def satisfaction(desk) -> str | None:
    async with desk.core.database.transaction() as session:
        return (await session.get(Incident, 1)).satisfaction


@pytest.mark.parametrize("by", ["alice", "bob"])
@pytest.mark.parametrize(
    ("said", "rating", "comment"),
    [
        ("great, quick fix", "good", "quick fix"),
        ("thanks! excellent", "good", None),
        ("fine", "ok", None),
        ("bad: nobody told me it was waiting on a part", "poor", "nobody told me it was waiting"),
        # found in use: the comment was "service, dave was quick"
        ("great service, bob was quick", "good", ": good: great service, bob was quick"),
    ],
)
async def test_a_typed_answer_to_how_did_we_do_rates_it(desk, by, said, rating, comment):
    # Before, "great" after "How did we do?" got "I'm not sure what you need".
    await closed_for_alice(desk, by)
    reply = await desk.message("alice", said)
    if rating == "poor":  # before, the same thanks as for a good one
        assert reply.text == (
            "Sorry it went badly. Carol Chen (carol), who manages the service-desk team, has your "
            "rating of INC-000001 (poor) and what you said, to look into."
        )
    else:
        assert reply.text == f"Thanks: your rating of INC-000001 ({rating}) is with the desk."
    assert await satisfaction(desk) == rating
    (told,) = [n for n in await heard(desk, "rated") if n.to == "bob"]
    assert told.text.startswith(f"alice rated {LABEL}: {rating}")
    if comment:
        assert comment in told.text


@pytest.mark.parametrize(
    "said", ["good morning, my vpn is down", "great, now outlook crashes too", "any news?"]
)
async def test_a_new_message_after_how_did_we_do_is_read_as_usual(desk, said):
    await closed_for_alice(desk)
    reply = await desk.message("alice", said)
    assert not reply.text.startswith("Thanks: your rating")
    assert await satisfaction(desk) is None


async def test_an_unanswered_how_did_we_do_lapses_without_a_word(desk, clock):
    await closed_for_alice(desk)
    clock.advance(hours=5)  # past intake.draft_expiry
    async with desk.core.database.transaction() as session:
        assert await expire_drafts(session, clock.now()) == 1
    assert await heard(desk, "draft_expired", incident=None) == []
    reply = await desk.message("alice", "great")
    assert not reply.text.startswith("Thanks: your rating")


@pytest.mark.parametrize("said", ["cancel", "never mind"])
async def test_cancel_after_how_did_we_do_does_not_speak_of_a_dropped_report(desk, said):
    # Before: "OK, I dropped that. Nothing was opened." about a closed incident.
    await closed_for_alice(desk)
    reply = await desk.message("alice", said)
    assert "Nothing was opened" not in reply.text
    assert await satisfaction(desk) is None


async def test_yes_it_works_confirms_the_only_fix_waiting_even_after_other_news(desk):
    # Before: an incident logged for alice after INC-1's fix moved her chat to it, and
    # "yes it works" was asked "Is this about INC-2, or a new problem?".
    await fixed_for_alice(desk)
    await desk.ok("bob", "/incident open Monitor flickers, she called --reporter alice")
    reply = await desk.message("alice", "yes it works")
    assert reply.text.startswith("Thanks for confirming. INC-000001 is closed.")
