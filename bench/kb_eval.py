"""Knowledge-base matching quality, measured: Deskbot's matcher against SQLite FTS5 (bm25).

    python bench/kb_eval.py                 # the shipped articles and bench/kb_eval.yaml
    python bench/kb_eval.py --sweep         # also: every scorer, and the cut-off curve
    python bench/kb_eval.py --without ID... # what articles change: each message they move

For each labelled message the top-3 suggestions are compared with the article that
answers it; off-topic messages (labelled null) should get no suggestion at all.
Prints top-1 and top-3 hit rates, the false-suggestion rate on off-topic messages,
how many wrong articles a labelled message is shown on average (the noise a reporter
reads past), and the median and p99 time per query, for each method, in one run.
Targets (issue #3): top-3 >= 90 %, top-1 >= 75 %, off-topic false suggestions <= 10 %.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.services.classify import Classifier  # noqa: E402
from bot.services.knowledge import (  # noqa: E402
    Article,
    Index,
    Matcher,
    MatcherSettings,
    Topic,
    load_articles,
    words,
)
from bot.services.triage import Triage  # noqa: E402

Ranker = Callable[[str], list[str]]


@dataclass
class Score:
    name: str
    top1: float
    top3: float
    false_rate: float
    wrong_shown: float  # per labelled message, the suggestions that are not its answer
    median_ms: float
    p99_ms: float


def load_eval(path: Path) -> list[tuple[str, str | None]]:
    return [(item["text"], item["expect"]) for item in yaml.safe_load(path.read_text())]


def evaluate(name: str, rank: Ranker, cases: Sequence[tuple[str, str | None]]) -> Score:
    hits1 = hits3 = labelled = false = offtopic = wrong = 0
    times: list[float] = []
    for text, expect in cases:
        start = time.perf_counter()
        ranked = rank(text)[:3]
        times.append((time.perf_counter() - start) * 1000)
        if expect is None:
            offtopic += 1
            false += bool(ranked)
        else:
            labelled += 1
            hits1 += bool(ranked) and ranked[0] == expect
            hits3 += expect in ranked
            wrong += sum(found != expect for found in ranked)
    times.sort()
    return Score(
        name,
        hits1 / labelled,
        hits3 / labelled,
        false / max(offtopic, 1),
        wrong / labelled,
        statistics.median(times),
        times[min(len(times) - 1, int(len(times) * 0.99))],
    )


def deskbot_ranker(
    articles: Sequence[Article], settings: MatcherSettings, topic: Topic | None
) -> Ranker:
    matcher = Matcher(Index.build(articles), settings, topic)
    return lambda text: [s.article.id for s in matcher.search(text, limit=3)]


def fts5_ranker(articles: Sequence[Article]) -> Ranker:
    """What an admin would reach for: FTS5 over title, symptoms and tags, ranked by bm25."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE kb USING fts5(id UNINDEXED, title, symptoms, tags)")
    db.executemany(
        "INSERT INTO kb VALUES (?, ?, ?, ?)",
        [(a.id, a.title, " ".join(a.symptoms), " ".join(a.tags)) for a in articles],
    )

    def rank(text: str) -> list[str]:
        terms = " OR ".join(f'"{w}"' for w in words(text))
        if not terms:
            return []
        rows = db.execute("SELECT id FROM kb WHERE kb MATCH ? ORDER BY bm25(kb) LIMIT 3", (terms,))
        return [row[0] for row in rows]

    return rank


