"""The `sla` section of config.yaml, and the policy's due times, thresholds and checks."""

from __future__ import annotations

import copy
import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bot.config import parse_settings
from bot.errors import ConfigError
from bot.models import Incident, SlaClock
from bot.services.sla import RESOLUTION, RESPONSE, SlaPolicy

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


@pytest.fixture
def raw_config():
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def with_sla(raw: dict, **sla: object):
    raw = copy.deepcopy(raw)
    return parse_settings({**raw, "sla": sla})


def incident(policy: SlaPolicy, priority: str = "P3", group: str = "service-desk") -> Incident:
    due = policy.due_times(priority, MONDAY, group)
    found = Incident(
        state="new",
        priority=priority,
        group=group,
        opened_at=MONDAY,
        response_due_at=due.response,
        resolution_due_at=due.resolution,
        sla_paused_seconds=0,
        clock=SlaClock(response_stage=0, resolution_stage=0),
    )
    found.clock.next_check_at = policy.next_check(found)
    return found


def test_the_shipped_config_warns_at_75_and_90_percent_around_the_clock(settings):
    assert settings.sla.warn_at == [0.75, 0.9]
    assert settings.sla.business_hours == {}
    assert (settings.sla.escalate_unclaimed, settings.sla.escalate_breached) == (False, [])
    assert SlaPolicy(settings).thresholds == (0.75, 0.9, 1.0)


@pytest.mark.parametrize(
    ("sla", "key", "expected"),
    [
        ({"warn_at": [0.9, 0.75]}, "sla.warn_at", "increasing order"),
        ({"warn_at": [1.5]}, "sla.warn_at", "between 0 and 1"),
        ({"business_hours": {"nope": {}}}, "sla.business_hours.nope", "one of the groups"),
        (
            {"business_hours": {"network": {"timezone": "Mars/Base"}}},
            "sla.business_hours.network.timezone",
            "IANA time zone",
        ),
        (
            {"business_hours": {"network": {"hours": "17:00-09:00"}}},
            "sla.business_hours.network.hours",
            "start before end",
        ),
        (
            {"business_hours": {"network": {"days": ["mon", "funday"]}}},
            "sla.business_hours.network.days",
            "weekdays from mon",
        ),
        ({"escalate_breached": ["P9"]}, "sla.escalate_breached", "priorities from P1"),
        ({"holidays": ["2026-13-01"]}, "sla.holidays.0", "valid date"),
        ({"warn_soon": True}, "sla.warn_soon", "no such key"),
        ({"digest_above": 0}, "sla.digest_above", "greater than or equal to 1"),
    ],
)
def test_a_bad_sla_section_is_refused_naming_the_key(raw_config, sla, key, expected):
    with pytest.raises(ConfigError) as caught:
        with_sla(raw_config, **sla)
    assert f": {key}: expected" in str(caught.value)
    assert expected in str(caught.value)


def test_due_times_count_the_groups_working_hours(raw_config):
    hours = {"timezone": "Europe/Berlin", "hours": "09:00-17:00"}
    policy = SlaPolicy(
        with_sla(raw_config, business_hours={"network": hours}, holidays=["2026-11-24"])
    )
    desk = policy.due_times("P3", MONDAY, "service-desk")  # around the clock
    assert (desk.response, desk.resolution) == (MONDAY + timedelta(hours=2), MONDAY + timedelta(1))
    network = policy.due_times("P3", MONDAY, "network")  # 2h and 1d of working time
    assert network.response == MONDAY + timedelta(hours=2)
    # 24 working hours: Mon 8h, Tue is a holiday, Wed 8h, Thu 8h -> Thu 17:00 Berlin.
    assert network.resolution == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert policy.calendar("network").holidays == {date(2026, 11, 24)}


def test_paused_time_moves_only_the_resolution(settings):
    policy = SlaPolicy(settings)
    due = policy.due_times("P3", MONDAY, "service-desk", paused=3600)
    assert due.response == MONDAY + timedelta(hours=2)
    assert due.resolution == MONDAY + timedelta(days=1, hours=1)


def test_thresholds_and_the_next_check(settings):
    policy = SlaPolicy(settings)
    found = incident(policy)  # P3: response 2h, resolution 1d
    assert policy.running(found) == [RESPONSE, RESOLUTION]
    assert found.clock.next_check_at == MONDAY + timedelta(minutes=90)  # 75% of 2h
    assert policy.crossed(found, RESPONSE, MONDAY + timedelta(minutes=89)) == 0
    assert policy.crossed(found, RESPONSE, MONDAY + timedelta(minutes=108)) == 2
    assert policy.crossed(found, RESPONSE, MONDAY + timedelta(hours=2)) == 3
    found.clock.response_stage = 3
    assert policy.next_check(found) == MONDAY + timedelta(hours=18)  # 75% of 1d
    found.responded_at = MONDAY
    assert policy.running(found) == [RESOLUTION]
    found.state, found.pending_on = "pending", "reporter"
    policy.track(found, "in_progress", MONDAY + timedelta(hours=1))  # as the service does
    assert found.sla_paused_since == MONDAY + timedelta(hours=1)
    assert policy.running(found) == []
    assert policy.next_check(found) is None


def test_warning_fractions_come_from_the_config(raw_config):
    policy = SlaPolicy(with_sla(raw_config, warn_at=[0.5]))
    assert policy.thresholds == (0.5, 1.0)
    assert incident(policy).clock.next_check_at == MONDAY + timedelta(hours=1)


@functools.cache
def shipped_policy(business_hours: bool) -> SlaPolicy:
    """config.yaml's policy, with 09:00-17:00 Berlin hours for service-desk if asked."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    hours = {"timezone": "Europe/Berlin", "hours": "09:00-17:00"}
    return SlaPolicy(
        with_sla(raw, **({"business_hours": {"service-desk": hours}} if business_hours else {}))
    )


@examples(max_examples=300, deadline=None)
@given(
    priority=st.sampled_from(["P1", "P2", "P3", "P4", "P5"]),
    state=st.sampled_from(["new", "assigned", "in_progress", "pending", "resolved"]),
    responded=st.booleans(),
    stages=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    paused_s=st.integers(0, 3 * 86400),
    hours_later=st.floats(0, 400),
    business_hours=st.booleans(),
)
def test_progress_agrees_with_crossed_and_next_check(
    priority, state, responded, stages, paused_s, hours_later, business_hours
):
    """The sweep's one-pass `progress` says what `crossed` and `next_check` say."""
    policy = shipped_policy(business_hours)
    found = incident(policy, priority)
    found.state = state
    found.responded_at = MONDAY if responded else None
    found.clock.response_stage, found.clock.resolution_stage = stages
    found.sla_paused_seconds = paused_s
    now = MONDAY + timedelta(hours=hours_later)

    crossed, next_check = policy.progress(found, now)

    expected = {}
    for clock in policy.running(found):
        count = policy.crossed(found, clock, now)
        stage = found.clock.response_stage if clock == RESPONSE else found.clock.resolution_stage
        if count > stage:
            expected[clock] = count
    assert crossed == expected
    for clock, count in crossed.items():  # reported: the next check looks past them
        setattr(found.clock, "response_stage" if clock == RESPONSE else "resolution_stage", count)
    assert next_check == policy.next_check(found)
