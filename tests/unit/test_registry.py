"""The command registry: resolving, parsing, binding, declarations and the help built from them."""

from __future__ import annotations

import pytest

import bot.commands  # noqa: F401  (registers every command)
from bot.app import Core
from bot.config import Role
from bot.errors import BadArguments, DeskError, UnknownCommand
from bot.registry import INCIDENT, SWITCH, TEXT, WORD, Param, Registry, registry
from bot.services.rules import DeskRules
from tests.conftest import Desk


@pytest.fixture(scope="module")
def rules(settings):
    return DeskRules.from_settings(settings)


def spec_of(name: str):
    return registry.get(tuple(name.lstrip("/").split()))


def run(rules, line: str) -> dict:
    """Resolve and parse a whole command line as the console does."""
    top, _, rest = line.lstrip("/").partition(" ")
    spec, rest = registry.resolve((top,), rest)
    return registry.parse(spec, rest, rules)


def refused(rules, line: str) -> str:
    with pytest.raises(BadArguments) as caught:
        run(rules, line)
    return str(caught.value)


# -- resolve -----------------------------------------------------------------------


def test_resolve_finds_the_sub_command_and_returns_the_rest():
    spec, rest = registry.resolve(("incident",), "claim 42")
    assert spec is spec_of("incident claim")
    assert spec.path == ("incident", "claim")
    assert rest == "42"


def test_resolve_keeps_the_rest_as_written():
    spec, rest = registry.resolve(("incident",), '  open the "VPN"   app --impact high')
    assert spec.path == ("incident", "open")
    assert rest == 'the "VPN"   app --impact high'


@pytest.mark.parametrize("words", [("incident",), ("/incident",), ("INCIDENT",), ("/Incident",)])
def test_resolve_reads_the_top_word_with_or_without_slash_in_any_case(words):
    spec, rest = registry.resolve(words, "CLAIM 42")
    assert spec.path == ("incident", "claim")
    assert rest == "42"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("", "incident"),
        ("   ", "incident"),
        ("help", "incident"),
        ("HELP", "incident"),
        ("help claim", "incident claim"),
        # The way command-line tools are asked: before, "Unknown command /incident --help".
        ("--help", "incident"),
        ("-h", "incident"),
        ("open --help", "incident open"),
        ("open -h", "incident open"),
        ("open printer jams --help", "incident open"),
    ],
)
def test_resolve_a_group_alone_or_with_help_gives_the_groups_help(rules, text, topic):
    spec, rest = registry.resolve(("incident",), text)
    assert spec is spec_of("help")
    assert registry.parse(spec, rest, rules) == {"topic": topic}


@pytest.mark.parametrize("text", ["1 help", "1 the -h flag of the installer fails"])
def test_help_and_a_short_flag_in_a_commands_text_are_its_text(rules, text):
    # "help" or "-h" after a command's own words is what it is about: a note's words.
    spec, rest = registry.resolve(("incident",), f"note {text}")
    assert spec.path == ("incident", "note")
    assert rest == text


def test_resolve_a_plain_command_passes_all_the_text():
    spec, rest = registry.resolve(("help",), "incident claim")
    assert spec.path == ("help",)
    assert rest == "incident claim"


@pytest.mark.parametrize("text", ["help", "HELP", " help ", "--help", "-h"])
def test_a_plain_command_followed_by_help_gives_its_help(rules, text):
    # "/report help" was refused as an unknown argument, while "/incident help" worked
    spec, rest = registry.resolve(("report",), text)
    assert spec is spec_of("help")
    assert registry.parse(spec, rest, rules) == {"topic": "report"}


@pytest.mark.parametrize(
    ("words", "text", "unknown", "suggestion"),
    [
        (("incdent",), "claim 42", "/incdent", "/incident"),
        (("/incidnet",), "", "/incidnet", "/incident"),
        (("hlep",), "", "/hlep", "/help"),
        (("incident",), "clam 42", "/incident clam", "/incident claim"),
        (("incident",), "opne VPN down", "/incident opne", "/incident open"),
        (("incident",), "resolv 42 fixed", "/incident resolv", "/incident resolve"),
    ],
)
def test_an_unknown_command_suggests_the_nearest(words, text, unknown, suggestion):
    with pytest.raises(UnknownCommand) as caught:
        registry.resolve(words, text)
    message = str(caught.value)
    assert message.startswith(f"Unknown command {unknown}.")
    assert f"Did you mean {suggestion}?" in message


