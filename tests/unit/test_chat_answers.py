"""Answers that need no conversation: who the desk's managers are, who is in its teams."""

from __future__ import annotations

from bot.chat_answers import contact_text, team_text
from bot.config import PlatformRoleSettings, Role
from bot.services.people import Person
from bot.services.rules import DeskRules
from bot.wording import listed


def test_asked_for_a_manager_each_is_named_with_the_groups_they_manage(settings):
    staff = {
        **settings.staff,
        "dave": settings.staff["dave"].model_copy(update={"role": "manager"}),
    }
    groups = {**settings.groups}
    groups["network"] = groups["network"].model_copy(update={"manager": "dave"})
    rules = DeskRules.from_settings(settings.model_copy(update={"staff": staff, "groups": groups}))
    assert contact_text(rules, managers=True).startswith(
        "Carol Chen (carol) manages service-desk and desktop-support; Dave Diaz (dave) "
        "manages network. "
    )


def test_with_no_manager_named_the_desks_usual_way_in_is_the_answer(settings):
    groups = {n: g.model_copy(update={"manager": None}) for n, g in settings.groups.items()}
    plain = DeskRules.from_settings(settings.model_copy(update={"groups": groups}))
    assert contact_text(plain, managers=True) == contact_text(plain)
    assert "manages" not in contact_text(plain)


def test_a_list_reads_as_a_sentence():
    assert [listed(["a"]), listed(["a", "b"]), listed(["a", "b", "c"])] == [
        "a",
        "a and b",
        "a, b and c",
    ]


def test_a_team_is_its_members_and_its_manager(settings):
    rules = DeskRules.from_settings(settings)
    alice = Person("console:alice", "alice", Role.USER)
    network = (
        "network (Network and VPN team): Erin Evans (erin). Its manager is Carol Chen (carol)."
    )
    assert team_text(rules, alice, "network") == network
    assert team_text(rules, alice, "service desk").startswith(
        "service-desk (First-line support): Bob Baker (bob) and Erin Evans (erin). Its"
    )
    erin = rules.directory.staff("erin")
    assert erin is not None
    assert team_text(rules, erin, "my").split("\n") == [
        network,
        team_text(rules, erin, "service-desk"),
    ]
    everyone = team_text(rules, alice, "my").split("\n")
    assert everyone[0] == "I know only the IT desk's teams. The desk's teams:"
    assert everyone[1:] == [team_text(rules, alice, g) for g in settings.groups]
    assert team_text(rules, alice, "sales").startswith(
        "There is no team “sales” at the desk. The desk's teams:\nservice-desk"
    )
    assert team_text(rules, alice, "facilities") == (
        "Facilities is not the IT desk's team: you reach them at the facilities desk, ext. "
        "4000 or facilities@example.com."
    )


def test_people_who_are_agents_by_their_chat_group_are_said_to_be_in_its_team(settings):
    mapped = {"agent": PlatformRoleSettings(slack_groups=["@helpdesk"], groups=["network"])}
    rules = DeskRules.from_settings(settings.model_copy(update={"roles": mapped}))
    alice = Person("console:alice", "alice", Role.USER)
    assert team_text(rules, alice, "network").startswith(
        "network (Network and VPN team): Erin Evans (erin) and whoever their Slack or "
        "Discord group makes its agents."
    )
    assert "whoever" not in team_text(rules, alice, "service desk")
