"""What a plain chat message is: a problem report, a progress question, a call for
help, small talk, or unclear; and what a reporter's short word about their own incident
says (the fix works or not, the incident is no longer needed). Pure functions over the
text; they never raise.

The rules are deliberately plain word patterns: each one is readable, testable
and predictable for the person writing to the desk, and a wrong guess costs one
short question, never a wrong incident (reports are always confirmed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.ids import MAX_ID, SPOKEN_ID


class IntentKind(StrEnum):
    REPORT = "report"
    PROGRESS = "progress"  # about one incident, or "my tickets"
    STATUS = "status"  # about a service: "is email down?", "any known issues?"
    HELP = "help"
    PRIORITY = "priority"  # "what does P4 mean?": the text is the priority named
    CONTACT = "contact"  # "can someone call me?", "do you have a phone number?"
    FILES = "files"  # "can I add a screenshot?": how to send one
    COMPLAINT = "complaint"  # "I want to complain about how my ticket was handled"
    HURRY = "hurry"  # "can you make INC-1 urgent?", "please escalate my ticket"
    GREETING = "greeting"
    THANKS = "thanks"
    OPENER = "opener"  # "I need help with my laptop": the text is the topic, if named
    TEAM = "team"  # "who's on the network team?": the text is the team, "my" or "" (all)
    CHANGE = "change"  # "can I change the title of my ticket?": how a reporter does
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class Intent:
    kind: IntentKind
    incident: int | None = None  # an incident the message names
    text: str = ""  # the message without leading greetings and pleasantries


_ID = re.compile(r"(?:\binc-?#?|#)0*(\d{1,10})\b", re.IGNORECASE)
# A web address, as typed or as Slack wraps it ("<https://x.example/a|label>").
_LINK = re.compile(r"<https?://[^>]*>|\bhttps?://\S+", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"\b(?:ticket|incident|case|request|number|no\.?)\s*#?0*(\d{1,10})\b")
_WORD = re.compile(r"[a-z0-9']+")

_GREETINGS = (
    "good morning|good afternoon|good evening|hello there|hi there|hey there|"
    "(?:is )?any(?:one|body) (?:there|around|home)|are you there|you there|"
    "hello|hiya|hey|hi|yo|morning|howdy|greetings|dear desk|dear it"
)
_THANKS = (
    "thank you so much|thank you|thanks a lot|thanks|thx|ty|cheers|much appreciated|"
    "great stuff|perfect|brilliant|awesome|great|cool|ok|okay|k|nice|got it|bye|goodbye|"
    "see you|cya|have a nice day|that's all|all good|no worries"
)
_POLITE = "please|pls|plz|sorry|excuse me|quick question"
_LEADING = re.compile(rf"^(?:(?:{_GREETINGS}|{_POLITE})\b[\s,!.:;?-]*)+", re.IGNORECASE)
_ONLY_THANKS = re.compile(rf"^(?:(?:{_THANKS})\b[\s,!.:;-]*)+$", re.IGNORECASE)

_PROGRESS = re.compile(
    r"\b(any news|news on|any update|an update|updates? on|status|progress|what'?s happening|"
    r"what is happening|what'?s going on|what is going on|where are we|eta|any word|heard back|"
    r"fixed yet|done yet|still open|how'?s it going|how is it going|how long|when will|"
    r"looked at|look at it yet|anyone working|someone working|is anyone on|"
    r"who('?s| is) (working|looking|handling|dealing)|(someone|anyone) looking|"
    r"looking (at|into) (it|my|our)|picked up|the latest|"
    r"how('?s| is) (my|our) [\w' ]{1,30}(going|getting on)|"
    r"^(any )?updates?( pls| plz| please)?|^(what|how) about)\b"
)
# "is it fixed?", "has my printer been repaired": their own problem (a service's, "is
# email fixed?", is a status question).
_OWN_FIXED = re.compile(
    r"^(is|has|have) (it|this|that|they|(my|our) [\w' ]{1,30}) (been )?(fixed|sorted|resolved|"
    r"repaired|approved|granted|done|processed|set up|ordered|shipped|sent)\b"
)
_TICKETS = r"(tickets?|incidents?|requests?|cases?)"
_MY_TICKETS = re.compile(
    r"\b(my|our) (open )?(tickets?|incidents?|requests?|cases?|issues? (i|we) (reported|raised))\b"
    r"|\blist (my|our)\b|\bshow (me )?(my|our)\b|\bin (my|our) queue\b|^(my|our) queue\b"
    # "what tickets do i have open?", "do i have any open tickets?"
    rf"|^(what|which|how many) (open )?{_TICKETS} (do|have|did) (i|we)\b"
    rf"|^(do|have) (i|we) (have |got |have got )?(any )?(open |other |more )?{_TICKETS}\b"
)
# "my closed tickets", "all my tickets", "what tickets have i raised?": every state,
# the finished ones too (bot/chat_answers.py)
_PAST_TICKETS = re.compile(
    rf"\b(my|our) (closed|old|older|past|previous|earlier|resolved|finished|fixed) {_TICKETS}"
    rf"|\ball (of )?(my|our) {_TICKETS}|^(what|which|how many) {_TICKETS} (have|did) (i|we) "
    r"(ever )?(raise|raised|report|reported|open|opened|log|logged)\b"
)
# "show me INC-1", "tell me about ticket 12": asking to see one named incident.
_SHOW_ONE = re.compile(
    r"^(?:can you |could you |please )?(show|pull up|look up|open up|tell me about|details of)\b"
)
_QUESTION = re.compile(r"\?\s*$|^(who|what|when|where|why|which|how)\b")
_HELP = re.compile(
    r"^(help|help me|help please|\?+|menu|commands|what can you do|what do you do|"
    r"how does this work|how do i use (you|this|deskbot)|who are you|what are you|"
    r"what can i (ask|say)|options)$"
)
_PROBLEM = re.compile(
    r"\b(not|n't|cannot|cant|can't|won't|wont|doesn't|doesnt|broken|broke|error|errors|fail|"
    r"fails|failed|failing|down|slow|crash|crashes|crashed|crashing|stuck|freez\w*|frozen|"
    r"keeps|kept|issue|issues|problem|problems|trouble|unable|locked|lost|forgot|missing|"
    r"jam|jams|jammed|jamming|flicker\w*|overheat\w*|cracked|smashed|dead|"
    r"dropp\w*|disconnect\w*|need|needs|request|install|access|reset|help with|"
    r"blue screen|bsod|virus|phish\w*|suspicious|spam|hacked|stolen|leak\w*|outage|"
    r"no (internet|wifi|wi-fi|sound|audio|signal|connection|power)|nothing works)\b"
)
# "Is email down?", "are the printers working?", "is anyone else having trouble with teams?"
_SERVICE_QUESTION = re.compile(
    r"^(is|are|iz)\b[^.!?]{1,50}\b(down|up|working|broken|out|offline|online|ok|okay|back|"
    r"fixed|sorted|resolved|restored|"
    r"having (issues|problems|trouble)|known)\b[^.!]{0,40}\??$"
    r"|^(is|are) there (a |an |any )?(problems?|issues?|outages?|faults?) (with|on|in) "
    r"[^.!?]{1,40}\??$"
)
# Asking for a person or a phone; a problem said with it ("call me, my laptop is dead")
# is a report.
# "can I speak to a manager?", "who is the IT manager?", "who's in charge of the desk?"
_MANAGER_ASK = (
    r"((speak|talk) to (a|the|your) (manager|supervisor|boss)|who('?s| is) (in charge|"
    r"(the |your )?((it|desk|service desk|help ?desk|support) )?(manager|boss|head|supervisor"
    r"|lead))|head of it)"
    # "who is the lead on INC-4?" asks who has an incident
    r"(?![^?]*\b(inc-?\d|#\d|ticket|incident)\b)"
)
_CONTACT = re.compile(
    r"\b(call me|phone me|ring me|call me back|call back|callback|phone number|number to call|"
    r"(speak|talk) to (a |an )?(someone|somebody|human|person|real person|agent|technician)|"
    r"who (do|can|should) i (speak|talk) to|"
    r"(are you|is this) (a )?(real|human|bot|robot|person)|on[- ]call|out of hours|after hours|"
    rf"{_MANAGER_ASK})\b"
)
# "can I add a screenshot?", "how do I send you a photo of the error": how files reach
# the desk. A bare "file" is too often the problem itself ("how do I share a big file").
_FILES_QUESTION = re.compile(
    r"^(?:can|could|may|should|shall|do|how (?:do|can|should)|where (?:do|can|should))\s+i\b.*"
    r"\b(?:attach|add|send|upload|include|share|post|give)\w*\b.*"
    r"\b(?:screen ?shots?|screen ?grabs?|photos?|pictures?|pics?|images?|videos?|recordings?|"
    r"files? (?:here|to you|to (?:this|the|my) (?:ticket|report|incident)))\b"
)
# Asking for one's open ticket to be treated as more urgent, or chased.
_TICKET = r"(it|this|that|(my|the|this|that) (ticket|incident|request|case|one)|inc-?#?\d+|#\d+)"
_HURRY = re.compile(
    rf"\b((make|mark|set|treat|flag) {_TICKET}( as)? (more |very )?(urgent|a priority|"
    r"(high|higher|top) priority|an? p[1-9])|"
    rf"(escalate|expedite|chase|hurry( up)?|speed up|prioriti[sz]e|bump|fast[- ]track) {_TICKET}|"
    rf"(speed|hurry|move|push) {_TICKET} (up|along)|"
    rf"(get|have) {_TICKET} (done|fixed|sorted|looked at) (faster|sooner|quicker|first)|"
    r"(raise|increase|bump|up|change) (the |its )?(priority|urgency))\b"
)
# Unhappy with how the desk handled something.
_COMPLAINT = re.compile(
    r"\b(complain|complaint|(not |un)happy with (how|the way|my|the service)|dissatisfied|"
    r"disappointed with (how|the way|my|the service)|(terrible|awful|poor|bad) service)\b"
)
# "I reported something yesterday but never heard back": chasing a ticket not named.
_CHASING = re.compile(
    r"\b(i|we) (reported|raised|logged|opened|submitted|sent in)\b.*\b(never heard|not heard|"
    r"haven'?t heard|no (reply|answer|response|news|update)|(nobody|no ?one) (has )?"
    r"(replied|answered|got back|come back|called))"
)
# "what happens now?" once a report is in: how it goes from here
_WHAT_NOW = re.compile(
    r"^(?:so |ok |okay |and |right )?(?:what happens (?:now|next)|what(?:'?s| is) next|now what|"
    r"what now|what do i do (?:now|next)|what should i do (?:now|next)|what are the next steps|"
    r"next steps)\W*$"
)
# "thanks for fixing my laptop yesterday": thanks, unless it goes on to a problem.
_THANKS_FOR = re.compile(
    r"^(thanks|thank you|many thanks|cheers|ty)( so much| a lot| very much)?,? for\b"
)
_STATUS = re.compile(
    r"\b(known (issues?|problems?)|outages?|anything down|something down|service status|"
    r"status of (the )?(?!my |our |ticket|incident|request|case))"
)
_ABOUT = re.compile(r"\b(of|on|with|for) (the |our |my )?(?!ticket|incident|request|case)[a-z]")
_IT = re.compile(r"\b(it|this|that)\b")
_MIN_REPORT_WORDS = 4
# "can I change the title of my ticket?", "how do I edit my request?"
_CHANGE_ASK = re.compile(
    r"^(?:can|could|may|how (?:do|can|should))\s+(?:i|you|we)\s+(?:change|edit|update|correct|"
    r"rename|amend)\s+(?:(?:the|my|its)\s+(?:title|summary|description|subject|wording)"
    r"(?:\s+(?:of|on)\s+(?:my|the|this)\s+(?:ticket|incident|request|report))?|"
    r"(?:my|the|this)\s+(?:ticket|incident|request|report))\s*\??$"
)
# "who's on the network team?", "who is in my team?", "what teams are there?"
_TEAM_ASK = re.compile(
    r"^(?:who(?:'s| is| are)(?: working)?|who works)\s+(?:on|in|for)\s+(?:the\s+)?"
    r"(?P<team>[a-z][\w' -]{0,40}?)\s+(?:team|group)\s*\??$"
    r"|^(?:(?:what|which) teams (?:are there|do you have|does the desk have)|"
    r"(?:list|show me|name) (?:the|all the|your) teams)\s*\??$"
)
# "what does P4 mean?", "what's the SLA for a P2", "P1?": a question about a priority.
_PRIORITY_QUESTION = re.compile(
    r"^(?:(?:what|whats|what's|what is|what does|explain|meaning of)\b[^?]*?)?"
    r"\b(p[0-9])\b(?:\s+(?:mean|means|priority|sla|stand for))?\s*\??$"
)
# "what are the sla targets?", "what are the priorities?": every priority's promise.
# "our sla" is how the desk is doing (the report), not what it promises.
_PRIORITIES_QUESTION = re.compile(
    r"^(?:what|whats|what's|what are|what is|show me|list|tell me|explain)\s+(?:are |is )?"
    r"(?:the |your |all the )?(?:different )?(?:slas?|sla targets?|sla times|service levels?"
    r"|priorities|priority levels|response and resolution times|response times|targets)"
    r"(?: targets)?(?: (?:for|of) (?:each|every|all|the) priorit(?:y|ies))?\s*\??$"
)
_MAX_PRIORITY_WORDS = 8


def asks_about_priority(text: str) -> str | None:
    """The priority a short question asks the meaning of ("what does P4 mean?": "P4"),
    "" when it asks about all of them ("what are the sla targets?"), else None."""
    lowered = _LEADING.sub("", text.strip()).strip().lower()
    if len(_WORD.findall(lowered)) > _MAX_PRIORITY_WORDS:
        return None
    asked = _PRIORITY_QUESTION.search(lowered)
    if asked:
        return asked.group(1).upper()
    return "" if _PRIORITIES_QUESTION.match(lowered) else None


# Asking for help before saying what is wrong: "can you help me with outlook?", "I have
# a question about my laptop", "got a problem with teams", "can anyone help me?"
_OPENER = re.compile(
    r"^(?:(?:can|could|would) (?:you|someone|somebody|anyone|anybody) help(?: me)?|"
    r"(?:i )?need (?:some |a bit of )?help|help me|i have a (?:quick )?question|quick question|"
    r"(?:can|could) i ask (?:you )?(?:a (?:quick )?question|something)|"
    r"(?:i(?:'ve| have)? )?(?:got |having )?(?:a |some )?(?:problem|issue|trouble)s?)"
    r"(?: (?:with|about|on) (?P<topic>(?:my |our |the |a )?[\w'-]+(?: [\w'-]+){0,2}?))?"
    r"(?: please| pls| thanks)?$"
)


def _opener(plain: str) -> re.Match[str] | None:
    """The message (its words, one space apart) asks for help and names at most a topic,
    nothing wrong with it."""
    found = _OPENER.match(plain)
    if found is None or (found["topic"] and _PROBLEM.search(found["topic"])):
        return None
    return found


def recognise(text: str) -> Intent:
    """Classify one message. Total: any string in, an Intent out."""
    raw = text.strip()
    core = _LEADING.sub("", raw).strip()
    # a link's parts ("https", "com") are no words of the message
    lowered = _LINK.sub(" ", core.lower())
    incident = _incident_in(lowered)
    if not core:
        return Intent(IntentKind.GREETING if raw else IntentKind.UNCLEAR, None, "")
    if _ONLY_THANKS.match(core) or _thanks_for(core.lower()):
        return Intent(IntentKind.THANKS, None, core)
    plain = " ".join(_WORD.findall(lowered))
    if _HELP.match(plain) or _HELP.match(lowered.strip(" .!")):
        return Intent(IntentKind.HELP, None, core)
    opener = _opener(plain) if incident is None else None
    if opener is not None:
        return Intent(IntentKind.OPENER, None, opener["topic"] or "")
    words = len(_WORD.findall(lowered))
    # Said with a problem ("not happy with how my laptop keeps crashing"), it is a report.
    trouble = bool(_PROBLEM.search(_COMPLAINT.sub("", lowered)))
    if _COMPLAINT.search(lowered) and words <= 25 and not trouble:
        return Intent(IntentKind.COMPLAINT, incident, core)
    if _HURRY.search(lowered) and words <= 25:
        return Intent(IntentKind.HURRY, incident, core)
    if _CHANGE_ASK.match(lowered) and incident is None:
        return Intent(IntentKind.CHANGE, None, core)
    team = _TEAM_ASK.match(lowered)
    if team:
        return Intent(IntentKind.TEAM, None, team["team"] or "")
    if _CONTACT.search(lowered) and words <= 7 and not _PROBLEM.search(lowered):
        return Intent(IntentKind.CONTACT, None, core)
    if _FILES_QUESTION.search(lowered) and words <= 14:
        return Intent(IntentKind.FILES, None, core)
    asked = asks_about_priority(core)
    if asked is not None:
        return Intent(IntentKind.PRIORITY, None, asked)
    if _is_progress(lowered, incident):
        return Intent(IntentKind.PROGRESS, incident, core)
    if _is_status(lowered):
        return Intent(IntentKind.STATUS, None, core)
    words = _WORD.findall(lowered)
    if _PROBLEM.search(lowered) or len(words) >= _MIN_REPORT_WORDS:
        return Intent(IntentKind.REPORT, incident, core)
    return Intent(IntentKind.UNCLEAR, incident, core)


def _thanks_for(lowered: str) -> bool:
    return bool(_THANKS_FOR.match(lowered)) and not (
        _PROBLEM.search(lowered) or re.search(r"\bbut\b", lowered)
    )


# "also my monitor...", "btw outlook crashes too", "oh and teams won't start either"
# The words that say a message goes on to something else; each pattern below adds those
# that only say so in its own place.
_BESIDES_WORDS = r"also|btw|by the way|one more thing|another thing|separately|on top of that"
_BESIDES = re.compile(
    rf"\b({_BESIDES_WORDS}|as well|another (?:problem|issue)|"
    r"while i(?:'?m| am| have you) (?:at it|here))\b|"
    r"\b(?:too|either)\W*$|^(?:oh,? |and |plus )",
    re.I,
)


def said_besides(text: str) -> bool:
    """Whether a message says it is about something more ("also", "btw", "... too")."""
    return bool(_BESIDES.search(text.strip()))


# Where a message goes on to a second problem: "my laptop is slow, also outlook crashes"
_SECOND = re.compile(
    rf"(?:[.;!?]\s+|,\s*|\s+)(?:and also|oh and|plus|another thing is|{_BESIDES_WORDS})\b"
    r"[,:]?\s+",
    re.I,
)


def split_at_besides(text: str) -> tuple[str, str] | None:
    """The message before and after its first "also" (or "btw", "plus", ...), if there
    are words on both sides: what may be two problems."""
    said = text.strip()
    for found in _SECOND.finditer(said):
        first, second = said[: found.start()].strip(" ,.;!?"), said[found.end() :].strip()
        if first and second:
            return first, second[:1].upper() + second[1:]
    return None


_LEAD_IN = re.compile(rf"^(?:(?:oh|and|plus|{_BESIDES_WORDS})\b[\s,:;.!-]*)+", re.I)


def without_lead_in(text: str) -> str:
    """ "also my monitor is not detected" as "my monitor is not detected": the words that
    made it a second problem are not part of it."""
    rest = _LEAD_IN.sub("", text.strip())
    return rest[:1].upper() + rest[1:] if rest and rest != text.strip() else text.strip()


def names_a_problem(text: str) -> bool:
    """Whether the text says something is wrong ("crashes", "can't", "broken")."""
    return bool(_PROBLEM.search(text.lower()))


# "what's the oldest open ticket?", "show me tickets from yesterday": about the desk's
# tickets in general, not one followed
_ABOUT_TICKETS = re.compile(
    r"^(?:show|list|what|which|how many|any|are there|is there)\b(?!.*\b(?:it|this|that)\b)"
    r".*\b(?:tickets?|incidents?|queues?)\b",
    re.I,
)


def is_question(text: str) -> bool:
    """Whether the message asks something ("what is the mttr?", "how do i ...")."""
    return bool(_QUESTION.search(text.strip().lower()))


# "how long does a new keyboard usually take?", "when will they fix it": when, asked of
# the incident a chat follows (bot/conversation.py checks it is about that one)
_HOW_LONG = re.compile(
    r"^(?:so |and |ok,? )?(?:how long|how soon|when (?:will|can|should|do|might|would)|"
    r"(?:what['’]?s|what is) the eta|any idea (?:when|how long))\b",
    re.I,
)


def asks_how_long(text: str) -> bool:
    """Whether the message asks when something will happen or how long it takes."""
    return bool(_HOW_LONG.search(text.strip()))


def asks_about_tickets(text: str) -> bool:
    """Whether the message asks about tickets in general ("what's the oldest open
    ticket?"), not about the one a chat follows."""
    return bool(_ABOUT_TICKETS.search(text.strip()))


def asks_for_manager(text: str) -> bool:
    """Whether asking for a person means the desk's managers ("who is the IT manager?")."""
    return bool(re.search(_MANAGER_ASK, text.lower()))


def asks_for_past(text: str) -> bool:
    """Whether "my tickets" asks for the finished ones too ("my closed tickets")."""
    return bool(_PAST_TICKETS.search(text.lower()))


def _is_progress(lowered: str, incident: int | None) -> bool:
    if any(
        p.search(lowered) for p in (_MY_TICKETS, _PAST_TICKETS, _CHASING, _OWN_FIXED, _WHAT_NOW)
    ):
        return True
    if incident is not None and len(_WORD.findall(lowered)) <= 3:
        return True  # "INC-42?", "what about #42"
    if incident is not None and _SHOW_ONE.match(lowered) and len(_WORD.findall(lowered)) <= 8:
        return True
    if incident is not None and _QUESTION.search(lowered) and len(_WORD.findall(lowered)) <= 8:
        return True  # "who reported INC-2?", "why is #12 still not fixed?"
    if not _PROGRESS.search(lowered):
        return False
    # "status of the VPN?" is a question about a service, not a ticket; a question
    # about progress names a ticket, or "my ticket", or is short and bare.
    names_ticket = incident is not None or re.search(
        r"\b(my|our|the) ([\w-]+ )?(ticket|incident|request|case|one)\b", lowered
    )
    if names_ticket:
        return True
    if _ABOUT.search(lowered):  # "status of the VPN", "news on the printer"
        return False
    words = len(_WORD.findall(lowered))
    # "when will it be fixed?": "it" is the ticket the person is waiting on.
    return words <= 4 or (words <= 6 and bool(_IT.search(lowered)))


def _is_status(lowered: str) -> bool:
    """A question about how a service is doing, not a report of one's own trouble."""
    if re.search(r"\b(my|mine|i|i'm|im)\b", lowered):
        return False  # "is my laptop broken?": someone's own problem, a report
    return bool(_SERVICE_QUESTION.match(lowered.strip()) or _STATUS.search(lowered))


def _incident_in(lowered: str) -> int | None:
    for pattern in (_ID, _BARE_NUMBER):
        match = pattern.search(lowered)
        if match:
            number = int(match.group(1))
            if 0 < number <= MAX_ID:
                return number
    return None


def only_a_link(text: str) -> bool:
    """Whether a message is a pasted link and nothing else: it says where, not what."""
    return bool(text.strip()) and not _LINK.sub("", text).strip()


def mentions_incident(text: str) -> int | None:
    """An incident id written anywhere in a message (INC-42, #42, 'ticket 42')."""
    return _incident_in(text.lower())


# A reporter's word on a resolved incident ("Does it work for you now?"), checked for
# "not fixed" first: "it doesn't work" holds "work".
_NOT_FIXED = re.compile(
    r"^(no|nope|nah)\b|\b(still|not (fixed|working|solved|resolved)|"
    r"(doesn'?t|does not|didn'?t|did not|isn'?t|is not|won'?t) (work|help|fix)\w*|"
    r"(?!work)\w+ed again|(down|broken|happening|doing it) again|"
    r"same (problem|issue|thing)|came back|(is|it'?s) back)\b",
    re.I,
)
# Not "ok": it acknowledges the message as often as it confirms the fix.
_FIXED = re.compile(
    r"^(yes|yep|yeah|yup)\b|\b(works?|worked|working|fixed|sorted|solved|all good|"
    r"fine now|confirm(ed)?|perfect)\b",
    re.I,
)
_VERDICT_WORDS = 8  # longer, it is likely about something else as well
# The reporter says their open incident is no longer needed, or asks for it to go.
_WORKS_AGAIN_WORDS = (
    r"(it'?s|it is|all|everything'?s?|everything is) (working|fine|ok|okay|good|sorted) "
    r"(now|again)|(works|working) (for (me|us) )?(now|again)|fixed (itself|it myself)|sorted it|"
    r"(seems|looks|appears) (to be )?(working|fine|ok|okay|good) (now|again)"
)
_WORKS_AGAIN = re.compile(rf"\b({_WORKS_AGAIN_WORDS})\b", re.I)
# "not working again", "stopped working again": the opposite, read past before the above.
_NOT_WORKING = re.compile(
    r"\b(not|isn'?t|aren'?t|doesn'?t|don'?t|never|stopped|stops|no longer)\s+work(s|ing)?\b",
    re.I,
)
_NOT_NEEDED = re.compile(
    r"\b(never ?mind|ignore (that|this|it|my (last )?(message|ticket|report))|"
    rf"{_WORKS_AGAIN_WORDS}|no longer need)\b",
    re.I,
)
_CANCEL_MINE = re.compile(
    r"\b(cancel|close|withdraw) (my|the|that|this) (ticket|incident|request|report)\b", re.I
)
# "can you cancel it, found a spare one": "it" only from the start and on its own, so
# that "teams crashes when i cancel it" and "cancel that meeting for me" stay reports.
_CANCEL_IT = re.compile(
    r"^(?:(?:ok|okay|actually|sorry|oh|oops|wait|hmm|no|so|please|pls|just|can you|could "
    r"you|you can|i want to|i'?d like to|let'?s)\b[\s,.!]*)*(?:cancel|withdraw|scrap|drop)\s+"
    r"(?:it|that|this)(?:\s+(?:please|pls|for me|then|now|too|thanks|thank you))*"
    r"\s*(?:$|[,.!?;:-])",
    re.I,
)
_WITHDRAW_WORDS = 15


def verdict_on_fix(text: str) -> bool | None:
    """A short answer to "does it work for you now?": True for fixed, False for not,
    None when it is no answer (a question, a message naming an incident, a message with
    more in it than the verdict, likely a new problem, or neither)."""
    said = text.strip()
    if _not_an_answer(said, _VERDICT_WORDS) or _beside_the_verdict(said) > 1:
        return None
    if _NOT_FIXED.search(said):
        return False
    return True if _FIXED.search(said) else None


# "it works but it's really slow now": the fix confirmed, and a new problem after it
_BUT = re.compile(
    r"^(.*?\S)[\s,;.-]*\b(?:but|though|although|except|however)\b[\s,]*(\S.*)$", re.I | re.S
)


def fixed_but(text: str) -> str | None:
    """What is wrong besides a confirmed fix ("it works but it's really slow now": "it's
    really slow now"); None unless the first half confirms it and the rest names a new
    problem ("yes but it still jams" is no fix at all)."""
    split = _BUT.match(text.strip())
    if split is None or verdict_on_fix(split[1]) is not True:
        return None
    rest = split[2]
    return rest if names_a_problem(rest) and not _NOT_FIXED.search(rest) else None


# Words that say nothing of their own around a verdict ("yes, it's all working now").
_FILLER = frozenset(
    """it its it's is was are now again thanks thank you cheers ty thx all the a an and
    but so yes yep yeah yup no nope nah ok okay just still really totally fine good great
    perfect for me my that this everything seems looks""".split()
)


def _beside_the_verdict(said: str) -> int:
    """How many words say something besides the verdict: "no, still jams" has one,
    "my laptop is working slowly" two (the laptop, slowly: a new problem)."""
    rest = _FIXED.sub(" ", _NOT_FIXED.sub(" ", said.lower()))
    return sum(1 for word in _WORD.findall(rest) if word not in _FILLER)


def no_longer_needed(text: str) -> bool:
    """Whether a short message says one's open incident can go ("never mind, it works
    now") or asks for it ("can you cancel my ticket?"; "is it working now?" is not)."""
    said = text.strip()
    if _not_an_answer(said.rstrip("?"), _WITHDRAW_WORDS):
        return False  # too long, or about a named incident; a question is judged below
    if _CANCEL_MINE.search(said) or _CANCEL_IT.match(said):
        return True
    return not said.endswith("?") and bool(_NOT_NEEDED.search(_NOT_WORKING.sub(" ", said)))


_REOPEN = re.compile(
    r"^(?:please |pls |can you |could you |can i |i want to |i'?d like to )?re-?open\s+"
    r"(?:(?:my|the|that|this)\s+(?:ticket|incident|request|case)|" + SPOKEN_ID + r")"
    r"(?:\s+(?:please|pls))?[\s?,.:;!-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


def reopen_request(text: str) -> tuple[int | None, str] | None:
    """ "reopen INC-1 its jamming again", "can you reopen my ticket?": the incident named
    (None for "my ticket") and the reason given ("" when none); None for anything else."""
    match = _REOPEN.match(text.strip())
    if match is None:
        return None
    return (int(match[1]) if match[1] else None, match[2].strip())


def asks_to_cancel(text: str) -> bool:
    """Whether a message asks in so many words for an incident to go ("cancel my
    ticket", "you can close INC-1"), not only that the problem went away."""
    return bool(re.search(r"\b(cancel|close|withdraw)\b", text, re.I))


def works_again(text: str) -> bool:
    """Whether a message says the problem went away ("it works now", "fixed itself"),
    rather than only that the ticket can go ("cancel my ticket", "never mind")."""
    return bool(_WORKS_AGAIN.search(_NOT_WORKING.sub(" ", text)))


def named_no_longer_needed(text: str) -> int | None:
    """The incident a message names and says can go ("you can close INC-1, it fixed
    itself"), read as if it said "the ticket"."""
    named = mentions_incident(text)
    if named is None:
        return None
    plain = _BARE_NUMBER.sub("the ticket", _ID.sub("the ticket", text.lower()))
    return named if no_longer_needed(plain) else None


def _not_an_answer(said: str, most_words: int) -> bool:
    if said.endswith("?") or len(said.split()) > most_words:
        return True
    return mentions_incident(said) is not None


# "same here", "me too, can't print either", "+1": someone else hit by what a thread is about.
_ME_TOO = re.compile(
    r"^(?:same(?: here| for me| problem| issue| thing here| thing)?|me too|me as well|"
    r"us too|we too|same here too|ditto|\+1|also me|i have (?:it|this|that|the same)(?: too)?)"
    r"(?![\w'])[\s,.!:;-]*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


# "same problem as INC-1", "add me to #3", "INC-7 affects me too": affected, by its id.
_ME_TOO_ON = re.compile(
    r"^(?:(?:i have |i'?ve got |having )?(?:the )?same (?:problem|issue|thing|fault) as|"
    r"me too (?:on|with|for)|add me to|i'?m (?:also )?affected by)\s+" + SPOKEN_ID + r"(?![\w-])"
    r"(?:\s+(?:here|too|as well))?[\s,.!:;-]*(.*)$"
    r"|^" + SPOKEN_ID + r"\s+(?:affects|is affecting|hits|is hitting) me(?: too| as well)?\W*()$",
    re.IGNORECASE | re.DOTALL,
)


# "take me off INC-1", "remove me from it", "INC-1 doesn't affect me anymore": no longer
# affected; "it" is the incident the chat follows
_ANY_MORE = r"(?:\s+any ?more|\s+now)?(?:,? please| pls)?\W*$"
_LEAVE = re.compile(
    r"^(?:please )?(?:(?:remove|take|drop) me (?:off|from)(?: the list (?:for|of|on))?|"
    r"i'?m not affected by|i am not affected by|i'?m no longer affected by)\s+(?:"
    + SPOKEN_ID
    + r"|(it|this|that)(?: one)?)"
    + _ANY_MORE
    + r"|^(?:"
    + SPOKEN_ID
    + r"|(it|this|that)(?: one)?)\s+(?:doesn'?t|does not|no longer) (?:affects?|concerns?|hits?) "
    r"me" + _ANY_MORE,
    re.IGNORECASE,
)


_LEAVE_BULLETIN = re.compile(
    r"^(?:please )?(?:remove|take|drop) me (?:off|from)(?: the list (?:for|of|on))?\s+"
    r"(?:bul-?|bulletin\s+)(\d{1,9})" + _ANY_MORE,
    re.IGNORECASE,
)


def leaving_bulletin(text: str) -> int | None:
    """The bulletin someone asks to be taken off the list of ("take me off BUL-2")."""
    found = _LEAVE_BULLETIN.match(text.strip())
    return int(found[1]) if found else None


def leaving(text: str) -> int | None:
    """The incident someone says no longer affects them (0 for "it"), or None when the
    message says no such thing."""
    found = _LEAVE.match(text.strip())
    if found is None:
        return None
    number = next((g for g in found.groups() if g is not None), "it")
    return int(number) if number.isdigit() else 0


def me_too_on(text: str) -> tuple[int, str] | None:
    """The incident a "me too" names and what else it says, or None when it names none."""
    found = _ME_TOO_ON.match(text.strip())
    if found is None:
        return None
    number = found.group(1) or found.group(3)
    rest = (found.group(2) if found.group(1) else found.group(4)) or ""
    return int(number), rest.strip()


def me_too(text: str) -> str | None:
    """What a "me too" message says besides ("" for nothing more), or None when the
    message is not one."""
    found = _ME_TOO.match(text.strip())
    if found is None or len(_WORD.findall(found.group(1).lower())) > 15:
        return None
    rest = found.group(1).strip()
    # "same problem with the scanner" is the same kind of trouble somewhere else
    return None if re.match(r"(with|on|in|for|at)\b", rest, re.IGNORECASE) else rest
