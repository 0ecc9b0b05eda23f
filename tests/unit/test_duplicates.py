"""Is a new report the same problem as an open incident?"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import Incident
from bot.services.duplicates import best_match, content_words, named_by, same_topic, similarity

THRESHOLD = 70  # config.yaml's intake.duplicate_threshold


def incident(number: int, summary: str, category: str = "other") -> Incident:
    return Incident(id=number, summary=summary, category=category)


def match(text: str, *candidates: Incident, category: str | None = None, threshold=THRESHOLD):
    found = best_match(text, category, list(candidates), threshold, "other")
    return None if found is None else (found.incident.id, round(found.score))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("the vpn is not working", ["vpn"]),
        ("VPN down for Sales", ["vpn", "sales"]),
        ("Outlook crashes on start", ["outlook"]),
        ("Hi! The printer on floor 2 keeps jamming, please help", ["printer", "floor", "jamming"]),
        ("vpn VPN vpn", ["vpn"]),
        ("the wi-fi is down", ["wi-fi"]),
        ("", []),
        ("it is not working", []),
    ],
)
def test_content_words_keep_what_the_report_is_about(text, words):
    assert content_words(text) == words


def test_a_report_matches_an_incident_about_the_same_thing_in_other_words():
    assert match("the vpn is not working", incident(12, "VPN down for Sales")) == (12, 100)


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("the vpn is dropping for me too", "my vpn keeps disconnecting every few minutes"),
        ("wifi cuts out all the time", "Wi-Fi drops every hour on floor 3"),
        ("teams keeps freezing for me as well", "Teams freezes in every meeting"),
    ],
)
def test_symptoms_and_frequencies_in_other_words_still_match(text, summary):
    assert match(text, incident(7, summary)) is not None


def test_the_same_symptom_about_different_things_does_not_match():
    assert match("the wifi keeps dropping", incident(7, "my vpn keeps disconnecting")) is None


def test_the_same_generic_words_about_different_things_do_not_match():
    assert match("Teams crashes on start", incident(12, "Outlook crashes on start")) is None
    assert similarity(content_words("Teams crashes on start"), ["outlook"]) == 0


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("the printer on floor 2 is jamed", "printer on floor 2 jammed"),
        ("outlok keeps freezing", "Outlook freezing"),
        ("sharepont permisions denied", "SharePoint permissions denied"),
        ("the wifi on floor 3", "Wi-Fi on floor 3 drops"),
    ],
)
def test_typos_still_count(text, summary):
    assert match(text, incident(3, summary)) is not None


@pytest.mark.parametrize("text", ["the vpn is not wokring", "vpn brokn"])
def test_a_typo_in_a_generic_word_does_not_hide_the_duplicate(text):
    assert match(text, incident(12, "VPN down for Sales")) is not None


def test_a_different_top_level_category_is_never_a_duplicate():
    vpn = incident(12, "VPN down for Sales", "network/vpn")
    assert match("the vpn is not working", vpn, category="hardware/laptop") is None
    # Same top level, other sub-category: still comparable.
    assert match("the vpn is not working", vpn, category="network") == (12, 100)
    assert match("the vpn is not working", vpn, category="network/wifi") == (12, 100)


def test_an_unknown_or_default_category_is_compared_with_anything():
    vpn = incident(12, "VPN down for Sales", "network/vpn")
    assert match("the vpn is not working", vpn, category=None) == (12, 100)
    assert match("the vpn is not working", vpn, category="other") == (12, 100)
    unsorted = incident(13, "VPN down for Sales", "other")
    assert match("the vpn is not working", unsorted, category="network/vpn") == (13, 100)


def test_the_newest_wins_a_tie():
    # Candidates come newest first.
    newer, older = incident(8, "VPN is down"), incident(5, "VPN down again")
    assert match("the vpn is not working", newer, older) == (8, 100)
    assert match("the vpn is not working", older, newer) == (5, 100)


def test_a_better_score_beats_a_newer_incident():
    newer = incident(9, "printer in the lobby")
    older = incident(4, "printer on floor 2 jammed")
    assert match("printer on floor 2 jammed", newer, older) == (4, 100)


def test_the_threshold_is_respected():
    half = incident(7, "VPN down for Sales")  # one of the two content words in common
    text = "vpn and wifi down in reception"
    assert similarity(content_words(text), content_words(half.summary)) == 50
    assert match(text, half, threshold=70) is None
    assert match(text, half, threshold=51) is None
    assert match(text, half, threshold=50) == (7, 50)


def test_nothing_to_compare_is_no_match():
    assert match("it is not working", incident(1, "VPN down")) is None
    assert match("the vpn is down") is None


@given(
    st.lists(st.text(alphabet="abcdefgh", min_size=2, max_size=8), max_size=6),
    st.lists(st.text(alphabet="abcdefgh", min_size=2, max_size=8), max_size=6),
)
def test_similarity_is_a_percentage(a, b):
    score = similarity(a, b)
    assert 0 <= score <= 100
    if a:
        assert similarity(a, a) == 100


@given(st.text(max_size=200), st.text(max_size=200))
def test_best_match_never_raises(text, summary):
    found = best_match(text, None, [incident(1, summary)], THRESHOLD, "other")
    assert found is None or THRESHOLD <= found.score <= 100


PRINTER = incident(1, "the printer on floor 2 jams on every page")
OUTLOOK = incident(2, "Outlook crashes when I open the calendar")
PRINTER_TOO = incident(3, "Printer in room 4 prints blank pages")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("any news on my printer ticket?", 1),
        ("what about the outlook one", 2),
        ("cancel the printer one, it works now", 1),
        ("the outlok one is fixed", 2),  # a typo still names it
        ("any news?", None),  # names nothing
        ("cancel my ticket", None),
    ],
)
def test_words_name_one_of_several_incidents(text, named):
    found = named_by(text, [PRINTER, OUTLOOK])
    assert (found.id if found else None) == named


def test_words_that_fit_two_incidents_alike_name_neither():
    assert named_by("the printer one", [PRINTER, OUTLOOK, PRINTER_TOO]) is None
    assert named_by("the printer on floor 2", [PRINTER, OUTLOOK, PRINTER_TOO]) is PRINTER


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("network", "network/wifi", True),
        ("network/wifi", "network/wifi", True),
        ("network/wifi", "network", True),
        ("network/vpn", "network/wifi", False),  # siblings are different things
        ("hardware", "network/wifi", False),
        ("other", "other", False),  # the catch-all says nothing
        (None, "network", False),
    ],
)
def test_same_topic(a, b, same):
    assert same_topic(a, b, "other") is same


def test_an_outage_on_the_reports_topic_is_alike_whatever_its_words():
    """Before, "internet not working" shared no word with "the whole office has no wifi"
    and each report was asked its questions as if nothing was known."""
    outage = Incident(id=7, summary="the whole office has no wifi", category="network/wifi")
    outage.impact = "high"
    found = best_match("internet not working", "network", [outage], THRESHOLD, "other", "high")
    assert found is not None and found.incident is outage
    assert (
        best_match("vpn wont connect", "network/vpn", [outage], THRESHOLD, "other", "high") is None
    )
    outage.impact = "low"  # one person's Wi-Fi trouble is no outage
    assert (
        best_match("internet not working", "network", [outage], THRESHOLD, "other", "high") is None
    )
