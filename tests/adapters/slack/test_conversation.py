"""Direct messages and mentions: the conversation, in Slack."""

from __future__ import annotations

import asyncio

from tests.adapters.slack.harness import buttons, deliver, text_of

REPORT = "the printer on floor 2 jams on every page"


async def test_a_direct_message_report_ends_in_an_incident(slack, fake):
    await slack.event(slack.message(REPORT))
    suggestions = (await fake.wait_for("chat.postMessage"))[0]
    assert suggestions.body["channel"] == "DALICE"
    assert "thread_ts" not in suggestions.body  # a DM is answered in the DM itself
    assert "These articles may fix it" in text_of(suggestions.blocks)
    assert "I still need help" in buttons(suggestions.blocks)

    scope = await slack.press(suggestions, "I still need help")
    assert scope.body["replace_original"] is True
    assert "Who is affected?" in text_of(scope.blocks)

    blocked = await slack.press(scope, "Just me")
    assert "Can you still work?" in text_of(blocked.blocks)

    await slack.event(slack.message("it can wait"))  # typed, not pressed
    summary = (await fake.wait_for("chat.postMessage", 2))[1]
    assert "Here is what I'll open for you" in text_of(summary.blocks)
    assert {"Confirm", "Edit", "Cancel"} <= set(buttons(summary.blocks))

    opened = await slack.press(summary, "Confirm")
    assert opened.body["replace_original"] is True
    assert "Opened INC-000001" in text_of(opened.blocks)

    shown = await slack.answer("/incident", "show 1")
    shown_text = text_of(shown.blocks)
    assert "INC-000001 is new" in shown_text
    assert REPORT in shown_text and "Alice Archer" in shown_text  # the reporter's Slack name
    assert shown.body["response_type"] == "ephemeral"
    methods = {c.method for c in fake.calls}
    assert {"auth.test", "users.info", "chat.postMessage", "respond"} <= methods


async def test_a_mention_in_a_channel_is_answered_in_its_thread(slack, fake):
    mention = slack.mention(REPORT, channel="C222")
    await slack.event(mention)
    answer = (await fake.wait_for("chat.postMessage"))[0]
    assert answer.body["channel"] == "C222"
    assert answer.body["thread_ts"] == mention["event"]["ts"]
    assert "These articles may fix it" in text_of(answer.blocks)

    # Answering in the thread carries on the same conversation, in the same thread.
    reply = slack.mention("still need help", channel="C222", thread_ts=mention["event"]["ts"])
    await slack.event(reply)
    second = (await fake.wait_for("chat.postMessage", 2))[1]
    assert second.body["thread_ts"] == mention["event"]["ts"]
    assert "Who is affected?" in text_of(second.blocks)


async def test_the_incident_stays_tied_to_the_mention_thread(slack, fake, core, adapter):
    mention = slack.mention("the VPN is down for the whole office, nobody can work")
    thread = mention["event"]["ts"]
    await slack.event(mention)
    summary = (await fake.wait_for("chat.postMessage"))[0]
    assert "Here is what I'll open for you" in text_of(summary.blocks)
    opened = await slack.press(summary, "Confirm")
    assert "Opened INC-000001" in text_of(opened.blocks)
    # bob claims it: alice hears about it in the thread the incident came from.
    claimed = await slack.answer("/incident", "claim 1", user="UBOB")
    assert "You own INC-000001 now." in text_of(claimed.blocks)
    notices = await deliver(core, adapter, fake)
    to_alice = [c for c in notices if "is working on INC-000001" in text_of(c.blocks)]
    assert to_alice and to_alice[0].body["channel"] == "C111"
    assert to_alice[0].body["thread_ts"] == thread
    # What she adds in that thread goes onto the incident, and is answered there.
    await slack.event(slack.mention("it is back for some of us", thread_ts=thread))
    noted = (await fake.wait_for("chat.postMessage", len(notices) + 2))[-1]
    assert noted.body["thread_ts"] == thread
    assert "INC-000001" in text_of(noted.blocks)
    history = await slack.answer("/incident", "history 1")
    assert "it is back for some of us" in text_of(history.blocks)


async def test_own_messages_edits_and_joins_are_ignored(slack, fake):
    for extra in (
        {"bot_id": "BDESKBOT"},
        {"subtype": "message_changed"},
        {"subtype": "channel_join"},
        {"user": "UDESKBOT"},
    ):
        event = slack.message("the printer on floor 2 jams on every page")
        event["event"].update(extra)
        status, _ = await slack.event(event)
        assert status == 200
    await asyncio.sleep(0.3)
    assert fake.to("chat.postMessage") == []


PINGS = ("<!channel>", "<!here>", "<@U123>", "<!subteam^S1>", "<!everyone>")


