"""config.yaml's `reports:` section: its defaults, and a bad value named with what is expected."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.config import load_settings, parse_settings
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "desk-config.yaml"


@pytest.fixture
def raw():
    return copy.deepcopy(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")))


def test_the_shipped_reports_section():
    reports = load_settings(ROOT / "config.yaml").reports
    assert (reports.timezone, reports.charts) == ("UTC", "reports")
    digest = reports.digest
    assert (digest.enabled, digest.day, digest.hour, digest.channel) == (
        False,
        "mon",
        9,
        "it-status",
    )


def test_the_section_is_optional(raw):
    del raw["reports"]
    reports = parse_settings(raw).reports
    assert (reports.timezone, reports.digest.enabled, reports.digest.channel) == (
        "UTC",
        False,
        None,
    )


def test_an_enabled_digest_in_a_zone_of_its_own(raw):
    raw["reports"] = {
        "timezone": "Europe/Berlin",
        "digest": {"enabled": True, "day": "Fri", "hour": 16, "channel": "all-staff"},
    }
    reports = parse_settings(raw).reports
    assert (reports.timezone, reports.digest.day, reports.digest.hour) == (
        "Europe/Berlin",
        "fri",
        16,
    )


@pytest.mark.parametrize(
    ("section", "key", "words"),
    [
        ({"timezone": "Mars/Olympus"}, "reports.timezone", ["IANA time zone", "'Mars/Olympus'"]),
        ({"digest": {"day": "funday"}}, "reports.digest.day", ["mon, tue", "'funday'"]),
        ({"digest": {"hour": 24}}, "reports.digest.hour", ["less than or equal to 23"]),
        ({"digest": {"hour": -1}}, "reports.digest.hour", ["greater than or equal to 0"]),
        (
            {"digest": {"enabled": True, "channel": "status"}},
            "reports.digest.channel",
            ["one of the broadcast channels (it-status, all-staff)"],
        ),
        (
            {"digest": {"enabled": True}},
            "reports.digest.channel",
            ["a broadcast channel to post the digest in (it-status, all-staff)"],
        ),
        ({"digest": {"weekday": "mon"}}, "reports.digest.weekday", ["no such key"]),
        ({"colour": "red"}, "reports.colour", ["no such key"]),
    ],
)
def test_a_bad_reports_section_names_the_key_and_what_is_expected(raw, section, key, words):
    raw["reports"] = section
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source=SOURCE)
    assert caught.value.key == key
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: {key}: expected ")
    for word in words:
        assert word in message


def test_a_disabled_digest_may_name_a_channel_that_is_gone(raw):
    raw["bulletins"]["channels"] = {"sales": {"slack": "C0SALES"}}
    assert parse_settings(raw).reports.digest.channel == "it-status"  # it posts nothing
    raw["reports"]["digest"]["enabled"] = True
    with pytest.raises(ConfigError, match=r"one of the broadcast channels \(sales\)"):
        parse_settings(raw, source=SOURCE)


def test_a_digest_channel_needs_broadcast_channels_to_exist(raw):
    raw["bulletins"]["channels"] = {}
    raw["reports"] = {"digest": {"enabled": True, "channel": "it-status"}}
    with pytest.raises(ConfigError, match="none yet: add one under bulletins"):
        parse_settings(raw, source=SOURCE)
