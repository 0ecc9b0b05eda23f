"""What the desk's staff type in chat for the commands they use most: "claim INC-12" is
`/incident claim 12`, "resolve 12 replaced the toner" resolves it with that note, "what's
unassigned?" lists what nobody owns, "how are we doing this week?" is `/report`.

Whole messages only, so that a sentence is never taken for a command; `bot/app.py` turns
what `agent_command` returns into the command call, with the same role checks.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.ids import ID_PREFIX, SPOKEN_ID
from bot.intents import asks_about_priority

# /bulletin's word for the one bulletin in force: "update the bulletin: ..."
_IN_FORCE = "latest"

# Between an incident's id and what follows: spaces and punctuation, but not the dashes
# of an option ("escalate 1 --hierarchic vendor issue").
_GAP = r"(?:[\s,.:;!]|-(?!-))*"
# Words before a command that change nothing: "actually assign it to dave", "ok resolve 2"
_FILLER = re.compile(
    r"^(?:(?:actually|ok|okay|right|oh|and|also|then|now|hmm+|um+)\b[,.!]?\s+)+", re.I
)
# An incident's number, or "it": the one this chat follows (`bot/app.py` finds it).
IT = "it"
_ONE = ID_PREFIX + r"(\d{1,9}|it\b|this\b|that\b)(?: one\b)?"
_PRONOUNS = frozenset({"it", "this", "that"})
_WHO = r"(?:the\s+)?(?!p[1-9]\b)([a-z][\w.-]*)(?:\s+team)?"  # "move 2 to p3" is a priority
# Someone named to be told something, by name or as the chat mentions them ("<@U1|alice>")
_THEM = r"(?:her|him|them|the (?:reporter|user|customer|requester|caller))\b"
_PERSON = (
    r"(?!(?:me|us|you|everyone|everybody|anyone|anybody|someone|somebody|all|her|him|them|"
    r"the|my|our|this|that|it)\b)(<@!?[\w-]+(?:\|[^>]*)?>|@?[a-z][\w.-]*)"
)
# Before a reporter named in place of an incident (`bot/app.py` finds which they mean)
REPORTER_OF = "reporter:"


def _noted(leads: str) -> re.Pattern[str]:
    """A note said as one of `leads`, the incident, then the words: "note on 2: …"."""
    return re.compile(
        rf"^(?:please )?(?:{leads})\s+" + _ONE + r"(?:\s+(?:that|saying))?" + _GAP + r"(\S.*)$",
        re.I | re.S,
    )


def _told(who: str) -> re.Pattern[str]:
    """Words for someone, said to be for `who`: "tell alice that …", "let her know …"."""
    return re.compile(
        rf"^(?:please )?(?:tell\s+{who}|let\s+{who}\s+know|message\s+{who}\s*:)(?:\s+that)?"
        + _GAP
        + r"(\S.*)$",
        re.I | re.S,
    )


_ON_HOLD = re.compile(
    r"^(?:please )?(?:put|place|set)\s+" + _ONE + r"\s+on hold" + _GAP + r"(.*)$", re.I | re.S
)
_AGENT_SAYS = (
    (
        re.compile(
            r"^(?:please |pls )?(?:claim|take|grab|i['’]?ll take|i will take|assign it to me)"
            r"\s+" + _ONE + r"[\s.!]*$",
            re.I,
        ),
        "incident claim {}",
    ),
    (
        # asked for, not asked about: "what's next?" claims nothing
        re.compile(
            r"^(?:ok,? |right,? )?(?:(?:please )?(?:claim|take|grab|give me|get me|assign me)|"
            r"i['’]?ll take|i will take|let me take)\s+the\s+next(?: one| ticket| incident)?"
            r"(?: please| pls)?[\s.!]*$|^next (?:one|ticket|incident)(?:,? please|,? pls)?[\s.!]*$|"
            r"^next,? please[\s.!]*$",
            re.I,
        ),
        "incident next",
    ),
    (
        # "i'll take the wifi one": by what it is about (`bot/app.py` finds which)
        re.compile(
            r"^(?:please )?(?:claim|take|grab|i['’]?ll take|i will take|let me take)\s+the\s+"
            r"([\w'-]+(?: [\w'-]+){0,3}?)\s+(?:one|ticket|incident)[\s.!]*$",
            re.I,
        ),
        "incident claim the {} one",
    ),
    (
        # "what's the visio one about?", "show me the printer one": by what it is about
        re.compile(
            r"^(?:show(?: me)?|(?:what['’]?s|what is)|details (?:of|on))\s+the\s+(?!next\b)"
            r"([\w'-]+(?: [\w'-]+){0,3}?)\s+(?:one|ticket|incident)(?:\s+about)?\W*$",
            re.I,
        ),
        "incident show the {} one",
    ),
    (
        # after "New P1 for the network team: INC-3", or in its thread
        re.compile(
            r"^(?:ok,? )?(?:(?:i['’]?ll|i will|let me) (?:take|grab|handle|pick up) "
            r"(?:it|this|that)(?: one)?|(?:i['’]?m |i am )?on it|mine|taking (?:it|this)|"
            r"(?:i['’]?ve|i have|i) got (?:it|this)(?: one)?)[\s.!]*$",
            re.I,
        ),
        "incident claim it",
    ),
    (_ON_HOLD, "incident pending {} {}"),
    (
        # "take 1 off hold, the dock arrived": and what changed
        re.compile(
            r"^(?:please )?(?:take|bring)\s+" + _ONE + r"\s+off hold(?:\s*[,;:.-]+\s*(\S.*?))?\W*$",
            re.I | re.S,
        ),
        "incident resume {} {}",
    ),
    (
        # "the dock arrived, take 1 off hold": what changed, said first
        re.compile(
            r"^([^,;:]{1,120}?)\s*[,;:-]+\s*(?:please )?(?:take|bring)\s+"
            + _ONE
            + r"\s+off hold\W*$",
            re.I | re.S,
        ),
        "incident resume {1} {0}",
    ),
    (
        re.compile(
            r"^(?:please )?(?:give|hand(?: over)?|pass|move|send|transfer)\s+"
            + _ONE
            + r"\s+(?:over\s+)?to\s+"
            + _WHO
            # and why: "give it to dave, the dock is dead"
            + r"(?:(?:\s*[,;:.-]+\s*(?:because\s+|as\s+|since\s+)?|\s+(?:because|as|since)\s+)"
            + r"(\S.*?))?\W*$",
            re.I | re.S,
        ),
        "incident assign {} {} {}",
    ),
    (
        # "note on 2: asked her to bring it by", "add a note to 2 that she will bring it by";
        # to its reporter: "reply to INC-2: please restart outlook", "tell the reporter of
        # 2 that the toner is on order"
        _noted(
            r"add (?:a )?note (?:to|on|for)|note (?:to|on|for)|reply (?:to|on)|respond (?:to|on)|"
            r"answer|(?:tell|message|update) the (?:reporter|user|customer|requester) (?:of|on|for)"
        ),
        "incident note {} {}",
    ),
    (
        # "make INC-1 a P2", "change the priority of 3 to p1, the whole floor is down",
        # "INC-4 should be a P3": the nearest impact and urgency that give it
        re.compile(
            r"^(?:please )?(?:(?:make|set|mark|raise|lower|bump|drop|move|change)\s+"
            + _ONE
            + r"\s+(?:to\s+|as\s+|up to\s+|down to\s+)?|(?:change|set|raise|lower)\s+the\s+"
            r"priority\s+(?:of|on|for)\s+"
            + _ONE
            + r"\s+to\s+|"
            + SPOKEN_ID
            + r"\s+should\s+be\s+)(?:an?\s+)?(p[1-9])\b"
            + _GAP
            + r"(.*?)(?:\W*\b(?:please|pls|thanks))?\W*$",
            re.I | re.S,
        ),
        "incident classify {} --priority {} {}",
    ),
    (
        # "show pending tickets", "which of my tickets are on hold?", "what's waiting on the
        # user?": what waits on someone else (one's own when said so)
        re.compile(
            r"^(?:(?:show(?: me)?|list|any|what are)(?: the| all)?\s+)?(?:pending|on hold|paused)"
            r"(?: tickets| incidents| ones)?\W*$|^(?:what['’]?s|what is|anything)\s+(?:on hold|"
            r"pending|paused|waiting on (?:the )?(?:user|reporter|customer|requester|"
            r"vendor|supplier|third part(?:y|ies))s?)\W*$|"
            # "any tickets waiting on a vendor?", "which incidents are waiting for the user?"
            r"^(?:any|which|what|show(?: me)?|list)(?: the| all)?\s+(?:tickets|incidents|ones)\s+"
            r"(?:are\s+)?(?:waiting|pending|on hold)(?:\s+(?:on|for)\s+(?:an?\s+|the\s+)?"
            r"(?:user|reporter|customer|requester|vendor|supplier|third part(?:y|ies))s?)?\W*$",
            re.I,
        ),
        "incident list --state pending",
    ),
    (
        re.compile(
            r"^(?:(?:show(?: me)?|list)\s+)?my\s+(?:pending|on hold|paused)(?: tickets| incidents"
            r"| ones)?\W*$|^(?:which|what) of my (?:tickets|incidents) (?:are|is) (?:on hold|"
            r"pending|paused)\W*$|^what am i waiting (?:on|for)\W*$",
            re.I,
        ),
        "incident list --mine --state pending",
    ),
    (
        # "tell alice the toner is on order", "let alice know it's fixed": the incident she
        # reported (`bot/services/reporters.py` finds which)
        _told(_PERSON),
        "incident note " + REPORTER_OF + "{} {}",
    ),
    (
        # "when is it due?", "is INC-3 breaching?": its SLA clocks
        re.compile(
            r"^(?:when(?:['’]s| is)\s+"
            + _ONE
            + r"\s+due|when (?:does|will)\s+"
            + _ONE
            + r"\s+breach|is\s+"
            + _ONE
            + r"\s+(?:breaching|overdue|late|in breach|due soon|"
            r"(?:about|going) to breach))\W*$",
            re.I,
        ),
        "incident sla {}",
    ),
    (
        # "ask her for the serial number": it waits on its reporter, who is asked for it
        re.compile(
            r"^(?:please )?ask\s+" + _THEM + r"\s+for\s+(\S.*?)\W*$",
            re.I,
        ),
        "incident pending it {} --on reporter",
    ),
    (
        # "link printer-toner to INC-3": the article to the incident, its reporter sent it
        re.compile(
            r"^(?:please )?(?:link|attach|add)\s+(?:the\s+)?(?:(?:kb\s+)?article\s+)?"
            r"([a-z0-9]+(?:-[a-z0-9]+)+)(?:\s+(?:kb\s+)?article)?\s+(?:to|on)\s+" + _ONE + r"\W*$",
            re.I,
        ),
        "kb link {} {}",
    ),
    (
        # "send her the paper jam article": the article those words name, to the reporter
        # of the incident followed
        re.compile(
            r"^(?:please )?(?:send|give|share|point)\s+"
            + _THEM
            + r"\s+(?:to\s+)?(?:the\s+)?(?:kb\s+)?(?:article\s+(?:on\s+|about\s+)?"
            r"([\w-]+(?:\s+[\w-]+){0,4})|([\w-]+(?:\s+[\w-]+){0,4}?)\s+(?:kb\s+)?article)\W*$",
            re.I,
        ),
        "kb link {} it",
    ),
    (
        # "write an article from INC-1", "draft a kb article from it"
        re.compile(
            r"^(?:please )?(?:write|draft|make|create|turn)\s+(?:up\s+)?(?:an?\s+|the\s+)?"
            r"(?:new\s+)?(?:kb\s+)?(?:article|draft)?\s*(?:from|for|out of|of|about)\s+"
            + _ONE
            + r"(?:\s+into\s+an?\s+(?:kb\s+)?article)?\W*$|^(?:please )?turn\s+"
            + _ONE
            + r"\s+into\s+an?\s+(?:kb\s+)?article\W*$",
            re.I,
        ),
        "kb draft {}",
    ),
    (
        # "what articles do we have about printers?", "search the kb for vpn"
        re.compile(
            r"^(?:what|which|any)\s+(?:kb\s+)?articles?\s+(?:do we have\s+|are there\s+|"
            r"is there\s+)?(?:about|on|for)\s+(\S.*?)\W*$|"
            r"^(?:search|look in)\s+the\s+(?:kb|knowledge base)\s+"
            r"(?:for|about)\s+(\S.*?)\W*$|^(?:find|show(?: me)?)\s+(?:an?\s+|the\s+)?(?:kb\s+)?"
            r"articles?\s+(?:about|on|for)\s+(\S.*?)\W*$",
            re.I,
        ),
        "kb search {}",
    ),
    (
        # "INC-2 is a duplicate of INC-1", "merge 2 into 1", "mark it as a dupe of 3"
        re.compile(
            r"^(?:please )?(?:mark\s+)?"
            + _ONE
            + r"\s+(?:is|as)\s+(?:a\s+)?(?:duplicate|dupe|copy)\s+of\s+"
            + _ONE
            + r"\W*$|^(?:please )?(?:merge|fold)\s+"
            + _ONE
            + r"\s+into\s+"
            + _ONE
            + r"\W*$",
            re.I,
        ),
        "incident link {} {}",
    ),
    (
        # "tell her the toner is on order": the reporter of the incident followed
        _told(_THEM),
        "incident note it {}",
    ),
    (
        # the desk's own: "internal note on 2: the dock is faulty, replace it"
        _noted(r"add (?:an )?internal note (?:to|on|for)|internal note (?:to|on|for)"),
        "incident note {} --internal {}",
    ),
    (
        # a handover: "give all of bob's tickets to erin", "put my tickets back in the queue",
        # after why if said first ("bob is off sick, ...")
        re.compile(
            r"^(?:[\w'’ ]{1,40}[,;:.!-]+\s*)?(?:please )?"
            r"(?:(?:hand(?: over)?|give|move|reassign|pass)\s+(?:all\s+(?:of\s+)?)?"
            r"(my|[a-z][\w.-]*?)(?:['’]s)?\s+(?:open\s+)?(?:tickets|incidents|queue|work)"
            r"(?:\s+over)?\s+to\s+(?:the\s+)?([a-z][\w.-]*?)(?:\s+team)?|put\s+(my|[a-z][\w.-]*?)"
            r"(?:['’]s)?\s+(?:open\s+)?(?:tickets|incidents)\s+back\s+(?:in|into)\s+the\s+"
            r"(queue)s?)\W*$",
            re.I,
        ),
        "incident handover {} {}",
    ),
    (
        re.compile(
            r"^(?:(?:what['’]?s|what is|show(?: me)?|list|anything)\s+)?(?:the |still )?"
            r"unassigned(?: tickets| incidents| ones| queue)?\W*$|"
            r"^(?:which|what) (?:tickets|incidents|ones) (?:are|is) (?:still )?unassigned\W*$",
            re.I,
        ),
        "incident list --unassigned",
    ),
    (
        re.compile(
            r"^(?:(?:what['’]?s|what is|anything)\s+(?:about to |close to |near(?:ly)? )?"
            r"(?:breach(?:ing)?|due)(?: soon)?|(?:show(?: me)? |list )?(?:the )?breaches|"
            r"(?:anything|what['’]?s|what has|which (?:ones|tickets|incidents) (?:have|has))\s+"
            r"breached|(?:anything|what['’]?s|what is|show(?: me)?|list)\s+(?:the\s+)?overdue"
            r"(?: tickets| incidents| ones)?)\W*$",
            re.I,
        ),
        "incident queue",
    ),
    (
        re.compile(
            r"^(?:(?:show(?: me)?|list)\s+)?(?:all\s+)?(?:the\s+)?open\s+"
            r"(?:tickets|incidents)\W*$|^what['’]?s (?:still )?open(?: right now| now)?\W*$|"
            # "show me everything open", "list everything that's still open"
            r"^(?:show(?: me)?|list)\s+(?:everything|all|anything)\s+(?:that['’]?s |that is )?"
            r"(?:still )?open(?: right now| now)?\W*$",
            re.I,
        ),
        "incident list",
    ),
    (
        # the text is everyone's to read: it is kept as said
        re.compile(
            r"^(?:please )?(?:post a bulletin|bulletin|announce)(?:\s*:\s*|\s+saying\s+|\s+that\s+)"
            r"(\S.*)$",
            re.I | re.S,
        ),
        "bulletin post {}",
    ),
    (
        # "which tickets are escalated?", "any escalations?": the open ones escalated
        re.compile(
            r"^(?:(?:show(?: me)?|list|any|what are|which are)(?: the| all)?\s+)?(?:escalated|"
            r"escalations)(?:\s+(?:tickets|incidents|ones))?(?:\s+open)?\W*$|"
            r"^(?:which|what|any|show(?: me)?|list)(?: the| all)?\s+(?:tickets|incidents|ones)\s+"
            r"(?:are\s+|have been\s+|were\s+|got\s+)?escalated\W*$",
            re.I,
        ),
        "incident list --escalated",
    ),
    (
        # "any p1s open?", "show me p1 incidents": the open ones of that priority
        re.compile(
            r"^(?:(?:any|show(?: me)?(?: the)?|list(?: the)?|what are the|are there any)\s+)?"
            r"(?:open\s+)?(p[1-9])s?(?:\s+(?:tickets|incidents|ones))?(?:\s+open)?\W*$",
            re.I,
        ),
        "incident list --priority {}",
    ),
    (
        # "how is bob doing?": their queue, with what is overdue
        re.compile(
            r"^(?:how(?:['’]s| is) (?!(?:the|we|it|everything|everyone|things|desk|team|you)\b)"
            r"([a-z][\w.-]*) (?:doing|getting on|coping)(?: today)?)\W*$",
            re.I,
        ),
        "incident queue --agent {}",
    ),
    (
        # one's own, whatever one's role: "what's on my plate?", "my queue"
        re.compile(
            r"^(?:(?:what['’]?s|what is)\s+on my plate(?: today)?|(?:show(?: me)? )?my queue|"
            r"what am i working on|what['’]?s next|what(?: should| do) i (?:work on|do|take) next|"
            r"what['’]?s left(?: for me)?(?: to do)?|anything (?:new )?for me|any (?:new )?"
            r"(?:tickets|incidents|work) for me|"
            r"how many (?:tickets|incidents) (?:do i have|have i got|are mine|are on my plate))"
            r"\W*$",
            re.I,
        ),
        "incident queue --agent me",
    ),
    (
        # one incident's card, timeline or clocks: "show me INC-1", "history of 1"
        re.compile(
            r"^(?:show(?: me)?|details (?:of|for|on)|who (?:reported|opened|raised|owns|has))"
            r"\s+" + _ONE + r"\W*$",
            re.I,
        ),
        "incident show {}",
    ),
    (
        re.compile(r"^(?:history|timeline)(?: of| for| on)?\s+" + _ONE + r"\W*$", re.I),
        "incident history {}",
    ),
    (
        re.compile(r"^sla(?: clocks?)?(?: of| for| on)?\s+" + _ONE + r"\W*$", re.I),
        "incident sla {}",
    ),
    (
        # "show me the tickets alice raised", "list incidents reported by alice": every
        # state, the finished too
        re.compile(
            r"^(?:show(?: me)?|list|find)\s+(?:all\s+|every\s+|the\s+)?(?:tickets|incidents)"
            r"\s+(?:(?:raised|reported|opened|logged)\s+by\s+(@?[a-z][\w.-]*)|(?!that\b|which\b)"
            r"(@?[a-z][\w.-]*)\s+(?:raised|reported|opened|logged))\W*$",
            re.I,
        ),
        "incident list --state all --reporter {}",
    ),
    (
        # "list every ticket about printers": by the words they hold
        re.compile(
            r"^(?:show(?: me)?|list|find|search(?: for)?)\s+(?:all\s+|every\s+|any\s+|the\s+)?"
            r"(?:tickets|incidents|ticket|incident)\s+(?:about|mentioning|that mention|on|with)\s+"
            r"(?:the\s+)?(\S.*?)\W*$",
            re.I,
        ),
        "incident list {}",
    ),
    (
        # "show me the network queue": a group's, by its name (the command checks it)
        re.compile(
            r"^(?:(?:show(?: me)?|list|what['’]?s in|what is in)\s+)?the\s+([a-z0-9][\w-]*)"
            r"(?:\s+team(?:['’]s)?)?\s+queue\W*$",
            re.I,
        ),
        "incident queue --group {}",
    ),
    (
        # a manager balancing the load: the teams' queue shows who holds how much
        re.compile(
            r"^(?:(?:who['’]?s|who is)\s+(?:over ?loaded|swamped|busiest)|"
            r"who (?:has|holds|owns|has got) the most (?:open )?(?:tickets|incidents|work)|"
            r"how busy is (?:everyone|every ?body|the team)|(?:the )?(?:team['’]?s? )?workload|"
            r"how many (?:tickets|incidents) (?:does|has) (?:everyone|every ?body|each (?:agent|"
            r"person)) (?:have|got)(?: open| on)?|"
            r"what['’]?s (?:everyone|every ?body) working on)\W*$",
            re.I,
        ),
        "incident queue --all",
    ),
    (
        # "what's dave working on?", "dave's queue", "how many tickets does erin have?": an
        # agent's, by handle
        re.compile(
            r"^(?:(?:what['’]?s|what is)\s+(?!everyone|anyone|everybody|anybody|it\b|this\b)"
            r"([a-z][\w.-]*)\s+working on|([a-z][\w.-]*)['’]s\s+queue|how many (?:tickets|"
            r"incidents) (?:does|has) (?!every|any|the\b)([a-z][\w.-]*) (?:have|got)"
            r"(?: open| on)?)\W*$",
            re.I,
        ),
        "incident queue --agent {}",
    ),
)


# "resolve INC-12 replaced the toner", "escalate 12, needs second line", "assign 12 to
# dave": an incident action, its id straight after the verb, then the command's own text
# (options included). Actions that take no text must stand alone, so that "close 2 windows
# and outlook crashes" stays a message.
_AGENT_ACTS = {
    "resolve": "resolve",
    "resolved": "resolve",
    "close": "close",
    "reopen": "reopen",
    "escalate": "escalate",
    "assign": "assign",
    "reassign": "assign",
    "note": "note",
    "pending": "pending",
    "resume": "resume",
    "cancel": "cancel",
}
_NO_TEXT = frozenset({"close", "resume"})
_AGENT_ACT = re.compile(
    rf"^(?:please |pls )?({'|'.join(_AGENT_ACTS)})\s+" + _ONE + r"(?![\w-])" + _GAP + r"(.*)$",
    re.IGNORECASE | re.DOTALL,
)


# "mark 1 as resolved, replaced the roller", "INC-1 is fixed: new toner": the same
# actions said the other way round.
_DONE_WORDS = {"resolved": "resolve", "fixed": "resolve", "done": "resolve", "sorted": "resolve"}
_MARKED = re.compile(
    rf"^(?:please |pls )?(?:mark\s+{_ONE}\s+as|{SPOKEN_ID}\s+(?:is|has been))\s+"
    r"(resolved|fixed|done|sorted|closed)\b(?![^?]*\?\s*$)" + _GAP + r"(.*)$",
    re.IGNORECASE | re.DOTALL,
)


# "how are we doing this week?", "show me the monthly report": the desk's figures.
# "what breached this week?": what missed its SLA in a period is the report's review
_BREACHED_IN = re.compile(
    r"^(?:what|which (?:ones|tickets|incidents)) (?:has |have )?(?:breached|missed (?:the |their |"
    r"its )?sla)(?: in| over)? (?:this|last|the last|the past) (week|month)\W*$",
    re.I,
)
# "show me the reopened tickets", "who rated us poorly?", "any complaints this week?":
# the incidents behind the report's figures, which its review lists
_REVIEW_ASK = re.compile(
    r"^(?:(?:show(?: me)?|list|any|what|which)(?: are| were)?(?: the| all)?\s+)?(?:(?:tickets|"
    r"incidents) )?(?:(?:were|have been|got) )?(?:reopened|re-opened|poor(?:ly)? rat(?:ed|ings?)|"
    r"bad ratings?|complaints?)(?: tickets| incidents| ones)?(?:\s+(?:this|last|in the last|"
    r"over the last) (?:week|month)|\s+today|\s+yesterday)?\W*$|"
    r"^who (?:rated us (?:poorly|badly|poor|bad)|complained|gave us (?:a )?(?:poor|bad) "
    r"ratings?)(?:\s+(?:this|last) (?:week|month)|\s+today|\s+yesterday)?\W*$",
    re.I,
)
_REPORT_ASK = re.compile(
    r"^(?:so |ok |hey |hi )?(?:how are we doing|how['’]?s the desk doing|how is the desk doing|"
    r"how did we do|(?:show me |give me |send me |can i see )?(?:the |our )?"
    r"(?:weekly |monthly |sla )?(?:report|figures|stats|numbers))"
    r"(?: for (?:the )?[\w-]+(?: team)?)?"
    r"(?:,? (?:(?:this|for the|last|the past|past|over the last) (week|month)|(?:for )?"
    r"(today|yesterday)))?\W*$",
    re.IGNORECASE,
)
# "export the report as csv", "can i get this month's figures as a spreadsheet?": the
# report as a file
_EXPORT_ASK = re.compile(
    r"^(?:please )?(?:(?:can|could) (?:i|you) (?:get|have|send me|export|download)|export|"
    r"download|send me|give me|email me|save)\s+(?:the |this |our |a )?(?:(?:weekly|monthly|"
    r"(?:this|last) (?:week|month)['’]?s|today['’]?s|yesterday['’]?s)\s+)?"
    r"(?:report|figures|stats|numbers)(?:\s+for\s+(?:the\s+)?[\w-]+(?:\s+team)?)?"
    r"(?:\s+(?:as|in|to|into)\s+(?:an?\s+)?([\w-]+)"
    r"(?:\s+(?:file|format))?)?(?: please| pls)?\W*$",
    re.I,
)
# "send the weekly report to #it-status", "share this month's figures in #it": posted there
_POST_ASK = re.compile(
    r"^(?:please )?(?:(?:can|could) you )?(?:send|post|share|put|publish|drop)\s+(?:the |this |"
    r"our )?(?:(?:weekly|monthly|(?:this|last) (?:week|month)['’]?s|today['’]?s|"
    r"yesterday['’]?s)\s+)?(?:report|figures|stats|numbers)(?:\s+for\s+(?:the\s+)?[\w-]+"
    r"(?:\s+team)?)?\s+(?:to|in|into|on|with)\s+(?:the\s+)?#?([\w-]+)(?:\s+channel)?"
    r"(?: please| pls)?\W*$",
    re.I,
)
# the words for the formats /report --format takes; another ("pdf") is left to it to refuse
_FORMATS = {"": "csv", "excel": "csv", "spreadsheet": "csv", "markdown": "md"}
# "how many tickets did we close this week?", "what's the backlog?", "what is our sla
# compliance this month?": questions the report's figures answer
_FIGURES_ASK = re.compile(
    r"^(?!.*\b(?:i|my|me)\b)"  # one's own count is one's queue, not the desk's figures
    r"(?:how many (?:tickets|incidents|requests|p[1-9]s?)\b[^?]*|"
    r"(?:what['’]?s|what is|show me) (?:the |our )?backlog\b[^?]*|"
    r"(?:what['’]?s|what is|how is|how['’]?s) (?:the |our )?sla\b[^?]*|"
    # "what's the average resolution time this month?", "what is our mttr?"
    r"(?:what['’]?s|what is|what are|how['’]?s|how is|show me) (?:the |our )?(?:average |"
    r"mean |median )?(?:(?:first )?resolution time|(?:first )?response time|time to (?:resolve|"
    r"respond|first response|first reply)|mttr|mtta|"
    r"satisfaction|csat|reopen rate|deflection)\b[^?]*|"
    # "who resolved the most tickets this week?"
    r"who (?:resolved|closed|fixed) the most\b[^?]*)\??\s*$",
    re.IGNORECASE,
)


# An agent named by handle in a question: not a pronoun ("what did you fix?")
_AGENT = r"(?!(?:you|they|he|she|it|someone|anyone|everyone|people|others)\b)[a-z][\w.-]*"
# "what did i resolve this week?", "how many tickets did we close today?", "show my
# closed tickets": the work finished in a period, one's own when said so
_RESOLVED_ASK = re.compile(
    r"^(?:so |ok )?(?:(?:what|which(?: tickets| incidents| ones)?|how many(?: tickets| incidents)?)"
    r"\s+(?:did|have|has)\s+(i|we|the team|" + _AGENT + r")\s+(?:resolved?|closed?|fix(?:ed)?|"
    r"finish(?:ed)?|sort(?:ed)?(?: out)?|done)|(?:show(?: me)?|list)\s+(my|our|the|"
    + _AGENT
    + r"['’]s)\s+(?:resolved|closed|finished|fixed)\s+(?:tickets|incidents|ones))"
    r"(?:\s+(?:so far\s+)?(today|yesterday|this week|this month|in the last week))?"
    r"(?:\s+so far)?\W*$",
    re.I,
)
# the words that name a period, as `--since` and `--resolved` take it (else 7d)
_PERIOD_WORDS = {"today": "today", "yesterday": "yesterday", "month": "30d", "monthly": "30d"}


def agent_command(text: str, groups: Collection[str] = ()) -> str | None:
    """The command an agent's short chat message stands for ("claim INC-12" is
    "incident claim 12", "resolve 12 replaced the toner" resolves it with that note,
    "what's unassigned?" lists those nobody owns), or None. `groups` are the support
    groups' names, so that "escalate 12 to network" names where it goes."""
    said = _groups_as_named(_FILLER.sub("", text.strip()), groups)
    for pattern, command in _AGENT_SAYS:
        match = pattern.match(said)
        if match:
            # alternatives leave groups unmatched, and a last one may be left unsaid
            found = [_number(g) for g in match.groups() if g is not None]
            if command.startswith("kb link"):
                found[0] = "-".join(found[0].split())  # one word: an id, or words naming one
            unsaid = [""] * (command.count("{}") - len(found))
            return command.format(*found, *unsaid).strip()
    resolved = _resolved_list(said)
    if resolved is not None:
        return resolved
    if asks_about_priority(said) is not None:
        return None  # what a priority promises is the chat's answer, not the figures
    posted = _POST_ASK.match(said)
    if posted:
        return f"{_report_for(said, groups)} --post {posted[1].lower()}"
    exported = _EXPORT_ASK.match(said)
    if exported:
        fmt = (exported[1] or "").lower()
        return f"{_report_for(said, groups)} --format {_FORMATS.get(fmt, fmt)}"
    if any(p.match(said) for p in (_REPORT_ASK, _BREACHED_IN, _FIGURES_ASK, _REVIEW_ASK)):
        return _report_for(said, groups)
    return _bulletin_action(said) or _incident_action(said, groups)


