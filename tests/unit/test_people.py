"""Who someone is: staff by handle or account id, and staff by platform group (roles:)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.config import Role, parse_settings
from bot.messages import Actor
from bot.services.people import Directory

SHIPPED = Path(__file__).resolve().parents[2] / "config.yaml"


@pytest.fixture(scope="module")
def directory() -> Directory:
    raw = copy.deepcopy(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    raw["staff"]["bob"]["slack"] = "U0BOB"
    raw["roles"] = {
        "agent": {"slack_groups": ["@helpdesk"], "discord_roles": ["IT Support", "111"]},
        "manager": {
            "slack_groups": ["S0LEADS"],
            "discord_roles": ["Desk Lead"],
            "groups": ["network"],
        },
    }
    return Directory(parse_settings(raw))


def test_a_staff_account_id_is_that_person_whatever_their_platform_groups(directory):
    bob = directory.person(Actor("slack", "U0BOB", "bobby", roles=("S0LEADS",)))
    assert (bob.key, bob.role, bob.handle) == ("bob", Role.AGENT, "bob")


@pytest.mark.parametrize(
    ("actor", "role"),
    [
        (Actor("slack", "U1", "Ann", roles=("helpdesk",)), Role.AGENT),
        (Actor("slack", "U1", "Ann", roles=("HelpDesk", "S0LEADS")), Role.MANAGER),
        (Actor("discord", "42", "ann", roles=("111",)), Role.AGENT),
        (Actor("discord", "42", "ann", roles=("desk lead",)), Role.MANAGER),
        (Actor("discord", "42", "ann", roles=("Gamers",)), Role.USER),
        (Actor("discord", "42", "ann"), Role.USER),
        # A Slack group name means nothing on Discord, and the other way round.
        (Actor("discord", "42", "ann", roles=("helpdesk",)), Role.USER),
        (Actor("slack", "U1", "Ann", roles=("IT Support",)), Role.USER),
        # The console has no platform groups: roles there come from staff: only.
        (Actor("console", "ann", "ann", roles=("helpdesk",)), Role.USER),
    ],
)
def test_platform_groups_map_to_desk_roles(directory, actor, role):
    assert directory.person(actor).role == role


def test_staff_by_platform_group_own_incidents_by_account_and_work_in_their_groups(directory):
    lead = directory.person(Actor("discord", "42", "Ann", roles=("Desk Lead",)))
    agent = directory.person(Actor("slack", "U1", "Ann", roles=("helpdesk",)))
    assert (lead.handle, lead.name, lead.groups) == ("discord:42", "Ann", ("network",))
    assert agent.groups == ("service-desk",)  # none configured: the default group
    reached = directory.recipient(agent.key, agent.name)
    assert (reached.platform, reached.channel_id) == ("slack", "U1")
