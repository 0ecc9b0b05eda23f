"""config.yaml: the shipped file loads, and a bad one is refused naming the file, key and fix."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.config import Role, Settings, load_settings, parse_duration, parse_settings
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config.yaml"
SOURCE = "desk-config.yaml"


@pytest.fixture(scope="module")
def shipped_raw():
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


@pytest.fixture
def raw(shipped_raw):
    """A fresh copy of the shipped config, to break one thing in."""
    return copy.deepcopy(shipped_raw)


# -- the shipped file ------------------------------------------------------------


def test_the_shipped_config_loads():
    settings = load_settings(SHIPPED)
    assert isinstance(settings, Settings)
    assert settings.source == str(SHIPPED)
    assert settings.desk.name == "IT Service Desk"
    assert list(settings.priorities) == ["P1", "P2", "P3", "P4", "P5"]
    assert settings.priorities["P1"].response == timedelta(minutes=15)
    assert settings.priorities["P5"].resolution == timedelta(days=10)
    assert settings.classification.priority_matrix["high"]["high"] == "P1"
    assert settings.categories["network"].group == "network"
    assert settings.categories["network"].children == ["vpn", "wifi"]
    assert settings.default_group == "service-desk"
    assert settings.staff["bob"].role_level == Role.AGENT
    assert settings.staff["carol"].role_level == Role.MANAGER
    assert settings.staff["erin"].groups == ["network", "service-desk"]
    assert settings.limits.message_chars == 4000
    assert settings.default_resolution_code in settings.resolution_codes


def test_the_shipped_dict_parses_and_the_source_defaults_to_config_yaml(raw):
    settings = parse_settings(raw)
    assert settings.source == "config.yaml"
    assert settings == load_settings(SHIPPED).model_copy(update={"source": "config.yaml"})


def test_the_source_is_not_part_of_the_dumped_settings(raw):
    assert "source" not in parse_settings(raw, source=SOURCE).model_dump()


def test_optional_sections_have_defaults(raw):
    for section in ("desk", "database", "limits", "staff"):
        del raw[section]
    for group in raw["groups"].values():
        group.pop("manager", None)
    settings = parse_settings(raw)
    assert settings.desk.name == "IT Service Desk"
    assert settings.database.url == "sqlite:///deskbot.db"
    assert settings.limits.message_chars == 4000
    assert settings.staff == {}


def test_the_environment_overrides_the_database_url(raw, monkeypatch):
    settings = parse_settings(raw)
    monkeypatch.delenv("DESKBOT_DATABASE_URL", raising=False)
    assert settings.database_url == "sqlite:///deskbot.db"
    monkeypatch.setenv("DESKBOT_DATABASE_URL", "postgresql://u@db/desk")
    assert settings.database_url == "postgresql://u@db/desk"


# -- malformed configs -----------------------------------------------------------


def _set(path: str, value: object):
    """Break the config by setting one dotted key."""

    def change(raw: dict) -> None:
        *parents, last = path.split(".")
        node = raw
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return change


def _delete(path: str):
    def change(raw: dict) -> None:
        *parents, last = path.split(".")
        node = raw
        for part in parents:
            node = node[part]
        del node[last]

    return change


def _rename(old: str, new: str):
    def change(raw: dict) -> None:
        raw[new] = raw.pop(old)

    return change


def _append(path: str, value: object):
    def change(raw: dict) -> None:
        node = raw
        for part in path.split("."):
            node = node[part]
        node.append(value)

    return change


# (id, how to break the shipped config, the dotted key named, words the expectation has)
BROKEN = [
    pytest.param(
        _delete("classification"),
        "classification",
        ["required"],
        id="missing-classification",
    ),
    pytest.param(
        _rename("categories", "categoriez"),
        "categories",
        ["this key", "required"],
        id="typo-reports-the-missing-section",
    ),
    pytest.param(
        _set("categoriez", {"vpn": {}}),
        "categoriez",
        ["no such key", "spelling"],
        id="unknown-key-typo",
    ),
    pytest.param(
        _set("desk.nam", "x"),
        "desk.nam",
        ["no such key"],
        id="unknown-key-in-section",
    ),
    pytest.param(
        _set("priorities.P1.response", "soon"),
        "priorities.P1.response",
        ["duration", "'30m'", "'soon'"],
        id="bad-duration",
    ),
    pytest.param(
        _set("priorities.P2.resolution", "0m"),
        "priorities.P2.resolution",
        ["longer than zero"],
        id="zero-duration",
    ),
    pytest.param(
        _set("classification.priority_matrix.high.low", "P9"),
        "classification.priority_matrix.high.low",
        ["one of the priorities P1, P2, P3, P4, P5"],
        id="matrix-cell-unknown-priority",
    ),
    pytest.param(
        _delete("classification.priority_matrix.low.low"),
        "classification.priority_matrix.low.low",
        ["one of the priorities"],
        id="matrix-cell-missing",
    ),
    pytest.param(
        _delete("classification.priority_matrix.medium"),
        "classification.priority_matrix.medium",
        ["a row for every impact level"],
        id="matrix-row-missing",
    ),
    pytest.param(
        _set("classification.default_impact", "huge"),
        "classification.default_impact",
        ["one of high, medium, low"],
        id="default-impact-not-a-level",
    ),
    pytest.param(
        _set("classification.default_urgency", "asap"),
        "classification.default_urgency",
        ["one of high, medium, low"],
        id="default-urgency-not-a-level",
    ),
    pytest.param(
        _set("categories.network.group", "netops"),
        "categories.network.group",
        ["one of the groups service-desk, desktop-support, network"],
        id="category-group-unknown",
    ),
    pytest.param(
        _set("groups.network.escalates_to", "tier-3"),
        "groups.network.escalates_to",
        ["one of the groups service-desk, desktop-support, network"],
        id="escalates-to-unknown-group",
    ),
    pytest.param(
        _set("groups.network.manager", "bob"),
        "groups.network.manager",
        ["a manager", "bob is an agent"],
        id="manager-is-an-agent",
    ),
    pytest.param(
        _set("groups.network.manager", "zed"),
        "groups.network.manager",
        ["listed under staff", "manager"],
        id="manager-not-staff",
    ),
    pytest.param(
        _set("staff.bob.role", "boss"),
        "staff.bob.role",
        ["agent", "manager"],
        id="staff-role-boss",
    ),
    pytest.param(
        _set("staff.bob.groups", ["service-desk", "helpdesk"]),
        "staff.bob.groups",
        ["groups from service-desk, desktop-support, network", "'helpdesk'"],
        id="staff-unknown-group",
    ),
    pytest.param(
        _set("staff.Bob", {"role": "agent"}),
        "staff.Bob",
        ["lower-case handle"],
        id="staff-handle-not-lower-case",
    ),
    pytest.param(
        _append("categories.hardware.children", "vpn"),
        "categories.hardware.children",
        ["used once", "'vpn' repeats"],
        id="duplicated-sub-category",
    ),
    pytest.param(
        _append("categories.network.children", "network"),
        "categories.network.children",
        ["used once", "'network' repeats"],
        id="sub-category-named-like-a-category",
    ),
    pytest.param(
        _set("categories.Printers", {"description": "x"}),
        "categories.Printers",
        ["lower-case names", "'Printers'"],
        id="category-name-not-lower-case",
    ),
    pytest.param(
        _set("categories.security.at_least", {"urgency": "asap"}),
        "categories.security.at_least.urgency",
        ["one of high, medium, low", "'asap'"],
        id="category-floor-not-a-level",
    ),
    pytest.param(
        _set("categories.security.at_least", {"priority": "P1"}),
        "categories.security.at_least",
        ["impact and/or urgency", "'priority'"],
        id="category-floor-of-no-level",
    ),
    pytest.param(
        _set("default_category", "misc"),
        "default_category",
        ["one of the top-level categories access, network"],
        id="default-category-unknown",
    ),
    pytest.param(
        _set("default_group", "helpdesk"),
        "default_group",
        ["one of the groups service-desk"],
        id="default-group-unknown",
    ),
    pytest.param(
        _set("default_resolution_code", "magic"),
        "default_resolution_code",
        ["one of fixed, workaround, user-error, no-fault-found, solved-by-kb"],
        id="default-resolution-code-unknown",
    ),
    pytest.param(
        _set("limits.message_chars", 5),
        "limits.message_chars",
        ["greater than or equal to 100"],
        id="limit-too-small",
    ),
    pytest.param(
        _set("staff.bob", None),
        "staff.bob",
        ["dictionary"],
        id="staff-entry-empty",
    ),
    pytest.param(
        _set("roles.agent", {"discord_roles": ["IT"], "groups": ["helpdesk"]}),
        "roles.agent.groups",
        ["groups from service-desk", "'helpdesk'"],
        id="platform-role-unknown-group",
    ),
    pytest.param(
        _set("roles.admin", {"slack_groups": ["it"]}),
        "roles.admin",
        ["'agent' or 'manager'"],
        id="platform-role-unknown-role",
    ),
    pytest.param(
        _set("slack.port", 0),
        "slack.port",
        ["greater than or equal to 1"],
        id="slack-port-zero",
    ),
    pytest.param(
        _set("sla.announce_new", ["P1", "P0"]),
        "sla.announce_new",
        ["priorities from P1, P2, P3, P4, P5"],
        id="announce-unknown-priority",
    ),
    pytest.param(
        _set("other_teams.Facilities.topics", []),
        "other_teams.Facilities.topics",
        ["at least 1 item"],
        id="other-team-no-topics",
    ),
    pytest.param(
        _set("other_teams.HR.contact", " "),
        "other_teams.HR.contact",
        ["how to reach them"],
        id="other-team-blank-contact",
    ),
    pytest.param(
        _set("sla.escalate_breached", ["urgent"]),
        "sla.escalate_breached",
        ["priorities from P1, P2, P3, P4, P5"],
        id="escalate-unknown-priority",
    ),
]


@pytest.mark.parametrize(("breakage", "key", "words"), BROKEN)
def test_a_malformed_config_names_the_file_the_key_and_what_was_expected(raw, breakage, key, words):
    breakage(raw)
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source=SOURCE)
    error = caught.value
    assert (error.source, error.key) == (SOURCE, key)
    message = str(error)
    assert message.startswith(f"{SOURCE}: {key}: expected ")
    for word in words:
        assert word in message


def test_every_malformed_key_is_named_at_once(raw):
    # Before, only the first was: an admin fixed one, ran the check, and met the next.
    _set("priorities.P3.response", "2 hours")(raw)
    _set("priorities.P1.foo", 1)(raw)
    _set("desk.name", None)(raw)
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source=SOURCE)
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{SOURCE}: desk.name: expected ")
    assert lines[1].startswith(f"{SOURCE}: priorities.P1.foo: expected no such key")
    assert lines[2].startswith(f"{SOURCE}: priorities.P3.response: expected a duration")
    assert caught.value.key == "desk.name"  # the first, as before


@pytest.mark.parametrize(
    "top",
    [
        pytest.param(["desk", "classification"], id="list"),
        pytest.param("just text", id="string"),
        pytest.param(None, id="empty"),
        pytest.param(42, id="number"),
    ],
)
def test_a_top_level_that_is_not_a_mapping_is_refused(top):
    with pytest.raises(ConfigError) as caught:
        parse_settings(top, source=SOURCE)
    assert caught.value.key == ""
    assert str(caught.value) == (
        f"{SOURCE}: expected a mapping of sections (desk, classification, ...)"
    )


def test_an_empty_file_is_refused_as_not_a_mapping(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping of sections") as caught:
        load_settings(path)
    assert caught.value.source == str(path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("desk:\n  name: x\nclassification: [a, b\nfoo: 1\n", 4, id="open-list"),
        pytest.param("desk: {name: x\n", 2, id="open-mapping"),
        pytest.param("desk:\n\tname: x\n", 2, id="tab-indent"),
    ],
)
def test_invalid_yaml_names_the_file_and_the_line(tmp_path, text, line):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    error = caught.value
    assert error.source == str(path)
    assert error.key == f"line {line}"
    assert str(error).startswith(f"{path}: line {line}: expected valid YAML (")


def test_a_bad_value_in_a_file_names_that_file(tmp_path, raw):
    raw["priorities"]["P1"]["response"] = "soon"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: priorities.P1.response: expected ")


def test_a_missing_config_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "nowhere" / "config.yaml"
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.source == str(path)
    assert str(caught.value) == (
        f"{path}: expected a config file here (copy config.yaml from Deskbot)"
    )


def test_a_bad_duration_message_says_expected_once(raw):
    raw["priorities"]["P1"]["response"] = "soon"
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source=SOURCE)
    assert "expected expected" not in str(caught.value)


@pytest.mark.parametrize("duration", ["1000000000d", 10**20])
def test_a_duration_too_long_for_timedelta_is_a_config_error(raw, duration):
    raw["priorities"]["P1"]["resolution"] = duration
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source=SOURCE)
    assert caught.value.key == "priorities.P1.resolution"


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"desk:\n  name: Caf\xe9 desk\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.source == str(path)


def test_a_config_path_that_is_a_directory_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert caught.value.source == str(tmp_path)


# -- durations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("4h", timedelta(hours=4)),
        ("1d", timedelta(days=1)),
        ("10d", timedelta(days=10)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("45s", timedelta(seconds=45)),
        (" 4H ", timedelta(hours=4)),
        ("90m", timedelta(minutes=90)),
        (90, timedelta(seconds=90)),
        (1, timedelta(seconds=1)),
        (timedelta(hours=2), timedelta(hours=2)),
    ],
)
def test_parse_duration_reads_durations(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        *["", "   ", "0m", "0h0m", "0", "soon", "5x", "m", "30", "1.5h", "-1h", "30m4h"],
        *["1 h", "4h 30m", 0, -90, True, False, None, 1.5],
    ],
)
def test_parse_duration_refuses_what_is_not_a_positive_duration(value):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", ["1000000000d", "99999999999999999999h", 10**20])
def test_parse_duration_refuses_a_duration_too_long_with_value_error(value):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


# -- the command line --------------------------------------------------------------


def test_cli_config_check_accepts_the_shipped_config(capsys):
    assert main(["--config", str(SHIPPED), "config", "check"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"{SHIPPED}: OK (6 categories, 3 groups, 4 staff, 3 other teams)"
    assert err == ""


def test_cli_config_check_refuses_a_bad_config_on_stderr(tmp_path, raw, capsys):
    raw["groups"]["network"]["escalates_to"] = "tier-3"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")

    assert main(["--config", str(path), "config", "check"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"deskbot: {path}: groups.network.escalates_to: "
        "expected one of the groups service-desk, desktop-support, network, got 'tier-3'"
    )


def test_cli_config_check_names_each_problem_on_its_own_line(tmp_path, raw, capsys):
    _set("priorities.P3.response", "2 hours")(raw)
    _set("priorities.P1.foo", 1)(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[:3] for line in lines] == [
        ["deskbot", str(path), "priorities.P1.foo"],
        ["deskbot", str(path), "priorities.P3.response"],
    ]


def test_cli_config_check_names_every_reference_problem_at_once(tmp_path, raw, capsys):
    # Before, only the first: an admin fixing them met each in turn.
    _set("groups.service-desk.escalates_to", "desktop-suport")(raw)
    _set("groups.service-desk.manager", "carl")(raw)
    _set("staff.dave.groups", ["desktop"])(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"deskbot: {path}: groups.service-desk.escalates_to: expected one of the groups "
        "service-desk, desktop-support, network, got 'desktop-suport'",
        f"deskbot: {path}: groups.service-desk.manager: expected a handle listed under staff "
        "with role: manager, got 'carl'",
        f"deskbot: {path}: staff.dave.groups: expected groups from service-desk, "
        "desktop-support, network, got 'desktop'",
    ]


def test_cli_config_check_refuses_invalid_yaml(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("desk: {name: x\n", encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deskbot: {path}: line 2: expected valid YAML")


def test_cli_config_check_refuses_a_knowledge_folder_that_is_not_there(tmp_path, capsys):
    # An admin who copies config.yaml elsewhere would otherwise get a desk that never
    # suggests an article, and no word of why.
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")

    assert main(["--config", str(path), "config", "check"]) == 2

    assert capsys.readouterr().err.strip() == (
        f"deskbot: {path}: knowledge.folder: expected the folder of the articles "
        "(relative to this file, or a full path like /srv/deskbot/knowledge); "
        f"{tmp_path / 'knowledge'} does not exist"
    )
    (tmp_path / "knowledge").write_text("not a folder")
    assert main(["--config", str(path), "config", "check"]) == 2
    assert capsys.readouterr().err.strip().endswith(f"{tmp_path / 'knowledge'} is not a folder")


def test_cli_config_check_refuses_a_missing_file(tmp_path, capsys):
    path = tmp_path / "missing.yaml"
    assert main(["--config", str(path), "config", "check"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"deskbot: {path}: expected a config file here (copy config.yaml from Deskbot)"
    )
