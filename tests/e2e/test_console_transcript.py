"""End to end through the real `deskbot` process: a piped scenario is read back as a transcript.

Each test starts the installed console script (or `python -m bot`) with standard input
piped, in a temporary directory holding a copy of the repository's config.yaml, and
reads what a person would read. Cards are drawn 200 columns wide (COLUMNS) so that no
row wraps and every field and timeline row is one line of the transcript.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.db import alembic_config

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
_BIN = Path(sys.executable).parent
_FOUND = shutil.which("deskbot", path=str(_BIN))
DESKBOT = [_FOUND] if _FOUND else [sys.executable, "-m", "bot"]
# Variables that would change what the process prints or where it stores data.
_SCRUB = ("DESKBOT_DATABASE_URL", "DESKBOT_CONFIG", "FORCE_COLOR", "TTY_COMPATIBLE", "LINES")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")
_FIELD = re.compile(r"^(\S.*?)\s{2,}(\S.*)$")


# -- running the process ------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty directory with a copy of the shipped config.yaml, to run deskbot in."""
    cwd = tmp_path / "desk"
    cwd.mkdir()
    shutil.copy(ROOT / "config.yaml", cwd / "config.yaml")
    # An empty knowledge base: these transcripts are about incidents, not suggestions
    # (a missing folder would be warned about on stderr).
    (cwd / "knowledge").mkdir()
    return cwd


