"""Slack's request rules: URL verification, signatures, retried events, the 3-second ack."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from bot.adapters.slack_adapter import build
from bot.runner import NoAdapters, configured_adapters
from tests.adapters.slack.harness import SECRET, fixture, sign


async def test_url_verification_answers_the_challenge(slack):
    payload = fixture("url_verification.json")
    status, body = await slack.event(payload)
    assert status == 200
    assert payload["challenge"] in body


async def test_a_bad_signature_is_refused_and_nothing_runs(slack, fake):
    status, _ = await slack.event(slack.message("my vpn is down"), secret="not-the-secret")
    assert status == 401
    status, _ = await slack.post(
        "command=%2Fincident&text=list&user_id=UALICE&channel_id=C1&trigger_id=t1",
        "application/x-www-form-urlencoded",
        secret="wrong",
    )
    assert status == 401
    await asyncio.sleep(0.2)
    assert fake.calls == []  # not even auth.test: nothing was processed


async def test_a_stale_signature_is_refused(slack, fake):
    ten_minutes_ago = int(time.time()) - 600
    status, _ = await slack.event(slack.message("my vpn is down"), timestamp=ten_minutes_ago)
    assert status == 401
    await asyncio.sleep(0.2)
    assert fake.calls == []


def test_the_signature_matches_slacks_published_vector():
    vector = fixture("signature_vector.json")
    body = fixture(vector["body_file"])
    expected = vector["x-slack-signature"]
    assert sign(vector["signing_secret"], vector["x-slack-request-timestamp"], body) == expected


async def test_a_retried_event_is_processed_once(slack, fake):
    event = slack.message("the printer on floor 2 jams on every page")
    status, _ = await slack.event(event)
    assert status == 200
    await fake.wait_for("chat.postMessage")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, _ = await slack.event(event, headers=retry)
    assert status == 200
    await asyncio.sleep(0.5)
    assert len(fake.to("chat.postMessage")) == 1


async def test_commands_are_acknowledged_before_the_work_is_done(slack, fake):
    """The HTTP answer comes back empty (the ack); the result follows on response_url."""
    fields = (
        "command=%2Fhelp&text=&user_id=UALICE&channel_id=C111&channel_name=general"
        f"&trigger_id=t.ack&response_url={fake.response_url('ack')}"
    )
    status, body = await slack.post(fields, "application/x-www-form-urlencoded")
    assert status == 200
    assert body == ""
    answer = (await fake.wait_for("respond", key="ack"))[0]
    assert "Deskbot commands" in json.dumps(answer.body)


def test_no_adapter_without_tokens(core, settings):
    assert build(core, settings, {}) is None
    with pytest.raises(NoAdapters, match="neither SLACK_SIGNING_SECRET"):
        build(core, settings, {"SLACK_BOT_TOKEN": "xoxb-x"})  # half of it is said, not skipped
    assert build(core, settings, {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": SECRET})
    socket = build(core, settings, {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket is not None and socket.app_token == "xapp-1"


def test_deskbot_run_finds_the_slack_adapter(core, settings):
    env = {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": SECRET}
    found = [a for a in configured_adapters(core, settings, env) if a.platform == "slack"]
    assert len(found) == 1
    assert found[0].sender.platform == "slack"