def test_an_unknown_sub_command_points_to_the_groups_help():
    with pytest.raises(UnknownCommand, match=r"/incident help lists the commands"):
        registry.resolve(("incident",), "frobnicate 1")


def test_an_unknown_command_with_nothing_near_suggests_nothing():
    with pytest.raises(UnknownCommand) as caught:
        registry.resolve(("zzzzzz",), "")
    assert "Did you mean" not in str(caught.value)
    assert "/help lists the commands" in str(caught.value)


def test_an_unknown_command_is_shown_shortened():
    with pytest.raises(UnknownCommand) as caught:
        registry.resolve(("x" * 300,), "")
    assert "x" * 41 not in str(caught.value)


@pytest.mark.parametrize("gap", ["\n", "\t"])
def test_a_line_break_or_tab_after_the_sub_command_separates_it(gap):
    spec, rest = registry.resolve(("incident",), f"open{gap}VPN drops every hour")
    assert spec.path == ("incident", "open")
    assert rest.strip() == "VPN drops every hour"


# -- parse ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "/incident open VPN down --impact high",
        "/incident open VPN down --impact=high",
        "/incident open VPN down --IMPACT High",
        "/incident open --impact high VPN down",
        "/incident open VPN --impact high down",
    ],
)
def test_flags_with_a_value_anywhere_in_the_free_text(rules, line):
    assert run(rules, line) == {
        "summary": "VPN down",
        "category": None,
        "impact": "high",
        "urgency": None,
        "type": None,
        "reporter": None,
    }


def test_several_flags_among_the_free_text(rules):
    values = run(rules, "/incident open --impact high VPN down --urgency low now --type request")
    assert values == {
        "summary": "VPN down now",
        "category": None,
        "impact": "high",
        "urgency": "low",
        "type": "request",
        "reporter": None,
    }


def test_a_quoted_flag_value(rules):
    values = run(rules, '/incident open Cannot connect --category "network/vpn"')
    assert values["category"] == "network/vpn"
    assert values["summary"] == "Cannot connect"
    assert run(rules, "/incident open x --category 'vpn'")["category"] == "network/vpn"


def test_switches_take_no_value(rules):
    assert run(rules, "/incident list --mine") == {
        "words": None,
        "mine": True,
        "state": None,
        "group": None,
        "priority": None,
        "unassigned": False,
        "escalated": False,
        "reporter": None,
        "owner": None,
        "resolved": None,
    }
    values = run(rules, "/incident list --unassigned --priority 1 --state all --group network")
    assert values == {
        "words": None,
        "mine": False,
        "state": "all",
        "group": "network",
        "priority": "P1",
        "unassigned": True,
        "escalated": False,
        "reporter": None,
        "owner": None,
        "resolved": None,
    }
    searched = run(rules, "/incident list projector room 4 --state all --reporter @alice")
    assert (searched["words"], searched["state"], searched["reporter"]) == (
        "projector room 4",
        "all",
        "@alice",
    )


@pytest.mark.parametrize(
    ("line", "summary"),
    [
        ("/incident open can't log in", "can't log in"),
        ("/incident open it's Bob's laptop", "it's Bob's laptop"),
        ('/incident open the "VPN" app', 'the "VPN" app'),
        ("/incident open the 'VPN' app", "the 'VPN' app"),
        ('/incident open "everything" is down', '"everything" is down'),
        ("/incident open spaced   out   words", "spaced   out   words"),
        ('/incident open an "unclosed quote', 'an "unclosed quote'),
        ("/incident open can't log in --impact high", "can't log in"),
        ('/incident open the "VPN" app --urgency high', 'the "VPN" app'),
        ('/incident open it\'s "broken" --urgency high again', 'it\'s "broken" again'),
        ("/incident open naïve café ☕ 🚀", "naïve café ☕ 🚀"),
    ],
)
def test_free_text_keeps_the_senders_own_quotes_and_apostrophes(rules, line, summary):
    assert run(rules, line)["summary"] == summary


def test_a_double_dash_ends_the_flags(rules):
    assert run(rules, "/incident note 1 -- --internal") == {
        "incident": 1,
        "text": "--internal",
        "internal": False,
    }
    values = run(rules, "/incident open try -- --impact high")
    assert values["summary"] == "try --impact high"
    assert values["impact"] is None