def report(scores: Sequence[Score]) -> None:
    print(
        f"{'method':34} {'top-1':>6} {'top-3':>6} {'false':>6} {'wrong':>6} "
        f"{'median ms':>10} {'p99 ms':>7}"
    )
    for s in scores:
        print(
            f"{s.name:34} {s.top1:6.1%} {s.top3:6.1%} {s.false_rate:6.1%} "
            f"{s.wrong_shown:6.2f} {s.median_ms:10.3f} {s.p99_ms:7.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT / "bench" / "kb_eval.yaml")
    parser.add_argument("--sweep", action="store_true", help="compare scorers and cut-offs too")
    parser.add_argument(
        "--without",
        nargs="+",
        metavar="ID",
        help="compare with these articles left out, message by message (for a new article)",
    )
    args = parser.parse_args()
    settings = load_settings(ROOT / "config.yaml")
    classifier = Classifier(settings)
    loaded = load_articles(settings.knowledge.path(settings.source), classifier.category_paths())
    topic = Triage(settings, classifier).category  # as the bot reads a message's topic
    cases = load_eval(args.eval)
    articles = loaded.articles
    print(
        f"{len(articles)} articles, {len(cases)} messages "
        f"({sum(e is None for _, e in cases)} off-topic)\n"
    )
    chosen = MatcherSettings()
    if args.without:
        compare_without(articles, cases, chosen, topic, set(args.without))
        return
    scores = [
        evaluate("deskbot (shipped settings)", deskbot_ranker(articles, chosen, topic), cases),
        evaluate("deskbot without the topic reader", deskbot_ranker(articles, chosen, None), cases),
        evaluate("sqlite fts5 bm25", fts5_ranker(articles), cases),
    ]
    report(scores)
    if args.sweep:
        sweep(articles, cases, chosen, topic)


def compare_without(
    articles: Sequence[Article],
    cases: Sequence[tuple[str, str | None]],
    chosen: MatcherSettings,
    topic: Topic,
    left_out: set[str],
) -> None:
    """Each message whose top 3 the articles change, marked before->after (1: first,
    3: in the top 3, x: missed; for off-topic ones -: silent, F: a false suggestion),
    then both scores: what a new article costs the messages it was not written for."""
    unknown = left_out - {a.id for a in articles}
    if unknown:
        raise SystemExit(f"no such article: {', '.join(sorted(unknown))}")
    with_them = deskbot_ranker(articles, chosen, topic)
    without = deskbot_ranker([a for a in articles if a.id not in left_out], chosen, topic)
    for text, expect in cases:
        after, before = with_them(text)[:3], without(text)[:3]
        if after != before:
            print(f"{_mark(expect, before)}->{_mark(expect, after)} {text!r} [{expect}]")
            print(f"   without: {before}\n   with:    {after}")
    print()
    report([evaluate("without them", without, cases), evaluate("with them", with_them, cases)])


def _mark(expect: str | None, ranked: list[str]) -> str:
    if expect is None:
        return "F" if ranked else "-"
    if ranked[:1] == [expect]:
        return "1"
    return "3" if expect in ranked else "x"


def sweep(
    articles: Sequence[Article],
    cases: Sequence[tuple[str, str | None]],
    chosen: MatcherSettings,
    topic: Topic,
) -> None:
    def run(name: str, **knobs: object) -> Score:
        return evaluate(name, deskbot_ranker(articles, replace(chosen, **knobs), topic), cases)

    print("\nranking alone (no evidence floor), by phrase scorer:")
    scorers = {
        "token_set_ratio": fuzz.token_set_ratio,
        "partial_ratio": fuzz.partial_ratio,
        "WRatio": fuzz.WRatio,
        "token_sort_ratio": fuzz.token_sort_ratio,
        "QRatio": fuzz.QRatio,
    }
    report([run(name, scorer=scorer, min_evidence=0.0) for name, scorer in scorers.items()])
    print("\nterm-frequency saturation (0: a word counts once however many phrases use it):")
    report([run(f"tf_saturation {k}", tf_saturation=k) for k in (0.0, 0.6, 1.2, 2.0, 3.0)])
    print("\nhow much coverage (share of the message explained) weighs in the ranking:")
    report([run(f"coverage_weight {w}", coverage_weight=w) for w in (0.0, 0.5, 1.0, 2.0)])
    print("\nhow much the fuzzy phrase score weighs in the ranking:")
    report([run(f"fuzzy_weight {w}", fuzzy_weight=w) for w in (0.0, 0.01, 0.025, 0.05, 0.1)])
    print("\na close phrase match lets a short message in (phrase_accept):")
    report([run(f"phrase_accept {a}", phrase_accept=a) for a in (70, 75, 80, 85, 90, 101)])
    print("\nthe evidence floor: recall against off-topic silence:")
    report(
        [run(f"min_evidence {e}", min_evidence=e) for e in (0, 0.8, 1.0, 1.1, 1.2, 1.3, 1.4, 1.6)]
    )
    print("\nthe floor moved by the message's topic (relief when it names the article's branch):")
    report([run(f"topic_relief {r}", topic_relief=r) for r in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)])
    print("\n... and the extra evidence needed when the message names no topic:")
    report([run(f"no_topic_extra {x}", no_topic_extra=x) for x in (0.0, 0.1, 0.2, 0.3, 0.5)])
    print("\n... and the category's name as one more word of the message:")
    report([run(f"topic_word {on}", topic_word=on) for on in (False, True)])
    print("\nsuggestions under this share of the best one left out (trail_ratio):")
    report([run(f"trail_ratio {r}", trail_ratio=r) for r in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)])


if __name__ == "__main__":
    main()