def _resolved_list(said: str) -> str | None:
    """ "what did bob resolve this week?": the list of what was resolved in the period,
    one's own or an agent's when said so. "How many did we close?" is the figures'."""
    resolved = _RESOLVED_ASK.match(said)
    if resolved is None:
        return None
    whose, mine, when = resolved.groups()
    owner = _whose(whose or mine or "")
    if not owner and _FIGURES_ASK.match(said):
        return None
    return f"incident list{owner} --resolved {_period_in(when or '') or '7d'}"


def _groups_as_named(said: str, groups: Collection[str]) -> str:
    """ "to the service desk team" as "to the service-desk team": a group said in words
    where one is named (to or for it), as the commands spell it."""
    for group in (g for g in groups if "-" in g):
        spaced = r"[\s-]+".join(map(re.escape, group.split("-")))
        said = re.sub(rf"\b(to|for)(\s+the)?\s+{spaced}\b", rf"\1\2 {group}", said, flags=re.I)
    return said


def _whose(said: str) -> str:
    """The list's option for whose work a question names: "i" or "my" is one's own,
    "bob" or "bob's" an agent's, "we" or "the team" everyone's."""
    who = said.lower().removesuffix("'s").removesuffix("’s")
    if who in ("i", "my"):
        return " --mine"
    return "" if who in ("we", "our", "the", "the team") else f" --owner {who}"


