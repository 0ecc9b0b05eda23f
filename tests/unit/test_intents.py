"""The intent recogniser: what a plain chat message to the desk is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ids import MAX_ID
from bot.intents import (
    Intent,
    IntentKind,
    asks_to_cancel,
    fixed_but,
    leaving,
    leaving_bulletin,
    me_too,
    me_too_on,
    mentions_incident,
    named_no_longer_needed,
    no_longer_needed,
    only_a_link,
    recognise,
    reopen_request,
    said_besides,
    split_at_besides,
    verdict_on_fix,
    without_lead_in,
    works_again,
)

REPORT, PROGRESS, HELP = IntentKind.REPORT, IntentKind.PROGRESS, IntentKind.HELP
GREETING, THANKS, UNCLEAR = IntentKind.GREETING, IntentKind.THANKS, IntentKind.UNCLEAR

# (message, kind, incident it names)
TABLE = [
    # Problem reports, with or without pleasantries in front.
    ("the wifi on floor 3 keeps dropping", REPORT, None),
    ("my vpn keeps dropping", REPORT, None),
    ("hi, my vpn keeps dropping", REPORT, None),
    ("Good morning! Outlook crashes every time I open it", REPORT, None),
    ("Hello there, I can't log in to my laptop", REPORT, None),
    ("hey, printer broken", REPORT, None),
    ("sorry, quick question: my screen went black", REPORT, None),
    ("I need a new laptop for a new starter", REPORT, None),
    ("the printer on the 2nd floor is out of toner again", REPORT, None),
    ("VPN down for the whole office, nobody can work", REPORT, None),
    ("thanks, but the vpn is still down", REPORT, None),
    ("Hi, thanks for fixing INC-42 but it is broken again", REPORT, 42),
    # Questions about progress.
    ("any news on INC-42?", PROGRESS, 42),
    # found in use: once opened, "what happens now?" was asked "a note, or a new problem?"
    ("what happens now?", PROGRESS, None),
    ("ok what's next", PROGRESS, None),
    ("so what do i do now?", PROGRESS, None),
    ("my laptop won't boot, what do i do now?", REPORT, None),
    ("Any update on INC-000042", PROGRESS, 42),
    ("hi, any news on INC-7?", PROGRESS, 7),
    ("is anyone working on ticket 12?", PROGRESS, 12),
    ("#42?", PROGRESS, 42),
    ("INC-7", PROGRESS, 7),
    ("what's happening with my ticket", PROGRESS, None),
    ("what's the status of my ticket?", PROGRESS, None),
    ("my tickets", PROGRESS, None),
    ("show me my open tickets", PROGRESS, None),
    # before, each began a report
    ("what tickets do i have open?", PROGRESS, None),
    ("do i have any open tickets?", PROGRESS, None),
    ("what tickets have i raised?", PROGRESS, None),
    ("all my tickets", PROGRESS, None),
    ("any update?", PROGRESS, None),
    # a request's progress: before, "a note, or a new problem?"
    ("has it been approved yet?", PROGRESS, None),
    ("has my new laptop been ordered?", PROGRESS, None),
    ("is my access set up yet", PROGRESS, None),
    ("who is working on INC-1", PROGRESS, 1),
    ("is someone looking at my printer ticket", PROGRESS, None),
    ("how is my laptop request going", PROGRESS, None),
    ("has anyone picked up my ticket", PROGRESS, None),
    ("update pls", PROGRESS, None),
    ("whats the latest on my ticket", PROGRESS, None),
    ("who's looking into it?", PROGRESS, None),
    ("what is in my queue?", PROGRESS, None),
    ("show me INC-1", PROGRESS, 1),
    ("tell me about ticket 12", PROGRESS, 12),
    ("can you pull up INC-42 for me", PROGRESS, 42),
    # A question about "it" is about the person's ticket (before: reports).
    ("when will it be fixed?", PROGRESS, None),
    ("how long will it take?", PROGRESS, None),
    ("is anyone looking at this?", PROGRESS, None),
    ("has anyone looked at it yet", PROGRESS, None),
    # ... and reports that look like them.
    ("nobody is looking at the printer on floor 2 and it's broken", REPORT, None),
    ("I need an update to my laptop's software", REPORT, None),
    ("show me how to fix INC-42 myself, the vpn is down again", REPORT, 42),
    ("the print queue is stuck on my laptop", REPORT, None),
    ("when will it be fixed, my vpn drops every hour", REPORT, None),
    ("how long will it take to get access to the finance drive", REPORT, None),
    # Questions about a priority (before: "what does P4 mean" was a report).
    ("what does P4 mean", IntentKind.PRIORITY, None),
    ("whats a p1?", IntentKind.PRIORITY, None),
    ("what is the sla for a P2", IntentKind.PRIORITY, None),
    # Who works where (before: not understood, or a report).
    ("who's on the network team?", IntentKind.TEAM, None),
    ("who is in my team", IntentKind.TEAM, None),
    ("what teams are there?", IntentKind.TEAM, None),
    ("can i change the title of my ticket?", IntentKind.CHANGE, None),
    ("can you fix it?", REPORT, None),
    ("who is on the printer team and why is it always broken", REPORT, None),
    ("my p4 ticket is still not fixed", REPORT, None),
    # Found by asking as an employee (before: a report each, or articles).
    ("is there a problem with email right now?", IntentKind.STATUS, None),
    ("are there any issues with teams today", IntentKind.STATUS, None),
    # Whether a service, or their own problem, is fixed (before: not understood, a report).
    ("is email fixed?", IntentKind.STATUS, None),
    ("is the wifi back up yet", IntentKind.STATUS, None),
    ("is it resolved", PROGRESS, None),
    ("is my laptop fixed?", PROGRESS, None),
    ("has my printer been repaired", PROGRESS, None),
    ("I reported something yesterday but never heard back", PROGRESS, None),
    ("i raised a ticket last week and nobody has replied", PROGRESS, None),
    ("thanks for fixing my laptop yesterday", THANKS, None),
    ("thank you so much for your help earlier!", THANKS, None),
    ("thanks for fixing it but the vpn is down again", REPORT, None),
    # Asking for a person or a call, and complaints (before: reports).
    ("can someone call me?", IntentKind.CONTACT, None),
    ("do you have a phone number?", IntentKind.CONTACT, None),
    ("can someone call me, my laptop is dead", REPORT, None),
    # Asking for one's ticket to be hurried.
    ("can you make INC-1 urgent? i need to print contracts today", IntentKind.HURRY, 1),
    ("please escalate my ticket, nobody has replied", IntentKind.HURRY, None),
    ("can I change the priority of my ticket", IntentKind.HURRY, None),
    # an employee asking for a priority by name (before: added to a report of their own)
    ("make INC-1 a P2", IntentKind.HURRY, 1),
    ("make my ticket a p1", IntentKind.HURRY, None),
    # before, each was asked "a note, or a new problem?"
    ("can I speed this up?", IntentKind.HURRY, None),
    ("is there any way to get it fixed sooner", IntentKind.HURRY, None),
    ("who do I talk to about this?", IntentKind.CONTACT, None),
    ("the printer is urgent, it jams", REPORT, None),
    ("my escalation to my manager failed", REPORT, None),
    # Naming one's incident by what it is about.
    ("what about the outlook one", PROGRESS, None),
    ("any news on my printer ticket?", PROGRESS, None),
    ("what about the printer, it jams again", REPORT, None),
    ("who is on call tonight?", IntentKind.CONTACT, None),
    # asking for help before saying what is wrong (before: reports matched on "laptop",
    # "question" or "problem")
    ("hello, can anyone help me?", IntentKind.OPENER, None),
    ("I have a question about my laptop", IntentKind.OPENER, None),
    ("can you help me with outlook?", IntentKind.OPENER, None),
    ("got a problem with teams", IntentKind.OPENER, None),
    ("can you help me with my laptop that wont start", REPORT, None),
    ("i need help with a password reset", REPORT, None),
    # asking for the desk's managers (before: reports, and "Sorry" while one was drafted)
    ("who is the IT manager?", IntentKind.CONTACT, None),
    ("can I speak to a manager?", IntentKind.CONTACT, None),
    ("who's in charge of the service desk?", IntentKind.CONTACT, None),
    ("my manager needs access to the finance drive", REPORT, None),
    ("who is the lead on INC-4?", PROGRESS, 4),
    ("the vpn doesnt work after hours", REPORT, None),
    # How files reach the desk; sharing a big file is a problem of its own.
    ("can I add a screenshot?", IntentKind.FILES, None),
    ("how do i send you a photo of the error", IntentKind.FILES, None),
    ("can i attach a file to my ticket", IntentKind.FILES, None),
    ("how do i share a big file with a client", REPORT, None),
    ("my screenshot tool crashes", REPORT, None),
    ("I want to complain about how my last ticket was handled", IntentKind.COMPLAINT, None),
    ("not happy with how INC-4 went", IntentKind.COMPLAINT, 4),
    ("not happy with how my laptop keeps crashing", REPORT, None),
    # Calls for help.
    ("help", HELP, None),
    ("Help!", HELP, None),
    ("what can you do?", HELP, None),
    ("how does this work", HELP, None),
    ("?", HELP, None),
    # Small talk.
    ("hi", GREETING, None),
    ("Hello!", GREETING, None),
    ("good morning", GREETING, None),
    ("hey there", GREETING, None),
    ("hello? anyone there?", GREETING, None),  # before: unclear
    ("is anybody there", GREETING, None),
    ("thanks", THANKS, None),
    ("Thank you so much!", THANKS, None),
    ("cheers", THANKS, None),
    ("ok thanks, bye", THANKS, None),
    ("hi, thanks", THANKS, None),
    # Unclear.
    ("hmm", UNCLEAR, None),
    ("lol", UNCLEAR, None),
    ("printer", UNCLEAR, None),
    # A short question naming an incident is about it: before, "who reported INC-2?"
    # began a report.
    ("who reported INC-2?", PROGRESS, 2),
    ("when was INC-7 opened", PROGRESS, 7),
    ("why is #12 still not fixed?", PROGRESS, 12),
    # A link's parts are no words: before, "https intranet example com page" was a report.
    ("https://intranet.example.com/some/page", UNCLEAR, None),
    ("look at this https://x.example/a", UNCLEAR, None),
    ("this page wont load https://intranet.example.com/x", REPORT, None),
    ("", UNCLEAR, None),
    ("   ", UNCLEAR, None),
]


@pytest.mark.parametrize(("text", "kind", "incident"), TABLE)
def test_recognise_reads_realistic_messages(text, kind, incident):
    intent = recognise(text)
    assert (intent.kind, intent.incident) == (kind, incident)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("hi, my vpn keeps dropping", "my vpn keeps dropping"),
        ("Hi there! The printer on floor 2 is jammed", "The printer on floor 2 is jammed"),
        ("Good morning, please: Outlook won't open", "Outlook won't open"),
        ("the wifi keeps dropping", "the wifi keeps dropping"),
    ],
)
def test_a_report_keeps_its_text_without_the_greeting(text, rest):
    assert recognise(text) == Intent(REPORT, None, rest)


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("https://intranet.example.com/page", True),
        ("<https://x.example/a|the page>", True),
        (" http://x.example ", True),
        ("see https://x.example/a", False),
        ("", False),
    ],
)
def test_only_a_link(text, alone):
    assert only_a_link(text) is alone


def test_a_greeting_alone_has_no_text():
    assert recognise("Good morning!") == Intent(GREETING, None, "")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("INC-000042 is still broken", 42),
        ("about #42", 42),
        ("ticket 42", 42),
        ("inc42", 42),
        ("Ticket #0007", 7),
        ("nothing here", None),
        ("INC-0", None),
        (f"INC-{MAX_ID + 1}", None),
        ("floor 3", None),
    ],
)
def test_mentions_incident(text, number):
    assert mentions_incident(text) == number


def test_a_question_about_a_service_is_not_a_progress_question():
    assert recognise("status of the VPN?").kind != PROGRESS


@given(st.text())
def test_recognise_never_raises_and_always_answers(text):
    intent = recognise(text)
    assert isinstance(intent.kind, IntentKind)
    assert intent.incident is None or 0 < intent.incident <= MAX_ID
    assert intent.text in text


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_mentions_incident_never_raises(text):
    number = mentions_incident(text)
    assert number is None or 0 < number <= MAX_ID


@given(
    st.sampled_from(["hi", "hello", "Good morning", "hey there", "please"]),
    st.sampled_from([t for t, kind, _ in TABLE if kind in (REPORT, PROGRESS) and t[0] != "#"]),
)
def test_a_greeting_in_front_changes_nothing(greeting, text):
    plain, greeted = recognise(text), recognise(f"{greeting}, {text}")
    assert (greeted.kind, greeted.incident) == (plain.kind, plain.incident)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("thanks it works", True),
        ("yes it works again", True),
        ("all good thanks", True),
        ("yep", True),
        ("no, still jams", False),
        ("it doesn't work", False),
        ("it crashed again", False),
        ("same problem", False),
        ("ok", None),  # an acknowledgement as often as a yes
        ("is it fixed?", None),
        ("did INC-4 work", None),
        ("it works but now my monitor flickers every few seconds", None),
        ("hmm", None),
        # a new problem that happens to say "working": more than the verdict in it
        ("my laptop is working slowly", None),
        ("the scanner is not working either", None),
    ],
)
def test_a_short_word_on_a_fix(text, fixed):
    assert verdict_on_fix(text) is fixed


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("never mind, it works now", True),
        ("ignore that, fixed it myself", True),
        ("everything is fine again, thanks", True),
        ("please cancel my ticket", True),
        ("the printer works now but the scanner is broken and the dock too, any idea why", False),
        ("can you cancel my ticket?", True),  # a request, question mark or not
        ("is it working now?", False),
        ("it still doesn't work", False),
        # "it" on its own, from the start: before, these were details of the report
        ("ok can you cancel it, found a spare one", True),
        ("ok I removed and re-added it, seems fine now", True),
        ("the screen looks fine but the sound doesn't work", False),
        ("please cancel that", True),
        ("actually, scrap this", True),
        ("you can cancel it now thanks", True),
        ("teams crashes when i cancel it", False),
        ("cancel that meeting invite for me", False),
    ],
)
def test_saying_an_incident_is_no_longer_needed(text, gone):
    assert no_longer_needed(text) is gone


@given(st.text(max_size=300))
def test_reading_a_short_word_never_raises(text):
    assert verdict_on_fix(text) in (True, False, None)
    assert no_longer_needed(text) in (True, False)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("you can close INC-1, it fixed itself", 1),
        ("please close ticket 42", 42),
        ("never mind about #7, it works now", 7),
        ("any news on INC-1?", None),
        ("INC-1 is still broken", None),
        ("never mind, it works now", None),  # names none: the followed one is meant
    ],
)
def test_a_named_incident_said_to_be_no_longer_needed(text, named):
    assert named_no_longer_needed(text) == named


@pytest.mark.parametrize(
    ("text", "works"),
    [
        ("never mind, it works now", True),
        ("thanks, it's working now", True),
        ("it fixed itself", True),
        ("cancel my ticket", False),
        ("never mind", False),
        ("no longer need it, I got a new laptop", False),
    ],
)
def test_works_again_is_told_apart_from_a_ticket_that_can_go(text, works):
    assert works_again(text) is works
    assert no_longer_needed(text)  # each of them offers to cancel


@pytest.mark.parametrize(
    "text",
    ["the vpn is not working again", "vpn isnt working again", "printer stopped working again"],
)
def test_not_working_again_is_the_opposite_of_working_again(text):
    # Before, "not working again" read as "working again": an offer to cancel.
    assert not works_again(text)
    assert not no_longer_needed(text)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("same here", ""),
        ("Me too!", ""),
        ("+1", ""),
        ("me too, can't print either", "can't print either"),
        ("same problem with the scanner", None),  # the same trouble elsewhere
        ("sametime is broken", None),
        ("+10", None),
    ],
)
def test_me_too_says_what_else_was_said(text, rest):
    assert me_too(text) == rest


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("please cancel my ticket, it works now", True),
        ("you can close INC-1, it fixed itself", True),
        ("it works now!", False),
        ("fixed it myself", False),
    ],
)
def test_asking_for_an_incident_to_go_is_told_from_saying_it_works(text, asks):
    assert asks_to_cancel(text) is asks


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("reopen INC-1 its jamming again", (1, "its jamming again")),
        ("please reopen #12, still broken", (12, "still broken")),
        ("can you reopen my ticket?", (None, "")),
        ("re-open the incident please: tray 1 now", (None, "tray 1 now")),
        ("the reopen button does nothing", None),
        ("why did you reopen INC-1", None),
    ],
)
def test_a_request_to_reopen(text, asked):
    assert reopen_request(text) == asked


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("same problem as INC-1 here", (1, "")),
        ("I have the same issue as #4, since this morning", (4, "since this morning")),
        ("me too on INC-000012", (12, "")),
        ("add me to INC-3 please", (3, "please")),
        ("INC-7 affects me too", (7, "")),
        ("same problem with the scanner", None),
        ("is INC-1 the same problem as mine?", None),
        ("same here", None),  # no incident named: the thread's, if any
    ],
)
def test_a_me_too_can_name_its_incident(text, found):
    assert me_too_on(text) == found


@pytest.mark.parametrize(
    ("text", "besides", "alone"),
    [
        ("also my second monitor is not detected", True, "My second monitor is not detected"),
        ("oh and teams won't start either", True, "Teams won't start either"),
        ("btw, outlook crashes too", True, "Outlook crashes too"),
        ("my headset doesn't work as well", True, "my headset doesn't work as well"),
        ("it started after the update", False, "it started after the update"),
        ("the printer is jammed", False, "the printer is jammed"),
        ("i tried a different cable", False, "i tried a different cable"),
    ],
)
def test_a_second_thing_said_and_what_it_is_alone(text, besides, alone):
    assert said_besides(text) is besides
    assert without_lead_in(text) == alone


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "my laptop is slow, also outlook keeps crashing",
            ("my laptop is slow", "Outlook keeps crashing"),
        ),
        ("printer jams. Also my monitor flickers", ("printer jams", "My monitor flickers")),
        ("outlook crashes btw the printer is jammed", ("outlook crashes", "The printer is jammed")),
        ("also my monitor is not detected", None),  # nothing before it
        ("the printer is jammed", None),
    ],
)
def test_where_a_message_goes_on_to_something_else(text, parts):
    assert split_at_besides(text) == parts


@pytest.mark.parametrize(
    ("text", "besides"),
    [
        ("it works but it's really slow now", "it's really slow now"),
        ("yes thanks, but now outlook crashes", "now outlook crashes"),
        ("yes but it still jams", None),  # no fix at all
        ("it works, but thanks anyway", None),  # nothing wrong besides
        ("no but the screen flickers", None),  # not confirmed
        ("my laptop works but teams is slow", "teams is slow"),
    ],
)
def test_a_fix_confirmed_with_a_new_problem_after_but(text, besides):
    assert fixed_but(text) == besides


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("I need help with my laptop", "my laptop"),
        ("having trouble with the printer", "the printer"),
        ("I have a problem", ""),
    ],
)
def test_an_opener_keeps_the_topic_it_names(text, topic):
    assert recognise(text) == Intent(IntentKind.OPENER, None, topic)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("take me off INC-12", 12),
        ("please remove me from #4", 4),
        ("take me off the list for INC-3 please", 3),
        ("I'm not affected by INC-000007 anymore", 7),
        ("INC-9 doesn't affect me any more", 9),
        ("it no longer affects me", 0),
        ("remove me from it", 0),
        ("remove me from the distribution list", None),
        ("it doesn't affect me but my team can't print", None),
        ("take me off", None),
    ],
)
def test_leaving_an_incident(text, number):
    assert leaving(text) == number


def test_leaving_a_bulletins_list():
    assert leaving_bulletin("take me off BUL-2") == 2
    assert leaving_bulletin("please remove me from the list for bulletin 7") == 7
    assert leaving_bulletin("take me off INC-2") is None
    assert works_again("it works for me now") and works_again("working for us again")
