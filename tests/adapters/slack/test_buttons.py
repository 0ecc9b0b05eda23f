"""Buttons act through the core and replace the message they were pressed on."""

from __future__ import annotations

import json

from bot.adapters.slack_modal import VALUE
from tests.adapters.slack.harness import buttons, deliver, text_of

PRINTER = "the printer on floor 2 jams on every page"


async def test_claim_replaces_the_card_and_a_second_claim_is_told_aside(slack):
    await slack.answer("/incident", "open VPN drops every few minutes")
    card = await slack.answer("/incident", "show 1", user="UBOB")
    assert "Claim" in buttons(card.blocks)
    claimed = await slack.press(card, "Claim", user="UBOB")
    assert claimed.body["replace_original"] is True
    assert "You own INC-000001 now." in text_of(claimed.blocks)
    assert "Claim" not in buttons(claimed.blocks)
    late = await slack.press(card, "Claim", user="UCAROL")  # the old card, pressed again
    assert late.body["replace_original"] is False  # the card stays as it is
    assert late.body["response_type"] == "ephemeral"
    assert "INC-000001" in text_of(late.blocks)


async def test_take_the_next_one_from_the_queue_claims_it(slack):
    await slack.answer("/incident", f"open {PRINTER}")  # the service-desk's, bob's group
    queue = await slack.answer("/incident", "queue", user="UBOB")
    taken = await slack.press(queue, "Take the next one", user="UBOB")
    assert "You own INC-000001 now" in text_of(taken.blocks)


async def test_this_solved_it_and_i_still_need_help_after_incident_open(slack):
    first = await slack.answer("/incident", f"open {PRINTER}")
    assert "I still need help" in buttons(first.blocks)
    kept = await slack.press(first, "I still need help")
    assert kept.body["replace_original"] is True
    assert "INC-000001" in text_of(kept.blocks)
    second = await slack.answer("/incident", f"open {PRINTER} again")
    solved_label = next(label for label in buttons(second.blocks) if "This solved it" in label)
    solved = await slack.press(second, solved_label)
    assert solved.body["replace_original"] is True
    shown = await slack.answer("/incident", "show 2")
    assert "resolved" in text_of(shown.blocks)
    assert "solved-by-kb" in text_of(shown.blocks)


async def test_this_solved_it_in_a_direct_chat_opens_nothing(slack, fake):
    await slack.event(slack.message(PRINTER))
    suggestions = (await fake.wait_for("chat.postMessage"))[0]
    label = next(label for label in buttons(suggestions.blocks) if "This solved it" in label)
    done = await slack.press(suggestions, label)
    assert "Glad that fixed it! Nothing was opened." in text_of(done.blocks)
    listed = await slack.answer("/incident", "list --mine")
    assert "You have no incidents open" in text_of(listed.blocks)


async def test_reopen_by_an_agent_replaces_the_resolved_card(slack):
    await slack.answer("/incident", "open VPN drops every few minutes")
    resolved = await slack.answer("/incident", "resolve 1 Replaced the VPN profile", user="UBOB")
    assert "is resolved" in text_of(resolved.blocks)
    reopened = await slack.press(resolved, "Reopen", user="UBOB")
    assert reopened.body["replace_original"] is True
    assert "INC-000001 is reopened." in text_of(reopened.blocks)


async def test_the_reporter_confirms_or_reopens_from_the_notice(slack, fake, core, adapter):
    await slack.answer("/incident", "open VPN drops every few minutes")
    await slack.answer("/incident", "open Outlook keeps asking for my password")
    for number in (1, 2):
        await slack.answer("/incident", f"resolve {number} Fixed it", user="UBOB")
    notices = await deliver(core, adapter, fake)
    assert [n.body["channel"] for n in notices] == ["DALICE", "DALICE"]  # her DM
    assert fake.to("conversations.open")[0].body["users"] == "UALICE"
    first, second = notices
    assert {"Confirm, it's fixed", "Reopen"} <= set(buttons(first.blocks))

    confirmed = await slack.press(first, "Confirm, it's fixed")
    assert confirmed.body["replace_original"] is True
    closed = "Thanks for confirming. INC-000001 is closed. How did we do?"
    assert closed in text_of(confirmed.blocks)

    asked = await slack.press(second, "Reopen")
    assert asked.body["replace_original"] is True
    assert "What is still wrong with INC-000002?" in text_of(asked.blocks)
    await slack.event(slack.message("it asks again every hour"))
    answer = (await fake.wait_for("chat.postMessage", len(notices) + 1))[-1]
    assert "INC-000002" in text_of(answer.blocks)
    shown = await slack.answer("/incident", "show 2")
    assert "INC-000002 is in progress" in text_of(shown.blocks)


