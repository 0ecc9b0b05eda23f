"""Knowledge-base matching speed and memory at 1k, 10k and 100k articles.

    python bench/kb_speed.py                       # 1k, 10k and 100k, both kinds of distractor
    python bench/kb_speed.py --sizes 1000 10000
    python bench/kb_speed.py --distractors mixed   # only the original benchmark
    python bench/kb_speed.py --without-topics "HR Support" Purchase   # fewer off-desk tickets
    python bench/kb_speed.py --trail-ratio 0       # keep every suggestion, however weak

Each synthetic knowledge base is the shipped articles plus distractors cut from real IT
tickets (../shared/data, or a fallback vocabulary when that file is absent), so the
vocabulary and its overlaps are realistic. Two kinds of distractor (see `distractors`):
`mixed`, the original benchmark, whose every article mixes windows of eleven tickets and
has no body, and `coherent`, whose every article is written from one ticket and has the
ticket's text as its body, as a real article is about one thing and has steps. Each
distractor is filed under the category the desk's topic reader finds in its text (`filed`),
and the matcher reads each message's topic as the bot does.
The queries are the messages of bench/kb_eval.yaml; the quality columns check that the
shipped articles are still found among the distractors, and the last three say why not:
labelled messages that got no suggestion at all (silent) or whose first suggestion is a
distractor (distr-1st), and off-topic messages whose suggestion is a distractor (false-d;
the rest of the false suggestions are shipped articles).
Targets (issue #3, 2 cores): median <= 3 ms and p99 <= 10 ms at 10k; median <= 25 ms at 100k.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.kb_eval import evaluate, load_eval  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.services.classify import Classifier  # noqa: E402
from bot.services.knowledge import (  # noqa: E402
    Article,
    Index,
    Matcher,
    MatcherSettings,
    Topic,
    load_articles,
)
from bot.services.triage import Triage  # noqa: E402

TICKETS = ROOT.parent / "shared" / "data" / "it_service_tickets_subset.csv"
FALLBACK = (
    "account server access request folder error update install network system user "
    "email laptop screen printer report database license backup portal meeting"
).split()


def ticket_words(without: frozenset[str] = frozenset()) -> list[list[str]]:
    """The tickets' words, leaving out the tickets of the `without` topic groups."""
    if not TICKETS.exists():
        return [FALLBACK]
    with TICKETS.open(newline="", encoding="utf-8") as handle:
        return [
            row["Document"].split()
            for row in csv.DictReader(handle)
            if row["Document"] and row["Topic_group"] not in without
        ]


def filed(articles: list[Article], topic: Topic) -> list[Article]:
    """The articles each in the category `topic` reads in its text, as its author would
    have filed it ("other" when it names none): a real article is filed under its topic,
    which the matcher's topic reader weighs (bot/services/knowledge.py)."""
    return [
        replace(a, category=topic(" ".join((a.title, *a.symptoms, *a.tags, a.body))) or "other")
        for a in articles
    ]


def distractors(
    count: int, seed: int = 7, kind: str = "mixed", without: frozenset[str] = frozenset()
) -> list[Article]:
    """`count` synthetic articles cut from real tickets, all in the category "other".

    mixed (the original benchmark): each article's title, tags and six symptoms are windows
    of eleven different random tickets, and it has no body.
    coherent: each article is written from one ticket, as a real article is about one
    thing: title from the ticket's subject (its first words), symptoms and tags are windows
    and words of the same ticket, and the body is the ticket's whole text.
    """
    rng = random.Random(seed)
    texts = ticket_words(without)

    def window(text: list[str], low: int, high: int, start: int | None = None) -> str:
        length = rng.randint(low, high)
        if start is None:
            start = rng.randint(0, max(0, len(text) - length))
        return " ".join(text[start : start + length]) or "misc"

    def phrase(low: int, high: int) -> str:
        return window(rng.choice(texts), low, high)

    if kind == "mixed":
        return [
            Article(
                id=f"synthetic-{n}",
                title=phrase(3, 7),
                category="other",
                tags=tuple(phrase(1, 1) for _ in range(4)),
                symptoms=tuple(phrase(4, 9) for _ in range(6)),
                body="",
                path=Path(f"{n}.md"),
            )
            for n in range(count)
        ]
    if kind != "coherent":
        raise ValueError(f"distractors are 'mixed' or 'coherent', got {kind!r}")

    def from_one_ticket(n: int) -> Article:
        text = rng.choice(texts)
        return Article(
            id=f"synthetic-{n}",
            title=window(text, 3, 7, start=0),  # a ticket starts with its subject line
            category="other",
            tags=tuple(window(text, 1, 1) for _ in range(4)),
            symptoms=tuple(window(text, 4, 9) for _ in range(6)),
            body=" ".join(text),
            path=Path(f"{n}.md"),
        )

    return [from_one_ticket(n) for n in range(count)]


