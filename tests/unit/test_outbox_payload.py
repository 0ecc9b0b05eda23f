"""A notice's reply survives the outbox: to JSON in the database and back, unchanged."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.messages import Attachment, Button, Card, Field, Reply, Severity
from bot.outbox import reply_from_payload, reply_to_payload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\x00"


def through_the_database(reply: Reply) -> Reply:
    """As the outbox stores it: a JSON document, read back later by another process."""
    stored = json.dumps(reply_to_payload(reply))
    return reply_from_payload(json.loads(stored))


def test_a_full_reply_round_trips():
    reply = Reply(
        text="INC-000001 is resolved: Replaced the fuser\nDoes it work for you now?",
        card=Card(
            title="INC-000001 · Printer jams",
            fields=(Field("State", "resolved"), Field("Notes", "long text", short=False)),
            body="It jams on every page.",
            footer="Last updates:\n09:00 opened",
            severity=Severity.WARNING,
        ),
        buttons=(
            Button("Confirm, it's fixed", "incident.confirm", "1", "primary"),
            Button("Reopen", "incident.reopen", "1"),
        ),
        image=PNG,
        file=Attachment(
            "deskbot-report-20261129-20261206.csv", b"section,item\r\nwindow,\xe2\x80\x93"
        ),
    )
    assert through_the_database(reply) == reply


def test_the_payload_is_plain_json():
    payload = reply_to_payload(
        Reply(
            text="hi",
            card=Card("t", (Field("a", "b", False),), severity=Severity.DANGER),
            buttons=(Button("Go", "incident.claim", "7", "primary"),),
            image=b"\x00\x01\xfe\xff",
        )
    )
    assert payload == {
        "text": "hi",
        "card": {
            "title": "t",
            "fields": [["a", "b", False]],
            "body": "",
            "footer": "",
            "severity": "danger",
        },
        "buttons": [["Go", "incident.claim", "7", "primary"]],
        "image": base64.b64encode(b"\x00\x01\xfe\xff").decode(),
        "file": None,
    }
    assert json.loads(json.dumps(payload)) == payload


def test_a_text_only_reply_round_trips_without_card_buttons_or_image():
    payload = reply_to_payload(Reply(text="Bob Baker is working on INC-000001."))
    assert (payload["card"], payload["buttons"], payload["image"]) == (None, [], None)
    assert through_the_database(Reply(text="Bob Baker is working on INC-000001.")) == Reply(
        text="Bob Baker is working on INC-000001."
    )


def test_a_payload_written_without_buttons_reads_as_no_buttons():
    assert reply_from_payload({"text": "old row", "card": None, "image": None}) == Reply(
        text="old row"
    )


texts = st.text(max_size=300)
fields = st.builds(Field, texts, texts, st.booleans())
cards = st.builds(
    Card,
    title=texts,
    fields=st.lists(fields, max_size=12).map(tuple),
    body=texts,
    footer=texts,
    severity=st.sampled_from(list(Severity)),
)
buttons = st.builds(Button, texts, texts, texts, st.sampled_from(["default", "primary", "danger"]))
replies = st.builds(
    Reply,
    text=texts,
    card=st.none() | cards,
    buttons=st.lists(buttons, max_size=5).map(tuple),
    image=st.none() | st.binary(min_size=1, max_size=2048),
)


@given(texts)
def test_any_text_round_trips(text):
    assert through_the_database(Reply(text=text)).text == text


@given(replies)
def test_any_reply_round_trips(reply):
    assert through_the_database(reply) == reply
