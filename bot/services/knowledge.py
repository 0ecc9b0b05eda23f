"""The knowledge base: Markdown articles on disk, validated, indexed and fuzzy-matched.

Matching runs in two stages, so that it stays fast on a large knowledge base:

1. a lexical prefilter: each word of the message, or its nearest word in the
   index's vocabulary when it is misspelt, votes for the articles that use it,
   weighted by how rare the word is (IDF);
2. the best-voted candidates are re-ranked by rapidfuzz over their title,
   symptoms and tags, and an article is suggested only above a score cut-off.

The scorer, the candidate count and the cut-off were chosen by measurement:
`bench/kb_eval.py` (quality) and `bench/kb_speed.py` (speed).
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.errors import BadArguments, DeskError

FIELDS = ("id", "title", "category", "tags", "symptoms")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_STOP_TEXT = """a an the i im me my mine we our you your it its is are was were be been am do does
did doing have has had to of in on at for from with and or but not no so this that these
those there here what when why how can cant cannot could would should will wont just any
anyone some still again very really please pls plz hi hello hey help thanks thank today now
since get got getting keep keeps dont doesnt isnt all up out he she they them his her their
as by if then than also too"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


class ArticleError(DeskError):
    """An article file is unusable: names the file, the field and what was expected."""

    def __init__(self, path: Path, field_name: str, expected: str) -> None:
        self.path, self.field_name, self.expected = path, field_name, expected
        where = f"{path}: {field_name}" if field_name else str(path)
        super().__init__(f"{where}: expected {expected}")


@dataclass(frozen=True, slots=True)
class Article:
    """One knowledge-base article."""

    id: str
    title: str
    category: str
    tags: tuple[str, ...]
    symptoms: tuple[str, ...]
    body: str
    path: Path


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An article that fits a message, how well (0-100), and the phrase that matched."""

    article: Article
    score: float
    why: str


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[Article, ...]
    problems: tuple[ArticleError, ...]


def parse_article(path: Path, text: str, categories: Iterable[str]) -> Article:
    """Read one article; raise ArticleError for the first thing wrong with it."""
    if not text.startswith("---\n") or "\n---" not in text[4:]:
        raise ArticleError(path, "front matter", "a '---' block at the top, closed by '---'")
    front, _, body = text[4:].partition("\n---")
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        raise ArticleError(
            path, "front matter", f"valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(meta, dict):
        raise ArticleError(path, "front matter", f"the fields {', '.join(FIELDS)}")
    for name in FIELDS:
        if name not in meta:
            raise ArticleError(path, name, "this field (it is required)")
    extra = sorted(set(meta) - set(FIELDS))
    if extra:
        raise ArticleError(path, extra[0], f"only the fields {', '.join(FIELDS)}")
    return Article(
        id=_article_id(path, meta["id"]),
        title=_text(path, "title", meta["title"]),
        category=_category(path, meta["category"], categories),
        tags=_strings(path, "tags", meta["tags"]),
        symptoms=_strings(path, "symptoms", meta["symptoms"]),
        body=body.lstrip("-\n").strip(),
        path=path,
    )


def _article_id(path: Path, value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ArticleError(
            path, "id", f"lower-case words joined by '-', like 'vpn-cannot-connect', got {value!r}"
        )
    return value


def _text(path: Path, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ArticleError(path, name, f"a line of text, got {value!r}")
    return value.strip()


def _category(path: Path, value: Any, categories: Iterable[str]) -> str:
    known = list(categories)
    if value not in known:
        raise ArticleError(path, "category", f"one of {', '.join(known)}; got {value!r}")
    return str(value)


def _strings(path: Path, name: str, value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise ArticleError(path, name, "a non-empty list of short texts, like [vpn, remote access]")
    return tuple(v.strip() for v in value)


def load_articles(folder: Path, categories: Iterable[str]) -> Loaded:
    """Every `*.md` in the folder (not in sub-folders such as drafts/); bad ones are set aside."""
    known = list(categories)
    articles: list[Article] = []
    problems: list[ArticleError] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            article = parse_article(path, path.read_text(encoding="utf-8"), known)
        except ArticleError as exc:
            problems.append(exc)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(ArticleError(path, "", f"a readable UTF-8 file ({exc})"))
            continue
        if article.id in seen:
            problems.append(
                ArticleError(
                    path,
                    "id",
                    f"a unique id; {article.id!r} is also used by {seen[article.id].name}",
                )
            )
            continue
        seen[article.id] = path
        articles.append(article)
    return Loaded(tuple(articles), tuple(problems))


def words(text: str) -> list[str]:
    """The words that carry meaning: lower-cased, punctuation and stop words removed."""
    return [
        w
        for w in default_process(text.replace("'", "")).split()
        if w not in STOP_WORDS and len(w) > 1
    ]


Scorer = Callable[..., float]


@dataclass
class MatcherSettings:
    """The knobs `bench/kb_eval.py` measures; the defaults are the measured best."""

    scorer: Scorer = fuzz.token_set_ratio
    candidates: int = 40
    cutoff: float = 62.0
    typo_cutoff: float = 80.0


@dataclass
class Index:
    """Articles' phrases, and an inverted index of their words for the prefilter."""

    articles: tuple[Article, ...]
    phrases: list[list[tuple[str, str]]] = field(
        default_factory=list
    )  # per article: (processed, shown)
    postings: dict[str, list[int]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, articles: Sequence[Article]) -> Index:
        index = cls(tuple(articles))
        postings: dict[str, set[int]] = defaultdict(set)
        for number, article in enumerate(articles):
            shown = [article.title, *article.symptoms, " ".join(article.tags)]
            index.phrases.append([(default_process(s), s) for s in shown])
            for word in words(" ".join(shown)):
                postings[word].add(number)
        total = max(len(articles), 1)
        index.postings = {w: sorted(ids) for w, ids in postings.items()}
        index.idf = {w: math.log(1 + total / len(ids)) for w, ids in postings.items()}
        index.vocabulary = list(index.postings)
        return index


