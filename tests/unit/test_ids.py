"""Incident ids as people write them, and as Deskbot shows them."""

from __future__ import annotations

import pytest

from bot.errors import BadArguments, DeskError
from bot.ids import MAX_ID, format_id, parse_id


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        ("INC-42", 42),
        ("inc-42", 42),
        ("Inc-42", 42),
        ("INC42", 42),
        ("inc-000042", 42),
        ("INC-000042", 42),
        ("#42", 42),
        ("inc#42", 42),
        ("INC-#42", 42),
        (" 42 ", 42),
        ("\t#42\n", 42),
        ("0042", 42),
        ("1", 1),
        ("INC-000001", 1),
        (str(MAX_ID), MAX_ID),
        (f"INC-{MAX_ID}", MAX_ID),
    ],
)
def test_parse_id_accepts_the_ways_people_write_ids(text, number):
    assert parse_id(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0",
        "000",
        "INC-0",
        "-1",
        "abc",
        "INC-",
        "INC",
        "#",
        "42a",
        "a42",
        "4 2",
        "INC-99999999999",
        "99999999999",
        str(MAX_ID + 1),
        "1.5",
        "+42",
        "42#",
        "INC--42",
        "##42",
        "REQ-42",
    ],
)
def test_parse_id_refuses_what_is_not_an_id_and_says_what_is_accepted(text):
    with pytest.raises(BadArguments) as caught:
        parse_id(text)
    message = str(caught.value)
    assert "is not an incident id" in message
    for form in ("42", "#42", "INC-42", "INC-000042"):
        assert form in message
    assert isinstance(caught.value, DeskError)


def test_parse_id_quotes_what_was_written_but_shortens_a_long_text():
    with pytest.raises(BadArguments) as caught:
        parse_id("x" * 500)
    message = str(caught.value)
    assert "x" * 40 + "…" in message
    assert "x" * 41 not in message


def test_format_id_pads_to_six_digits():
    assert format_id(42) == "INC-000042"
    assert format_id(1) == "INC-000001"
    assert format_id(123456) == "INC-123456"
    assert format_id(1234567) == "INC-1234567"


@pytest.mark.parametrize("number", [1, 7, 42, 999_999, 1_000_000, 123_456_789, MAX_ID])
def test_format_then_parse_round_trips(number):
    assert parse_id(format_id(number)) == number
    assert parse_id(format_id(number).lower()) == number
    assert parse_id(f"#{number}") == number
