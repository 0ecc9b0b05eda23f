"""bench/kb_eval.py --without: what a new article changes, message by message."""

from __future__ import annotations

import pytest

from bench.kb_eval import ROOT, Triage, compare_without, load_articles, load_settings
from bot.services.classify import Classifier
from bot.services.knowledge import MatcherSettings


def _shipped():
    settings = load_settings(ROOT / "config.yaml")
    classifier = Classifier(settings)
    folder = settings.knowledge.path(settings.source)
    articles = load_articles(folder, classifier.category_paths()).articles
    return articles, Triage(settings, classifier).category


def test_leaving_an_article_out_lists_the_messages_it_moves(capsys):
    articles, topic = _shipped()
    cases = [
        ("the projector in meeting room 3 doesnt work", "meeting-room-av"),
        ("my vpn keeps dropping", "vpn-keeps-disconnecting"),
        ("can you water the plants while im away", None),
    ]
    compare_without(articles, cases, MatcherSettings(), topic, {"meeting-room-av"})
    out = capsys.readouterr().out
    assert "x->1 'the projector in meeting room 3 doesnt work' [meeting-room-av]" in out
    assert "vpn" not in out.split("\n\n")[0]  # unmoved messages are not listed
    assert "without them" in out and "with them" in out


def test_an_unknown_article_is_named(capsys):
    articles, topic = _shipped()
    with pytest.raises(SystemExit, match="no such article: nope"):
        compare_without(articles, [], MatcherSettings(), topic, {"nope"})
