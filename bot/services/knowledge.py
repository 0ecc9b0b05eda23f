"""The knowledge base: Markdown articles on disk, validated, indexed and fuzzy-matched.

Matching runs in two stages, so that it stays fast on a large knowledge base:

1. evidence: each word of the message (lightly stemmed; chat filler and time words
   dropped), or its nearest word in the index's vocabulary when it is misspelt, votes
   for the articles that use it, weighted by how rare the word is (IDF), by where it
   stands (title, symptoms and tags count fully, the steps half) and by how many of the
   article's phrases use it (BM25's saturating term frequency: an article that keeps
   saying "printer" is about printers, a phrase that mentions it once is not);
2. ranking: the evidence, plus the share of the message the article explains
   (coverage), plus a share of the rapidfuzz score of its best-matching phrase; those
   scoring under half the best are not shown.

Whether anything is suggested at all is decided once, on the best article: enough
evidence, or one of its phrases matching the message closely. The evidence floor rises
slowly with the number of articles, because the more there are, the likelier one shares
a word or two with any message by chance. Given the desk's topic reader (the category
keywords of config.yaml, `Triage.category`), the floor is lower for an article in the
branch of the category tree the message's words name, and a little higher when they
name none: "screen flickers" uses the desk's vocabulary, "water the plants" does not.
The category the topic reader finds also lends its name to the message as one more word
when the message doesn't use it ("the tunnel thing errors out" is about the vpn), so
that articles that say it directly are found.

Every knob was chosen by measurement (`bench/kb_eval.py --sweep` for quality,
`bench/kb_speed.py` for speed and quality at 1k-100k articles); see bench/README.md.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.config import missing_knowledge
from bot.errors import BadArguments, DeskError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services.triage import Triage

FIELDS = ("id", "title", "category", "tags", "symptoms")
RELOAD_STAMP = ".reload"  # `deskbot kb reload` touches it; the watcher sees the change
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_STOP_TEXT = """a an the i im me my mine we our you your it its is are was were be been am do does
did doing have has had to of in on at for from with and or but not no so this that these
those there here what when why how can cant cannot could would should will wont just any
anyone some still again very really please pls plz hi hello hey help thanks thank today now
since get got getting keep keeps dont doesnt isnt all up out he she they them his her their
as by if then than also too"""
# Chat filler and time words: they say when or how politely, never what is wrong, and in a
# big knowledge base they would otherwise let "good morning" or "ok bye" match something.
_CHAT_TEXT = """ok okay cool bye thx ty ta lol ugh hmm yeah yes yep nope guys someone anyone
something anything everything stuff thing things im ive id ill youre thats whats theres
havent hasnt wasnt werent didnt arent couldnt wouldnt shouldnt good morning afternoon
evening night tonight yesterday tomorrow week weekend monday mondays tuesday wednesday
thursday friday"""
STOP_WORDS = frozenset(_STOP_TEXT.split()) | frozenset(_CHAT_TEXT.split())

_log = logging.getLogger(__name__)


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
    """An article that fits a message, its ranking score, and why: the phrase of it that
    matched best, or, when none comes close, the words it shares with the message."""

    article: Article
    score: float
    why: str  # the best-matching phrase
    evidence: float = 0.0
    phrase_score: float = 0.0
    coverage: float = 0.0
    words: tuple[str, ...] = ()  # the shared words, when no phrase comes close

    @property
    def reason(self) -> str:
        """The why, worded to follow "matched": `“paper stuck in the printer”`, or
        `the word “printer”`."""
        if not self.words:
            return f"“{self.why}”"
        quoted = ", ".join(f"“{word}”" for word in self.words)
        return f"the word{'s' if len(self.words) > 1 else ''} {quoted}"


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


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix strip so 'drives', 'printing' and 'connected' meet their roots."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


Scorer = Callable[..., float]
BODY_WEIGHT = 0.5  # a word only in the steps counts half as much as one in a symptom


@dataclass
class MatcherSettings:
    """The knobs `bench/kb_eval.py --sweep` measures; the defaults are the measured best."""

    scorer: Scorer = fuzz.token_set_ratio
    min_evidence: float = 1.2  # rare-word equivalents in common, below which nothing is suggested
    # The more articles, the likelier some article shares a word or two with any message
    # by chance: the evidence floor rises by this much per tenfold articles beyond 50.
    floor_growth: float = 0.1
    fuzzy_weight: float = 0.025  # how much the best phrase's fuzzy score (0-100) adds to ranking
    coverage_weight: float = 1.0  # how much the share of the message explained adds to ranking
    # BM25's k: a word several of an article's phrases use counts up to (1 + k) times.
    tf_saturation: float = 1.2
    # A short message that closely matches one of an article's own phrases is let in
    # with less evidence: "vpn wont conect" has two words, both close to a symptom.
    phrase_accept: float = 75.0
    candidates: int = 40
    typo_cutoff: float = 80.0
    # With a topic reader: the evidence the best article may lack when the message names
    # its branch of the category tree, and the evidence it needs more when it names none.
    topic_relief: float = 0.6
    no_topic_extra: float = 0.1
    # ... and the name of that category counts as one more word of the message when the
    # message does not use it: "the tunnel thing errors out" is about the vpn.
    topic_word: bool = True
    # A suggestion scoring under this share of the best one is left out: it is rarely
    # the answer, and a stolen laptop offered "Laptop is slow" looks careless.
    trail_ratio: float = 0.5


# article numbers, field weights, and how many of the article's phrases use the word
Posting = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class Index:
    """Articles' phrases, and an inverted index of their (stemmed) words."""

    articles: tuple[Article, ...]
    phrases: list[list[tuple[str, str]]] = field(default_factory=list)  # (processed, shown)
    # term -> numpy arrays sorted by article number, so a common word's long posting list
    # is added in one vector operation and a candidate's entry found by bisection.
    postings: dict[str, Posting] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, articles: Sequence[Article]) -> Index:
        index = cls(tuple(articles))
        found: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
        for number, article in enumerate(articles):
            shown = [article.title, *article.symptoms, " ".join(article.tags)]
            index.phrases.append([(default_process(s), s) for s in shown])
            for term in terms(article.body):
                found[term][number] = (BODY_WEIGHT, 0)
            uses = Counter(term for phrase in shown for term in set(terms(phrase)))
            for term, count in uses.items():
                found[term][number] = (1.0, count)
        for term, entries in found.items():
            count = len(entries)
            index.postings[term] = (
                np.fromiter(entries.keys(), dtype=np.int32, count=count),
                np.fromiter((e[0] for e in entries.values()), dtype=np.float32, count=count),
                np.fromiter((e[1] for e in entries.values()), dtype=np.float32, count=count),
            )
        index.vocabulary = list(index.postings)
        return index

    def idf(self, term: str) -> float:
        """Rarity scaled to (0, 1]: a word unique to one article counts 1 whatever the size
        of the knowledge base, so the evidence floor means the same at 40 or 100k."""
        total = max(len(self.articles), 2)
        return math.log(1 + total / len(self.postings[term][0])) / math.log(1 + total)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of the message: its indexed spellings (with their similarity) and how
    informative it is."""

    word: str  # stemmed, as indexed
    forms: tuple[tuple[str, float, float], ...]  # (indexed term, similarity, idf)
    weight: float
    written: str  # as the person wrote it, for the why


Topic = Callable[[str], str | None]  # a message's category path by its words, if any


class Matcher:
    """Ranks articles for a message: word evidence first, fuzzy phrase score second."""

    def __init__(
        self, index: Index, settings: MatcherSettings | None = None, topic: Topic | None = None
    ) -> None:
        self.index = index
        self.settings = settings or MatcherSettings()
        self.topic = topic

    def search(self, text: str, limit: int = 3) -> list[Suggestion]:
        named = self.topic(text) if self.topic else None
        added = self._topic_terms(text, named)
        query = self.query_terms(" ".join([text, *added]))
        known = [t for t in query if t.forms]
        if not known or not self.index.articles:
            return []
        candidates = self._candidates(known)
        evidence, coverage = self._evidence(query, known, candidates)
        processed = default_process(text)
        lent = {stem(w) for w in added}  # the why names the person's words, not these
        said = [t for t in known if t.word not in lent]
        ranked = sorted(
            (
                self._suggestion(processed, int(n), float(e), float(c), said)
                for n, e, c in zip(candidates, evidence, coverage, strict=True)
            ),
            key=lambda s: (-s.score, s.article.id),
        )
        # Whether the message is about anything in the knowledge base at all is decided
        # once, by its best match; then the best few are shown (measured: more hits at
        # the same off-topic silence than filtering each suggestion on its own), unless
        # they score far below it.
        if not ranked or not self._confident(ranked[0], named):
            return []
        floor = self.settings.trail_ratio * ranked[0].score
        return [s for s in ranked[:limit] if s.score >= floor]

    def _topic_terms(self, text: str, named: str | None) -> list[str]:
        """The named category's own name, as words the message doesn't already use.
        Measured in bench/README.md: more right answers at every size, and no more
        off-topic ones."""
        if named is None or not self.settings.topic_word:
            return []
        used = set(terms(text))
        # as written, since stemming twice can change it ("access", "acces", "acce")
        return [w for w in words(named.split("/")[-1]) if stem(w) not in used]

    def query_terms(self, text: str) -> list[QueryTerm]:
        found = []
        stems: dict[str, str] = {}  # each stem once, with its first spelling
        for written in words(text):
            stems.setdefault(stem(written), written)
        for word, written in stems.items():
            forms = tuple((k, s, self.index.idf(k)) for k, s in self._known_forms(word))
            # a misspelt word is as informative as its likeliest reading, the closest form;
            # a word the index does not know at all cannot be explained, so it is left out
            weight = forms[0][1] * forms[0][2] if forms else 0.0
            found.append(QueryTerm(word, forms, weight, written))
        return found

    def _candidates(self, known: list[QueryTerm]) -> np.ndarray:
        votes = np.zeros(len(self.index.articles), dtype=np.float32)
        for term in known:
            for form, similarity, idf in term.forms:
                numbers, weights, uses = self.index.postings[form]
                votes[numbers] += weights * self._repeats(uses) * (similarity * idf)
        voted = np.flatnonzero(votes)
        if len(voted) > self.settings.candidates:
            voted = voted[np.argpartition(votes[voted], -self.settings.candidates)]
            voted = voted[-self.settings.candidates :]
        return voted

    def _evidence(
        self, query: list[QueryTerm], known: list[QueryTerm], candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per candidate: the evidence (each word once, by its best spelling, weighted by
        field and by how many phrases use it) and the share of the message's informative
        words the article explains (coverage)."""
        evidence = np.zeros(len(candidates), dtype=np.float64)
        explained = np.zeros(len(candidates), dtype=np.float64)
        for term in known:
            best = np.zeros((2, len(candidates)), dtype=np.float64)
            for form, similarity, idf in term.forms:
                numbers, weights, uses = self.index.postings[form]
                at = np.minimum(np.searchsorted(numbers, candidates), len(numbers) - 1)
                hit = numbers[at] == candidates
                gain = np.where(hit, weights[at] * self._repeats(uses[at]), 0) * (similarity * idf)
                np.maximum(best, np.stack((gain, np.where(hit, similarity * idf, 0))), out=best)
            evidence += best[0]
            # a misspelt word may also resemble a rarer word ("recieved": "received", and
            # "reeved" less closely); it explains no more of the message than its own
            # weight, so coverage stays within 0-1
            explained += np.minimum(best[1], term.weight)
        total = sum(t.weight for t in query)
        return evidence, explained / total if total else explained

    def _repeats(self, uses: np.ndarray) -> np.ndarray:
        """A word that several of an article's phrases use is what the article is about:
        saturating credit for the number of phrases (BM25's term-frequency curve); a
        word used once, or only in the steps, counts 1."""
        k = self.settings.tf_saturation
        if k <= 0:
            return np.ones(len(uses), dtype=np.float32)
        count = np.maximum(uses, 1)
        return count * (1 + k) / (count + k)

    def evidence_floor(self) -> float:
        """The evidence the best article needs (unless a phrase matches closely)."""
        tenfolds = math.log10(max(len(self.index.articles) / 50, 1.0))
        return self.settings.min_evidence + self.settings.floor_growth * tenfolds

    def _confident(self, best: Suggestion, named: str | None) -> bool:
        if best.phrase_score >= self.settings.phrase_accept:
            return True
        return best.evidence >= self.evidence_floor() + self._topic_shift(best, named)

    def _topic_shift(self, best: Suggestion, named: str | None) -> float:
        """How the floor moves by what the message is about (measured in bench/README.md:
        more right answers let in and fewer off-topic ones at 1k-100k articles)."""
        if self.topic is None:
            return 0.0
        if named is None:
            return self.settings.no_topic_extra
        same = named.split("/")[0] == best.article.category.split("/")[0]
        return -self.settings.topic_relief if same else 0.0

    def _known_forms(self, term: str) -> list[tuple[str, float]]:
        """The term itself if indexed, else its nearest spellings in the vocabulary."""
        if term in self.index.postings:
            return [(term, 1.0)]
        if len(term) < 4:
            return []
        near = process.extract(
            term,
            self.index.vocabulary,
            scorer=fuzz.ratio,
            limit=3,
            score_cutoff=self.settings.typo_cutoff,
        )
        return [(known, score / 100) for known, score, _ in near]

    def _suggestion(
        self,
        query: str,
        number: int,
        evidence: float,
        coverage: float,
        said: list[QueryTerm],
    ) -> Suggestion:
        phrases = self.index.phrases[number]
        best, phrase, at = max(
            (
                (self.settings.scorer(query, processed), text, n)
                for n, (processed, text) in enumerate(phrases)
            ),
            key=lambda found: found[0],
        )
        shared: tuple[str, ...] = ()
        # A phrase that comes close is the why; else, or when it is the tags (the last
        # phrase, words nobody wrote in that order), the person's words it shares.
        if best < 60 or at == len(phrases) - 1:
            shared = tuple(
                dict.fromkeys(
                    t.written
                    for t in said
                    if any(number in self.index.postings[form][0] for form, _, _ in t.forms)
                )
            )
        settings = self.settings
        score = evidence + coverage * settings.coverage_weight + best * settings.fuzzy_weight
        return Suggestion(
            self.index.articles[number], round(score, 2), phrase, evidence, best, coverage, shared
        )


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
        topic: Topic | None = None,
    ) -> None:
        self.folder, self.categories = folder, list(categories)
        self.recheck, self.matcher_settings, self.topic = recheck, matcher, topic
        self.reload()

    @classmethod
    def for_desk(cls, settings: Settings, triage: Triage) -> KnowledgeBase:
        """The configured folder, matched as the bot matches: its categories, and the
        message's topic read with the desk's keywords. The chat and `deskbot kb search`
        both build it here, so that the JSON evaluation ranks as the bot does."""
        if problem := missing_knowledge(settings):
            # The folder is watched, so articles put there later are still picked up.
            _log.warning("%s (no article is suggested until it is there)", problem)
        return cls(
            settings.knowledge.path(settings.source),
            triage.classifier.category_paths(),
            topic=triage.category,
        )

    def reload(self) -> Loaded:
        """Read the folder again now."""
        self._signature = self._folder_signature()
        self._checked_at = time.monotonic()
        self.loaded = load_articles(self.folder, self.categories)
        self.matcher = Matcher(Index.build(self.loaded.articles), self.matcher_settings, self.topic)
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

    def has(self, article_id: str) -> bool:
        return article_id.strip().lower() in self.fresh()._by_id

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
        watched = (e for e in entries if e.name.endswith(".md") or e.name == RELOAD_STAMP)
        return tuple((e.name, (stat := e.stat()).st_mtime_ns, stat.st_size) for e in watched)
