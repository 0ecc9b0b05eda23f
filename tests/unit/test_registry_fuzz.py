"""Property tests: no text makes the parser or the core fail with anything but a clear reply."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

import bot.commands  # noqa: F401  (registers every command)
from bot.app import Core, check_text
from bot.config import load_settings
from bot.db import Database
from bot.errors import BadArguments, DeskError
from bot.messages import Action, Actor, CommandCall, Reply
from bot.registry import registry
from bot.services.rules import DeskRules
from tests.conftest import Desk, ManualClock

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = load_settings(ROOT / "config.yaml")
RULES = DeskRules.from_settings(SETTINGS)
SPECS = registry.specs()
UNHANDLED = "Something went wrong"

# Real command words, flags and values, plus the characters that trip tokenizers up.
WORDS = [
    "/incident",
    "incident",
    "INCIDENT",
    "help",
    "/help",
    *sorted({spec.path[-1] for spec in SPECS}),
    *sorted({p.option for spec in SPECS for p in spec.params if p.flag}),
    "--impact=high",
    "--category=network/vpn",
    "--mine=yes",
    "--",
    "---",
    "-",
    "—",
    "--=",
    "=",
    '"',
    "'",
    '""',
    "''",
    '"network/vpn"',
    "'two words'",
    "can't",
    "high",
    "medium",
    "low",
    "network",
    "network/vpn",
    "vpn",
    "service-desk",
    "desktop-support",
    "P1",
    "p2",
    "3",
    "fixed",
    "workaround",
    "request",
    "all",
    "pending",
    "bob",
    "dave",
    "@erin",
    "carol",
    "nobody",
    "1",
    "2",
    "3",
    "42",
    "0",
    "-1",
    "#1",
    "INC-1",
    "inc-000002",
    "INC-",
    "2147483647",
    "2147483648",
    "99999999999",
    "٣",
    "\n",
    "\t",
    "\r\n",
    "  ",
]

ANY_TEXT = st.text()
DASHY_TEXT = st.text(alphabet=st.sampled_from("-—–=\"' \t\nab1/#"), max_size=40)
GRAMMAR_TEXT = st.lists(
    st.sampled_from(WORDS) | st.text(max_size=8), min_size=0, max_size=12
).flatmap(lambda parts: st.sampled_from([" ", "  ", "\t", "\n"]).map(lambda sep: sep.join(parts)))
# A real sub-command and an id first, then that command's flags with plausible values and a
# few printable words, so that many lines get past the parser, into the database and through
# the lifecycle.
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)
IDS = ["1", "2", "3", "4", "5", "6", "7", "#2", "INC-3", "inc-000004", "0", "x"]


def _flag_values(spec) -> list[str]:
    pairs = []
    for p in spec.params:
        if p.type.switch:
            pairs.append(p.option)
        elif p.flag:
            values = list(p.type.choices(RULES)) if p.type.choices else ["1", "2", "99"]
            pairs += [f"{p.option} {value}" for value in values] + [p.option]
    return pairs or ["--"]


def _command_text(spec) -> st.SearchStrategy[str]:
    return st.tuples(
        st.sampled_from(IDS),
        st.lists(
            st.sampled_from(_flag_values(spec)) | st.sampled_from(WORDS) | PRINTABLE, max_size=3
        ),
    ).map(lambda t: " ".join([spec.path[-1], t[0], *t[1]]))


COMMAND_TEXT = st.sampled_from([spec for spec in SPECS if len(spec.path) > 1]).flatmap(
    _command_text
)
LINE = st.one_of(GRAMMAR_TEXT, ANY_TEXT, DASHY_TEXT)


def _resolve_and_parse(words: tuple[str, ...], text: str) -> None:
    try:
        spec, rest = registry.resolve(words, text)
        values = registry.parse(spec, rest, RULES)
    except DeskError as exc:
        assert str(exc).strip(), "a DeskError must say what is wrong"
        return
    assert set(values) == {p.name for p in spec.params}


# -- the parser alone ---------------------------------------------------------------


@fuzz_settings(max_examples=300, deadline=None)
@given(line=LINE)
def test_any_line_resolves_and_parses_or_raises_a_desk_error(line):
    top, _, rest = line.lstrip("/").partition(" ")
    _resolve_and_parse((top,), rest)


@fuzz_settings(max_examples=300, deadline=None)
@given(text=LINE)
def test_any_text_after_incident_resolves_and_parses_or_raises_a_desk_error(text):
    _resolve_and_parse(("incident",), text)


@fuzz_settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(SPECS), text=LINE)
def test_any_text_parses_for_every_command_or_raises_a_desk_error(spec, text):
    try:
        values = registry.parse(spec, text, RULES)
    except DeskError:
        return
    assert set(values) == {p.name for p in spec.params}
    for param in spec.params:
        if param.required:
            assert values[param.name] is not None


@fuzz_settings(max_examples=200, deadline=None)
@given(
    spec=st.sampled_from(SPECS),
    options=st.dictionaries(
        st.sampled_from(["incident", "summary", "impact", "mine", "to", "text", "bogus"]),
        st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.sampled_from(WORDS)),
        max_size=4,
    ),
)
def test_any_options_bind_or_raise_a_desk_error(spec, options):
    try:
        values = registry.bind(spec, options, RULES)
    except DeskError as exc:
        assert str(exc).strip()
        return
    assert set(values) == {p.name for p in spec.params}


@fuzz_settings(max_examples=200, deadline=None)
@given(summary=st.text(min_size=1).filter(str.strip))
def test_free_text_after_double_dash_comes_back_exactly_as_written(summary):
    values = registry.parse(registry.get(("incident", "open")), f"-- {summary}", RULES)
    assert values["summary"] == summary.strip()


# -- the whole core on a real database -------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One event loop and one migrated SQLite file for the module, with a few incidents."""
    runner = asyncio.Runner()
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'deskbot.db'}")
    runner.run(database.prepare())
    core = Core(SETTINGS, database, clock=ManualClock())
    desk = Desk(core)
    seed = [
        ("alice", "/incident open VPN drops every few minutes --impact high"),  # 1 new
        ("alice", "/incident open Printer jams --category printer"),  # 2
        ("bob", "/incident claim 2"),  # 2 in progress
        ("alice", "/incident open Laptop will not boot"),  # 3
        ("bob", "/incident claim 3"),
        ("bob", "/incident resolve 3 Reseated the memory"),  # 3 resolved
        ("alice", "/incident open Email is slow"),  # 4
        ("bob", "/incident cancel 4 opened by mistake"),  # 4 cancelled
        ("alice", "/incident open Wi-Fi is down on floor 2 --category wifi"),  # 5
        ("bob", "/incident claim 5"),
        ("bob", "/incident pending 5 waiting for the access point"),  # 5 pending
    ]
    for user, line in seed:
        replies = runner.run(desk.say(user, line))
        assert replies and not replies[0].is_error, (line, replies)
    yield runner, desk
    runner.run(database.dispose())
    runner.close()