async def test_typed_mention_markup_is_escaped_when_echoed(slack):
    # Someone types the raw markup; Slack sends it with its own entities (& < >).
    typed = "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;!subteam^S1&gt; printer on fire"
    opened = await slack.answer("/incident", f"open {typed}")
    assert "Opened INC-000001" in text_of(opened.blocks)
    shown = opened.everything
    assert not [ping for ping in PINGS if ping in shown]
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;!subteam^S1&gt;" in shown
    assert "link_names" not in shown and "parse" not in opened.body


async def test_real_mentions_in_user_text_are_repeated_as_plain_words(slack, fake):
    # Slack's own markup for mentions someone made: read as words, never sent back as pings.
    await slack.event(slack.message("<!channel> hi & <@U123|bob> the printer on floor 2 jams"))
    posted = (await fake.wait_for("chat.postMessage"))[0]
    assert not [ping for ping in (*PINGS, "<@U123|bob>") if ping in posted.everything]
    shown = await slack.answer("/incident", "open <!here> <!subteam^S1|@admins> VPN down")
    assert not [ping for ping in PINGS if ping in shown.everything]
    assert "@here @admins VPN down" in text_of(shown.blocks)


async def test_a_reply_in_the_desks_thread_needs_no_mention(slack, fake):
    mention = slack.mention(REPORT, channel="C222")
    thread = mention["event"]["ts"]
    await slack.event(mention)
    await fake.wait_for("chat.postMessage")
    await slack.event(slack.thread_reply("still need help", channel="C222", thread_ts=thread))
    second = (await fake.wait_for("chat.postMessage", 2))[1]
    assert (second.body["channel"], second.body["thread_ts"]) == ("C222", thread)
    assert "Who is affected?" in text_of(second.blocks)


async def test_chatter_in_other_threads_and_mentions_twice_over_are_left_alone(slack, fake):
    mention = slack.mention(REPORT, channel="C222")
    await slack.event(mention)
    await fake.wait_for("chat.postMessage")
    # A thread the desk is not in; a reply that mentions the bot (answered as app_mention).
    await slack.event(slack.thread_reply("lunch?", channel="C222", thread_ts="1700000000.9"))
    again = slack.thread_reply(
        "<@UDESKBOT> still need help", channel="C222", thread_ts=mention["event"]["ts"]
    )
    await slack.event(again)
    await asyncio.sleep(0.3)
    assert len(fake.to("chat.postMessage")) == 1


async def test_a_shared_screenshot_goes_onto_the_incident_by_its_permalink(slack, fake, core):
    # Opened in the DM with the bot, whose chat then follows it.
    await slack.answer(
        "/incident", f"open {REPORT}", channel="DALICE", channel_name="directmessage"
    )
    shot = slack.message("here is the error")
    shot["event"].update(
        subtype="file_share",
        files=[
            {
                "id": "F0S43PZDF",
                "name": "error.png",
                "title": "error.png",
                "url_private": "https://files.slack.com/files-pri/T1-F0S43PZDF/error.png",
                "permalink": "https://example.slack.com/files/UALICE/F0S43PZDF/error.png",
            }
        ],
    )
    await slack.event(shot)
    asked = (await fake.wait_for("chat.postMessage"))[-1]
    assert "Is this about INC-000001" in text_of(asked.blocks)
    added = await slack.press(asked, "Add to INC-000001")
    assert "Added to INC-000001" in text_of(added.blocks)
    history = text_of((await slack.answer("/incident", "history 1")).blocks)
    assert "https://example.slack.com/files/UALICE/F0S43PZDF/error.png" in history


async def test_same_here_in_the_incidents_thread_joins_it_without_a_mention(slack, fake):
    mention = slack.mention("the VPN is down for the whole office, nobody can work")
    thread = mention["event"]["ts"]
    await slack.event(mention)
    summary = (await fake.wait_for("chat.postMessage"))[0]
    await slack.press(summary, "Confirm")
    sent = len(fake.to("chat.postMessage"))
    await slack.event(slack.thread_reply("same here", thread_ts=thread, user="UCARL"))
    joined = (await fake.wait_for("chat.postMessage", sent + 1))[-1]
    assert (joined.body["channel"], joined.body["thread_ts"]) == ("C111", thread)
    assert "You're on INC-000001 now (2 people affected)" in text_of(joined.blocks)


async def test_a_person_mentioned_in_a_staff_message_is_their_account(slack, fake):
    # Before, "show me the tickets @alice raised" in bob's DM reached the core as
    # "--reporter @UALICE" with no account behind it: "I can't tell who '@UALICE' is".
    await slack.answer("/incident", "open VPN drops every few minutes")  # alice's
    await slack.event(slack.message("show me the tickets <@UALICE> raised", user="UBOB"))
    (listed,) = await fake.wait_for("chat.postMessage")
    assert listed.body["channel"] == "DBOB"
    assert "INC-000001" in text_of(listed.blocks), text_of(listed.blocks)
    await slack.event(slack.message("tell <@UALICE> we are on it", user="UBOB"))
    noted = (await fake.wait_for("chat.postMessage", 2))[1]
    assert "Noted on INC-000001." in text_of(noted.blocks), text_of(noted.blocks)
