"""Answers that need no conversation: who the desk's managers are."""

from __future__ import annotations

from bot.chat_answers import contact_text


def test_asked_for_a_manager_each_is_named_with_the_groups_they_manage(settings):
    staff = {
        **settings.staff,
        "dave": settings.staff["dave"].model_copy(update={"role": "manager"}),
    }
    groups = {**settings.groups}
    groups["network"] = groups["network"].model_copy(update={"manager": "dave"})
    text = contact_text(
        settings.model_copy(update={"staff": staff, "groups": groups}), managers=True
    )
    assert text.startswith(
        "The desk's managers: Carol Chen (service-desk, desktop-support); Dave Diaz (network). "
    ), text


def test_with_no_manager_named_the_desks_usual_way_in_is_the_answer(settings):
    groups = {n: g.model_copy(update={"manager": None}) for n, g in settings.groups.items()}
    plain = settings.model_copy(update={"groups": groups})
    assert contact_text(plain, managers=True) == contact_text(plain)
    assert "managers" not in contact_text(plain)
