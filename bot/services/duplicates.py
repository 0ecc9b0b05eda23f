"""Is a new report the same problem as an incident that is already open?

Whole-string similarity is a poor judge here: "VPN down for Sales" and "the vpn is
not working" share one word that matters, and "Outlook crashes on start" and "Teams
crashes on start" share three that don't. So both texts are reduced to their
content words (no stop words, no generic symptoms like "not working / down / keeps
dropping", no "every few minutes": people describe one fault with all of these), and the
score is the share of the shorter side's content words that the other side has,
each word matched with rapidfuzz so that typos still count. Two reports whose
guessed categories differ at the top level are never duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.models import Incident

WORD_MATCH = 85  # rapidfuzz ratio at which two words count as the same word
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_GENERIC = frozenset(
    """
    a an the is are was were be been am on in at for to of from by with and or but so as
    my our we i me us you your it its this that these those there here he she they them
    not no nor can can't cant cannot won't wont don't dont doesn't doesnt isn't isnt aren't
    didn't didnt couldn't wasn't will would could should has have had do does did get got
    all any some just still again also very really too now today since morning anymore
    when while after before since then than if
    work works working worked down broken broke keeps keep kept problem problems issue issues
    error errors fail fails failed failing crash crashes crashed crashing slow help please
    need needs needed trouble anyone someone everyone nobody hi hello hey thanks
    start starts starting open opens opening launch use using access
    drop drops dropping dropped disconnect disconnects disconnecting disconnected cut cuts
    cutting out freeze freezes freezing froze frozen hang hangs hanging stuck lag lagging
    every few minute minutes hour hours time times always constantly randomly well other
    """.split()
)


_LONG_GENERIC = tuple(w for w in _GENERIC if len(w) >= 5)


# Words that point at a ticket rather than say what it is about ("the printer one").
_POINTING = frozenset(
    "ticket tickets incident incidents one request requests case cases news update updates "
    "status cancel cancelled sorted fixed about what how".split()
)


@dataclass(frozen=True, slots=True)
class Match:
    incident: Incident
    score: float


def content_words(text: str) -> list[str]:
    """The words that say what a report is about."""
    words = (w.strip("'-") for w in _WORD.findall(text.lower()))
    return list(dict.fromkeys(w for w in words if len(w) > 1 and not _generic(w)))


def _generic(word: str) -> bool:
    """A generic word, or a misspelling of a long one ("wokring", "brokn")."""
    if word in _GENERIC:
        return True
    return len(word) >= 5 and any(fuzz.ratio(word, g) >= WORD_MATCH - 5 for g in _LONG_GENERIC)


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """0-100: the share of the shorter list's words found (fuzzily) in the other."""
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    found = sum(1 for word in short if any(fuzz.ratio(word, other) >= WORD_MATCH for other in long))
    return 100.0 * found / len(short)


def best_match(
    text: str,
    category: str | None,
    candidates: Sequence[Incident],
    threshold: float,
    default_category: str,
    outage_impact: str | None = None,
) -> Match | None:
    """The open incident most like the report, if it is alike enough; the newest wins ties
    (candidates come newest first). An outage (`outage_impact`) on the report's topic is
    alike enough whatever its words: "internet not working" while "the whole office has
    no wifi" is open is most likely the same thing, and asking costs one answer."""
    words = content_words(text)
    best: Match | None = None
    for incident in candidates:
        if not _compatible(category, incident.category, default_category):
            continue
        score = similarity(words, content_words(f"{incident.summary}"))
        outage = outage_impact is not None and incident.impact == outage_impact
        if outage and same_topic(category, incident.category, default_category):
            score = max(score, threshold)
        if score >= threshold and (best is None or score > best.score):
            best = Match(incident, score)
    return best


def _compatible(a: str | None, b: str, default: str) -> bool:
    if not a or a.split("/")[0] == default or b.split("/")[0] == default:
        return True
    return a.split("/")[0] == b.split("/")[0]


def same_topic(a: str | None, b: str | None, default: str) -> bool:
    """Two categories on the same topic: the same one, or a branch and one of its own
    sub-categories ("network" and "network/wifi"); never the catch-all, never siblings."""
    if not a or not b or default in (a.split("/")[0], b.split("/")[0]):
        return False
    return a == b or b.startswith(f"{a}/") or a.startswith(f"{b}/")


def named_by(text: str, candidates: Sequence[Incident]) -> Incident | None:
    """The one incident among `candidates` whose summary the text names ("any news on my
    printer ticket?", "cancel the outlook one"), or None when none, or several alike, fit."""
    words = [w for w in content_words(text) if w not in _POINTING]
    scored = sorted(
        ((_shared(words, content_words(i.summary)), i) for i in candidates),
        key=lambda pair: pair[0],
        reverse=True,
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _shared(words: Sequence[str], summary: Sequence[str]) -> int:
    return sum(1 for w in words if any(fuzz.ratio(w, s) >= WORD_MATCH for s in summary))
