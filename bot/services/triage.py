"""Reading a report for what it already says: who is affected, how blocked they are,
what it is about, and whether it is a fault or a request.

Only clear phrases count ("the whole office", "I can't work", "no rush"): when
the text does not say, the answer is None and the conversation asks. Impact and
urgency levels come from config.yaml, listed from the most to the least severe;
"many / team / just me" map to the first, middle and last impact level, and
"stopped / slowed / can wait" to the first, middle and last urgency level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import Settings
from bot.services.classify import Classifier

MANY, TEAM, ME = "many", "team", "me"
STOPPED, SLOWED, CAN_WAIT = "stopped", "slowed", "can_wait"

_SITE = r"(office|building|site|company|floor|org\w*|campus|branch)"
_SCOPE = {
    # A team first: "the whole team" and "everyone in my team" are a team, not a site.
    TEAM: r"\b(my team|our team|the team|whole team|department|several of us|a few of us|"
    r"we all|we'?re all|we are all|all of my team|my colleagues|our (office|group|unit)|"
    r"team members|(nobody|no ?one) (in|at|on) (?!(the |our )?" + _SITE + r")[\w ]{1,20}? can)\b",
    MANY: r"\b(every ?(one|body)|whole (office|site|building|company|floor|org\w*)|entire|"
    r"all (users|staff|of us|the office|employees)|nobody can|no ?one can|outage|"
    r"(nobody|no ?one) (in|at|on) (the |our )?" + _SITE + r"|"
    r"many people|lots of people|several teams|the whole|"
    # a service down somewhere, not for someone: "the wifi is down on floor 3"
    r"(down|out) (on|across|throughout) (the |our )?(whole |entire )?"
    r"(\d+(st|nd|rd|th)? floor|floor \d+|" + _SITE + r"))\b",
    ME: r"\b(just me|only me|only mine|only i |only my|only for me|just mine|"
    r"my (own )?(laptop|computer|pc|mac|macbook|phone|account|password|mailbox|headset|"
    r"monitor|screen|keyboard|mouse|login|desk phone|badge))\b",
}
_BLOCKED = {
    # "can wait" first: "not urgent" must not read as "urgent".
    CAN_WAIT: r"\b(no rush|not urgent|whenever|when you (can|get a chance|have time)|"
    r"low priority|minor|nice to have|can wait|no hurry)\b",
    STOPPED: r"\b(can'?t work|(nobody|no ?one) can work|cannot work|unable to work|"
    r"can'?t do (any|my) ?\w*|"
    r"completely (down|blocked|stuck)|blocked|urgent(ly)?|asap|emergency|critical|right now|"
    r"immediately|nothing works|no workaround|stopped working|dead|deadline|due today|"
    # Something due later this very day: "a presentation in 20 min", "by 3pm", "by noon"
    # (not "the battery drains in an hour", which says how fast).
    r"(presentation|meeting|call|demo|interview|pitch|webinar|class|exam|flight|client)"
    r"\b[^.!?]{0,40}?\bin ((\d+|a few|five|ten|fifteen|twenty|thirty) ?(min(ute)?s?|mins)|"
    r"(half an|an) hour)|(by|before) (\d{1,2}(:\d\d)? ?(am|pm)|noon|lunch(time)?))\b",
    SLOWED: r"\b(workaround|slow(ed|ly)?|annoying|intermittent(ly)?|sometimes|"
    r"can still work|for now|now and then|on and off)\b",
}
# Words that answer the two questions but would mislead if read in a report ("my print
# job is stuck" says what is wrong, not how urgent it is): consulted for answers only,
# after everything above.
_SCOPE_REPLY = {
    MANY: r"\b(\d{2,}|dozens|hundreds|loads) (of )?(people|users|us|colleagues|staff)\b",
    TEAM: r"\b(me and (a|my|two|three|some|the|\w+ others?)\b|(a couple|a few|a handful|"
    r"several|some|[2-9]|two|three|four|five) (of )?(people|users|us|colleagues|others))\b",
}
_WEEKDAY = r"(mon|tues|wednes|thurs|fri|satur|sun)day"
_BLOCKED_REPLY = {
    # When it is needed by, as a request's "how soon?" is answered; the furthest first, so
    # that "not today, next week" is next week.
    CAN_WAIT: r"\bnext (week|month)|\b(in|within) (a few|a couple of|two|three|2|3) weeks|"
    r"\bend of (the )?month\b",
    STOPPED: r"^(no|nope|nah|not really)\b|\b(stuck|can'?t|cannot)\b|"
    r"\b((by|before|need it|needed) (today|tonight|this (morning|afternoon|evening))|"
    r"end of (the )?day|eod|within the hour)\b|"
    # "today please", "as soon as you can", "can you hurry up?" ("no hurry" is can-wait)
    r"^(today|tonight|this (morning|afternoon|evening)|right away|as soon as (possible|you "
    r"can))\b|\bhurry\b",
    # "by friday", not "it started on monday": when it happened is no answer
    SLOWED: r"^(yes|yeah|yep|yup|sure)\b|\b(work(ing)? around|kind of|sort of|mostly|somewhat|"
    r"barely|manage|instead|partly|partially|slow(s|ing) (me|us) down|hold(s|ing) (me|us) up|"
    r"(by )?tomorrow|(by|before) " + _WEEKDAY + r"|(by|before|within|later) this week|"
    r"end of (the )?week)\b",
}
_YES_OR_NO = re.compile(r"^(?:yes|yeah|yep|yup|sure|no|nope|nah|not really)\W*$", re.I)
_REQUEST = re.compile(
    r"\b(i need|we need|i'?d like|can i (get|have)|could i (get|have)|please (install|add|create|"
    r"give|grant|set up)|request(ing)?|new (laptop|account|starter|joiner|hire)|access to|"
    r"install|licen[cs]e for|set ?up|where (can|do) i (find|get|download)|"
    r"how (do|can) i download)\b"
)
_FAULT = re.compile(
    r"\b(not working|doesn'?t work|broken|error|fail\w*|crash\w*|down|can'?t|cannot|won'?t)\b"
)

# What someone types in answer to the two questions (besides the numbers 1-3).
SCOPE_ANSWERS: dict[str, tuple[str, ...]] = {
    ME: ("1", "me", "just me", "only me", "myself", "mine", "one", "single"),
    TEAM: ("2", "team", "my team", "our team", "department", "us", "we", "a few"),
    MANY: ("3", "many", "everyone", "everybody", "site", "whole site", "all", "lots", "office"),
}
BLOCKED_ANSWERS: dict[str, tuple[str, ...]] = {
    STOPPED: (
        "1",
        "stopped",
        "can't work",
        "cannot work",
        "blocked",
        "no",
        "not at all",
        "none",
        "now",
        "today",
    ),
    SLOWED: (
        "2",
        "slowed",
        "slow",
        "slowed down",
        "workaround",
        "a bit",
        "partly",
        "yes",
        "soon",
        "this week",
    ),
    CAN_WAIT: (
        "3",
        "can wait",
        "wait",
        "fine",
        "not urgent",
        "minor",
        "no rush",
        "later",
        "next week",
    ),
}


@dataclass(frozen=True, slots=True)
class Reading:
    """What a report says by itself; None where it does not say."""

    impact: str | None
    urgency: str | None
    category: str | None
    kind: str


class Triage:
    """Maps words to the configured levels and categories."""

    def __init__(self, settings: Settings, classifier: Classifier) -> None:
        self.classifier = classifier
        impacts, urgencies = classifier.impacts, classifier.urgencies
        self.impact_for = {MANY: impacts[0], TEAM: impacts[len(impacts) // 2], ME: impacts[-1]}
        self.urgency_for = {
            STOPPED: urgencies[0],
            SLOWED: urgencies[len(urgencies) // 2],
            CAN_WAIT: urgencies[-1],
        }
        self._keywords = _keyword_table(settings)

    def read(self, text: str, category_hint: str | None = None) -> Reading:
        lowered = f" {text.lower()} "
        scope = _first_match(_SCOPE, lowered)
        blocked = _first_match(_BLOCKED, lowered)
        return Reading(
            impact=self.impact_for[scope] if scope else None,
            urgency=self.urgency_for[blocked] if blocked else None,
            # The text's own words first ("vpn"); the best article's category if it has none.
            category=self.category(lowered) or category_hint,
            kind=self.kind(lowered),
        )

    def keywords_in(self, text: str) -> list[str]:
        """The configured topic words the text uses ("outlook", "password"), in the order it
        uses them, each once: what an article drafted from it is tagged with."""
        lowered = f" {text.lower()} "
        found = sorted(
            (match.start(), match.group(0).strip())
            for _, pattern in self._keywords
            for match in pattern.finditer(lowered)
        )
        return list(dict.fromkeys(word for _, word in found))

    def category(self, text: str) -> str | None:
        """The category whose keywords the text uses most; None on a tie or no hit."""
        lowered = f" {text.lower()} "
        hits = Counter(
            category for category, pattern in self._keywords for _ in pattern.finditer(lowered)
        )
        # Words for a sub-category count for its branch too ("locked out of my account" is
        # access, and within it the password); two branches tied is a real ambiguity.
        branches: Counter[str] = Counter()
        for path, count in hits.items():
            branches[path.split("/")[0]] += count
        ranked = branches.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        top = ranked[0][0]
        children = sorted((n, p) for p, n in hits.items() if p.startswith(f"{top}/"))
        if not children or (len(children) > 1 and children[-1][0] == children[-2][0]):
            return top  # two of its sub-categories tied: the branch is all that is clear
        return children[-1][1]

    @staticmethod
    def kind(text: str) -> str:
        """'request' when someone asks for something and nothing is broken."""
        lowered = text.lower()
        return "request" if _REQUEST.search(lowered) and not _FAULT.search(lowered) else "incident"

    def self_help_fits(self, impact: str | None) -> bool:
        """Whether articles are worth offering: many people down is an outage for the
        desk to fix, not something each of them can fix alone."""
        return impact != self.impact_for[MANY]

    def answer_scope(self, text: str) -> str | None:
        """An impact level from an answer to 'who is affected?'."""
        key = _reply(text, SCOPE_ANSWERS, _SCOPE, _SCOPE_REPLY)
        return self.impact_for[key] if key else None

    def answer_blocked(self, text: str, kind: str = "incident") -> str | None:
        """An urgency level from an answer to 'can you work?' (a request's 'how soon do
        you need it?', which a bare yes or no does not answer)."""
        if kind == "request" and _YES_OR_NO.match(text.strip()):
            return None
        key = _reply(text, BLOCKED_ANSWERS, _BLOCKED, _BLOCKED_REPLY)
        return self.urgency_for[key] if key else None


def _reply(
    text: str,
    answers: Mapping[str, tuple[str, ...]],
    patterns: dict[str, str],
    reply_patterns: dict[str, str],
) -> str | None:
    """The option an answer picks: its exact words, what a report would say, then what
    only an answer says."""
    lowered = f" {text.lower()} "
    return (
        _answer(text, answers)
        or _first_match(patterns, lowered)
        or _first_match(reply_patterns, lowered.strip())
    )


def _first_match(patterns: dict[str, str], text: str) -> str | None:
    for key, pattern in patterns.items():
        if re.search(pattern, text):
            return key
    return None


def _answer(text: str, answers: Mapping[str, tuple[str, ...]]) -> str | None:
    cleaned = re.sub(r"[^\w' ]", " ", text.lower()).strip()
    # "i'm stopped" is the button's "No, I'm stopped" said in one's own words, and "it's
    # just for me" its "Just me"
    lead = r"^(?:(?:it'?s|it is|just|only|i'?m|i am|we'?re|we are|for)\s+)*"
    cleaned = re.sub(lead, "", cleaned) if len(cleaned) > 3 else cleaned
    for key, words in answers.items():
        if cleaned in words or text.strip().lower() in words:
            return key
    return None


def _keyword_table(settings: Settings) -> list[tuple[str, re.Pattern[str]]]:
    """One word-boundary pattern per keyword, for the category paths they point to.
    A category's own name counts as a keyword too ('printer', 'vpn', 'email')."""
    table: list[tuple[str, re.Pattern[str]]] = []
    for top, category in settings.categories.items():
        for name in (top, *category.children):
            path = top if name == top else f"{top}/{name}"
            words = {name, *category.keywords.get(name, [])}
            if name == settings.default_category:
                words.discard(name)  # "other" is not evidence of anything
            table += [(path, keyword_pattern(word)) for word in sorted(words)]
    return table


def keyword_pattern(word: str) -> re.Pattern[str]:
    """A configured word or phrase as a whole word of a lowered text, with its plural or
    its -ed and -ing forms ("printers", "printing")."""
    return re.compile(rf"(?<![\w-]){re.escape(word.lower())}(?:s|es|ed|ing)?(?![\w-])")
