"""Slash commands and the /incident open modal, through the real bolt app."""

from __future__ import annotations

import asyncio
import json

from bot.adapters.slack_modal import DETAILS, VALUE
from tests.adapters.slack.harness import buttons, deliver, text_of


async def test_incident_open_then_list_and_show(slack):
    opened = await slack.answer("/incident", "open VPN drops every few minutes --impact medium")
    assert "Opened INC-000001" in text_of(opened.blocks)
    assert opened.body["response_type"] == "ephemeral"
    listed = await slack.answer("/incident", "list --mine")
    assert "INC-000001" in text_of(listed.blocks)
    assert "VPN drops every few minutes" in text_of(listed.blocks)
    shown = await slack.answer("/incident", "show INC-1")
    assert "Priority" in text_of(shown.blocks)


async def test_role_checks_come_from_the_core(slack):
    await slack.answer("/incident", "open VPN drops every few minutes")
    refused = await slack.answer("/incident", "claim 1")  # alice is a plain user
    assert "/incident claim is for the desk's agents" in text_of(refused.blocks)
    claimed = await slack.answer("/incident", "claim 1", user="UBOB")  # staff by Slack id
    assert "You own INC-000001 now." in text_of(claimed.blocks)


async def test_a_slack_user_group_makes_an_agent(slack, fake):
    fake.usergroups = [{"id": "S777", "handle": "desk-agents", "users": ["UCHEN"]}]
    await slack.answer("/incident", "open VPN drops every few minutes")
    claimed = await slack.answer("/incident", "claim 1", user="UCHEN")
    assert "You own INC-000001 now." in text_of(claimed.blocks)
    lists = fake.to("usergroups.list")
    assert len(lists) == 1  # cached: asked once for three users' events
    assert lists[0].body["include_users"] in (True, "true", "1", 1)


async def test_kb_search(slack):
    found = await slack.answer("/kb", "search printer jams")
    assert "printer-paper-jam" in text_of(found.blocks)


async def test_help(slack):
    shown = await slack.answer("/help", "")
    assert "/incident open" in text_of(shown.blocks)
    group = await slack.answer("/incident", "help")
    assert "/incident claim" in text_of(group.blocks)


async def test_bad_arguments_are_answered_privately(slack):
    answer = await slack.answer("/incident", "show nothing-like-an-id")
    assert answer.body["response_type"] == "ephemeral"
    assert "Usage: /incident show &lt;incident&gt;" in text_of(answer.blocks)  # shown as <incident>


async def _open_modal(slack, fake):
    key = await slack.command("/incident", "open", channel="C111")
    opened = (await fake.wait_for("views.open"))[0]
    assert opened.body["trigger_id"] == f"trigger.{key}"
    view = opened.body["view"]
    return key, view if isinstance(view, dict) else json.loads(view)


async def test_incident_open_without_text_opens_the_modal(slack, fake, core):
    _, view = await _open_modal(slack, fake)
    assert fake.to("respond") == []  # the modal is the answer
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert list(blocks) == ["summary", DETAILS, "category", "impact", "urgency", "type"]
    assert blocks["summary"]["optional"] is False
    impact = [o["value"] for o in blocks["impact"]["element"]["options"]]
    assert impact == list(core.rules.classifier.impacts)
    categories = [o["value"] for o in blocks["category"]["element"]["options"]]
    assert categories == list(core.rules.classifier.category_paths())


def _values(summary: str, details: str = "", **choices: str) -> dict:
    values = {
        "summary": {VALUE: {"type": "plain_text_input", "value": summary}},
        DETAILS: {VALUE: {"type": "plain_text_input", "value": details or None}},
    }
    for name, choice in choices.items():
        values[name] = {VALUE: {"type": "static_select", "selected_option": {"value": choice}}}
    return values


