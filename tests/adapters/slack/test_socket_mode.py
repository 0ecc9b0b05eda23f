"""Socket Mode: with SLACK_APP_TOKEN the same listeners run over a WebSocket."""

from __future__ import annotations

from urllib.parse import parse_qsl

from bot.adapters.slack_adapter import build
from tests.adapters.slack.harness import SlackTester, fixture, text_of


async def test_socket_mode_acks_envelopes_and_answers(core, settings, fake):
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-test"}
    adapter = build(core, settings, {**env, "SLACK_API_URL": fake.api_url})
    assert adapter is not None
    await adapter.start()
    try:
        await fake.wait_until(lambda: fake.sockets)
        assert fake.to("apps.connections.open")
        socket, tester = fake.sockets[0], SlackTester("", fake)
        event = tester.message("the printer on floor 2 jams on every page")
        await socket.send_json(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "payload": event,
                "accepts_response_payload": False,
                "retry_attempt": 0,
            }
        )
        await fake.wait_until(lambda: {"envelope_id": "env-1"} in fake.socket_frames)
        posted = (await fake.wait_for("chat.postMessage"))[0]
        assert "These articles may fix it" in text_of(posted.blocks)

        command = dict(parse_qsl(fixture("slash_command.bolt_test.form.txt")))
        command.update(
            command="/kb",
            text="search printer jams",
            user_id="UALICE",
            trigger_id="trigger.socket",
            response_url=fake.response_url("socket"),
        )
        await socket.send_json(
            {
                "envelope_id": "env-2",
                "type": "slash_commands",
                "payload": command,
                "accepts_response_payload": True,
            }
        )
        await fake.wait_until(
            lambda: any(f.get("envelope_id") == "env-2" for f in fake.socket_frames)
        )
        answer = (await fake.wait_for("respond", key="socket"))[0]
        assert "printer-paper-jam" in text_of(answer.blocks)
    finally:
        await adapter.stop()