class Matcher:
    """Ranks articles for a message: lexical prefilter, then fuzzy re-ranking."""

    def __init__(self, index: Index, settings: MatcherSettings | None = None) -> None:
        self.index = index
        self.settings = settings or MatcherSettings()

    def search(self, text: str, limit: int = 3) -> list[Suggestion]:
        query = default_process(text)
        candidates = self._candidates(words(text))
        scored = [self._score(query, number) for number in candidates]
        scored = [s for s in scored if s.score >= self.settings.cutoff]
        scored.sort(key=lambda s: (-s.score, s.article.id))
        return scored[:limit]

    def _candidates(self, query_words: list[str]) -> list[int]:
        votes: dict[int, float] = defaultdict(float)
        for word in dict.fromkeys(query_words):
            for known, weight in self._known_forms(word):
                for number in self.index.postings[known]:
                    votes[number] += self.index.idf[known] * weight
        best = sorted(votes.items(), key=lambda item: -item[1])[: self.settings.candidates]
        return [number for number, _ in best]

    def _known_forms(self, word: str) -> list[tuple[str, float]]:
        """The word itself if indexed, else its nearest spellings in the vocabulary."""
        if word in self.index.postings:
            return [(word, 1.0)]
        if len(word) < 4:
            return []
        near = process.extract(
            word,
            self.index.vocabulary,
            scorer=fuzz.ratio,
            limit=3,
            score_cutoff=self.settings.typo_cutoff,
        )
        return [(known, score / 100) for known, score, _ in near]

    def _score(self, query: str, number: int) -> Suggestion:
        phrases = self.index.phrases[number]
        best_score, best_phrase = 0.0, ""
        for processed, shown in phrases:
            score = self.settings.scorer(query, processed)
            if score > best_score:
                best_score, best_phrase = score, shown
        return Suggestion(self.index.articles[number], best_score, best_phrase)


class KnowledgeBase:
    """The articles of one folder, reloaded when the files change (checked at most every
    `recheck` seconds), so edits need no restart. A bad article is set aside, never fatal."""

    def __init__(
        self,
        folder: Path,
        categories: Iterable[str],
        *,
        recheck: float = 2.0,
        matcher: MatcherSettings | None = None,
    ) -> None:
        self.folder, self.categories = folder, list(categories)
        self.recheck, self.matcher_settings = recheck, matcher
        self._signature: tuple[Any, ...] | None = None
        self._checked_at = -math.inf
        self.loaded = Loaded((), ())
        self.matcher = Matcher(Index.build(()), matcher)
        self.reload()

    def reload(self) -> Loaded:
        """Read the folder again now."""
        self._signature = self._folder_signature()
        self._checked_at = time.monotonic()
        self.loaded = load_articles(self.folder, self.categories)
        self.matcher = Matcher(Index.build(self.loaded.articles), self.matcher_settings)
        self._by_id = {a.id: a for a in self.loaded.articles}
        return self.loaded

    def fresh(self) -> KnowledgeBase:
        """Reload if a file was added, removed or edited since the last look."""
        now = time.monotonic()
        if now - self._checked_at >= self.recheck:
            self._checked_at = now
            if self._folder_signature() != self._signature:
                self.reload()
        return self

    def search(self, text: str, limit: int = 3) -> list[Suggestion]:
        return self.fresh().matcher.search(text, limit)

    def get(self, article_id: str) -> Article:
        found = self.fresh()._by_id.get(article_id.strip().lower())
        if found is None:
            raise BadArguments(
                f"There is no article '{article_id}'. "
                "`/kb search <words>` finds one by what it is about."
            )
        return found

    def _folder_signature(self) -> tuple[Any, ...]:
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError:
            return ()
        return tuple(
            (e.name, e.stat().st_mtime_ns, e.stat().st_size)
            for e in entries
            if e.name.endswith(".md") or e.name == RELOAD_STAMP
        )


RELOAD_STAMP = ".reload"
