"""Rate limits and the outbox's Slack sender, against the real slack_sdk client."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.adapters.slack_sender import SlackSender
from bot.messages import Button, Card, Field, Reply
from bot.outbox import Notice, Recipient, RetryLater, Undeliverable
from tests.adapters.slack.harness import buttons, text_of


async def test_a_429_is_retried_after_the_advertised_delay(slack, fake):
    fake.fail("chat.postMessage", 429, retry_after=1)
    await slack.event(slack.message("the printer on floor 2 jams on every page"))
    refused, accepted = await fake.wait_for("chat.postMessage", 2, timeout=8)
    assert accepted.at - refused.at >= 1.0  # Retry-After: 1 was honoured
    assert accepted.body == refused.body


def _notice(channel: str, thread: str | None = None, edit_of: str | None = None) -> Notice:
    reply = Reply(
        text="Bob Baker is working on INC-000001 “<!here> printer”.",
        card=Card("INC-000001 · <!here> printer", fields=(Field("State", "in progress"),)),
        buttons=(Button("Confirm, it's fixed", "incident.confirm", "1", "primary"),),
    )
    recipient = Recipient("slack:UALICE", "Alice Archer", "slack", channel, thread)
    return Notice(7, "claimed", 1, recipient, reply, edit_of=edit_of)


@pytest.fixture
def sender(adapter) -> SlackSender:
    return adapter.sender


async def test_the_sender_posts_a_notice_to_a_persons_dm(sender, fake):
    ts = await sender.send(_notice("UALICE"))
    opened, posted = fake.to("conversations.open"), fake.to("chat.postMessage")
    assert opened[0].body["users"] == "UALICE"
    assert posted[0].body["channel"] == "DALICE"
    assert ts == posted[0].answer["ts"]
    assert "<!here>" not in posted[0].everything
    assert "&lt;!here&gt; printer" in text_of(posted[0].blocks)
    assert "Confirm, it's fixed" in buttons(posted[0].blocks)
    await sender.send(_notice("UALICE"))
    assert len(fake.to("conversations.open")) == 1  # the DM is remembered


async def test_the_sender_posts_in_a_thread_and_edits(sender, fake):
    await sender.send(_notice("C111", thread="1800000000.000001"))
    posted = fake.to("chat.postMessage")[0]
    assert (posted.body["channel"], posted.body["thread_ts"]) == ("C111", "1800000000.000001")
    await sender.send(_notice("C111", edit_of="1700000000.000042"))
    edited = fake.to("chat.update")[0]
    assert (edited.body["channel"], edited.body["ts"]) == ("C111", "1700000000.000042")
    assert fake.to("conversations.open") == []  # a channel id is used as is


async def test_the_sender_raises_retry_later_on_a_429(sender, fake):
    fake.fail("chat.postMessage", 429, retry_after=7)
    with pytest.raises(RetryLater) as raised:
        await sender.send(_notice("C111"))
    assert raised.value.seconds == 7
    assert len(fake.to("chat.postMessage")) == 1  # no sleeping retry: the outbox reschedules


@pytest.mark.parametrize("error", ["channel_not_found", "user_not_found", "is_archived"])
async def test_the_sender_gives_up_on_permanent_refusals(sender, fake, error):
    fake.fail("chat.postMessage", error=error)
    with pytest.raises(Undeliverable, match=error):
        await sender.send(_notice("C999"))


async def test_other_failures_are_left_to_the_outbox_backoff(sender, fake):
    fake.fail("chat.postMessage", 500)
    with pytest.raises(Exception) as raised:
        await sender.send(_notice("C111"))
    assert not isinstance(raised.value, RetryLater | Undeliverable)


async def test_a_notice_with_a_chart_uploads_it_under_the_message(sender, fake):
    notice = _notice("C111")
    chart = b"\x89PNG fake chart bytes"
    with_image = Notice(
        notice.id, notice.kind, 1, notice.recipient, replace(notice.reply, image=chart)
    )
    ts = await sender.send(with_image)
    methods = [c.method for c in fake.calls if c.method != "auth.test"]
    assert methods[0] == "chat.postMessage"
    assert "files.getUploadURLExternal" in methods and "upload" in methods
    completed = fake.to("files.completeUploadExternal")[0].body
    assert completed["channel_id"] == "C111" and completed["thread_ts"] == ts
    assert fake.to("upload")[0].body["size"] == len(chart)


async def test_a_refused_chart_does_not_resend_the_text(sender, fake):
    fake.fail("files.getUploadURLExternal", error="not_in_channel")
    notice = _notice("C111")
    with_image = Notice(
        notice.id, notice.kind, 1, notice.recipient, replace(notice.reply, image=b"x")
    )
    assert await sender.send(with_image)  # delivered: the text went out
    assert len(fake.to("chat.postMessage")) == 1