def test_flags_before_the_double_dash_still_count(rules):
    values = run(rules, "/incident open --urgency high -- --impact is a word here")
    assert values["urgency"] == "high"
    assert values["impact"] is None
    assert values["summary"] == "--impact is a word here"


def test_free_text_keeps_line_breaks(rules):
    values = run(rules, "/incident note 42 first line\nsecond line")
    assert values == {"incident": 42, "text": "first line\nsecond line", "internal": False}


@pytest.mark.parametrize(
    ("line", "missing"),
    [
        ("/incident claim", "<incident>"),
        ("/incident open", "<summary>"),
        ("/incident open --impact high", "<summary>"),
        ("/incident note 42", "<text>"),
        ("/incident assign 42", "<to>"),
        ("/incident resolve 42 --code fixed", "<note>"),
    ],
)
def test_a_missing_required_param_shows_usage_and_an_example(rules, line, missing):
    message = refused(rules, line)
    spec = spec_of(" ".join(line.split()[:2]))
    assert message.startswith(f"Missing {missing}: ")
    assert f"Usage: {spec.usage()}" in message
    assert f"Example: {spec.examples[0]}" in message


def test_optional_params_default_to_none_or_false(rules):
    assert run(rules, "/incident reopen 42") == {"incident": 42, "reason": None}
    assert run(rules, "/incident escalate 42") == {
        "incident": 42,
        "reason": None,
        "to": None,
        "hierarchic": False,
    }


@pytest.mark.parametrize(
    ("line", "flag", "suggestion"),
    [
        ("/incident open VPN --impct high", "--impct", "--impact"),
        ("/incident open VPN --urgent high", "--urgent", "--urgency"),
        ("/incident list --unasigned", "--unasigned", "--unassigned"),
        ("/incident cancel 43 --duplicate 42", "--duplicate", "--duplicate-of"),
    ],
)
def test_an_unknown_flag_suggests_the_nearest(rules, line, flag, suggestion):
    message = refused(rules, line)
    assert message.startswith(f"Unknown option {flag}. Did you mean {suggestion}?")
    assert "This command accepts: " in message
    assert "Usage: " in message


def test_a_flag_on_a_command_without_flags_says_none_are_accepted(rules):
    message = refused(rules, "/incident claim 42 --force")
    assert "Unknown option --force." in message
    assert "This command accepts: none." in message


@pytest.mark.parametrize(
    ("line", "flag", "choices"),
    [
        ("/incident open VPN --impact", "--impact", "one of high, medium, low"),
        ("/incident open VPN --urgency --impact high", "--urgency", "one of high, medium, low"),
        ("/incident list --priority", "--priority", "one of P1, P2, P3, P4, P5"),
        ("/incident resolve 42 done --code", "--code", "one of fixed, workaround, user-error"),
        ("/incident list --group", "--group", "one of service-desk, desktop-support, network"),
        ("/incident open VPN --category", "--category", "one of access, access/mfa"),
    ],
)
def test_a_flag_missing_its_value_lists_the_choices(rules, line, flag, choices):
    message = refused(rules, line)
    assert message.startswith(f"{flag} needs a value: {choices}")
    assert "Usage: " in message


def test_a_flag_without_choices_missing_its_value_says_what_it_is(rules):
    message = refused(rules, "/incident cancel 43 --duplicate-of")
    assert message.startswith("--duplicate-of needs a value: the incident this one duplicates.")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("/incident open VPN --impact huge", "Use one of: high, medium, low."),
        ("/incident open VPN --impact hgh", "Did you mean 'high'?"),
        ("/incident open VPN --category netwrk", "Did you mean 'network'?"),
        ("/incident list --priority P9", "'P9' is not a priority. Use one of: P1, P2"),
        ("/incident claim INC-", "'INC-' is not an incident id."),
        ("/incident list --state opne", "Did you mean 'open'?"),
    ],
)
def test_a_bad_value_says_what_is_accepted(rules, line, problem):
    message = refused(rules, line)
    assert problem in message
    assert "Usage: " in message


