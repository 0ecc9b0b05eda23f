"""Messages: a DM report that ends in an incident, a mention answered in a thread tied
to the incident, bots ignored, and nothing the bot sends can ping anyone."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from bot.adapters.discord_sender import DiscordSender
from bot.messages import Actor, ChannelRef, CommandCall
from bot.models import Incident, IncidentEvent
from bot.outbox import Deliverer
from tests.adapters.discord.harness import (
    AGENT_ID,
    AGENT_ROLE_ID,
    BOB_DISCORD_ID,
    BOT_ID,
    BOT_USER,
    CHANNEL_ID,
    USER_ID,
    command,
    custom_ids,
    interact,
    last_message,
    message_create,
    posted,
    press,
    receive,
)

DM_CHANNEL = 1400000000000000001
# The answer to press at each step of the intake, in order of preference.
ANSWERS = (
    "intake.confirm",
    "intake.unsolved",
    "intake.different",
    "intake.scope",
    "intake.blocked",
)


def pick(ids: list[str]) -> str | None:
    for action in ANSWERS:
        for custom_id in ids:
            if custom_id.startswith(f"deskbot:{action}:"):
                return custom_id
    return None


async def talk_until_opened(client, fake, channel_id: str, *, direct: bool) -> dict:
    """Press the intake's buttons (as the reporter would) until the incident is open."""
    for _ in range(8):
        message = last_message(fake)
        if "Opened INC-" in message["content"] or "opened INC-" in message["content"]:
            return message
        choice = pick(custom_ids(message))
        assert choice is not None, message["content"]
        where = fake.channels.get(channel_id)  # the thread, when it is one
        pressed = press(choice, posted(message, channel_id), direct=direct, channel=where)
        await interact(client, pressed)
    raise AssertionError("the intake never opened an incident")


async def mention_in_channel(client, text: str) -> dict:
    """Someone mentions the bot in a server channel with `text`; returns the message,
    whose id the thread the bot starts from it takes."""
    mention = message_create(
        f"<@{BOT_ID}> {text}", channel_id=CHANNEL_ID, guild=True, mentions=[BOT_USER]
    )
    await receive(client, mention)
    return mention


async def visible_to_reporter(core, number: int) -> bool:
    call = CommandCall(
        Actor("discord", str(USER_ID), "Mason"),
        ChannelRef("discord", str(USER_ID), is_direct=True),
        ("incident", "show"),
        event_id=uuid.uuid4().hex,
        options={"incident": number},
    )
    (reply,) = await core.handle(call)
    return not reply.is_error


async def test_a_direct_message_report_ends_in_an_incident(client, fake, core):
    text = "my laptop screen keeps flickering and going black"
    await receive(client, message_create(text, channel_id=DM_CHANNEL))
    first = fake.sent("POST", rf"/channels/{DM_CHANNEL}/messages")
    assert first, "the bot answered in the DM"
    opened = await talk_until_opened(client, fake, str(DM_CHANNEL), direct=True)
    assert "INC-000001" in opened["content"]
    assert await visible_to_reporter(core, 1)


async def test_saying_it_works_now_offers_buttons_that_cancel_the_incident(client, fake, core):
    report = message_create("my laptop screen keeps flickering", channel_id=DM_CHANNEL)
    await receive(client, report)
    await talk_until_opened(client, fake, str(DM_CHANNEL), direct=True)
    await receive(client, message_create("never mind, it works now", channel_id=DM_CHANNEL))
    asked = last_message(fake)
    assert asked["content"].startswith("Glad it's sorted! Shall I cancel INC-000001")
    (cancel,) = [c for c in custom_ids(asked) if c.startswith("deskbot:intake.withdraw:")]
    await interact(client, press(cancel, posted(asked, str(DM_CHANNEL)), direct=True))
    assert "INC-000001 is cancelled." in last_message(fake)["content"]
    async with core.database.transaction() as session:
        assert (await session.get(Incident, 1)).state == "cancelled"


async def test_a_screenshot_alone_goes_onto_the_incident_the_dm_follows(client, fake, core):
    report = message_create("my laptop screen keeps flickering", channel_id=DM_CHANNEL)
    await receive(client, report)
    await talk_until_opened(client, fake, str(DM_CHANNEL), direct=True)
    shot = message_create("", channel_id=DM_CHANNEL)
    url = "https://cdn.discordapp.com/attachments/1/2/flicker.mp4"
    shot["attachments"] = [
        {
            "id": "1100000000000000001",
            "filename": "flicker.mp4",
            "size": 1024,
            "url": url,
            "proxy_url": url,
        }
    ]
    await receive(client, shot)
    assert last_message(fake)["content"].startswith("Added to INC-000001")
    async with core.database.transaction() as session:
        (note,) = await session.scalars(select(IncidentEvent).where(IncidentEvent.kind == "note"))
    assert note.text == f"Attached: flicker.mp4 {url}"


