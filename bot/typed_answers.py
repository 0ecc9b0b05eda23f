"""How typed replies to the desk's questions are read: yes or no, an option's number,
"still need help", "that fixed it", a rating in words, an edit of the summary, and whether
a message says more about the problem than it answers.

Patterns and small predicates only; `bot/conversation.py` decides what each one means
at the step the conversation is at.
"""

from __future__ import annotations

import re

from bot.intents import IntentKind
from bot.services.duplicates import content_words

CANCEL = re.compile(r"^(cancel|stop|never ?mind|forget it|abort|quit|drop it)\W*$", re.I)
YES = re.compile(r"^(y|yes|yep|yeah|yup|sure|same|correct|right|ok|okay|confirm|1)\W*$", re.I)
NO = re.compile(r"^(n|no|nope|nah|not really|different|2)\W*$", re.I)
SOLVED = re.compile(r"^(solved|fixed|that (fixed|solved|worked)|it worked|worked|yes|yep)\b", re.I)
STILL = re.compile(
    r"^(i\s+)?(still\s+need\s+help|need\s+(more\s+)?help|no|nope|nah|none|neither|no luck"
    r"|not really|not quite|(already )?tried (all )?(of )?(that|those|them|it|these)"
    r"|((that|it|they|the (first|second|third|last) one)\s+)?"
    r"(didn'?t|did not|doesn'?t|does not)\s+(help|work|fix)"
    r"|not (fixed|solved))\b",
    re.I,
)

# "I still need help" while the questions are asked: the report is already on its way.
# Pointed to another team: "no, it's an IT problem" keeps it at the desk.
FOR_IT = re.compile(
    r"^(no,?\s*)?(it'?s|it is|this is)\s+(an?\s+)?(for\s+)?i\.?t\.?(\s+(problem|issue|thing))?\W*$"
    r"|^(no,?\s*)?for\s+i\.?t\.?\W*$",
    re.I,
)
NEED_HELP = re.compile(r"^(i\s+)?(still\s+)?need\s+(more\s+|some\s+)?help(\s+please)?\W*$", re.I)

# A typed answer to "How did we do?": the rating word first (after a thanks), then
# anything said about it ("great, quick fix").
RATING_WORDS = {
    "good": ("good", "great", "excellent", "fantastic", "perfect", "brilliant", "awesome"),
    "ok": ("ok", "okay", "fine", "alright", "average", "so-so"),
    "poor": ("poor", "bad", "terrible", "awful", "rubbish"),
}
RATING = re.compile(
    r"^(?:thanks|thank you|thx)?[\s,!.]*"
    rf"({'|'.join(w for words in RATING_WORDS.values() for w in words)})"
    r"(?! (?:morning|afternoon|evening|day|night)\b)\b(?P<gap>[\s,!.:;-]*)(.*)$",
    re.IGNORECASE,
)


def rating_of(word: str) -> str | None:
    """The rating a word gives ("great" is good, "terrible" poor), or None."""
    said = word.strip().lower()
    return next((rating for rating, words in RATING_WORDS.items() if said in words), None)