@pytest.mark.parametrize(
    ("line", "extra"),
    [
        ("/incident claim 42 now", "now"),
        ("/incident claim 42 and 43", "and 43"),
        ("/incident show 1 2", "2"),
        ("/incident queue mine", "mine"),
    ],
)
def test_extra_words_on_a_command_without_free_text_are_refused(rules, line, extra):
    message = refused(rules, line)
    assert message.startswith(f"I don't know what to do with '{extra}'.")
    assert "Usage: " in message


def test_extra_words_are_shown_shortened(rules):
    message = refused(rules, "/incident claim 42 " + "word " * 50)
    first = message.splitlines()[0]
    assert "…" in first
    assert len(first) < 100


# -- bind (Discord options and buttons) -------------------------------------------------


def test_bind_converts_typed_options_with_the_same_rules(rules):
    spec = spec_of("incident open")
    options = {"summary": "VPN down", "impact": "HIGH", "category": "vpn", "type": "request"}
    assert registry.bind(spec, options, rules) == {
        "summary": "VPN down",
        "category": "network/vpn",
        "impact": "high",
        "urgency": None,
        "type": "request",
        "reporter": None,
    }


def test_bind_accepts_numbers_and_booleans_as_platforms_send_them(rules):
    assert registry.bind(spec_of("incident claim"), {"incident": 42}, rules) == {"incident": 42}
    assert registry.bind(spec_of("incident claim"), {"incident": "INC-7"}, rules) == {"incident": 7}
    values = registry.bind(spec_of("incident list"), {"mine": True, "priority": "2"}, rules)
    assert values["mine"] is True
    assert values["priority"] == "P2"
    assert registry.bind(spec_of("incident list"), {"mine": False}, rules)["mine"] is False


def test_bind_refuses_an_unknown_option(rules):
    with pytest.raises(BadArguments) as caught:
        registry.bind(spec_of("incident open"), {"summary": "x", "impct": "high"}, rules)
    message = str(caught.value)
    assert message.startswith("Unknown option 'impct'.")
    assert "Usage: /incident open <summary>" in message


def test_bind_refuses_bad_values_and_missing_params_as_parse_does(rules):
    spec = spec_of("incident open")
    with pytest.raises(BadArguments, match=r"'huge' is not a known impact level"):
        registry.bind(spec, {"summary": "x", "impact": "huge"}, rules)
    with pytest.raises(BadArguments, match="Missing <summary>"):
        registry.bind(spec, {}, rules)
    with pytest.raises(BadArguments, match="Missing <summary>"):
        registry.bind(spec, {"summary": "   "}, rules)
    with pytest.raises(BadArguments, match="not an incident id"):
        registry.bind(spec_of("incident claim"), {"incident": "0"}, rules)


def test_bind_treats_an_option_given_as_none_as_not_given(rules):
    spec = spec_of("incident open")
    values = registry.bind(spec, {"summary": "VPN down", "impact": None, "category": None}, rules)
    assert values["impact"] is None and values["category"] is None
    with pytest.raises(BadArguments, match="Missing <summary>"):
        registry.bind(spec, {"summary": None}, rules)


def test_bind_and_parse_agree(rules):
    spec = spec_of("incident classify")
    parsed = registry.parse(spec, "42 --category network/vpn --impact high", rules)
    bound = registry.bind(
        spec, {"incident": "42", "category": "network/vpn", "impact": "high"}, rules
    )
    assert parsed == bound


# -- declarations ------------------------------------------------------------------------


ALL_SPECS = registry.specs()
EXAMPLES = [
    pytest.param(spec, example, id=example) for spec in ALL_SPECS for example in spec.examples
]


def test_the_expected_commands_are_declared():
    names = {spec.name for spec in ALL_SPECS}
    assert {
        "/help",
        "/incident open",
        "/incident show",
        "/incident list",
        "/incident claim",
        "/incident assign",
        "/incident escalate",
        "/incident pending",
        "/incident resume",
        "/incident resolve",
        "/incident close",
        "/incident reopen",
        "/incident note",
        "/incident classify",
        "/incident cancel",
        "/incident history",
        "/kb search",
        "/kb show",
        "/kb solved",
        "/kb unsolved",
        "/kb link",
        "/kb draft",
        "/bulletin post",
        "/bulletin update",
        "/bulletin resolve",
        "/bulletin list",
        "/report",
    } <= names
    assert registry.groups() == ["bulletin", "help", "incident", "kb", "report"]


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.name)
def test_every_spec_is_documented(spec):
    assert spec.summary.strip()
    assert spec.examples, f"{spec.name} has no example"
    for param in spec.params:
        assert param.help.strip(), f"{spec.name} {param.name} has no help"
    for example in spec.examples:
        assert example.startswith("/")


