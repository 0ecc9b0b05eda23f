"""The conversation end to end, through the real `deskbot chat` process.

Plain lines are chat messages; the scheduler runs after each line, so a notification
shows in the transcript as "→ to <name>:" followed by what that person was told.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_console_transcript import (
    ROOT,
    Turn,
    assert_clean_exit,
    chat,
    sqlite_url,
    transcript,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory holding copies of the shipped config.yaml and knowledge base."""
    cwd = tmp_path / "desk"
    cwd.mkdir()
    shutil.copy(ROOT / "config.yaml", cwd / "config.yaml")
    shutil.copytree(ROOT / "knowledge", cwd / "knowledge")
    return cwd


def run(script: list[str], workdir: Path, user: str = "alice") -> list[Turn]:
    result = chat(script, cwd=workdir, db=sqlite_url(workdir / "desk.db"), user=user)
    assert_clean_exit(result)
    return transcript(result.stdout, script, user)


def notices(turn: Turn) -> list[tuple[str, str]]:
    """(recipient, first line of what they were told), in the order printed."""
    found = []
    for at, line in enumerate(turn.lines):
        if line.startswith("→ to ") and line.endswith(":"):
            found.append((line[len("→ to ") : -1], turn.lines[at + 1]))
    return found


def test_a_report_answered_by_the_knowledge_base_opens_nothing(workdir: Path) -> None:
    script = [
        "my vpn keeps dropping every few minutes",
        "/intake solved vpn-keeps-disconnecting",
        "my tickets",
    ]
    suggested, solved, mine = run(script, workdir)
    assert suggested.reply == "These articles may fix it right away:"
    assert "vpn-keeps-disconnecting · VPN keeps disconnecting" in suggested.text
    assert "[I still need help] /intake unsolved" in suggested.text
    assert solved.reply == (
        "Glad that fixed it! Nothing was opened. If it comes back, just tell me."
    )
    assert mine.reply == "You have no open incidents. Tell me if something is wrong."


def test_a_report_becomes_an_incident_after_the_questions(workdir: Path) -> None:
    script = [
        "hello",
        "my vpn keeps dropping every few minutes",
        "still need help",
        "just me",
        "2",
        "yes",
    ]
    hello, _, help_, scope, blocked, opened = run(script, workdir)
    assert hello.reply.startswith("Hi alice! Tell me what's wrong")
    assert help_.lines[:4] == [
        "Who is affected?",
        "1. Just me",
        "2. My team",
        "3. Many people or a whole site",
    ]
    assert scope.lines[0] == "Can you still work?"
    assert blocked.reply == "Here is what I'll open for you. Shall I?"
    assert blocked.fields()["Category"] == "network/vpn"
    assert blocked.fields()["Priority"] == "P4 Low"
    assert opened.reply.startswith("Opened INC-000001 (P4, network).")
    assert opened.fields()["Priority"] == "P4 Low (impact low, urgency medium)"
    assert opened.fields()["Reporter"] == "alice"


def test_a_report_that_says_everything_is_not_asked_again(workdir: Path) -> None:
    script = ["The VPN is down for the whole office, nobody can work", "yes"]
    summary, opened = run(script, workdir)
    # No suggestions, no questions: an outage goes straight to the summary.
    assert summary.reply == "Here is what I'll open for you. Shall I?"
    assert summary.fields()["Category"] == "network/vpn"
    assert summary.fields()["Priority"] == "P1 Critical"
    assert "Who is affected?" not in summary.text and "Can you still work?" not in summary.text
    assert opened.reply.startswith("Opened INC-000001 (P1, network).")


def test_a_duplicate_report_joins_the_incident_as_affected(workdir: Path) -> None:
    script = [
        "The VPN is down for the whole office, nobody can work",
        "yes",
        ":as dave",
        ":as frank",
        "vpn is not working",  # like an open outage: asked about it before any article
        "yes",
        "/incident show 1",
    ]
    turns = run(script, workdir)
    asked, joined, shown = turns[4], turns[5], turns[6]
    assert asked.reply.startswith(
        "This looks like INC-000001, *The VPN is down for the whole office, nobody can work*, "
        "opened "
    )
    assert asked.reply.endswith("Are you affected by the same thing?")
    assert joined.reply == (
        "You're on INC-000001 now (2 people affected); I'll tell you when there is news. "
        "Nothing new was opened."
    )
    assert shown.fields()["Affected"] == "2 people"
    assert "INC-000002" not in "\n".join(t.text for t in turns)


def test_progress_questions_are_answered_in_chat(workdir: Path) -> None:
    script = [
        "/incident open Printer on floor 2 prints blank pages --impact medium",
        ":as bob",
        "/incident claim 1",
        ":as alice",
        "any news on INC-1?",
        "what's happening with my ticket",
        "any news on INC-7?",
        "thanks!",
    ]
    turns = run(script, workdir)
    news, mine, missing, thanks = turns[4], turns[5], turns[6], turns[7]
    assert news.reply.startswith(
        "INC-000001 is in progress, with Bob Baker (bob). The target to resolve it is "
    )
    assert news.fields()["Owner"] == "Bob Baker (bob)"
    assert mine.reply.startswith(
        "INC-000001 is in progress, with Bob Baker (bob). The target to resolve it is "
    )
    assert missing.reply == (
        "You have no incident INC-000007. `/incident list` shows the ones you reported."
    )
    # Alice heard about the claim, so her chat is about INC-000001 now.
    assert thanks.reply == "You're welcome! I'll keep you posted on INC-000001."


def test_the_reporter_hears_of_claim_and_resolution_and_confirms(workdir: Path) -> None:
    script = [
        "/incident open Outlook crashes when I open a calendar invite",
        ":as bob",
        "/incident claim 1",
        "/incident pending 1 which Outlook version do you have?",
        ":as alice",
        "Version 16.0, the one from the portal",
        ":as bob",
        "/incident resolve 1 Repaired the Office install",
        ":as alice",
        "/incident confirm 1",
    ]
    turns = run(script, workdir)
    claim, pending, answer, resolve, confirm = turns[2], turns[3], turns[5], turns[7], turns[9]
    assert notices(claim) == [
        (
            "alice",
            "Bob Baker is working on INC-000001 “Outlook crashes when I open a calendar invite”.",
        )
    ]
    assert notices(pending) == [
        (
            "alice",
            "Bob Baker needs something from you on INC-000001 “Outlook crashes when I open "
            "a calendar invite”: which Outlook version do you have?",
        )
    ]
    # The answer goes onto the incident and puts it back to work; its owner hears it.
    assert answer.reply == (
        "Added to INC-000001; it is back in progress and Bob Baker (bob) will see it."
    )
    assert notices(answer) == [
        (
            "Bob Baker (bob)",
            "alice answered on INC-000001 “Outlook crashes when I open a calendar invite”: "
            "Version 16.0, the one from the portal",
        )
    ]
    [(to, told)] = notices(resolve)
    assert (to, told) == (
        "alice",
        "INC-000001 “Outlook crashes when I open a calendar invite” is resolved: "
        "Repaired the Office install",
    )
    assert "[Confirm, it's fixed] /incident confirm 1 · [Reopen] /incident reopen 1" in (
        resolve.text
    )
    assert confirm.reply == "Thanks for confirming. INC-000001 is closed. How did we do?"
    assert notices(confirm) == [
        (
            "Bob Baker (bob)",
            "alice confirmed the fix; INC-000001 “Outlook crashes when I open a "
            "calendar invite” is closed.",
        )
    ]
