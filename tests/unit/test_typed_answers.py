"""How typed replies to the desk's questions are read."""

from __future__ import annotations

import pytest

from bot.intents import IntentKind
from bot.typed_answers import (
    ACK,
    BELONGS_TO,
    brings_news,
    chosen_number,
    more_detail,
    one_that_failed,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("add it to INC-1", 1),
        ("please put this on #12", 12),
        ("it's about INC-000007", 7),
        ("this is part of ticket 3", 3),
        ("belongs to inc 4", 4),
        ("add it to my report", None),
        ("it's about the printer", None),
        ("add it to INC-1 and also the printer jams", None),
    ],
)
def test_a_report_said_to_belong_to_an_incident(text, number):
    found = BELONGS_TO.match(text)
    assert (int(found[1]) if found else None) == number


@pytest.mark.parametrize(
    ("text", "news"),
    [
        ("it is urgent, the auditors arrive at noon and need the reports", True),
        ("i can't work at all", False),
        ("yes but i can use my phone instead for now", False),
        ("what do you mean by affected?", False),
    ],
)
def test_an_answer_that_brings_news(text, news):
    assert brings_news(text, IntentKind.REPORT) is news


def test_a_number_picks_an_option_only_in_range():
    assert [chosen_number(t, 3) for t in ("2", "#3", "4", "12", "two")] == [2, 3, None, None, None]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        # Before, "ok thanks, will do" at the summary was "Added that to your report."
        ("ok thanks, will do", False),
        ("got it, sounds good!", False),
        ("it started after the office move", True),
        ("ok so it also jams on tray 1", True),
    ],
)
def test_an_acknowledgement_is_no_detail(text, detail):
    assert more_detail(text, IntentKind.REPORT) is detail
    assert bool(ACK.match(text)) is not detail


@pytest.mark.parametrize(
    ("text", "count", "failed"),
    [
        ("the first one didnt help", 3, 1),
        ("2nd one did not work", 3, 2),
        ("the last one doesn't fix it", 3, 3),
        ("#2 didn't help", 2, 2),
        ("the third one didn't help", 2, None),  # only two were shown
        ("the first one didn't help", 1, None),  # then nothing else is left to try
        ("that didn't help", 3, None),
    ],
)
def test_one_article_said_not_to_help(text, count, failed):
    assert one_that_failed(text, count) == failed