# "add it to INC-1", "it's about #1", "this belongs to ticket 1": a report being written
# was about one of the person's open incidents after all.
# "can you add that it started after the update", "forgot to mention, ...": more for the
# incident the chat follows, said to be so.
ADDING = re.compile(
    r"^(?:(?:actually|also|oh|and|btw|ps)[,.]?\s+)*(?:(?:(?:can|could) you\s+)?"
    r"(?:please\s+|pls\s+)?add\s+(?:that|this|to\s+(?:it|my\s+(?:ticket|report|incident)))\b|"
    r"i?\s*forgot\s+to\s+(?:say|mention|add)\b)",
    re.I,
)
# "and it only happens in the afternoon": more of what was just said; "who approves it?":
# a question about the incident the chat follows, for its owner
GOES_ON = re.compile(
    r"^(?:and|also|plus|oh and|oh,? and)\b|"
    r"^(?=(?:\S+\s+){0,7}\S+\s*\?$).*\b(?:it|my (?:ticket|request|incident))\b",
    re.I,
)
# Plainly about the incident the chat follows, even with a problem word in it: "my
# colleague sam has the same problem", "can someone come to my desk?", "is there a loan
# laptop I can use meanwhile?", "I am at desk 4.12", "can you send it to my desk?"
ABOUT_IT = re.compile(
    r"\b(?:has|have|having|got|gets|is getting|are getting)\s+(?:the\s+)?same\s+"
    r"(?:problem|issue|thing|error)\b|"
    r"\b(?:can|could)\s+(?:you|someone|somebody|anyone)\s+(?:send someone|come|pop|stop|drop|"
    r"swing)\b|\b(?:meanwhile|in the meantime)\b|"
    # how to reach them about it: "can you call me instead? my number is 07700 900123"
    r"\b(?:call|ring|phone)\s+me\b|\bmy\s+(?:phone\s+|mobile\s+|cell\s+|desk\s+)?"
    r"(?:number|extension|ext)\s+is\b|"
    # "can you send it to my desk?", "could they leave it at reception"
    r"\b(?:can|could|would|will)\s+(?:you|someone|somebody|they)\s+(?:send|bring|deliver|"
    r"leave|drop|post|ship)\s+(?:it|them)\b|"
    # where to find them: "I am at desk 4.12 on floor 4", "my desk is by the window"
    r"^(?:i'?m|i am|i sit|we'?re|we are) (?:at|in|on) (?:desk|room|floor|building|level)\b|"
    r"^my desk is\b",
    re.I,
)
# Said to be for the ticket itself, whatever it is about: "update my phone number on the
# ticket", "the summary should say both monitors"
ON_THE_TICKET = re.compile(
    r"\b(?:on|in|to)\s+(?:the|my|this)\s+(?:ticket|incident|request)\b|"
    r"^(?:the\s+|its\s+|my\s+ticket'?s\s+)?(?:summary|title|description|subject)\s+"
    r"(?:should|needs to|must|ought to)\b",
    re.I,
)
BELONGS_TO = re.compile(
    r"^(?:(?:please\s+)?(?:add|put|move)\s+(?:it|this|that)\s+(?:to|on|onto|in)|"
    r"(?:it'?s|it\s+is|this\s+is)\s+(?:about|for|part\s+of)|(?:it\s+|this\s+)?belongs\s+"
    r"(?:to|on|with))\s+(?:ticket\s+|incident\s+)?(?:inc[-\s]?|#)?0*(\d{1,9})\W*$",
    re.I,
)
# "ok thanks, will do", "got it", "sounds good": an acknowledgement, no news.
_ACK_WORD = (
    r"(ok(ay)?|sure|will do|will try( that| it)?|i will|great|cool|got it|thanks|thank you|"
    r"thx|ty|cheers|noted|understood|perfect|sounds good|alright|fine)"
)
ACK = re.compile(rf"^{_ACK_WORD}([\s,!.]+{_ACK_WORD})*[\s!.]*$", re.I)
# "the first one didn't help": one of the articles shown, by its place in the list.
_ONE_FAILED = re.compile(
    r"^(?:the\s+)?(first|second|third|last|1st|2nd|3rd|#?[1-3])(?:\s+one)?\s+"
    r"(?:didn'?t|did not|doesn'?t|does not)\s+(?:help|work|fix(?: it)?)\W*$",
    re.I,
)
_PLACES = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
ASKING = re.compile(
    r"^(what|why|how|who|which|when|where|do|does|is|are|can|could|should)(?!['’\w])|\?\s*$",
    re.I,
)
EDIT_FIELD = re.compile(
    r"^(summary|description|category|impact|urgency|type)\s*[:=]?\s*(.+)$", re.I | re.S
)
BARE_FIELD = re.compile(r"^(summary|description|category|impact|urgency|type)\W*$", re.I)


# Content words past which an answer brings news of its own: "it is urgent, the auditors
# arrive at noon" (5), not "i can't work at all" (none) or "my phone instead for now" (3).
NEWS_WORDS = 4


def more_detail(text: str, kind: IntentKind) -> bool:
    """Whether a message that answers no question adds to the report: a few words about
    the problem, not a question back ("what do you mean?") or a word like "ok"."""
    # "make it urgent" while a report is written is about the report.
    said_of_it = kind in (IntentKind.REPORT, IntentKind.HURRY) and not ACK.match(text.strip())
    return said_of_it and len(text.split()) >= 3 and not ASKING.search(text)


def brings_news(text: str, kind: IntentKind) -> bool:
    """Whether an answer to one question also says more about the problem ("it is
    urgent, the auditors arrive at noon"), to be kept with the report."""
    return more_detail(text, kind) and len(content_words(text)) >= NEWS_WORDS


def too_short_to_note(text: str, kind: IntentKind) -> bool:
    """ "hmm", "?": not worth asking whether it belongs on the incident."""
    return kind == IntentKind.UNCLEAR and len(text.split()) <= 2


def chosen_number(text: str, count: int) -> int | None:
    """The option a typed number picks ("2", "#3"), if it is one of `count`."""
    match = re.fullmatch(r"#?(\d)\W*", text)
    if match and 1 <= int(match.group(1)) <= count:
        return int(match.group(1))
    return None


def one_that_failed(text: str, count: int) -> int | None:
    """Which of `count` articles "the first one didn't help" names, when others are left
    to try; None otherwise (then it is "still need help")."""
    match = _ONE_FAILED.match(text.strip())
    if match is None or count < 2:
        return None
    said = match[1].lower().lstrip("#")
    place = count if said == "last" else _PLACES.get(said) or int(said)
    return place if place <= count else None
