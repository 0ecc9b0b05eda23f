"""Reading a report for who is affected, how blocked they are, its category and kind,
with the levels and category keywords of the shipped config.yaml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import load_settings
from bot.services.rules import DeskRules
from bot.services.triage import Reading, Triage
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def triage() -> Triage:
    return DeskRules.from_settings(load_settings(ROOT / "config.yaml")).triage


def test_words_map_to_the_first_middle_and_last_configured_levels(triage):
    # config.yaml lists impact and urgency as high, medium, low.
    assert triage.impact_for == {"many": "high", "team": "medium", "me": "low"}
    assert triage.urgency_for == {"stopped": "high", "slowed": "medium", "can_wait": "low"}


@pytest.mark.parametrize(
    ("text", "impact"),
    [
        ("VPN down for the whole office", "high"),
        ("everyone on floor 3 lost the wifi", "high"),
        ("nobody can print", "high"),
        ("our team can't reach the shared drive", "medium"),
        ("the department lost email", "medium"),
        ("our whole team lost email", "medium"),
        ("it's just me, outlook won't start", "low"),
        ("my laptop won't boot", "low"),
        ("my password expired", "low"),
        ("the printer is jammed", None),
        ("outlook crashes on start", None),
        # A service down somewhere, not for someone: before, asked "Who is affected?".
        ("the wifi is down on floor 3!!", "high"),
        ("internet is out across the building", "high"),
        ("wifi down on the 2nd floor", "high"),
        # ... where a floor only says where the thing is, or where the person is.
        ("the printer on floor 2 is jammed", None),
        ("my vpn is down at the office", None),
    ],
)
def test_impact_is_read_from_the_text(triage, text, impact):
    assert triage.read(text).impact == impact


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("I can't work at all", "high"),
        ("nobody can work", "high"),
        ("this is urgent", "high"),
        ("need it asap, big deadline", "high"),
        # A time this very day: before, asked "Can you still work?" and read "yes" as slowed.
        ("my laptop wont turn on and I have a presentation in 20 min", "high"),
        ("outlook is frozen, client call in 10 minutes", "high"),
        ("I need the projector working for a meeting in half an hour", "high"),
        ("the contract is due today and the printer is jammed", "high"),
        ("my vpn drops every 20 min", None),
        ("my laptop battery drains in an hour", None),  # how fast, not how soon
        ("the screen goes black in 5 minutes if i dont touch it", None),
        ("need the printer working by 3pm for the board pack", "high"),
        ("can this be sorted before 11:30 am?", "high"),
        ("outlook keeps crashing, I need it by noon", "high"),
        ("the printer jams at 3pm every day", None),
        ("outlook is slow", "medium"),
        ("there is a workaround for now", "medium"),
        ("the wifi drops now and then", "medium"),
        ("not urgent", "low"),
        ("the dock is flaky, not urgent", "low"),
        ("no rush, whenever you can", "low"),
        ("minor thing: the monitor flickers", "low"),
        ("the printer is jammed", None),
        ("Teams crashes on start", None),
    ],
)
def test_urgency_is_read_from_the_text(triage, text, urgency):
    assert triage.read(text).urgency == urgency


@pytest.mark.parametrize(
    "text",
    ["the whole team can't log in", "the whole department lost email", "everyone in my team"],
)
def test_a_whole_team_is_team_impact_not_a_whole_site(triage, text):
    assert triage.read(text).impact == "medium"
    assert triage.answer_scope(text) == "medium"


def test_a_parent_and_child_category_tie_still_guesses_the_branch(triage):
    assert triage.category("I'm locked out of my account") in ("access", "access/password")


def test_not_urgent_is_low_urgency_not_high(triage):
    assert triage.read("my monitor flickers, not urgent").urgency == "low"
    assert triage.read("my monitor flickers, urgent").urgency == "high"
    assert triage.answer_blocked("not urgent") == "low"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my vpn keeps dropping", "network/vpn"),
        ("GlobalProtect says the tunnel is down", "network/vpn"),
        ("the wi-fi on floor 3 keeps dropping", "network/wifi"),
        ("no internet connection at my desk", "network"),
        ("Outlook crashes on start", "software/email"),
        ("Teams crashes on start", "software/collaboration"),
        # Before: access/permissions, on "sharepoint" alone.
        ("Excel crashes when opening the budget workbook from SharePoint", "software"),
        ("powerpoint is not responding", "software"),
        ("the printer is out of toner", "hardware/printer"),
        ("printing is stuck in the queue", "hardware/printer"),
        ("blue screen on boot", "hardware/laptop"),
        ("the docking station doesn't charge", "hardware/peripherals"),
        ("I'm locked out after the weekend", "access/password"),
        ("my authenticator shows the wrong code", "access/mfa"),
        ("I think I clicked a scam link", "security/phishing"),
        ("ransomware popup on my screen", "security/malware"),
        ("the coffee machine is empty", None),
    ],
)
def test_the_category_is_guessed_from_the_configured_keywords(triage, text, category):
    assert triage.read(text).category == category


def test_a_tie_between_categories_guesses_nothing(triage):
    assert triage.category("the printer and the vpn both fail") is None
    # Two sub-categories of one branch tied: the branch is still clear.
    assert triage.category("outlook and teams both freeze") == "software"


def test_the_default_category_name_is_not_evidence(triage):
    assert triage.category("some other thing is odd") is None


def test_the_text_wins_over_the_articles_category_hint(triage):
    assert triage.read("vpn broken", "hardware/laptop").category == "network/vpn"
    assert triage.read("it does a strange thing", "hardware/laptop").category == "hardware/laptop"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I need access to the finance shared drive", "request"),
        ("please install Zoom on my laptop", "request"),
        ("can I get a licence for Visio?", "request"),
        ("new starter on Monday needs an account", "request"),
        ("I need help, Zoom is broken", "incident"),
        ("the installer fails with an error", "incident"),
        ("my vpn keeps dropping", "incident"),
    ],
)
def test_the_kind_is_a_request_only_when_nothing_is_broken(triage, text, kind):
    assert triage.read(text).kind == kind


def test_a_report_that_says_everything(triage):
    assert triage.read("VPN down for the whole office, nobody can work") == Reading(
        impact="high", urgency="high", category="network/vpn", kind="incident"
    )


@pytest.mark.parametrize(
    "text", ["something is weird", "hmm", "", "the thing from yesterday again", "see attached"]
)
def test_nothing_is_inferred_when_the_text_does_not_say(triage, text):
    assert triage.read(text) == Reading(None, None, None, "incident")


@pytest.mark.parametrize(
    ("answer", "impact"),
    [
        ("1", "low"),
        ("just me", "low"),
        ("Just me", "low"),
        ("only me", "low"),
        ("it's just me.", "low"),
        ("me", "low"),
        ("2", "medium"),
        ("my team", "medium"),
        ("our team", "medium"),
        ("team", "medium"),
        ("the department", "medium"),
        ("3", "high"),
        ("many", "high"),
        ("everyone", "high"),
        ("whole site", "high"),
        ("the whole office", "high"),
        # as people answer in their own words
        ("me and a colleague", "medium"),
        ("me and my manager", "medium"),
        ("a couple of people", "medium"),
        ("several people", "medium"),
        ("3 of us", "medium"),
        ("about 40 people", "high"),
        ("dozens of users", "high"),
        # a request's "Who is it for?": before, "Sorry, I didn't get that"
        ("for me", "low"),
        ("it's just for me", "low"),
        ("for my team", "medium"),
        ("4", None),
        ("0", None),
        ("purple", None),
        ("not sure", None),
        ("", None),
    ],
)
def test_answers_to_who_is_affected(triage, answer, impact):
    assert triage.answer_scope(answer) == impact


@pytest.mark.parametrize(
    ("answer", "urgency"),
    [
        ("1", "high"),
        ("no", "high"),
        ("stopped", "high"),
        ("I can't work", "high"),
        ("2", "medium"),
        ("yes", "medium"),
        ("slowed down", "medium"),
        ("there's a workaround", "medium"),
        ("3", "low"),
        ("it can wait", "low"),
        ("no rush", "low"),
        ("later", "low"),
        # as people answer in their own words
        ("no i can't", "high"),
        ("nope", "high"),
        ("not really", "high"),
        ("no, totally stuck", "high"),
        ("i'm stuck", "high"),
        ("I can't work around it", "high"),
        ("I can work around it", "medium"),
        ("yeah kind of", "medium"),
        ("sort of", "medium"),
        ("mostly", "medium"),
        ("I can use my phone instead", "medium"),
        ("i can manage", "medium"),
        ("it is slowing me down", "medium"),
        ("it's holding us up", "medium"),
        ("yes, it can wait", "low"),
        # the buttons' words in one's own: before, "Sorry, I didn't get that"
        ("I'm stopped", "high"),
        ("we are blocked", "high"),
        ("im slowed down", "medium"),
        # when it is needed by, the way a request is answered: before, "Sorry, I didn't
        # get that" to "by friday"
        ("by end of day", "high"),
        ("I need it this afternoon", "high"),
        ("by friday", "medium"),
        ("tomorrow please", "medium"),
        ("before Monday", "medium"),
        ("end of the week", "medium"),
        ("next week is fine", "low"),
        # found in use: before, "Sorry, I didn't get that"
        ("today please", "high"),
        ("as soon as you can", "high"),
        ("can you hurry up please", "high"),
        ("no hurry", "low"),
        ("not today, sometime next month", "low"),
        # ... and when it happened is no answer
        ("it started after the office move on monday", None),
        ("it broke today", None),
        ("it started this week", None),
        ("4", None),
        ("banana", None),
        ("", None),
    ],
)
def test_answers_to_can_you_still_work(triage, answer, urgency):
    assert triage.answer_blocked(answer) == urgency


@given(st.text(max_size=500), st.none() | st.sampled_from(["network/vpn", "hardware"]))
def test_reading_never_raises_and_gives_configured_values(triage, text, hint):
    reading = triage.read(text, hint)
    assert reading.impact in (None, "high", "medium", "low")
    assert reading.urgency in (None, "high", "medium", "low")
    assert reading.kind in ("incident", "request")
    assert triage.answer_scope(text) in (None, "high", "medium", "low")
    assert triage.answer_blocked(text) in (None, "high", "medium", "low")


def test_words_only_an_answer_means_do_not_weigh_on_a_report(triage):
    # "stuck" answers "can you still work?"; in a report it is what is wrong, not urgency
    assert triage.read("my print job is stuck in the queue").urgency is None
    assert triage.read("me and a colleague can't print").impact is None


@pytest.mark.parametrize(
    ("text", "impact"),
    [
        ("nobody in sales can get on the vpn, we are all stuck", "medium"),
        ("no one in finance can print", "medium"),
        ("we're all locked out of the crm", "medium"),
        ("nobody in the building can get online", "high"),
        ("no one at the office can log in", "high"),
    ],
)
def test_a_report_that_says_who_is_hit_in_other_words(triage, text, impact):
    assert triage.read(text).impact == impact