@pytest.mark.parametrize(("spec", "example"), EXAMPLES)
def test_every_example_parses_as_its_own_command(rules, spec, example):
    top, _, rest = example.removeprefix("/").partition(" ")
    resolved, rest = registry.resolve((top,), rest)
    assert resolved is spec
    values = registry.parse(resolved, rest, rules)
    assert set(values) == {p.name for p in spec.params}
    for param in spec.params:
        if param.required:
            assert values[param.name] not in (None, "")


def test_a_handler_that_disagrees_with_its_params_is_refused_at_declaration():
    fresh = Registry()

    with pytest.raises(ValueError, match=r"/thing do: params \['incident'\] but the handler"):

        @fresh.command("thing do", "Do it", params=[Param("incident", INCIDENT, "the id")])
        async def handler(ctx, number):
            return None

    assert fresh.specs() == []


def test_a_handler_with_params_in_another_order_is_refused():
    fresh = Registry()
    params = [Param("incident", INCIDENT, "the id"), Param("to", WORD, "who")]
    with pytest.raises(ValueError, match="but the handler takes"):
        fresh.command("thing do", "Do it", params=params)(lambda ctx, to, incident: None)


def test_a_handler_missing_a_param_is_refused():
    fresh = Registry()
    params = [Param("incident", INCIDENT, "the id"), Param("mine", SWITCH, "x", flag=True)]
    with pytest.raises(ValueError, match="but the handler takes"):
        fresh.command("thing do", "Do it", params=params)(lambda ctx, incident: None)


def test_free_text_that_is_not_the_last_positional_is_refused():
    fresh = Registry()
    params = [Param("text", TEXT, "words"), Param("incident", INCIDENT, "the id")]
    with pytest.raises(ValueError, match="free text must be the last positional"):
        fresh.command("thing do", "Do it", params=params)(lambda ctx, text, incident: None)


def test_a_command_declared_twice_is_refused():
    fresh = Registry()
    fresh.command("thing do", "Do it")(lambda ctx: None)
    with pytest.raises(ValueError, match="declared twice"):
        fresh.command("thing do", "Do it again")(lambda ctx: None)
    assert [spec.name for spec in fresh.specs()] == ["/thing do"]


def test_a_matching_declaration_is_registered():
    fresh = Registry()

    @fresh.command(
        "thing do",
        "Do it",
        params=[Param("incident", INCIDENT, "the id")],
        role=Role.AGENT,
        examples=["/thing do 1"],
    )
    async def handler(ctx, incident):
        return incident

    spec = fresh.get(("thing", "do"))
    assert spec.handler is handler
    assert spec.role == Role.AGENT
    assert spec.usage() == "/thing do <incident>"


# -- /help through the core ----------------------------------------------------------------


@pytest.fixture
async def desk(settings, sqlite_database, clock):
    return Desk(Core(settings, sqlite_database, clock=clock))


USER_COMMANDS = ["/incident open", "/incident show", "/incident list", "/incident note"]
AGENT_COMMANDS = [
    "/incident claim",
    "/incident assign",
    "/incident resolve",
    "/incident close",
    "/report",
]


def _lines(reply) -> list[str]:
    assert reply.card is not None
    return reply.card.body.splitlines()


def _listed(lines: list[str], name: str) -> bool:
    return any(line.startswith(name + " ") for line in lines)


async def test_help_for_a_plain_user_lists_user_commands_only(desk):
    reply = await desk.ok("alice", "/help")
    lines = _lines(reply)
    for name in USER_COMMANDS:
        assert _listed(lines, name), name
    for name in AGENT_COMMANDS:
        assert not _listed(lines, name), name
    assert "(agents)" not in reply.card.body
    assert "42, #42, INC-42 or INC-000042" in reply.card.footer


async def test_help_for_an_agent_lists_agent_commands_too(desk):
    lines = _lines(await desk.ok("bob", "/help"))
    for name in USER_COMMANDS + AGENT_COMMANDS:
        assert _listed(lines, name), name
    claim = next(line for line in lines if line.startswith("/incident claim "))
    assert claim == (
        "/incident claim <incident> — Take ownership of an incident and start work (agents)"
    )