def deskbot(
    *args: str,
    cwd: Path,
    db: str | None,
    stdin: str = "",
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `deskbot ARGS` in `cwd` with `stdin` piped in; `db` goes in DESKBOT_DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env["COLUMNS"] = "200"
    if db is not None:
        env["DESKBOT_DATABASE_URL"] = db
    env.update(extra_env or {})
    return subprocess.run(
        [*DESKBOT, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        check=False,
    )


def chat(
    script: Sequence[str], *, cwd: Path, db: str | None, user: str = "alice"
) -> subprocess.CompletedProcess[str]:
    return deskbot("chat", "--as", user, cwd=cwd, db=db, stdin="".join(f"{s}\n" for s in script))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# -- reading the transcript ---------------------------------------------------


def _visible(text: str) -> str:
    """Text as the console echoes it: control characters written as escapes."""
    return "".join(
        c if unicodedata.category(c) != "Cc" or c == "\t" else c.encode("unicode_escape").decode()
        for c in text
    )


@dataclass
class Turn:
    """One input line as echoed (`alice> ...`) and the lines printed after it."""

    echo: str
    lines: list[str]

    @property
    def reply(self) -> str:
        """The reply's first line: its text."""
        assert self.lines, f"no reply to {self.echo!r}"
        return self.lines[0]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def rows(self) -> list[str]:
        """The rows inside the card's border."""
        return [
            line[1:-1].strip() for line in self.lines if line.startswith("│") and line.endswith("│")
        ]

    def fields(self) -> dict[str, str]:
        """The card's labelled fields: {"State": "in progress", "Owner": "Bob Baker (bob)"}."""
        found = {}
        for row in self.rows():
            match = _FIELD.match(row)
            if match and not _STAMP.match(row[:20]):
                found.setdefault(match.group(1), match.group(2))
        return found

    def title(self) -> str:
        top = next(line for line in self.lines if line.startswith("╭"))
        return top.strip("╭╮─ ")

    def timeline(self) -> list[list[str]]:
        """Timeline rows split on ' · ': [stamp, actor, kind, details...]."""
        rows = [row.split(" · ") for row in self.rows()]
        return [parts for parts in rows if _STAMP.match(parts[0])]

    def buttons(self) -> str:
        return next((line for line in self.lines if line.startswith("Buttons: ")), "")


def transcript(stdout: str, script: Sequence[str], user: str = "alice") -> list[Turn]:
    """Cut stdout at each echoed input line, checking each is echoed in order by its speaker.

    Lines after `:quit` are not expected: the transcript ends there.
    """
    lines = stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: list[int] = []
    speaker, at = user, 0
    for said in script:
        echo = _visible(f"{speaker}> {said}")
        where = next((i for i in range(at, len(lines)) if _visible(lines[i]) == echo), None)
        assert where is not None, f"{echo!r} is not echoed after line {at} of:\n{stdout}"
        starts.append(where)
        at = where + 1
        if said.startswith(":as "):
            speaker = said.split()[1]
        if said == ":quit":
            break
    assert starts and starts[0] == 0, f"output before the first echoed line:\n{stdout}"
    ends = [*starts[1:], len(lines)]
    return [Turn(lines[s], lines[s + 1 : e]) for s, e in zip(starts, ends, strict=True)]


def by_echo(turns: list[Turn]) -> dict[str, Turn]:
    return {turn.echo: turn for turn in turns}


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout


# -- a whole scenario -----------------------------------------------------------

SCENARIO = [
    "/incident open VPN drops every few minutes --category vpn --impact medium --urgency high",
    ":as bob",
    "/incident claim 1",
    "/incident pending 1 waiting for alice to try the new profile",
    "/incident resume 1",
    "/incident resolve 1 Replaced the VPN profile --code workaround",
    ":as alice",
    "/incident list",
    "/incident list --state open",
    "/incident list --state all",
    ":as bob",
    "/incident show INC-000001",
    "/incident history #1",
    "/incident close 1",
    ":quit",
    "/incident show 1",
]


def test_a_whole_incident_scenario_reads_as_a_transcript(workdir: Path) -> None:
    result = chat(SCENARIO, cwd=workdir, db=sqlite_url(workdir / "desk.db"))
    assert_clean_exit(result)
    turns = transcript(result.stdout, SCENARIO)
    assert len(turns) == 15  # the line after :quit is never read
    assert "/incident show 1" not in result.stdout.split("alice> :quit")[-1]
    t = by_echo(turns)

    opened = t["alice> " + SCENARIO[0]]
    assert opened.reply == "Opened INC-000001 (P2, network). We'll keep you posted here."
    assert opened.title() == "INC-000001 · VPN drops every few minutes"
    assert opened.fields() | {"Opened": "", "Response due": "", "Resolution due": ""} == {
        "State": "new",
        "Priority": "P2 High (impact medium, urgency high)",
        "Category": "network/vpn",
        "Type": "incident",
        "Group": "network",
        "Owner": "-",
        "Reporter": "alice",
        "Affected": "1 person",
        "Opened": "",
        "Response due": "",
        "Resolution due": "",
    }
    assert opened.fields()["Response due"].endswith("(in 30m)")
    assert opened.fields()["Resolution due"].endswith("(in 8h)")
    told = opened.lines.index("→ to Erin Evans (erin):")  # a new P2: the network team hears
    assert opened.lines[told + 1] == (
        "New P2 for the network team: INC-000001 “VPN drops every few minutes”."
    )
    # alice is not an agent: no one-click actions in her reply (erin's notice has them)
    assert not [line for line in opened.lines[:told] if line.startswith("Buttons: ")]

    assert t["alice> :as bob"].lines == ["(now speaking as bob)"]

    claimed = t["bob> /incident claim 1"]
    assert claimed.reply == "You own INC-000001 now."
    assert claimed.fields()["State"] == "in progress"
    assert claimed.fields()["Owner"] == "Bob Baker (bob)"
    assert claimed.fields()["Response due"].endswith("(met)")

    pending = t["bob> /incident pending 1 waiting for alice to try the new profile"]
    assert pending.reply == "INC-000001 waits on alice: waiting for alice to try the new profile"
    assert pending.fields()["State"] == (
        "pending on the reporter: waiting for alice to try the new profile"
    )
    assert pending.buttons() == (
        "Buttons: [Resolve] /incident resolve 1 <note> · "
        "[Escalate] /incident escalate 1 <reason> · [Resume] /incident resume 1"
    )

    resumed = t["bob> /incident resume 1"]
    assert resumed.reply == "INC-000001 is back in progress."
    assert resumed.fields()["State"] == "in progress"

    resolved = t["bob> /incident resolve 1 Replaced the VPN profile --code workaround"]
    assert resolved.reply == "INC-000001 is resolved (workaround)."
    assert resolved.fields()["State"] == "resolved"
    assert resolved.fields()["Resolution"] == "Replaced the VPN profile (workaround)"
    assert resolved.fields()["Resolution due"].endswith("(met)")
    assert resolved.buttons() == "Buttons: [Close] /incident close 1 · [Reopen] /incident reopen 1"

    # The reporter's default list keeps a resolved incident until it is closed;
    # an explicit --state open leaves it out.
    mine = t["alice> /incident list"]
    assert mine.rows() == ["INC-000001 · P2 · resolved · bob · VPN drops every few minutes"]
    assert t["alice> /incident list --state open"].lines == [
        "You have no incidents open. `/incident open <summary>` reports a problem."
    ]
    listed = t["alice> /incident list --state all"]
    assert listed.reply == "1 incident"
    assert listed.rows() == ["INC-000001 · P2 · resolved · bob · VPN drops every few minutes"]

    shown = t["bob> /incident show INC-000001"]
    assert shown.reply == "INC-000001 is resolved."
    assert shown.fields()["Owner"] == "Bob Baker (bob)"
    assert shown.fields()["Priority"] == "P2 High (impact medium, urgency high)"
    assert shown.fields()["Reporter"] == "alice"

    history = t["bob> /incident history #1"]
    assert history.reply == "Timeline of INC-000001"
    rows = history.timeline()
    assert [(r[1], r[2]) for r in rows] == [
        ("alice", "opened"),
        ("Bob Baker", "claimed"),
        ("Bob Baker", "pending"),
        ("Bob Baker", "resumed"),
        ("Bob Baker", "resolved"),
    ]
    assert rows[0][3:] == ['"VPN drops every few minutes"']
    assert rows[1][3:] == ["state new → in progress, owner - → bob"]
    assert rows[2][3:] == [
        "state in progress → pending",
        '"waiting for alice to try the new profile"',
    ]
    assert rows[3][3:] == ["state pending → in progress"]
    assert rows[4][3:] == [
        "state in progress → resolved, resolution code - → workaround",
        '"Replaced the VPN profile"',
    ]

    closed = t["bob> /incident close 1"]
    assert closed.reply == "INC-000001 is closed."
    assert closed.fields()["State"] == "closed"
    # Bob's card has no button left; alice, told it is closed, is asked how it went.
    assert closed.buttons() == (
        "Buttons: [Good] /incident rate 1 good · [OK] /incident rate 1 ok · "
        "[Poor] /incident rate 1 poor"
    )
    assert "→ to alice:" in closed.lines[closed.lines.index(closed.buttons()) - 2]
    assert closed.timeline()[-1][1:] == ["Bob Baker", "closed", "state resolved → closed"]
    assert t["bob> :quit"].lines == []


# -- errors do not stop the process -------------------------------------------------

ERRORS = [
    "/incidnet open Printer on fire",
    "/incident clam 1",
    "/incident open Printer on fire --urgncy high",
    "/incident open Printer on fire",
    "/incident claim 1",
    "/incident show 99",
    ":as bob",
    "/incident show 99",
    "/incident claim INC-42",
    "/incident note 1 the log says \x07 beep",
    "/incident note 1 pasted \x1b[31mred\x1b[0m text",
    "/incident claim 1",
    "/incident close 1",
    "/incident show 1",
]


def test_errors_are_answered_and_the_process_keeps_going(workdir: Path) -> None:
    result = chat(ERRORS, cwd=workdir, db=sqlite_url(workdir / "desk.db"))
    assert_clean_exit(result)
    turns = transcript(result.stdout, ERRORS)
    assert len(turns) == len(ERRORS)
    replies = [turn.reply for turn in turns]

    assert replies[0] == (
        "Unknown command /incidnet. Did you mean /incident? /help lists the commands."
    )
    assert replies[1] == (
        "Unknown command /incident clam. Did you mean /incident claim? "
        "/incident help lists the commands."
    )
    assert replies[2].startswith("Unknown option --urgncy. Did you mean --urgency?")
    assert replies[3] == "Opened INC-000001 (P4, service-desk). We'll keep you posted here."
    assert replies[4] == (
        "/incident claim is for the desk's agents, and you are not on that list. "
        "`/help` shows what you can do."
    )
    assert replies[5] == (
        "You have no incident INC-000099. `/incident list` shows the ones you reported."
    )
    assert replies[6] == "(now speaking as bob)"
    assert replies[7] == "There is no incident INC-000099."
    assert replies[8] == "There is no incident INC-000042."
    for turn, code in ((turns[9], "0007"), (turns[10], "001B")):
        assert len(turn.lines) == 1
        assert re.fullmatch(
            rf"Your message contains a control character \(U\+{code}\) near '[^']+'\. "
            r"Only printable text, tabs and line breaks are accepted; remove it and send again\.",
            turn.reply,
        ), turn.reply
    assert replies[11] == "You own INC-000001 now."
    assert replies[12].startswith("You can't close INC-000001: it is in progress. From in ")
    shown = turns[13]
    assert shown.reply == "INC-000001 is in progress."
    # Nothing refused above reached the timeline.
    assert [row[2] for row in shown.timeline()] == ["opened", "claimed"]
    assert "beep" not in shown.text and "pasted" not in shown.text


def test_a_control_character_is_located_by_the_words_around_it(workdir: Path) -> None:
    line = "/incident note 1 the log says \x07 beep"
    result = chat([line], cwd=workdir, db=sqlite_url(workdir / "desk.db"))
    assert_clean_exit(result)
    (turn,) = transcript(result.stdout, [line])
    assert "(U+0007) near 'note 1 the log says ? beep'." in turn.reply
    assert "\x07" not in result.stdout  # the echo shows it escaped, never raw


# -- storage ------------------------------------------------------------------------


def test_data_persists_between_two_runs_on_the_same_sqlite_file(workdir: Path) -> None:
    db = sqlite_url(workdir / "desk.db")
    first = chat(
        ["/incident open Laptop will not boot", ":as bob", "/incident claim 1"], cwd=workdir, db=db
    )
    assert_clean_exit(first)

    again = ["/incident show 1", "/incident open Second laptop will not boot either"]
    second = chat(again, cwd=workdir, db=db)
    assert_clean_exit(second)
    shown, opened = transcript(second.stdout, again)
    assert shown.reply == "INC-000001 is in progress."
    assert shown.title() == "INC-000001 · Laptop will not boot"
    assert shown.fields()["Owner"] == "Bob Baker (bob)"
    assert [row[2] for row in shown.timeline()] == ["opened", "claimed"]
    assert opened.reply.startswith("Opened INC-000002 ")


@pytest.mark.parametrize(
    ("url", "created"),
    [
        ("sqlite:///relative.db", "relative.db"),
        ("sqlite:///data/desk.db", "data/desk.db"),
        (None, "deskbot.db"),  # config.yaml's own `sqlite:///deskbot.db`
    ],
)
def test_a_relative_sqlite_url_is_relative_to_where_deskbot_runs(
    workdir: Path, url: str | None, created: str
) -> None:
    result = chat(["/incident open Wi-Fi is slow"], cwd=workdir, db=url)
    assert_clean_exit(result)
    assert "Opened INC-000001" in result.stdout
    assert (workdir / created).is_file()
    assert sorted(p.name for p in workdir.glob("*.db")) == ([created] if "/" not in created else [])


def test_a_sqlite_url_in_the_home_directory_is_expanded(workdir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = deskbot(
        "chat",
        "--as",
        "alice",
        cwd=workdir,
        db="sqlite:///~/desk/deskbot.db",
        stdin="/incident open Wi-Fi is slow\n",
        extra_env={"HOME": str(home)},
    )
    assert "Traceback" not in result.stderr
    assert_clean_exit(result)
    assert (home / "desk" / "deskbot.db").is_file()


# -- configuration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "default_group: service-desk",
            "default_group: helpdesk",
            "config.yaml: default_group: expected one of the groups "
            "service-desk, desktop-support, network",
        ),
        (
            "message_chars: 4000",
            "message_chars: plenty",
            "config.yaml: limits.message_chars: expected ",
        ),
    ],
)
def test_a_malformed_config_stops_chat_naming_the_file_the_key_and_what_was_expected(
    workdir: Path, old: str, new: str, message: str
) -> None:
    config = workdir / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")

    result = chat(["/incident open VPN down"], cwd=workdir, db=None)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"deskbot: {message}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    if "message_chars" in new:
        assert "integer" in result.stderr
    assert not (workdir / "deskbot.db").exists()  # refused before touching the database


