"""Counts in replies read as English: no "1 incident(s)"."""

from __future__ import annotations

import pytest

from bot.wording import counted, times


@pytest.mark.parametrize(
    ("count", "noun", "plural", "said"),
    [
        (0, "incident", None, "0 incidents"),
        (1, "incident", None, "1 incident"),
        (2, "open incident", None, "2 open incidents"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
    ],
)
def test_a_count_takes_the_noun_in_its_number(count, noun, plural, said):
    assert counted(count, noun, plural) == said


def test_how_often_is_said_in_words_for_once_and_twice():
    assert [times(n) for n in (1, 2, 3)] == ["once", "twice", "3 times"]