def _period_in(said: str) -> str | None:
    """The period a question names ("this month": 30d), if it names one."""
    words = set(re.findall(r"[\w-]+", said.lower()))
    return next((p for w, p in _PERIOD_WORDS.items() if w in words), None)


def _report_for(said: str, groups: Collection[str]) -> str:
    """The report a question asks for: the month's, today's or yesterday's when it says
    so, one team's when it names a support group ("the report for the network team")."""
    words = set(re.findall(r"[\w-]+", said.lower()))
    period = _period_in(said)
    command = f"report --since {period}" if period else "report"
    named = next((g for g in groups if g.lower() in words), None)
    return f"{command} --group {named}" if named else command


# A bulletin by its id, or "the bulletin": the one in force (`bot/commands/bulletin.py`).
_BULLETIN = r"(?:the (?:bulletin|status)|(bul-?\d{1,9}|bulletin \d{1,9}))"
_BULLETIN_UPDATE = re.compile(
    r"^(?:please )?update " + _BULLETIN + r"(?:\s*[:,-]\s*|\s+(?:saying|with|to say|to)\s+)(\S.*)$",
    re.I | re.S,
)
# "email is back, resolve the bulletin": what was said first is its last word
_BULLETIN_RESOLVE = re.compile(
    r"^(?:([^,;:]{1,80}?)\s*[,;:-]+\s*)?(?:please )?(?:resolve|close|end|clear|take down)\s+"
    + _BULLETIN
    + r"(?:\s*[:,.;-]\s*|\s+|$)(.*)$",
    re.I | re.S,
)
_BULLETIN_LIST = re.compile(
    r"^(?:(?:what|which|any|show(?: me)?|list)\s+)?(?:the\s+)?(?:active |current |open )?"
    r"bulletins?(?:\s+(?:are\s+|is\s+)?(?:up|active|open|in force|posted|out))?\W*$",
    re.I,
)


