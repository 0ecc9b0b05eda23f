"""Knowledge-base matching speed and memory at 1k, 10k and 100k articles.

    python bench/kb_speed.py                   # 1k, 10k and 100k
    python bench/kb_speed.py --sizes 1000 10000

Each synthetic knowledge base is the shipped articles plus distractors: articles whose
title, symptoms and tags are cut from real IT tickets (../shared/data, or a fallback
vocabulary when that file is absent), so the vocabulary and its overlaps are realistic.
The queries are the messages of bench/kb_eval.yaml; the quality columns check that the
shipped articles are still found among the distractors.
Targets (issue #3, 2 cores): median <= 3 ms and p99 <= 10 ms at 10k; median <= 25 ms at 100k.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.kb_eval import evaluate, load_eval  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.services.classify import Classifier  # noqa: E402
from bot.services.knowledge import Article, Index, Matcher, load_articles  # noqa: E402

TICKETS = ROOT.parent / "shared" / "data" / "it_service_tickets_subset.csv"
FALLBACK = (
    "account server access request folder error update install network system user "
    "email laptop screen printer report database license backup portal meeting"
).split()


def ticket_words() -> list[list[str]]:
    if not TICKETS.exists():
        return [FALLBACK]
    with TICKETS.open(newline="", encoding="utf-8") as handle:
        return [row["Document"].split() for row in csv.DictReader(handle) if row["Document"]]


def distractors(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    texts = ticket_words()

    def phrase(low: int, high: int) -> str:
        text = rng.choice(texts)
        length = rng.randint(low, high)
        start = rng.randint(0, max(0, len(text) - length))
        return " ".join(text[start : start + length]) or "misc"

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


def measure(size: int, real: list[Article], cases: list[tuple[str, str | None]]) -> None:
    articles = real + distractors(max(0, size - len(real)))
    tracemalloc.start()
    start = time.perf_counter()
    index = Index.build(articles)
    build_s = time.perf_counter() - start
    memory_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    matcher = Matcher(index)
    for text, _ in cases[:20]:
        matcher.search(text)  # warm-up
    score = evaluate(f"{size:,}", lambda t: [s.article.id for s in matcher.search(t)], cases)
    print(
        f"{size:>9,} {build_s:8.2f} {memory_mb:9.1f} {score.median_ms:10.2f} "
        f"{score.p99_ms:8.2f} {score.top1:6.1%} {score.top3:6.1%} {score.false_rate:6.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    settings = load_settings(ROOT / "config.yaml")
    real = list(
        load_articles(
            settings.knowledge.path(settings.source), Classifier(settings).category_paths()
        ).articles
    )
    cases = load_eval(ROOT / "bench" / "kb_eval.yaml")
    print(
        f"queries: {len(cases)} messages of bench/kb_eval.yaml; "
        f"distractors from {'real tickets' if TICKETS.exists() else 'a fallback vocabulary'}"
    )
    print(
        f"{'articles':>9} {'build s':>8} {'index MB':>9} {'median ms':>10} {'p99 ms':>8} "
        f"{'top-1':>6} {'top-3':>6} {'false':>6}"
    )
    for size in args.sizes:
        measure(size, real, cases)


if __name__ == "__main__":
    main()