async def test_a_mention_is_answered_in_a_thread_tied_to_the_incident(client, fake, core):
    mention = await mention_in_channel(client, "the whole office has no wifi, nobody can work")
    (thread,) = fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages/{mention['id']}/threads")
    assert thread.body["name"] == "the whole office has no wifi, nobody can work"
    thread_id = mention["id"]  # a thread started from a message takes the message's id
    assert fake.sent("POST", rf"/channels/{thread_id}/messages")
    assert not fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages")
    # The rest of the conversation happens in the thread.
    await talk_until_opened(client, fake, thread_id, direct=False)
    # An agent claims it: the reporter hears of it in that thread, through the outbox.
    await interact(
        client,
        command(
            ("incident", "claim"), {"incident": 1}, roles=[str(AGENT_ROLE_ID)], user_id=AGENT_ID
        ),
    )
    deliverer = Deliverer(
        core.database, {"discord": DiscordSender(client)}, core.clock, core.rules.settings.outbox
    )
    report = await deliverer.deliver_due()
    assert len(report.sent) == 1
    (notice,) = [
        r
        for r in fake.sent("POST", rf"/channels/{thread_id}/messages")
        if "working" in r.body["content"]
    ]
    assert "INC-000001" in notice.body["content"]


async def test_writing_in_the_bots_thread_needs_no_mention(client, fake):
    mention = await mention_in_channel(client, "Outlook keeps asking for my password")
    before = len(fake.sent("POST", rf"/channels/{mention['id']}/messages"))
    # The thread is not in the cache: the adapter looks it up (GET /channels/<id>).
    await receive(client, message_create("cancel", channel_id=mention["id"], guild=True))
    assert fake.sent("GET", rf"/channels/{mention['id']}")
    assert len(fake.sent("POST", rf"/channels/{mention['id']}/messages")) == before + 1


async def test_chatter_bots_and_crowd_pings_are_ignored(client, fake):
    requests = len(fake.requests)
    await receive(client, message_create("lunch?", channel_id=CHANNEL_ID, guild=True))
    everyone = message_create("@everyone lunch?", channel_id=CHANNEL_ID, guild=True)
    everyone["mention_everyone"] = True
    await receive(client, everyone)
    await receive(client, message_create("hello", channel_id=DM_CHANNEL, bot=True))
    await receive(client, message_create("hello", channel_id=DM_CHANNEL, author_id=BOT_ID))
    assert len(fake.requests) == requests


async def test_nothing_the_bot_sends_can_ping(client, fake):
    crowd = "@everyone @here <@&539082325061836999> the VPN is down for everyone"
    await receive(client, message_create(crowd, channel_id=DM_CHANNEL))
    await interact(client, command(("incident", "open"), {"summary": crowd}))
    sent = [
        r.body.get("data", r.body) if r.path.endswith("/callback") else r.body
        for r in fake.requests
        if r.method in ("POST", "PATCH") and isinstance(r.body, dict)
    ]
    with_text = [body for body in sent if "content" in body]
    assert len(with_text) >= 2
    assert any("@everyone" in json.dumps(body) for body in with_text)
    for body in with_text:
        assert body["allowed_mentions"] == {"parse": []}, body


async def test_a_message_with_nothing_to_read_is_left_alone(client, fake):
    mention = await mention_in_channel(client, "my screen is black")
    requests = len(fake.requests)
    # In the bot's thread: a screenshot alone, or a message whose content the bot may not
    # read (no Message Content intent) arrives with empty content.
    await receive(client, message_create("", channel_id=mention["id"], guild=True))
    assert len(fake.requests) == requests
    # A bare mention is answered.
    bare = message_create(f"<@{BOT_ID}>", channel_id=mention["id"], guild=True, mentions=[BOT_USER])
    await receive(client, bare)
    assert fake.sent("POST", rf"/channels/{mention['id']}/messages")[-1].body["content"]
    assert len(fake.requests) > requests


async def test_an_agents_word_in_the_incidents_thread_is_noted_with_a_reaction(client, fake, core):
    """Discord has no private reply to a message: before, "Noted on INC-000001." went to
    everyone in the reporter's thread."""
    mention = await mention_in_channel(client, "my printer jams on every page")
    thread_id = mention["id"]
    await talk_until_opened(client, fake, thread_id, direct=False)
    posts = len(fake.sent("POST", rf"/channels/{thread_id}/messages"))
    said = message_create(
        "I've ordered a new fuser, it comes tomorrow",
        channel_id=thread_id,
        guild=True,
        roles=[str(AGENT_ROLE_ID)],
        author_id=AGENT_ID,
    )
    await receive(client, said)
    assert fake.sent("PUT", rf"/channels/{thread_id}/messages/{said['id']}/reactions/.+/@me")
    assert len(fake.sent("POST", rf"/channels/{thread_id}/messages")) == posts
    async with core.database.transaction() as session:
        notes = await session.scalars(
            select(IncidentEvent.text).where(IncidentEvent.kind == "note")
        )
        assert list(notes) == ["I've ordered a new fuser, it comes tomorrow"]


async def test_a_person_mentioned_in_a_staff_message_is_their_account(client, fake, core):
    # Before, "show me the tickets <@…> raised" from bob named nobody the core could find.
    mason = Actor("discord", str(USER_ID), "Mason")
    place = ChannelRef("discord", str(DM_CHANNEL), is_direct=True)
    opened = CommandCall(mason, place, ("incident",), uuid.uuid4().hex, "open VPN drops hourly")
    await core.handle(opened)
    user = {"id": str(USER_ID), "username": "Mason", "discriminator": "0", "avatar": None}
    for said in (f"show me the tickets <@{USER_ID}> raised", f"tell <@!{USER_ID}> we are on it"):
        asked = message_create(
            said, channel_id=DM_CHANNEL, mentions=[user], author_id=int(BOB_DISCORD_ID)
        )
        await receive(client, asked)
        shown = json.dumps(last_message(fake))
        assert "INC-000001" in shown, shown
    assert "Noted on INC-000001." in last_message(fake)["content"]