def _check_replies(replies: list[Reply]) -> None:
    assert isinstance(replies, list)
    for reply in replies:
        assert isinstance(reply, Reply)
        assert UNHANDLED not in reply.text, reply.text
        assert reply.text.strip()


FUZZ = fuzz_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
USERS = st.sampled_from(["alice", "bob", "carol", "zed"])


@FUZZ
@given(user=USERS, line=LINE)
def test_the_core_answers_any_line_without_an_unhandled_error(live, user, line):
    runner, desk = live
    _check_replies(runner.run(desk.say(user, line)))


@FUZZ
@given(user=USERS, text=GRAMMAR_TEXT | COMMAND_TEXT)
def test_the_core_answers_any_incident_command_without_an_unhandled_error(live, user, text):
    runner, desk = live
    _check_replies(runner.run(desk.say(user, "/incident " + text)))


@FUZZ
@given(
    user=USERS,
    action=st.one_of(
        st.sampled_from(
            [
                *["incident.claim", "incident.resume", "incident.close", "incident.reopen"],
                *["incident.show", "incident.open", "help", "incident", "incident.nope", ""],
            ]
        ),
        st.text(max_size=20),
    ),
    value=st.one_of(st.sampled_from(["1", "2", "3", "4", "5", "42", "0", "INC-1"]), st.text()),
)
def test_the_core_answers_any_button_without_an_unhandled_error(live, user, action, value):
    runner, desk = live
    inbound = Action(
        Actor("console", user, user), desk.channel, action, value, event_id=uuid.uuid4().hex
    )
    _check_replies(runner.run(desk.core.handle(inbound)))


