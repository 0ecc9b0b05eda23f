"""Rendering: long content and oversized cards are cut with a pointer to the whole
reply (attached), so what is sent always fits Discord's limits."""

from __future__ import annotations

from bot.adapters.discord_render import (
    COLOURS,
    FULL_TEXT_FILE,
    POINTER,
    custom_id,
    full_text,
    render,
)
from bot.adapters.discord_sender import DiscordSender
from bot.messages import Attachment, Button, Card, Field, Reply, Severity
from bot.outbox import Notice, Recipient
from tests.adapters.discord.harness import CHANNEL_ID

WORDS = "the quick brown fox jumps over the lazy dog and keeps on running "


def words(count: int) -> str:
    return (WORDS * (count // len(WORDS) + 1))[:count]


async def sent(client, fake, reply: Reply):
    """Send the reply to the samples' channel as the outbox would; the request made."""
    notice = Notice(1, "test", None, Recipient("x", "x", "discord", str(CHANNEL_ID)), reply)
    await DiscordSender(client).send(notice)
    (request,) = fake.sent("POST", rf"/channels/{CHANNEL_ID}/messages")
    return request


def embed_size(embed: dict) -> int:
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + len(embed.get("footer", {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


async def test_long_content_is_cut_with_a_pointer_and_sent_whole_as_a_file(client, fake):
    text = words(5000)
    request = await sent(client, fake, Reply(text=text))
    content = request.body["content"]
    assert len(content) <= 2000
    assert content.endswith(POINTER)
    assert text.startswith(content.removesuffix(POINTER))
    assert request.files[FULL_TEXT_FILE].decode() == text


async def test_a_card_over_every_limit_is_cut_to_fit(client, fake):
    card = Card(
        title=words(300),
        fields=tuple(Field(words(300), words(2000)) for _ in range(30)),
        body=words(10000),
        footer=words(3000),
        severity=Severity.DANGER,
    )
    request = await sent(client, fake, Reply(text="Timeline", card=card))
    (embed,) = request.body["embeds"]
    assert len(embed["title"]) <= 256
    assert len(embed["description"]) <= 4096
    assert len(embed["fields"]) <= 25
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in embed["fields"])
    assert len(embed["footer"]["text"]) <= 2048
    assert embed_size(embed) <= 6000
    assert POINTER in embed["description"]
    assert embed["color"] == COLOURS[Severity.DANGER].value
    whole = request.files[FULL_TEXT_FILE].decode()
    assert card.body in whole and card.fields[-1].value in whole


async def test_a_long_body_alone_is_cut_with_the_pointer(client, fake):
    card = Card(title="Timeline of INC-000001", body=words(5000))
    request = await sent(client, fake, Reply(text="Timeline", card=card))
    (embed,) = request.body["embeds"]
    assert len(embed["description"]) <= 4096
    assert embed["description"].endswith(POINTER)


async def test_what_fits_is_sent_as_it_is(client, fake):
    card = Card(title="INC-000001 · VPN down", fields=(Field("State", "new"),), body="Short.")
    request = await sent(client, fake, Reply(text="Opened INC-000001.", card=card))
    assert request.body["content"] == "Opened INC-000001."
    (embed,) = request.body["embeds"]
    assert embed["description"] == "Short."
    assert embed["fields"] == [{"name": "State", "value": "new", "inline": True}]
    assert request.files == {}


def test_every_severity_has_its_colour():
    for severity in Severity:
        embed = render(Reply(text="", card=Card(title="t", severity=severity))).embed
        assert embed is not None and embed.colour == COLOURS[severity]
    assert len({c.value for c in COLOURS.values()}) == len(Severity)


def test_button_custom_ids_fit_and_keep_whole_words():
    value = "42 " + " ".join(f"article-number-{n}" for n in range(10))
    made = custom_id("kb.unsolved", value)
    assert len(made) <= 100
    assert made.startswith("deskbot:kb.unsolved:42 article-number-0")
    assert value.startswith(made.removeprefix("deskbot:kb.unsolved:"))
    assert made.split(":", 2)[2].split()[-1] in value.split()
    assert custom_id("incident.claim", "7") == "deskbot:incident.claim:7"


def test_buttons_become_one_view_of_persistent_items():
    buttons = tuple(Button(f"Button {n}" * 20, "incident.claim", str(n)) for n in range(30))
    view = render(Reply(text="x", buttons=buttons)).view
    assert view is not None and view.timeout is None
    rows = view.to_components()
    items = [c for row in rows for c in row["components"]]
    assert len(items) == 25 and len(rows) == 5
    assert all(len(i["label"]) <= 80 for i in items)


def test_an_image_goes_with_its_card():
    rendered = render(Reply(text="Backlog", card=Card(title="Backlog"), image=b"\x89PNG"))
    assert [f.filename for f in rendered.files] == ["deskbot-image.png"]
    assert rendered.embed is not None
    assert rendered.embed.image.url == "attachment://deskbot-image.png"


def test_a_file_goes_under_its_own_name():
    report = Attachment("deskbot-report-20261129-20261206.csv", b"section,item,measure,value\n")
    rendered = render(Reply(text="The figures are attached", file=report))
    assert [f.filename for f in rendered.files] == [report.name]
    assert rendered.files[0].fp.read() == report.data


def test_an_empty_reply_is_still_a_message():
    assert render(Reply(text="")).content
    assert full_text(Reply(text="a", card=Card(title="b", body="c"))) == "a\n\nb\n\nc"