def _bulletin_action(said: str) -> str | None:
    """ "update the bulletin: back in 20 minutes", "email is back, resolve BUL-1", "what
    bulletins are up?": the /bulletin command each stands for."""
    if _BULLETIN_LIST.match(said):
        return "bulletin list"
    match = _BULLETIN_UPDATE.match(said)
    if match:
        return f"bulletin update {_bulletin(match[1])} {match[2].strip()}"
    match = _BULLETIN_RESOLVE.match(said)
    if match:
        last = match[3].strip() or (match[1] or "").strip()
        return f"bulletin resolve {_bulletin(match[2])} {last}".strip()
    return None


def _bulletin(said: str | None) -> str:
    return said.lower().removeprefix("bulletin ").strip() if said else _IN_FORCE


def _incident_action(said: str, groups: Collection[str]) -> str | None:
    return _said_plainly(said, groups) or _after_a_clause(said, groups)


def _after_a_clause(said: str, groups: Collection[str]) -> str | None:
    """ "the roller arrived, resolve it, replaced the roller": what happened, said before
    an action that takes words, is the start of its note or reason. A clause before one
    that takes none ("close 2") is not read: those can't be undone."""
    for gap in _CLAUSE_END.finditer(said, 1, _LONGEST_CLAUSE + 1):
        command = _said_plainly(said[gap.end() :], groups) or _put_on_hold(said[gap.end() :])
        if command is None or command.split()[1] in _NO_TEXT:
            continue
        lead = said[: gap.start()].strip()
        if agent_command(lead, groups) is not None:
            return None  # two commands in one message ("claim 12, resolve it")
        head, rest = _action_and_text(command)
        tail = f" {rest}" if rest.startswith("--") else f", {rest}" if rest else ""
        return f"{head} {lead}{tail}"
    return None


