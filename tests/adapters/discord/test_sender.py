"""The outbox's Discord sender: DMs by user id, channels, threads, edits, and what a
refusal or a long rate limit means for the outbox."""

from __future__ import annotations

import pytest

from bot.adapters.discord_sender import DiscordSender
from bot.messages import Reply
from bot.outbox import Notice, Recipient, RetryLater, Undeliverable
from tests.adapters.discord.harness import CHANNEL_ID, fixture

USER = "1100000000000000321"


def notice(channel_id: str, thread_id: str | None = None, *, edit_of: str | None = None):
    recipient = Recipient("discord:" + USER, "Mason", "discord", channel_id, thread_id)
    return Notice(
        1, "claimed", 1, recipient, Reply(text="Bob is working on INC-000001."), 0, edit_of
    )


async def test_a_user_id_is_reached_by_direct_message(client, fake):
    message_id = await DiscordSender(client).send(notice(USER))
    (opened,) = fake.sent("POST", "/users/@me/channels")
    assert str(opened.body["recipient_id"]) == USER
    dm = fake.sent("POST", r"/channels/\d+/messages")[0]
    assert dm.body["content"] == "Bob is working on INC-000001."
    assert dm.body["allowed_mentions"] == {"parse": []}
    assert message_id.isdigit()


async def test_a_known_channel_is_posted_to(client, fake):
    await DiscordSender(client).send(notice(str(CHANNEL_ID)))
    assert fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert not fake.sent("GET", r"/users/\d+")


async def test_a_thread_is_posted_in(client, fake):
    fake.channels["1500000000000000001"] = {
        "id": "1500000000000000001",
        "type": 11,
        "guild_id": "290926798626357999",
        "parent_id": str(CHANNEL_ID),
        "owner_id": "1",
        "name": "INC-000001",
        "message_count": 1,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-11-23T09:00:00+00:00",
            "locked": False,
        },
    }
    await DiscordSender(client).send(notice(str(CHANNEL_ID), "1500000000000000001"))
    assert fake.sent("POST", r"/channels/1500000000000000001/messages")


async def test_an_answer_under_a_message_starts_its_thread(client, fake):
    await DiscordSender(client).send(notice(str(CHANNEL_ID), "1500000000000000002"))
    (started,) = fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages/1500000000000000002/threads")
    assert started.body["name"] == "Bob is working on INC-000001."
    assert fake.sent("POST", r"/channels/1500000000000000002/messages")


async def test_an_edit_replaces_the_message(client, fake):
    message_id = await DiscordSender(client).send(
        notice(str(CHANNEL_ID), edit_of="1500000000000000003")
    )
    (edit,) = fake.sent("PATCH", rf"/channels/{CHANNEL_ID}/messages/1500000000000000003")
    assert edit.body["content"] == "Bob is working on INC-000001."
    assert message_id == "1500000000000000003"


async def test_an_edit_of_a_deleted_message_posts_it_afresh(client, fake):
    fake.fail(
        "PATCH", r"/channels/\d+/messages/\d+", 404, {"message": "Unknown Message", "code": 10008}
    )
    await DiscordSender(client).send(notice(str(CHANNEL_ID), edit_of="1500000000000000004"))
    assert fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages")


async def test_nobody_by_that_id_is_undeliverable(client, fake):
    fake.fail("GET", r"/users/\d+", 404, {"message": "Unknown User", "code": 10013})
    with pytest.raises(Undeliverable, match="404"):
        await DiscordSender(client).send(notice(USER))
    assert fake.sent("GET", rf"/channels/{USER}")  # tried as a channel too


async def test_closed_dms_are_undeliverable(client, fake):
    refusal = {"message": "Cannot send messages to this user", "code": 50007}
    fake.fail("POST", r"/channels/\d+/messages", 403, refusal)
    with pytest.raises(Undeliverable, match="Cannot send messages to this user"):
        await DiscordSender(client).send(notice(USER))


async def test_a_long_rate_limit_is_retried_later_by_the_outbox(client, fake):
    limited = fixture("rate_limited_429.user.json")
    fake.fail("POST", r"/channels/\d+/messages", limited["status"], limited["body"])
    with pytest.raises(RetryLater) as raised:
        await DiscordSender(client).send(notice(str(CHANNEL_ID)))
    assert raised.value.seconds == pytest.approx(64.57)