async def test_a_resolve_button_asks_for_the_note_then_replaces_the_card(slack, fake, settings):
    """Resolving needs a note the button can't carry: the press opens a form for it,
    built from the registry, and its submission replaces the card."""
    await slack.answer("/incident", "open VPN drops every few minutes")
    card = await slack.answer("/incident", "show 1", user="UBOB")
    assert "Resolve" in buttons(card.blocks)
    key = await slack.press_only(card, "Resolve", user="UBOB")
    form = (await fake.wait_for("views.open"))[0].body["view"]
    assert [b["block_id"] for b in form["blocks"]] == ["note", "code"]  # the id came along
    codes = [o["value"] for o in form["blocks"][1]["element"]["options"]]
    assert codes == list(settings.resolution_codes)
    blank = {"note": {VALUE: {"type": "plain_text_input", "value": " "}}}
    missing = slack.submission(form, blank, user="UBOB")
    answer = json.loads((await slack.interactive(missing))[1])
    assert set(answer["errors"]) == {"note"}
    note = {
        "note": {VALUE: {"type": "plain_text_input", "value": "Replaced the VPN profile"}},
        "code": {VALUE: {"type": "static_select", "selected_option": {"value": "workaround"}}},
    }
    status, body = await slack.interactive(slack.submission(form, note, user="UBOB"))
    assert (status, body) == (200, "")
    replaced = (await fake.wait_for("respond", key=key))[0]  # the card it was pressed on
    assert replaced.body["replace_original"] is True
    assert "INC-000001 is resolved (workaround)." in text_of(replaced.blocks)


async def test_a_user_pressing_resolve_is_refused_without_a_form(slack, fake):
    await slack.answer("/incident", "open VPN drops every few minutes")
    card = await slack.answer("/incident", "show 1", user="UBOB")
    refused = await slack.press(card, "Resolve", user="UALICE")
    assert "/incident resolve is for the desk's agents" in text_of(refused.blocks)
    assert fake.to("views.open") == []


async def test_an_escalate_button_asks_why_and_where_then_escalates(slack, fake, settings):
    """Before, escalating took a typed command; the card's button now opens a form with
    the reason, a menu of the groups and the manager's checkbox."""
    await slack.answer("/incident", "open VPN drops every few minutes")
    card = await slack.answer("/incident", "show 1", user="UBOB")
    assert "Escalate" in buttons(card.blocks)
    key = await slack.press_only(card, "Escalate", user="UBOB")
    form = (await fake.wait_for("views.open"))[0].body["view"]
    assert [b["block_id"] for b in form["blocks"]] == ["reason", "to", "hierarchic"]
    assert all(b["optional"] for b in form["blocks"])
    groups = [o["value"] for o in form["blocks"][1]["element"]["options"]]
    assert groups == list(settings.groups)
    given = {
        "reason": {VALUE: {"type": "plain_text_input", "value": "the tunnel needs a new cert"}},
        "to": {VALUE: {"type": "static_select", "selected_option": {"value": "desktop-support"}}},
    }
    status, body = await slack.interactive(slack.submission(form, given, user="UBOB"))
    assert (status, body) == (200, "")
    replaced = (await fake.wait_for("respond", key=key))[0]
    assert "INC-000001 is escalated to desktop-support." in text_of(replaced.blocks)
    history = await slack.answer("/incident", "history 1", user="UBOB")
    assert "the tunnel needs a new cert" in text_of(history.blocks)