# -- PostgreSQL ---------------------------------------------------------------------


def _admin(url: str) -> str:
    """A URL asyncpg accepts (no +driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(url: str, sql: str) -> object:
    async def run() -> object:
        conn = await asyncpg.connect(_admin(url), timeout=5)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture
def empty_pg_url(pg_url: str) -> Iterator[str]:
    """A brand-new PostgreSQL database with no schema, dropped afterwards."""
    name = f"deskbot_e2e_{uuid.uuid4().hex[:10]}"
    _pg(pg_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_db_upgrade_then_current_on_postgresql(workdir: Path, pg_url: str) -> None:
    name = make_url(pg_url).database
    upgraded = deskbot("db", "upgrade", cwd=workdir, db=pg_url)
    assert_clean_exit(upgraded)
    match = re.fullmatch(rf".*/{name}: schema revision (\w+), up to date\n", upgraded.stdout)
    assert match, upgraded.stdout

    current = deskbot("db", "current", cwd=workdir, db=pg_url)
    assert_clean_exit(current)
    assert current.stdout == upgraded.stdout
    assert not (workdir / "deskbot.db").exists()


def test_chat_refuses_an_unmigrated_postgresql_database(workdir: Path, empty_pg_url: str) -> None:
    name = make_url(empty_pg_url).database
    result = chat(["/incident open VPN down"], cwd=workdir, db=empty_pg_url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("deskbot: the database ")
    assert f"/{name} is at schema revision none" in result.stderr
    assert "run `deskbot db upgrade` once, then start again" in result.stderr
    # It only looked: no table was created, and `db current` says what is missing.
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert _pg(empty_pg_url, tables) == 0
    current = deskbot("db", "current", cwd=workdir, db=empty_pg_url)
    assert current.returncode == 1  # behind: scripts can check the exit code
    assert current.stderr == ""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current.stdout.endswith(f"/{name}: schema revision none, behind (latest is {head})\n")


def test_chat_on_a_missing_postgresql_database_says_so_without_a_traceback(
    workdir: Path, pg_url: str
) -> None:
    missing = make_url(pg_url).set(database=f"deskbot_missing_{uuid.uuid4().hex[:8]}")
    url = missing.render_as_string(hide_password=False)
    result = chat(["/incident open VPN down"], cwd=workdir, db=url)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stderr.startswith("deskbot: ")
    assert missing.database in result.stderr