def _put_on_hold(said: str) -> str | None:
    match = _ON_HOLD.match(said)
    return f"incident pending {_number(match[1])} {match[2]}".strip() if match else None


def _action_and_text(command: str) -> tuple[str, str]:
    """ "incident resolve it new toner" as its action ("incident resolve it") and text."""
    words = command.split(" ", 3)
    return " ".join(words[:3]), words[3] if len(words) > 3 else ""


def _said_plainly(said: str, groups: Collection[str]) -> str | None:
    match = _AGENT_ACT.match(said)
    if match is None:
        return _marked(said)
    action, number, rest = _AGENT_ACTS[match[1].lower()], _number(match[2]), match[3].strip()
    if action in _NO_TEXT and rest:
        return None
    if action == "assign":
        rest = _ASSIGNED_TO.sub(r"\1\2", rest)
    if action == "escalate":
        rest = _escalated_to(rest, groups)
    return f"incident {action} {number} {rest}".strip()


# Where a clause said before an action ends ("the roller arrived, resolve it", "reset her
# password and resolve it")
_CLAUSE_END = re.compile(r"\s*[,;:]\s*(?:and\s+)?(?:then\s+)?|\s+-+\s+|\s+and\s+(?:then\s+)?")
_LONGEST_CLAUSE = 120


