"""Bulletins in Slack: posted to every mapped channel, edited in place by ts, a
rate-limited channel retried while the others go on, and a report deflected."""

from __future__ import annotations

import asyncio

import pytest
import yaml

from bot.config import Settings, parse_settings
from bot.scheduler import Scheduler
from tests.adapters.slack.harness import buttons, deliver, slack_deliverer, text_of
from tests.conftest import ROOT

STATUS, ALL, FLOOR = "C0STATUS", "C0ALLSTAFF", "C0FLOOR2"
POST = "post Email is down for everyone --severity major --service email"


@pytest.fixture(scope="module")
def settings() -> Settings:
    """Slack ids for bob (agent) and carol (manager), and three broadcast channels."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["staff"]["bob"]["slack"] = "UBOB"
    raw["staff"]["carol"]["slack"] = "UCAROL"
    raw["slack"] = {"host": "127.0.0.1", "path": "/slack/events"}
    raw["bulletins"]["channels"] = {
        "it-status": {"slack": STATUS},
        "all-staff": {"slack": ALL},
        "floor-2": {"slack": FLOOR},
    }
    return parse_settings(raw, source=str(ROOT / "config.yaml"))


def _posts_to(fake, channel: str, *, threaded: bool) -> list:
    return [
        c
        for c in fake.to("chat.postMessage")
        if c.body["channel"] == channel and ("thread_ts" in c.body) == threaded
    ]


async def test_post_update_resolve_edit_the_same_messages(slack, fake, core, adapter):
    posted = await slack.answer("/bulletin", POST, user="UCAROL")
    assert "Posted BUL-1 to #it-status, #all-staff, #floor-2" in text_of(posted.blocks)
    await deliver(core, adapter, fake)
    first = {ch: _posts_to(fake, ch, threaded=False) for ch in (STATUS, ALL, FLOOR)}
    assert all(len(calls) == 1 for calls in first.values())
    ts = {ch: calls[0].answer["ts"] for ch, calls in first.items()}
    assert "Email is down for everyone" in text_of(first[STATUS][0].blocks)

    await slack.answer("/bulletin", "update 1 A fix is rolling out", user="UCAROL")
    await deliver(core, adapter, fake)
    await slack.answer("/bulletin", "resolve 1 Email is back", user="UCAROL")
    await deliver(core, adapter, fake)

    for channel in (STATUS, ALL, FLOOR):
        edits = [c for c in fake.to("chat.update") if c.body["channel"] == channel]
        assert [c.body["ts"] for c in edits] == [ts[channel], ts[channel]]
        assert "A fix is rolling out" in text_of(edits[0].blocks)
        assert "Resolved" in text_of(edits[1].blocks)
        lines = _posts_to(fake, channel, threaded=True)
        assert [c.body["thread_ts"] for c in lines] == [ts[channel], ts[channel]]
        assert len(_posts_to(fake, channel, threaded=False)) == 1  # never posted anew


async def test_a_rate_limited_channel_waits_alone(slack, fake, core, adapter):
    fake.fail("chat.postMessage", 429, retry_after=30, channel=STATUS)
    await slack.answer("/bulletin", POST, user="UCAROL")
    await deliver(core, adapter, fake)
    assert _posts_to(fake, ALL, threaded=False) and _posts_to(fake, FLOOR, threaded=False)
    (refused,) = _posts_to(fake, STATUS, threaded=False)
    assert refused.answer == {}  # the 429: nothing accepted
    await deliver(core, adapter, fake)
    assert len(_posts_to(fake, STATUS, threaded=False)) == 1  # Retry-After is honoured

    core.clock.advance(seconds=31)
    await deliver(core, adapter, fake)
    (_, accepted) = _posts_to(fake, STATUS, threaded=False)
    await slack.answer("/bulletin", "update 1 A fix is rolling out", user="UCAROL")
    await deliver(core, adapter, fake)
    (edit,) = [c for c in fake.to("chat.update") if c.body["channel"] == STATUS]
    assert edit.body["ts"] == accepted.answer["ts"]


@pytest.mark.parametrize("user", ["UALICE", "UBOB"])  # a user, and an agent
async def test_only_managers_post(slack, fake, core, adapter, user):
    refused = await slack.answer("/bulletin", POST, user=user)
    assert "and you are not on that list" in text_of(refused.blocks)
    assert refused.body["response_type"] == "ephemeral"
    await deliver(core, adapter, fake)
    assert fake.to("chat.postMessage") == []


async def test_a_report_of_the_known_problem_joins_the_bulletin(slack, fake, core, adapter):
    await slack.answer("/bulletin", POST, user="UCAROL")
    await deliver(core, adapter, fake)
    await slack.event(slack.message("my email is down, nothing arrives"))
    known = [c for c in await fake.wait_for("chat.postMessage", 4) if c.body["channel"] == "DALICE"]
    assert "Known issue, we're on it" in text_of(known[0].blocks)
    joined = await slack.press(known[0], "Yes, I'm affected")
    assert "you'll hear each update and when it's resolved" in text_of(joined.blocks)

    await slack.answer("/bulletin", "resolve 1 Email is back", user="UCAROL")
    await deliver(core, adapter, fake)
    told = [c for c in fake.to("chat.postMessage") if c.body["channel"] == "DALICE"][1:]
    assert len(told) == 1 and "is resolved" in text_of(told[0].blocks)
    incidents = await slack.answer("/incident", "list --mine")
    assert "INC-" not in text_of(incidents.blocks)  # nothing was opened


async def test_a_status_question_is_answered_from_the_bulletins(slack, fake, core, adapter):
    await slack.answer("/bulletin", POST, user="UCAROL")
    await slack.event(slack.message("is email down?"))
    (answer,) = await fake.wait_for("chat.postMessage")
    assert "Known issue, we're on it: BUL-1" in text_of(answer.blocks)
    assert "Yes, I'm affected" in buttons(answer.blocks)


async def test_an_expired_bulletin_is_marked_so_in_place(slack, fake, core, adapter):
    await slack.answer("/bulletin", POST + " --expires 1h", user="UCAROL")
    scheduler = Scheduler(core.database, core.rules, core.clock, slack_deliverer(core, adapter))
    await scheduler.tick()
    (first,) = _posts_to(fake, STATUS, threaded=False)
    core.clock.advance(hours=1)
    assert (await scheduler.tick()).expired_bulletins == 1
    (edit,) = [c for c in fake.to("chat.update") if c.body["channel"] == STATUS]
    assert edit.body["ts"] == first.answer["ts"]
    assert "Expired" in text_of(edit.blocks)
    (line,) = _posts_to(fake, STATUS, threaded=True)
    assert "This bulletin has expired." in text_of(line.blocks)


async def test_same_here_under_the_posted_bulletin_follows_it_without_a_mention(
    slack, fake, core, adapter
):
    await slack.answer("/bulletin", POST, user="UCAROL")
    await deliver(core, adapter, fake)
    (posted,) = _posts_to(fake, STATUS, threaded=False)
    ts = posted.answer["ts"]
    await slack.event(
        slack.thread_reply("so annoying, had a deadline", thread_ts=ts, channel=STATUS)
    )
    await slack.event(slack.thread_reply("same here", thread_ts=ts, channel=STATUS))
    joined = (await fake.wait_for("chat.postMessage", 4))[3]
    assert (joined.body["channel"], joined.body["thread_ts"]) == (STATUS, ts)
    assert "you're on the list for BUL-1" in text_of(joined.blocks)
    await asyncio.sleep(0.2)
    assert len(fake.to("chat.postMessage")) == 4  # the chatter before it was left alone
    # And the chatter after it: before, one "same here" made the desk answer everything
    # said in the thread ("the desk is talking there").
    await slack.event(
        slack.thread_reply("ugh, right before my deadline", thread_ts=ts, channel=STATUS)
    )
    await asyncio.sleep(0.2)
    assert len(fake.to("chat.postMessage")) == 4
