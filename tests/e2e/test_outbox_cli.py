"""`deskbot outbox` through the real process: listing notifications and retrying dead ones.

Each test uses its own SQLite file (DESKBOT_DATABASE_URL) and the repository's
config.yaml. Notifications are made the way they are in use, by a piped `deskbot chat`;
dead ones by then marking those rows as a long outage would have left them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from bot.db import Database
from bot.models import OutboxRow
from tests.e2e.test_console_transcript import deskbot, sqlite_url

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "config.yaml")
ERROR = "ConnectionError: slack is down"
SCRIPT = [
    "/incident open Printer on floor 3 jams on every page",
    ":as bob",
    "/incident claim 1",
    "/incident resolve 1 Replaced the fuser",
]


class Desk:
    """A SQLite file and the deskbot commands run against it."""

    def __init__(self, tmp_path: Path) -> None:
        self.cwd = tmp_path
        self.db = sqlite_url(tmp_path / "deskbot.db")

    def run(self, *args: str, stdin: str = ""):
        return deskbot("--config", CONFIG, *args, cwd=self.cwd, db=self.db, stdin=stdin)

    def outbox(self, *args: str):
        return self.run("outbox", *args)

    def chat(self, user: str, *lines: str):
        done = self.run("chat", "--as", user, stdin="".join(f"{line}\n" for line in lines))
        assert done.returncode == 0, done.stderr
        return done

    def rows(self, *args: str) -> list[list[str]]:
        """The table `deskbot outbox list` prints, one list of cells per row."""
        done = self.outbox("list", *args)
        assert done.returncode == 0, done.stderr
        return [
            [cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in done.stdout.splitlines()
            if line.startswith("│")
        ]

    async def kill_all(self) -> None:
        """What a long outage leaves: every notification dead after 8 failed attempts."""
        database = Database(self.db)
        try:
            await database.run(
                lambda s: s.execute(
                    update(OutboxRow).values(
                        state="dead",
                        attempts=8,
                        last_error=ERROR,
                        delivered_at=None,
                        message_id=None,
                    )
                )
            )
        finally:
            await database.dispose()


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


@pytest.fixture
async def dead(desk: Desk) -> Desk:
    """Alice's incident claimed and resolved; both notices to her dead."""
    desk.chat("alice", *SCRIPT)
    await desk.kill_all()
    return desk


def test_an_empty_outbox_says_so(desk):
    done = desk.outbox()
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "The outbox is empty.", "")
    done = desk.outbox("list", "--state", "dead")
    assert (done.returncode, done.stdout.strip()) == (0, "None.")


def test_the_outbox_lists_what_a_chat_delivered(desk):
    transcript = desk.chat("alice", *SCRIPT).stdout
    assert transcript.count("→ to alice:") == 2
    assert desk.rows() == [
        ["2", "delivered", "alice", "console", "resolved", "1", "0", ""],
        ["1", "delivered", "alice", "console", "claimed", "1", "0", ""],
    ]
    assert desk.rows("--limit", "1") == [
        ["2", "delivered", "alice", "console", "resolved", "1", "0", ""]
    ]
    done = desk.outbox()  # `list` is the default action
    assert done.returncode == 0
    assert done.stdout == desk.outbox("list").stdout


async def test_dead_notifications_are_listed_with_their_error(dead):
    assert dead.rows("--state", "dead") == [
        ["2", "dead", "alice", "console", "resolved", "1", "8", ERROR],
        ["1", "dead", "alice", "console", "claimed", "1", "8", ERROR],
    ]
    assert dead.outbox("list", "--state", "delivered").stdout.strip() == "None."


async def test_retry_puts_the_named_dead_notifications_back(dead):
    done = dead.outbox("retry", "1")
    assert (done.returncode, done.stdout.strip()) == (0, "1 notification back in the queue.")
    assert [row[:3] + row[6:] for row in dead.rows()] == [
        ["2", "dead", "alice", "8", ERROR],
        ["1", "pending", "alice", "0", ERROR],
    ]
    again = dead.outbox("retry", "1")  # not dead any more
    assert (again.returncode, again.stdout.strip()) == (1, "0 notifications back in the queue.")


async def test_retry_all_puts_every_dead_notification_back_and_they_are_delivered(dead):
    done = dead.outbox("retry", "--all")
    assert (done.returncode, done.stdout.strip()) == (0, "2 notifications back in the queue.")
    assert [row[1] for row in dead.rows()] == ["pending", "pending"]
    nothing = dead.outbox("retry", "--all")
    assert (nothing.returncode, nothing.stdout.strip()) == (
        1,
        "0 notifications back in the queue.",
    )

    transcript = dead.chat("alice", "hello").stdout  # a running desk delivers them
    lines = transcript.splitlines()
    told = [lines[i + 1] for i, line in enumerate(lines) if line == "→ to alice:"]
    assert told == [
        "Bob Baker is working on INC-000001 “Printer on floor 3 jams on every page”.",
        "INC-000001 “Printer on floor 3 jams on every page” is resolved: Replaced the fuser",
    ]
    assert [row[:2] + row[6:7] for row in dead.rows()] == [
        ["2", "delivered", "0"],
        ["1", "delivered", "0"],
    ]
    assert dead.chat("alice", "hello").stdout.count("→ to") == 0  # delivered once


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("retry",), "Say which: `deskbot outbox retry 12 13`, or `--all` for every dead one."),
        (("retry", "one"), "invalid int value: 'one'"),
        (("list", "--state", "lost"), "invalid choice: 'lost'"),
        (("list", "--limit", "many"), "invalid int value: 'many'"),
        (("purge",), "invalid choice: 'purge'"),
    ],
)
def test_bad_usage_exits_2_and_says_why(desk, args, says):
    done = desk.outbox(*args)
    assert done.returncode == 2
    assert says in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