def measure(
    size: int,
    kind: str,
    real: list[Article],
    cases: list[tuple[str, str | None]],
    topic: Topic,
    without: frozenset[str] = frozenset(),
    settings: MatcherSettings | None = None,
) -> None:
    made = distractors(max(0, size - len(real)), kind=kind, without=without)
    articles = real + filed(made, topic)
    tracemalloc.start()
    start = time.perf_counter()
    index = Index.build(articles)
    build_s = time.perf_counter() - start
    memory_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    matcher = Matcher(index, settings or MatcherSettings(), topic)
    for text, _ in cases[:20]:
        matcher.search(text)  # warm-up
    score = evaluate(f"{size:,}", lambda t: [s.article.id for s in matcher.search(t)], cases)
    # why the misses happen, from a second, untimed pass
    silent = first_distractor = false_distractor = 0
    for text, expect in cases:
        found = [s.article.id for s in matcher.search(text)]
        by_distractor = bool(found) and found[0].startswith("synthetic-")
        if expect is None:
            false_distractor += by_distractor
        else:
            silent += not found
            first_distractor += by_distractor
    print(
        f"{kind:>11} {size:>9,} {build_s:8.2f} {memory_mb:9.1f} {score.median_ms:10.2f} "
        f"{score.p99_ms:8.2f} {score.top1:6.1%} {score.top3:6.1%} {score.false_rate:6.1%} "
        f"{score.wrong_shown:6.2f} {silent:6} {first_distractor:9} {false_distractor:7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--distractors",
        nargs="+",
        choices=["mixed", "coherent"],
        default=["mixed", "coherent"],
        help="which kinds of synthetic article to measure among (default: both)",
    )
    parser.add_argument(
        "--without-topics",
        nargs="+",
        default=[],
        metavar="TOPIC",
        help="leave these ticket topic groups out of the distractors, e.g. 'HR Support' Purchase",
    )
    parser.add_argument(
        "--trail-ratio",
        type=float,
        default=MatcherSettings.trail_ratio,
        help="leave out suggestions under this share of the best one's score "
        f"(shipped: {MatcherSettings.trail_ratio})",
    )
    args = parser.parse_args()
    chosen = replace(MatcherSettings(), trail_ratio=args.trail_ratio)
    settings = load_settings(ROOT / "config.yaml")
    classifier = Classifier(settings)
    folder = settings.knowledge.path(settings.source)
    real = list(load_articles(folder, classifier.category_paths()).articles)
    topic = Triage(settings, classifier).category  # as the bot reads a message's topic
    cases = load_eval(ROOT / "bench" / "kb_eval.yaml")
    print(
        f"queries: {len(cases)} messages of bench/kb_eval.yaml; "
        f"distractors from {'real tickets' if TICKETS.exists() else 'a fallback vocabulary'}"
    )
    print(
        f"{'distractors':>11} {'articles':>9} {'build s':>8} {'index MB':>9} {'median ms':>10} "
        f"{'p99 ms':>8} {'top-1':>6} {'top-3':>6} {'false':>6} {'wrong':>6} {'silent':>6} "
        f"{'distr-1st':>9} {'false-d':>7}"
    )
    for kind in args.distractors:
        for size in args.sizes:
            measure(size, kind, real, cases, topic, frozenset(args.without_topics), chosen)


if __name__ == "__main__":
    main()
