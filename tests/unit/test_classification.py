"""Classification on the shipped config: the priority matrix, categories, routing and SLAs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.config import parse_settings
from bot.errors import BadArguments
from bot.services.classify import Classification, Classifier
from bot.services.sla import SlaPolicy

ROOT = Path(__file__).resolve().parents[2]

# config.yaml's priority_matrix, written out by hand so a change to either is noticed.
MATRIX = [
    ("high", "high", "P1"),
    ("high", "medium", "P2"),
    ("high", "low", "P3"),
    ("medium", "high", "P2"),
    ("medium", "medium", "P3"),
    ("medium", "low", "P4"),
    ("low", "high", "P3"),
    ("low", "medium", "P4"),
    ("low", "low", "P5"),
]

TARGETS = {
    "P1": (timedelta(minutes=15), timedelta(hours=4)),
    "P2": (timedelta(minutes=30), timedelta(hours=8)),
    "P3": (timedelta(hours=2), timedelta(days=1)),
    "P4": (timedelta(hours=8), timedelta(days=3)),
    "P5": (timedelta(days=1), timedelta(days=10)),
}


@pytest.fixture(scope="module")
def raw_config():
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def classifier(settings):
    return Classifier(settings)


def test_the_matrix_table_here_covers_every_cell(classifier):
    cells = {(impact, urgency) for impact, urgency, _ in MATRIX}
    assert cells == {(i, u) for i in classifier.impacts for u in classifier.urgencies}
    assert len(MATRIX) == 9


@pytest.mark.parametrize(("impact", "urgency", "priority"), MATRIX)
def test_priority_matrix_cell(classifier, impact, urgency, priority):
    assert classifier.priority(impact, urgency) == priority
    result = classifier.classify("network/vpn", impact, urgency)
    assert result == Classification("network/vpn", impact, urgency, priority)


@pytest.mark.parametrize(("impact", "urgency", "priority"), MATRIX)
def test_levels_are_read_case_and_space_insensitively(classifier, impact, urgency, priority):
    result = classifier.classify(None, f" {impact.upper()} ", urgency.title())
    assert (result.impact, result.urgency, result.priority) == (impact, urgency, priority)


@pytest.mark.parametrize(
    ("priority", "impact", "urgency", "levels"),
    [
        ("P2", "low", "medium", ("medium", "high")),  # low impact can't be P2: one step each
        ("P3", "low", "medium", ("low", "high")),  # urgency moves, impact (a fact) stays
        ("P5", "high", "high", ("low", "low")),
        ("P1", "medium", "high", ("high", "high")),
        ("P4", "low", "medium", ("low", "medium")),  # already: nothing moves
    ],
)
def test_a_priority_asked_for_is_the_nearest_levels_that_give_it(
    classifier, priority, impact, urgency, levels
):
    assert classifier.levels_for(priority, impact, urgency) == levels
    assert classifier.priority(*levels) == priority


def test_a_priority_no_cell_gives_is_refused(settings):
    matrix = {
        i: {u: "P1" for u in row} for i, row in settings.classification.priority_matrix.items()
    }
    classification = settings.classification.model_copy(update={"priority_matrix": matrix})
    only_p1 = Classifier(settings.model_copy(update={"classification": classification}))
    with pytest.raises(BadArguments, match="No impact and urgency give P3 in the priority matrix"):
        only_p1.levels_for("P3", "low", "low")


def test_levels_are_listed_most_severe_first(classifier):
    assert classifier.impacts == ("high", "medium", "low")
    assert classifier.urgencies == ("high", "medium", "low")
    assert classifier.priorities == ("P1", "P2", "P3", "P4", "P5")


def test_defaults_fill_what_was_not_given(classifier):
    # default_category other, default_impact low, default_urgency medium -> P4
    assert classifier.classify(None, None, None) == Classification("other", "low", "medium", "P4")
    assert classifier.classify("", "", "").priority == "P4"
    assert classifier.classify(None, "high", None) == Classification(
        "other", "high", "medium", "P2"
    )


@pytest.mark.parametrize("kind", ["impact", "urgency"])
@pytest.mark.parametrize("bad", ["critical", "hi", "", "P1"])
def test_an_unknown_level_is_refused_with_the_levels(classifier, kind, bad):
    with pytest.raises(BadArguments) as caught:
        classifier.level(kind, bad)
    message = str(caught.value)
    assert f"not an {kind} level" in message
    assert "high, medium, low" in message


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("network/vpn", "network/vpn"),
        ("vpn", "network/vpn"),
        ("VPN", "network/vpn"),
        ("Network", "network"),
        ("network", "network"),
        (" network/ ", "network"),
        ("/network/vpn", "network/vpn"),
        ("mfa", "access/mfa"),
        ("ACCESS/MFA", "access/mfa"),
        ("printer", "hardware/printer"),
        ("other", "other"),
    ],
)
def test_category_is_read_in_full_by_child_or_in_any_case(classifier, text, path):
    assert classifier.category(text) == path


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("netwrok", "network"),
        ("vnp", "network/vpn"),
        ("network/vnp", "network/vpn"),
        ("printr", "hardware/printer"),
        ("pasword", "access/password"),
    ],
)
def test_an_unknown_category_suggests_the_nearest(classifier, text, suggestion):
    with pytest.raises(BadArguments) as caught:
        classifier.category(text)
    message = str(caught.value)
    assert f"'{text}' is not a category." in message
    assert f"Did you mean '{suggestion}'?" in message
    assert "network/vpn" in message.split("Categories:")[1]


def test_an_unknown_category_with_nothing_near_lists_them_all(classifier):
    with pytest.raises(BadArguments) as caught:
        classifier.category("zzzzzzzz")
    message = str(caught.value)
    assert "Did you mean" not in message
    assert "Categories: access, access/mfa," in message


def test_category_paths_lists_every_category_once(classifier):
    paths = classifier.category_paths()
    assert paths == sorted(set(paths))
    assert len(paths) == 6 + 3 + 2 + 3 + 3 + 2  # top-level + each sub-category
    assert "network/vpn" in paths and "other" in paths and "vpn" not in paths


@pytest.mark.parametrize(
    ("category", "group"),
    [
        ("network", "network"),
        ("network/vpn", "network"),
        ("network/wifi", "network"),
        ("access", "service-desk"),
        ("access/mfa", "service-desk"),
        ("hardware/laptop", "service-desk"),
        ("software/email", "service-desk"),
        ("other", "service-desk"),
    ],
)
def test_routing_group(classifier, settings, category, group):
    assert classifier.group_for(category) == group
    if category != "network" and not category.startswith("network/"):
        assert group == settings.default_group


def test_a_custom_matrix_and_levels_are_honoured(raw_config):
    raw = copy.deepcopy(raw_config)
    c = raw["classification"]
    c["impact"] = {"enterprise": "Everyone", "team": "A team", "person": "One person"}
    c["urgency"] = {"now": "Now", "later": "Later"}
    c["default_impact"] = "person"
    c["default_urgency"] = "later"
    c["priority_matrix"] = {
        "enterprise": {"now": "P1", "later": "P1"},
        "team": {"now": "P1", "later": "P5"},
        "person": {"now": "P2", "later": "P5"},
    }
    raw["categories"]["network"]["group"] = "desktop-support"
    raw["categories"]["security"].pop("at_least")  # in levels this config no longer has
    raw["default_group"] = "network"
    classifier = Classifier(parse_settings(raw))

    assert classifier.impacts == ("enterprise", "team", "person")
    assert classifier.priority("enterprise", "later") == "P1"
    assert classifier.priority("team", "now") == "P1"
    assert classifier.priority("team", "later") == "P5"
    assert classifier.priority("person", "now") == "P2"
    assert classifier.classify(None, None, None) == Classification("other", "person", "later", "P5")
    assert classifier.classify("vpn", "Team", "NOW").priority == "P1"
    with pytest.raises(BadArguments, match="enterprise, team, person"):
        classifier.level("impact", "high")
    assert classifier.group_for("network/vpn") == "desktop-support"
    assert classifier.group_for("hardware") == "network"


def test_a_security_report_is_lifted_to_its_floor_and_says_so(classifier):
    # config.yaml: security at_least {impact: medium, urgency: high}
    assert classifier.classify("phishing", "low", "low") == Classification(
        "security/phishing", "medium", "high", "P2", ("impact", "urgency")
    )
    assert classifier.classify("security", "high", None) == Classification(
        "security", "high", "high", "P1", ("urgency",)
    )
    # Only the levels named may be lifted (an agent's own choice stands).
    assert classifier.classify("malware", "low", "low", floor=("impact",)) == Classification(
        "security/malware", "medium", "low", "P4", ("impact",)
    )
    assert classifier.classify("vpn", "low", "low").raised == ()


def test_a_floor_at_the_top_level_leaves_nothing_to_ask(classifier):
    assert classifier.settled("security/phishing", "urgency") == "high"
    assert classifier.settled("security", "impact") is None  # medium: "many" is still higher
    assert classifier.settled("network/vpn", "urgency") is None
    assert classifier.settled(None, "urgency") is None


@pytest.mark.parametrize("priority", sorted(TARGETS))
def test_sla_due_times_follow_the_configured_targets(settings, priority):
    opened = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    response, resolution = TARGETS[priority]
    policy = SlaPolicy(settings)

    due = policy.due_times(priority, opened)

    assert due.response == opened + response
    assert due.resolution == opened + resolution
    configured = settings.priorities[priority]
    assert (configured.response, configured.resolution) == (response, resolution)
    assert policy.targets(priority) == (response, resolution)


def test_sla_targets_come_from_the_config_not_constants(raw_config):
    raw = copy.deepcopy(raw_config)
    raw["priorities"]["P3"] = {"name": "Moderate", "response": "1h30m", "resolution": "2d"}
    opened = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)

    due = SlaPolicy(parse_settings(raw)).due_times("P3", opened)

    assert due.response == datetime(2026, 2, 1, 0, 30, tzinfo=UTC)
    assert due.resolution == datetime(2026, 2, 2, 23, 0, tzinfo=UTC)
