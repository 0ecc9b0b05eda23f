"""The knowledge base in the product: suggestions on report, solved/unsolved, link, draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Core
from bot.messages import Action, Actor, ChannelRef
from bot.models import ArticleFeedback, Incident, IncidentEvent, OutboxRow
from bot.services.classify import Classifier
from bot.services.knowledge import KnowledgeBase, parse_article
from tests.conftest import Desk
from tests.unit.test_knowledge import PRINTER, VPN


@pytest.fixture
def kb_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "vpn-cannot-connect.md").write_text(VPN)
    (folder / "printer-paper-jam.md").write_text(PRINTER)
    return folder


@pytest.fixture
def kb_desk(settings, database, clock, kb_folder) -> Desk:
    knowledge = KnowledgeBase(kb_folder, Classifier(settings).category_paths())
    return Desk(Core(settings, database, clock=clock, knowledge=knowledge))


async def incident(desk: Desk, number: int = 1) -> Incident:
    async with desk.core.database.transaction() as session:
        return await session.get(Incident, number)


async def feedback(desk: Desk) -> list[tuple[str, int | None, bool]]:
    async with desk.core.database.transaction() as session:
        rows = await session.scalars(select(ArticleFeedback).order_by(ArticleFeedback.id))
        return [(r.article_id, r.incident_id, r.helpful) for r in rows]


def press(desk: Desk, user: str, action_id: str, value: str):
    actor = Actor("console", user, user)
    return desk.core.handle(
        Action(actor, ChannelRef("console", "t"), action_id, value, "ev-" + value)
    )


async def test_a_report_gets_suggestions_first_with_solved_and_need_help_buttons(kb_desk):
    reply = await kb_desk.ok("alice", "/incident open cant conect to the vpn from home")
    first, *_ = reply.text.split("\n")
    assert first.startswith("Opened INC-000001")
    assert "1. vpn-cannot-connect · VPN won't connect" in reply.text
    assert [(b.action_id, b.value) for b in reply.buttons] == [
        ("kb.solved", "1 vpn-cannot-connect"),
        ("kb.unsolved", "1 vpn-cannot-connect"),
    ]
    assert reply.buttons[0].label == "This solved it: VPN won't connect"
    assert reply.buttons[-1].label == "I still need help"


async def test_an_outage_opened_by_command_gets_no_self_help(kb_desk):
    # As in the chat intake: many people down is for the desk, not a self-help case.
    reply = await kb_desk.ok("alice", "/incident open cant conect to the vpn --impact high")
    assert reply.text.startswith("Opened INC-000001")
    assert "articles may fix it" not in reply.text
    assert not [b for b in reply.buttons if b.action_id.startswith("kb.")]


async def test_a_report_about_nothing_in_the_kb_gets_no_suggestions(kb_desk):
    reply = await kb_desk.ok("alice", "/incident open the coffee machine is broken")
    assert "articles may fix it" not in reply.text
    assert reply.buttons == ()


async def test_this_solved_it_resolves_with_solved_by_kb_and_records_helpfulness(kb_desk):
    await kb_desk.ok("alice", "/incident open cant conect to the vpn from home")
    (reply,) = await press(kb_desk, "alice", "kb.solved", "1 vpn-cannot-connect")
    assert reply.text.startswith("Glad it's fixed. INC-000001 is resolved (solved-by-kb)")
    found = await incident(kb_desk)
    assert (found.state, found.resolution_code) == ("resolved", "solved-by-kb")
    assert found.assignee is None
    assert await feedback(kb_desk) == [("vpn-cannot-connect", 1, True)]


async def test_i_still_need_help_keeps_the_incident_and_tells_the_agents(kb_desk):
    await kb_desk.ok("alice", "/incident open cant conect to the vpn from home")
    (reply,) = await press(kb_desk, "alice", "kb.unsolved", "1 vpn-cannot-connect")
    assert "INC-000001 stays with the desk" in reply.text
    assert (await incident(kb_desk)).state == "new"
    assert await feedback(kb_desk) == [("vpn-cannot-connect", 1, False)]
    async with kb_desk.core.database.transaction() as session:
        note = (
            await session.scalars(select(IncidentEvent).order_by(IncidentEvent.id.desc()))
        ).first()
    assert (note.kind, note.text) == (
        "note",
        "The suggested articles did not help: vpn-cannot-connect",
    )


async def test_only_the_reporter_or_an_agent_may_mark_an_incident_solved(kb_desk):
    await kb_desk.ok("alice", "/incident open cant conect to the vpn from home")
    refused = await kb_desk.err("mallory", "/kb solved 1 vpn-cannot-connect")
    assert refused.text.startswith("You have no incident INC-000001")
    assert (await incident(kb_desk)).state == "new"
    assert await feedback(kb_desk) == []


async def test_solving_with_an_unknown_article_changes_nothing(kb_desk):
    await kb_desk.ok("alice", "/incident open cant conect to the vpn from home")
    refused = await kb_desk.err("alice", "/kb solved 1 no-such-article")
    assert "There is no article 'no-such-article'" in refused.text
    assert (await incident(kb_desk)).state == "new"


async def test_a_linked_article_reaches_the_reporter_and_shows_on_the_card(kb_desk):
    await kb_desk.ok("alice", "/incident open printer on floor 2 eats paper")
    linked = await kb_desk.ok("bob", "/kb link printer-paper-jam 1")
    assert linked.text == "Linked printer-paper-jam to INC-000001; alice is sent it."
    # Before, she saw it only if she looked at the card.
    async with kb_desk.core.database.transaction() as session:
        (sent,) = await session.scalars(
            select(OutboxRow).where(
                OutboxRow.recipient_key == "console:alice", OutboxRow.kind == "article_linked"
            )
        )
    assert sent.payload["text"] == (
        "Bob Baker sent you an article for INC-000001 “printer on floor 2 eats paper”: "
        "Clear a paper jam. `/kb show printer-paper-jam` opens it."
    )
    assert [tuple(b[1:3]) for b in sent.payload["buttons"]] == [("kb.show", "printer-paper-jam")]
    opened = await kb_desk.press("alice", "kb.show", "printer-paper-jam")
    assert opened.card.title == "Clear a paper jam"
    shown = await kb_desk.ok("alice", "/incident show 1")
    fields = {f.label: f.value for f in shown.card.fields}
    assert fields["Articles"] == "printer-paper-jam"
    again = await kb_desk.err("bob", "/kb link printer-paper-jam 1")
    assert again.text == "printer-paper-jam is already linked to INC-000001."
    refused = await kb_desk.err("alice", "/kb link vpn-cannot-connect 1")
    assert "is for the desk's agents" in refused.text


async def test_a_draft_from_a_resolved_incident_is_a_valid_article(kb_desk, kb_folder, settings):
    await kb_desk.ok(
        "alice", "/incident open Teams crashes when sharing my screen --category collaboration"
    )
    await kb_desk.ok("alice", "/incident note 1 it happens on the second monitor only")
    refused = await kb_desk.err("bob", "/kb draft 1")
    assert "resolve it first" in refused.text
    await kb_desk.ok("bob", "/incident note 1 the driver is from 2023")
    await kb_desk.ok("bob", "/incident note 1 she is on the VIP list --internal")
    await kb_desk.ok("bob", "/incident resolve 1 Updated the graphics driver")
    reply = await kb_desk.ok("bob", "/kb draft 1")
    (path,) = (kb_folder / "drafts").glob("*.md")
    assert path.name in reply.text
    article = parse_article(path, path.read_text(), Classifier(settings).category_paths())
    assert article.title == "Teams crashes when sharing my screen"
    assert article.category == "software/collaboration"
    assert article.symptoms == (
        "Teams crashes when sharing my screen",
        "it happens on the second monitor only",
    )
    assert "Updated the graphics driver" in article.body
    # Tagged with the topic words the desk's config knows (before: the summary's first
    # five words, "teams", "crashes", "sharing", "screen").
    assert article.tags == ("teams", "crashes")
    # The desk's own notes are what it checked (before: left out); never the internal ones.
    assert "## What was checked\n- the driver is from 2023\n" in article.body
    assert "VIP" not in path.read_text()
    await kb_desk.ok("bob", "/kb draft 1")
    assert len(list((kb_folder / "drafts").glob("*.md"))) == 2  # never overwritten


async def test_kb_search_and_show(kb_desk):
    found = await kb_desk.ok("alice", "/kb search paper stuck in printer")
    assert found.text == "1 article may help:"
    assert found.card.body.startswith("printer-paper-jam · Clear a paper jam — matched")
    shown = await kb_desk.ok("alice", "/kb show printer-paper-jam")
    assert shown.card.title == "Clear a paper jam"
    assert "Open tray 2" in shown.card.body
    nothing = await kb_desk.ok("alice", "/kb search the canteen menu")
    assert nothing.text.startswith("No article fits that.")


async def test_the_desk_suggests_by_the_topic_of_the_message(desk):
    # The shipped articles, as the desk loads them: "dock" alone is too little evidence,
    # but the message names the peripherals topic, the docking-station article's.
    found = await desk.ok("alice", "/kb search my dock does nothing today")
    assert found.card.body.startswith("docking-station")


async def test_an_article_shows_how_often_it_helped(kb_desk):
    shown = await kb_desk.ok("bob", "/kb show vpn-cannot-connect")
    assert {f.label: f.value for f in shown.card.fields}["Helpful"] == "no votes yet"
    for n, user in enumerate(("alice", "carl", "dina"), start=1):
        await kb_desk.ok(user, "/incident open cant conect to the vpn from home")
        action = "kb.solved" if user != "dina" else "kb.unsolved"
        await press(kb_desk, user, action, f"{n} vpn-cannot-connect")
    shown = await kb_desk.ok("bob", "/kb show vpn-cannot-connect")
    helpful = {f.label: f.value for f in shown.card.fields}["Helpful"]
    assert helpful == "solved it for 2 of 3 people who said"