@pytest.mark.parametrize("line", ["/incident help", "/incident", "/help incident"])
async def test_group_help_puts_staff_commands_apart_for_a_user(desk, line):
    reply = await desk.ok("alice", line)
    assert reply.text == "/incident commands"
    yours, _, staff = reply.card.body.partition("For the desk's staff:")
    assert _listed(yours.splitlines(), "/incident open")
    assert not _listed(yours.splitlines(), "/incident claim")
    assert _listed(staff.strip().splitlines(), "/incident claim")


async def test_group_help_for_an_agent_has_no_staff_section(desk):
    reply = await desk.ok("bob", "/incident help")
    assert "For the desk's staff" not in reply.card.body
    assert _listed(reply.card.body.splitlines(), "/incident claim")


@pytest.mark.parametrize(
    "line", ["/help incident claim", "/incident help claim", "/help /incident CLAIM"]
)
async def test_help_on_one_command(desk, line):
    reply = await desk.ok("alice", line)
    assert reply.text == "/incident claim <incident>"
    assert reply.card.title == "/incident claim"
    assert "Take ownership of an incident and start work (agents)." in reply.card.body
    assert "Usage: /incident claim <incident>" in reply.card.body
    assert reply.card.footer == "Example:\n/incident claim 42"
    assert [(f.label, f.value) for f in reply.card.fields] == [
        ("<incident>", "the incident's id, like 42 or INC-000042")
    ]


async def test_help_leaves_out_what_only_agents_may_give(desk):
    # Before, a plain user was shown --reporter, which only agents may use.
    mine = await desk.ok("alice", "/help incident open")
    assert "--reporter" not in mine.text + mine.card.body + mine.card.footer
    assert "--reporter" not in "".join(f.label for f in mine.card.fields)
    overview = await desk.ok("alice", "/help")
    assert "--reporter" not in overview.card.body
    theirs = await desk.ok("bob", "/help incident open")
    assert theirs.text.endswith("[--reporter <person>]")
    assert "--reporter @alice" in theirs.card.footer


async def test_help_on_an_unknown_command_suggests_the_nearest(desk):
    reply = await desk.err("alice", "/help incident clam")
    assert "Did you mean /incident claim?" in reply.text


async def test_a_users_mistake_is_answered_privately_with_usage(desk):
    reply = await desk.err("alice", "/incident open")
    assert reply.ephemeral
    assert "Missing <summary>" in reply.text
    assert "Usage: /incident open" in reply.text


async def test_an_agent_command_refuses_a_plain_user(desk):
    reply = await desk.err("alice", "/incident claim 1")
    assert "/incident claim is for the desk's agents" in reply.text


def test_every_error_is_a_desk_error():
    assert issubclass(UnknownCommand, DeskError)
    assert issubclass(BadArguments, DeskError)


async def test_pending_names_who_it_may_wait_on_when_the_party_is_unknown(desk):
    await desk.ok("alice", "/incident open Printer jams")
    await desk.ok("bob", "/incident claim 1")
    reply = await desk.err("bob", "/incident pending 1 waiting for HP --on vendor")
    assert reply.text.startswith(
        "[--on <party>]: 'vendor' is not a known party. Use one of: reporter, third-party."
    )
    assert "Example: /incident pending 42 which tray do you print from?" in reply.text


def test_every_summary_and_parameter_help_fits_discord_unclipped():
    # Discord clips a description at 100 characters; the registry's text is what Slack,
    # Discord and /help all show, so it is written to fit.
    for spec in registry.specs(hidden=True):
        assert len(spec.summary) <= 100, spec.name
        for param in spec.params:
            assert len(param.help) <= 100, (spec.name, param.name)


# -- buttons that ask in a form ----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "value", "presets", "left"),
    [
        ("incident resolve", "4", {"incident": 4}, ["note"]),  # the note is required
        ("incident escalate", "4", {"incident": 4}, ["reason"]),  # asked though optional
        ("incident escalate", "4 full disk --to network", None, ["reason"]),  # all given
        ("incident claim", "4", None, []),  # one click
    ],
)
def test_a_button_asks_in_a_form_for_what_it_cannot_carry(rules, command, value, presets, left):
    spec = spec_of(command)
    assert registry.button_presets(spec, value, rules) == presets
    assert registry.unfilled_text(".".join(spec.path), "4") == left
