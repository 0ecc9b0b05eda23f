"""Answers that need no conversation: who the desk's managers are."""

from __future__ import annotations

from bot.chat_answers import contact_text
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