# "to dave, the dock is dead" after "assign 2": the agent or group, then why
_ASSIGNED_TO = re.compile(r"^to\s+(?:the\s+)?(\S+?)(?:\s+team)?\b[,;:.-]*(\s|$)", re.I)


def _marked(said: str) -> str | None:
    """ "mark 1 as resolved, replaced the roller" is `incident resolve 1 replaced the
    roller`; "mark 2 as closed" closes it (with nothing more said)."""
    match = _MARKED.match(said)
    if match is None:
        return None
    number = _number(match[1] or match[2])
    word, rest = match[3].lower(), match[4].strip()
    if word == "closed":
        return None if rest else f"incident close {number}"
    return f"incident {_DONE_WORDS[word]} {number} {rest}".strip()


def _escalated_to(rest: str, groups: Collection[str]) -> str:
    """ "to the network team, the switch is down" as the reason and `--to network`, when
    it names a support group; else the words stay the reason ("to get it fixed")."""
    match = re.match(r"to\s+(?:the\s+)?([\w-]+)(?:\s+team)?\b" + _GAP + r"(.*)$", rest, re.I | re.S)
    if match is None:
        return rest
    named = next((g for g in groups if g.lower() == match[1].lower()), None)
    if named is None:
        return rest
    return f"{match[2].strip()} --to {named}".strip()


def _number(said: str) -> str:
    """An incident's number as said, or IT for "it", "this" or "that"."""
    return IT if said.lower() in _PRONOUNS else said