@FUZZ
@given(
    user=USERS,
    path=st.sampled_from([spec.path for spec in SPECS] + [("incident", "nope"), ("nope",)]),
    options=st.dictionaries(
        st.sampled_from(["incident", "summary", "impact", "category", "mine", "to", "reason"]),
        st.one_of(st.sampled_from(WORDS), st.text(max_size=30), st.integers(), st.booleans()),
        max_size=4,
    ),
)
def test_the_core_answers_any_typed_options_without_an_unhandled_error(live, user, path, options):
    runner, desk = live
    inbound = CommandCall(
        Actor("discord", user, user),
        desk.channel,
        path=path,
        event_id=uuid.uuid4().hex,
        options=options,
    )
    _check_replies(runner.run(desk.core.handle(inbound)))


def test_the_fuzzed_desk_still_works(live):
    runner, desk = live
    reply = runner.run(desk.ok("alice", "/incident open Still working after the fuzzing"))
    assert reply.text.startswith("Opened INC-")
    assert runner.run(desk.ok("bob", "/incident show 1")).text.startswith("INC-000001 is ")


# -- check_text --------------------------------------------------------------------------


LIMIT = SETTINGS.limits.message_chars


@pytest.mark.parametrize(
    "text",
    [
        "",
        "VPN is down",
        "line one\nline two\r\nline three",
        "col\tcol\tcol",
        'it\'s "quoted" — naïve café',
        "emoji 🚀🔥👍🏽 and a family 👨‍👩‍👧",
        "漢字 العربية עברית",
        "zero\u200bwidth and soft\u00adhyphen",
        "x" * LIMIT,
        "😀" * LIMIT,
    ],
)
def test_check_text_accepts_normal_text(text):
    check_text(text, LIMIT)


@pytest.mark.parametrize("length", [LIMIT + 1, LIMIT * 3])
def test_check_text_refuses_text_over_the_limit_saying_how_long(length):
    with pytest.raises(BadArguments) as caught:
        check_text("x" * length, LIMIT)
    message = str(caught.value)
    assert f"Your message is {length:,} characters long" in message
    assert f"the most I accept is {LIMIT:,}" in message


@pytest.mark.parametrize(
    ("text", "code", "near"),
    [
        ("\x00", "U+0000", "?"),
        ("bell\x07", "U+0007", "bell?"),
        ("esc \x1b[31mred", "U+001B", "esc ?[31mred"),
        ("back\bspace", "U+0008", "back?space"),
        ("vertical\x0btab", "U+000B", "vertical?tab"),
        ("form\x0cfeed", "U+000C", "form?feed"),
        ("del\x7f", "U+007F", "del?"),
        ("next\x85line", "U+0085", "next?line"),
        (
            "a long line of text before the \x07 and after it",
            "U+0007",
            "of text before the ? and after it",
        ),
    ],
)
def test_check_text_refuses_control_characters_saying_which_and_where(text, code, near):
    with pytest.raises(BadArguments) as caught:
        check_text(text, LIMIT)
    message = str(caught.value)
    assert f"control character ({code}) near '{near}'." in message
    assert "tabs and line breaks are accepted" in message


def test_check_text_refuses_bytes_that_are_not_utf8_as_such():
    with pytest.raises(BadArguments) as caught:
        check_text("caf\udce9 menu", LIMIT)
    assert "not valid text (UTF-8) near 'caf? menu'" in str(caught.value)


@fuzz_settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_check_text_refuses_only_with_a_desk_error(text):
    try:
        check_text(text, LIMIT)
    except BadArguments as exc:
        assert "control character" in str(exc)


async def test_the_core_refuses_a_control_character_as_a_clear_reply(settings, sqlite_database):
    desk = Desk(Core(settings, sqlite_database, clock=ManualClock()))
    reply = await desk.err("alice", "/incident open VPN\x00 down")
    assert "control character (U+0000)" in reply.text
    reply = await desk.err("alice", "/incident open " + "x" * LIMIT)
    assert "the most I accept is 4,000" in reply.text
