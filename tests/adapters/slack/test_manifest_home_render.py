"""The app manifest, the App Home tab, rendering and people lookups."""

from __future__ import annotations

import argparse
import json

import yaml

from bot.adapters.slack_adapter import SlackAdapter
from bot.adapters.slack_manifest import BOT_EVENTS, print_manifest
from bot.adapters.slack_people import SlackPeople
from bot.adapters.slack_render import action_of, escape, plain, render
from bot.config import parse_settings
from bot.conversation_store import incident_here
from bot.messages import Button, Card, ChannelRef, Field, Reply, Severity
from bot.registry import registry
from tests.adapters.slack.harness import text_of
from tests.conftest import ROOT


def _manifest(capsys, settings, url=None) -> dict:
    assert print_manifest(argparse.Namespace(url=url), settings) == 0
    return yaml.safe_load(capsys.readouterr().out)


def test_manifest_lists_exactly_the_registrys_commands(capsys, settings):
    found = _manifest(capsys, settings, "https://desk.example.com/")
    commands = [c["command"] for c in found["features"]["slash_commands"]]
    expected = ["/" + word for word in registry.groups()]
    assert commands == expected
    assert {"/incident", "/kb", "/help"} <= set(commands)
    assert "/intake" not in commands  # button-only commands are not slash commands
    url = "https://desk.example.com/slack/events"
    assert {c["url"] for c in found["features"]["slash_commands"]} == {url}
    # Mentions escaped (<@U123|name>): `/incident open ... --reporter @alice` names her.
    assert all(c["should_escape"] for c in found["features"]["slash_commands"])
    assert found["settings"]["event_subscriptions"]["request_url"] == url
    assert found["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert found["settings"]["socket_mode_enabled"] is False


def test_manifest_events_and_scopes_are_what_the_adapter_uses(capsys, settings, adapter):
    found = _manifest(capsys, settings)
    events = found["settings"]["event_subscriptions"]["bot_events"]
    assert set(BOT_EVENTS) <= set(events)
    assert set(events) == {
        "app_mention",
        "message.im",
        "app_home_opened",
        "message.channels",  # replies in the desk's threads (slack.thread_replies)
        "message.groups",
    }
    scopes = set(found["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "chat:write",
        "commands",
        "files:write",
        "im:history",
        "im:write",
        "users:read",
        "usergroups:read",  # these settings map a Slack user group to the agent role
        "channels:history",
        "groups:history",
    }
    assert found["settings"]["socket_mode_enabled"] is True  # no --url: Socket Mode
    assert "request_url" not in found["settings"]["event_subscriptions"]
    assert isinstance(adapter, SlackAdapter)


def test_no_user_group_scope_without_groups_in_roles(capsys):
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    plain_settings = parse_settings(raw, source=str(ROOT / "config.yaml"))
    assert (
        "usergroups:read" not in _manifest(capsys, plain_settings)["oauth_config"]["scopes"]["bot"]
    )


def test_without_thread_replies_no_channel_history_is_asked(capsys):
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["slack"] = {"thread_replies": False}
    found = _manifest(capsys, parse_settings(raw, source=str(ROOT / "config.yaml")))
    assert set(found["settings"]["event_subscriptions"]["bot_events"]) == set(BOT_EVENTS)
    assert not {"channels:history", "groups:history"} & set(found["oauth_config"]["scopes"]["bot"])


def test_manifest_refuses_a_plain_http_url(capsys, settings):
    assert print_manifest(argparse.Namespace(url="http://desk.example.com"), settings) == 2
    assert "https://" in capsys.readouterr().err


async def test_app_home_shows_a_users_incidents(slack, fake):
    await slack.answer("/incident", "open VPN drops every few minutes")
    post = "post Email is down for everyone --severity major --service email"
    await slack.answer("/bulletin", post, user="UCAROL")
    payload = slack.mention("x")
    payload["event"] = {
        "type": "app_home_opened",
        "user": "UALICE",
        "tab": "home",
        "channel": "DALICE",
        "event_ts": "1800000000.000100",
    }
    await slack.event(payload)
    published = (await fake.wait_for("views.publish"))[0]
    view = published.body["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert published.body["user_id"] == "UALICE"
    assert "Your open incidents" in json.dumps(view)
    # The known problems come first (before: not on the tab at all).
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == ["Known problems", "Your open incidents"]
    assert "Email is down for everyone" in text_of(view["blocks"])
    assert "VPN drops every few minutes" in text_of(view["blocks"])
    await slack.event(payload, headers={"X-Slack-Retry-Num": "1"})  # a retry publishes nothing new
    agent = dict(payload, event_id="EvAgent", event={**payload["event"], "user": "UBOB"})
    await slack.event(agent)
    for_bob = (await fake.wait_for("views.publish", 2))[1]
    shown = json.dumps(for_bob.body["view"])
    headers = [b["text"]["text"] for b in for_bob.body["view"]["blocks"] if b["type"] == "header"]
    # His queue by time to breach: before, "Assigned to you", in no useful order.
    assert headers == ["Known problems", "Your queue, closest to breach first", "Unassigned"]
    assert "VPN drops every few minutes" in shown  # in the unassigned queue
    manager = dict(payload, event_id="EvManager", event={**payload["event"], "user": "UCAROL"})
    await slack.event(manager)
    for_carol = (await fake.wait_for("views.publish", 3))[2]
    blocks = for_carol.body["view"]["blocks"]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers == ["Known problems", "Your teams, closest to breach first"]
    assert "VPN drops every few minutes" in text_of(blocks)  # her teams' work
    assert len(fake.to("views.publish")) == 3


def _home_opened(slack, user: str) -> dict:
    payload = slack.mention("x")
    payload["event_id"] = slack.next_id("Ev")
    payload["event"] = {
        "type": "app_home_opened",
        "user": user,
        "tab": "home",
        "channel": "D" + user[1:],
        "event_ts": "1800000000.000200",
    }
    return payload


async def test_take_the_next_one_is_pressed_in_the_app_home(slack, fake, core):
    # Before, the Home tab dropped every button: an agent saw what waits for an owner
    # there but had to go to the DM to take it.
    await slack.answer("/incident", "open printer jams on floor 2")  # service-desk's
    await slack.event(_home_opened(slack, "UBOB"))
    view = (await fake.wait_for("views.publish"))[0].body["view"]
    take = [
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Take the next one"
    ]
    assert len(take) == 1
    press = {
        "type": "block_actions",
        "user": {"id": "UBOB", "username": "bob", "name": "bob", "team_id": "T111"},
        "api_app_id": "A111",
        "token": "verification_token",
        "container": {"type": "view", "view_id": "V0001"},
        "view": {"id": "V0001", "type": "home", "blocks": view["blocks"]},
        "trigger_id": "111.222.home",
        "team": {"id": "T111", "domain": "workspace-domain"},
        "actions": [{**take[0], "block_id": "b", "action_ts": "1800000000.000300"}],
    }
    status, _ = await slack.interactive(press)
    assert status == 200
    (answer,) = await fake.wait_for("chat.postMessage")
    assert answer.body["channel"] == "DBOB"  # his DM: the Home tab has no thread
    assert "You own INC-000001 now" in text_of(answer.blocks), text_of(answer.blocks)
    again = (await fake.wait_for("views.publish", 2))[1].body["view"]
    assert "Take the next one" not in json.dumps(again)  # nothing waits any more
    async with core.database.transaction() as session:
        dm = ChannelRef("slack", "DBOB", is_direct=True)
        assert await incident_here(session, "bob", dm) == 1  # "it" in his DM is INC-1


def test_render_escapes_every_user_string_and_numbers_buttons():
    reply = Reply(
        text="a <!channel> & b",
        card=Card(
            "<@U1> title",
            fields=(Field("<!here>", "<!subteam^S1>"), Field("Long", "<x>", short=False)),
            body="<!everyone>",
            footer="<#C1>",
            severity=Severity.DANGER,
        ),
        buttons=(Button("Go", "incident.claim", "1"), Button("Go", "incident.claim", "2")),
    )
    message = render(reply)
    dumped = json.dumps(message)
    assert "<" not in dumped.replace("\\u003c", "<").replace("&lt;", "")
    assert message["text"] == "a &lt;!channel&gt; &amp; b"
    ids = [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert len(set(ids)) == 2
    assert [action_of(i) for i in ids] == ["incident.claim", "incident.claim"]
    assert action_of("someone-elses-button") is None


def test_a_button_without_a_value_is_sent_without_one():
    message = render(Reply(text="x", buttons=(Button("Take the next one", "incident.next", ""),)))
    (element,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "value" not in element
    assert action_of(element["action_id"]) == "incident.next"


def test_render_splits_long_text_into_sections_within_slacks_limit():
    message = render(Reply(text=("line of text\n" * 400) + "<tail>"))
    sections = [b["text"]["text"] for b in message["blocks"]]
    assert len(sections) > 1 and all(len(s) <= 3000 for s in sections)
    assert sections[-1].endswith("&lt;tail&gt;")


def test_slack_markup_reads_as_plain_words():
    assert plain("<@U1|bob> and <@U2>") == "@bob and @U2"
    assert plain("<!here> <!channel> <!subteam^S1|@admins> <!subteam^S2>") == (
        "@here @channel @admins @S2"
    )
    assert plain("see <https://x.example|the page> or <https://y.example>") == (
        "see the page (https://x.example) or https://y.example"
    )
    assert plain("a &lt; b &amp;&amp; c &gt; d in <#C1|general>") == "a < b && c > d in #general"
    assert escape(plain("&lt;!channel&gt;")) == "&lt;!channel&gt;"


async def test_no_user_group_lookups_without_groups_in_config(adapter, fake):
    people = SlackPeople(adapter.client, [])
    actor = await people.actor("UALICE")
    assert (actor.display_name, actor.roles) == ("Alice Archer", ())
    assert fake.to("usergroups.list") == []


async def test_user_groups_become_roles_and_are_cached(adapter, fake):
    fake.usergroups = [
        {"id": "S1", "handle": "desk-agents", "users": ["UALICE", "UBOB"]},
        {"id": "S2", "handle": "managers", "users": ["UBOB"]},
    ]
    people = SlackPeople(adapter.client, ["desk-agents"])
    assert (await people.actor("UALICE")).roles == ("desk-agents", "S1")
    assert (await people.actor("UBOB")).roles == ("desk-agents", "S1", "managers", "S2")
    assert (await people.actor("UCAROL")).roles == ()
    assert len(fake.to("usergroups.list")) == 1
    assert len(fake.to("users.info")) == 3