async def test_modal_errors_come_back_on_the_fields(slack, fake):
    _, view = await _open_modal(slack, fake)
    payload = slack.submission(view, _values("   ", category="no-such-thing"))
    status, body = await slack.interactive(payload)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"summary", "category"}
    assert "no-such-thing" in answer["errors"]["category"]
    payload = slack.submission(view, _values("printer\x07 jams"))
    answer = json.loads((await slack.interactive(payload))[1])
    assert "control character" in answer["errors"]["summary"]
    await asyncio.sleep(0.2)
    assert not any("Opened" in c.everything for c in fake.calls)  # nothing was opened


async def test_modal_submission_opens_the_incident(slack, fake):
    key, view = await _open_modal(slack, fake)
    values = _values(
        "Laptop will not boot", "Black screen since this morning", impact="low", urgency="high"
    )
    status, body = await slack.interactive(slack.submission(view, values))
    assert status == 200 and body == ""  # closes the modal
    answer = (await fake.wait_for("respond", key=key))[0]  # the command's response_url
    assert "Opened INC-000001" in text_of(answer.blocks)
    shown = await slack.answer("/incident", "show 1")
    text = text_of(shown.blocks)
    assert "Laptop will not boot" in text and "Black screen since this morning" in text
    assert "impact low, urgency high" in text
    assert buttons(shown.blocks) == {}  # alice is no agent: no Claim button for her


async def test_when_the_modal_cannot_open_the_user_is_told_what_to_type(slack, fake):
    fake.fail("views.open", error="expired_trigger_id")
    answer = await slack.answer("/incident", "open")
    assert "Type it instead, e.g. `/incident open" in text_of(answer.blocks)
    assert answer.body["response_type"] == "ephemeral"


async def test_report_answers_with_the_figures_and_uploads_the_chart(slack, fake):
    await slack.answer("/incident", "open VPN drops every few minutes")
    refused = await slack.answer("/report", "")  # alice is not staff
    assert "/report is for the desk's agents" in text_of(refused.blocks)
    answer = await slack.answer("/report", "--since 30d", user="UCAROL", channel="C777")
    assert "Desk report · last 30 days" in text_of(answer.blocks)
    (upload,) = await fake.wait_for("files.completeUploadExternal")
    assert upload.body["channel_id"] == "C777"
    assert fake.to("upload")[0].body["size"] > 1000  # a real PNG went up


async def test_the_report_as_csv_is_uploaded_under_its_name(slack, fake):
    await slack.answer("/incident", "open VPN drops every few minutes")
    answer = await slack.answer("/report", "--format csv", user="UCAROL", channel="C777")
    assert "The figures are attached as deskbot-report-" in text_of(answer.blocks)
    (asked,) = await fake.wait_for("files.getUploadURLExternal")
    assert asked.body["filename"].startswith("deskbot-report-")
    assert asked.body["filename"].endswith(".csv")
    (upload,) = await fake.wait_for("files.completeUploadExternal")
    assert upload.body["channel_id"] == "C777"
    assert int(asked.body["length"]) == fake.to("upload")[0].body["size"]


async def test_an_agent_logs_an_incident_for_a_mentioned_person(slack, fake, core, adapter):
    """Escaped mentions (<@U…|name>, the manifest's should_escape) name the account:
    before, an agent had no way to log what someone told them by phone or in a DM."""
    said = "open Laptop screen cracked, dropped it --reporter <@UALICE|alice>"
    opened = await slack.answer("/incident", said, user="UBOB")
    assert "Opened INC-000001 (P4, service-desk) for Alice" in text_of(opened.blocks)
    (told,) = await deliver(core, adapter, fake)
    assert told.body["channel"] == "DALICE"  # her DM, not bob's channel
    assert "Bob Baker logged INC-000001" in text_of(told.blocks)
    mine = await slack.answer("/incident", "list --mine")  # alice's own list
    assert "Laptop screen cracked" in text_of(mine.blocks)


async def test_a_reporter_typed_without_a_mention_is_refused_with_how(slack):
    # A workspace whose manifest predates should_escape sends "@alice" as plain text.
    refused = await slack.answer("/incident", "open Laptop cracked --reporter @alice", user="UBOB")
    assert "I can't tell who '@alice' is" in text_of(refused.blocks)
