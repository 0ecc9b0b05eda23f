"""`deskbot kb ...`: check the articles, ask a running bot to reload them, rank queries."""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import Settings, missing_knowledge
from bot.services.classify import Classifier
from bot.services.knowledge import RELOAD_STAMP, KnowledgeBase, load_articles
from bot.services.triage import Triage


def run_kb(args: argparse.Namespace, settings: Settings) -> int:
    folder = settings.knowledge.path(settings.source)
    classifier = Classifier(settings)
    categories = classifier.category_paths()
    if args.kb_command == "search":
        return _search(KnowledgeBase.for_desk(settings, Triage(settings, classifier)), args)
    if problem := missing_knowledge(settings):
        raise problem  # said as a config error: the config names a folder that is not there
    loaded = load_articles(folder, categories)
    for problem in loaded.problems:
        print(problem, file=sys.stderr)
    bad = len(loaded.problems)
    print(f"{folder}: {len(loaded.articles)} articles OK" + (f", {bad} bad" if bad else ""))
    if args.kb_command == "reload":
        # A running bot watches the folder; touching this stamp makes it read it again.
        (folder / RELOAD_STAMP).touch()
        print("A running deskbot picks the articles up within a few seconds.")
    return 1 if bad else 0


def _search(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    queries = sys.stdin if args.text == ["-"] else [" ".join(args.text)]
    for line in queries:
        query = line.rstrip("\n")
        if not query.strip():
            continue
        found = kb.search(query, limit=args.limit)
        if args.json:
            ranked = [{"id": s.article.id, "score": round(s.score, 1)} for s in found]
            print(json.dumps({"query": query, "articles": ranked}), flush=True)
        else:
            print(f"{query}")
            for s in found:
                print(f"  {s.score:5.1f}  {s.article.id}  (matched {s.reason})")
            if not found:
                print("  (no article fits)")
    return 0
