"""The desk as a conversation: plain messages in, a single point of contact out.

A message is a problem report, a progress question, a call for help or small
talk (`bot/intents.py`). A report goes: knowledge-base suggestions first; if they
don't help, "is this the same as INC-12?"; then only the questions the text did
not answer (who is affected, can you still work); then a summary card to confirm,
and the incident is opened. Each step is stored in the `conversations` table
(`bot/conversation_store.py`), so a restart loses nothing and the person carries on;
a draft left too long expires with a message. Once an incident is open, what its
reporter writes in its thread (or, when it waits on them, in their direct chat) goes
onto its timeline.

Buttons come back as the hidden `/intake ...` commands (bot/commands/intake.py);
typed answers ("just me", "2", "yes") work the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeGuard

from bot.cards import ago, incident_reply, suggestion_line
from bot.chat_answers import (
    CHANGE_TEXT,
    FILES_TEXT,
    STAFF_UNCLEAR_TEXT,
    UNCLEAR_TEXT,
    contact_text,
    help_text,
    priority_text,
    progress,
    team_text,
)
from bot.context import CommandContext
from bot.conversation_store import (
    BLOCKED,
    CONFIRM,
    DUPLICATE,
    EDIT,
    HOLDING,
    IDLE,
    KNOWN,
    NOT_FIXED,
    NOTE_OR_NEW,
    RATE,
    REFERRED,
    REOPEN_REASON,
    SCOPE,
    SUGGESTED,
    TOPIC,
    WHAT_WENT_WRONG,
    WHICH,
    WITHDRAW,
    create_row,
    expired_text,
    find_row,
    place_of,
    reset,
    short,
    thread_incidents,
)
from bot.errors import BadArguments
from bot.ids import format_id
from bot.intake_questions import (
    ATTACHED,
    CONFIRM_BUTTONS,
    field_now,
    file_names,
    question_reply,
    question_text,
    summary_reply,
    two_ways,
)
from bot.intents import (
    Intent,
    IntentKind,
    asks_about_tickets,
    asks_for_manager,
    asks_for_past,
    asks_how_long,
    asks_to_cancel,
    fixed_but,
    is_question,
    leaving,
    leaving_bulletin,
    me_too,
    me_too_on,
    named_no_longer_needed,
    names_a_problem,
    no_longer_needed,
    only_a_link,
    recognise,
    reopen_request,
    said_besides,
    split_at_besides,
    verdict_on_fix,
    without_lead_in,
    works_again,
)
from bot.messages import Button, ChannelRef, FileLink, Reply
from bot.models import Bulletin, Conversation, Incident
from bot.notices import HOW_DID_WE_DO, at_work, rating_buttons
from bot.services.bulletins import (
    ACTIVE,
    fixed_line,
    format_bulletin,
    is_general_status,
    known_issue_line,
    posted_in,
)
from bot.services.duplicates import Match, best_match
from bot.services.incidents import IncidentFilter
from bot.services.knowledge import Suggestion
from bot.services.lifecycle import NOT_FINAL, OPEN, State
from bot.services.referrals import Referral
from bot.services.triage import MANY
from bot.sla_cards import after_hours
from bot.typed_answers import (
    ABOUT_IT,
    ACK,
    ADDING,
    BARE_FIELD,
    BELONGS_TO,
    CANCEL,
    EDIT_FIELD,
    FOR_IT,
    GOES_ON,
    NEED_HELP,
    NO,
    ON_THE_TICKET,
    RATING,
    SOLVED,
    STILL,
    YES,
    brings_news,
    chosen_number,
    more_detail,
    one_that_failed,
    rating_of,
    too_short_to_note,
)
from bot.wording import sentence, sentences

_NOTHING_TO_CANCEL = (
    "There is nothing in progress to cancel. To withdraw an incident you reported, say "
    "“cancel INC-42” with its id."
)
_LINK_ALONE = (
    "What about this link? Tell me what goes wrong when you open it (“it says access "
    "denied”), and I'll help."
)
_FIXED = "Glad that fixed it! Nothing was opened. If it comes back, just tell me."

# Asked meanwhile, these are answered and the report's question comes again after.
_ASIDES = (
    IntentKind.PROGRESS,
    IntentKind.STATUS,
    IntentKind.HELP,
    IntentKind.PRIORITY,
    IntentKind.CONTACT,
    IntentKind.FILES,
    IntentKind.TEAM,
    IntentKind.CHANGE,
)
_NEXT_PROBLEM = "\n\n"  # between the problems set aside in `held_text` while drafting
# Steps whose draft ends opened, fixed by an article or joined to an incident, each of
# which then begins the problem set aside (a known problem's or another team's do not).
_HOLDS_UNTIL_DONE = (SUGGESTED, DUPLICATE, SCOPE, BLOCKED, CONFIRM)
_FOR_THEM = "That one sounds like one for {team}, not part of this report:"
_ONE_AT_A_TIME = "You mention two problems: I'll take them one at a time, this one first."
_DRAFTING = (SUGGESTED, DUPLICATE, KNOWN, SCOPE, BLOCKED, CONFIRM, EDIT)
_NOT_YET = "Your report isn't opened yet."
_ASKING = re.compile(r"\b(?:question|ask)\b", re.I)  # "can I ask something?": not a fault
# Said to someone rather than asked about them: "did you restart it?" is for the reporter
_TO_THEM = re.compile(r"\b(?:you|your|you'?re|you'?ve)\b", re.I)
# "it asks me for a key", "I can't see the folder yet": about the fix just made
_IT = re.compile(r"\b(?:it|this|yet|still)\b", re.I)
_SHOW_ME = re.compile(
    r"^(?:please |can you |could you )?(?:show|list|give|get|find|pull up|send|post|share|"
    r"forward|email)\b",
    re.I,
)
_DESK_WORDS = re.compile(
    r"\b(?:tickets?|incidents?|queues?|reports?|figures|numbers|stats|backlog|sla)\b", re.I
)
# "how many people are affected by the wifi?": a question about the desk's work, asked by
# its staff, whatever it names; "why does my wifi drop?" is a problem of their own
_ABOUT_THE_DESK = re.compile(
    r"^(?!.*\b(?:i|i'm|im|my|me|mine)\b)(?:how many|how much|which|who|whose|what percentage)\b",
    re.I,
)


@dataclass
class Chat:
    """One message (or button) in one person's conversation, inside a unit of work."""

    ctx: CommandContext
    row: Conversation
    said: list[str] = field(default_factory=list)  # lines said before the answer
    files: tuple[FileLink, ...] = ()  # sent with this message

    @classmethod
    async def load(cls, ctx: CommandContext) -> Chat:
        row = await find_row(ctx.session, ctx.person.key, place_of(ctx.channel))
        if row is None:
            row = await create_row(ctx)
        chat = cls(ctx, row)
        chat._expire_if_due()
        chat._where(ctx.channel)
        return chat

    def _where(self, channel: ChannelRef) -> None:
        self.row.platform, self.row.channel_id = channel.platform, channel.channel_id
        self.row.thread_id = channel.thread_id
        self.row.updated_at = self.ctx.now

    def _expire_if_due(self) -> None:
        row = self.row
        if row.step != IDLE and row.expires_at is not None and row.expires_at <= self.ctx.now:
            self.said.append(expired_text(row))
            reset(row)

    # -- messages ---------------------------------------------------------

    async def on_message(self, text: str, files: Sequence[FileLink] = ()) -> Reply:
        self.files = tuple(files)
        if self.files and not text.strip():
            return await self._files_alone()
        intent = recognise(text)
        if self.row.step == RATE:
            # "How did we do?" is answered, or lapses and the message is read as usual.
            rating = await self._typed_rating(text.strip())
            if rating is not None:
                return rating
        await self._known_ended()
        if self.row.step != IDLE:
            # "thanks, all good now" about a fix that asked for their word is that word, and
            # "pro" the answer to the question its owner asked since
            answer = await self._over_a_stale_question(text)
            if answer is not None:
                return answer
            # "never mind, it works now" mid-report drops it too (but answers "cancel it?"),
            # and asked whether a message is a note, it is about the incident itself.
            gone = self.row.step != WITHDRAW and no_longer_needed(text)
            if gone and self.row.step in HOLDING:
                return await self._withdrawal(text) or self.answer(self._dropped())
            if CANCEL.match(text.strip()) or gone:
                return self.answer(self._dropped())
            reply = await self._answer_step(text, intent)
            if reply is not None:
                return reply
            if intent.kind in _ASIDES:
                return self._meanwhile(self.row.step, await self._fresh(text, intent))
        return await self._fresh(text, intent)

    async def _fresh(self, text: str, intent: Intent) -> Reply:
        reopened = await self._reopen_asked(text)
        if reopened is not None:
            return reopened
        verdict = await self._verdict_on_fix(text)
        if verdict is not None:
            return verdict
        unsure = await self._still_wrong_or_new(text, intent)
        if unsure is not None:
            return unsure
        withdrawal = await self._withdrawal(text) or await self._works_again(text)
        if withdrawal is not None:
            return withdrawal
        if CANCEL.match(text.strip()):
            return await self._cancel_alone()
        if only_a_link(text):
            return self.answer(Reply(text=_LINK_ALONE))
        joined = await self._me_too(text) or await self._leave(text)
        if joined is not None:
            return joined
        noted = await self._agent_in_thread(text)
        if noted is not None:
            return noted
        kind = intent.kind
        if kind == IntentKind.GREETING:
            return self.answer(Reply(text=self._greeting()))
        if kind == IntentKind.OPENER:
            return self._ask_what_is_wrong(intent.text, asking=bool(_ASKING.search(text)))
        if kind == IntentKind.THANKS:
            return self.answer(Reply(text=await self._thanks()))
        if kind == IntentKind.HELP:
            return self.answer(Reply(text=help_text(self.ctx.person)))
        if kind == IntentKind.PRIORITY:
            return self.answer(Reply(text=priority_text(self.ctx.rules.settings, intent.text)))
        if kind == IntentKind.CONTACT:
            wanted = asks_for_manager(text)
            return self.answer(Reply(text=contact_text(self.ctx.rules, managers=wanted)))
        if kind == IntentKind.FILES:
            return self.answer(Reply(text=FILES_TEXT))
        if kind == IntentKind.CHANGE:
            return self.answer(Reply(text=CHANGE_TEXT))
        if kind == IntentKind.TEAM:
            return self.answer(Reply(text=team_text(self.ctx.rules, self.ctx.person, intent.text)))
        if kind == IntentKind.COMPLAINT:
            return await self.complaint(intent.incident)
        if kind == IntentKind.HURRY:
            hurried = await self.hurry(intent.incident, text)
            if hurried is not None:
                return hurried
        if kind == IntentKind.PROGRESS:
            drafting = self.row.step in _DRAFTING
            number = intent.incident or await self._named(text)
            past = asks_for_past(text)
            return self.answer(await progress(self.ctx, number, drafting=drafting, past=past))
        if kind == IntentKind.STATUS:
            return await self.status(text)
        followed = await self._reported_and_followed(text)
        if self._how_long_for(followed, text):
            return self.answer(await progress(self.ctx, followed.id, drafting=False))
        asked = followed is not None and await self.ctx.incidents.asked(followed, self.ctx.person)
        # "can you add that ...", "... on the ticket": it says where
        adding = bool(ADDING.match(text.strip()) or ON_THE_TICKET.search(text))
        elsewhere = followed is not None and not adding and self._elsewhere(text, followed)
        # "and it only happens after lunch": more of the same, unless it names a problem
        # or another topic
        goes_on = bool(GOES_ON.match(text.strip())) and not names_a_problem(text)
        goes_on = goes_on or bool(ABOUT_IT.search(text))
        asked = asked or adding or (goes_on and not elsewhere)
        if followed is not None and elsewhere and not asked and self.ctx.channel.is_direct:
            # "and now teams won't start" after a printer report: news, said to be so
            label = f"{format_id(followed.id)} “{followed.summary}”"
            self._say(
                f"This sounds like a new problem, not {label}; if it belongs there, say "
                f"“add it to INC-{followed.id}”."
            )
            followed = None
        # A short "tray 2" is not worth a question, unless it answers the one the desk asked.
        if followed is not None and (asked or not too_short_to_note(text, kind)):
            return await self._about_incident(followed, text, asked=asked, elsewhere=elsewhere)
        if self._staff_question(text):
            return self.answer(Reply(text=STAFF_UNCLEAR_TEXT))
        if kind == IntentKind.REPORT or self.ctx.knowledge.search(text, limit=1):
            return await self.start_report(intent.text or text)
        return self.answer(Reply(text=UNCLEAR_TEXT))

    def _staff_question(self, text: str) -> bool:
        """A question or a request to be shown something from the desk's staff that names
        nothing wrong ("what's our first time fix rate?", "show me the tickets alice
        raised"): one of theirs not understood, not a problem of their own."""
        if not self.ctx.person.is_agent:
            return False
        if is_question(text) and _ABOUT_THE_DESK.match(text.strip()):
            return True
        shown = bool(_SHOW_ME.match(text.strip()))
        if shown and _DESK_WORDS.search(text):
            return True  # "forward the printer tickets to erin": never a fault of theirs
        asks = is_question(text) or shown
        return asks and not names_a_problem(text) and not self.ctx.knowledge.search(text, limit=1)

    def _meanwhile(self, step: str, reply: Reply) -> Reply:
        """A question answered while a report is written: the answer, then the question
        the report still waits on, so that nobody takes it for opened."""
        if step not in _DRAFTING or self.row.step != step:
            return reply
        asked = question_reply(self.row)
        return replace(
            reply,
            text=f"{reply.text}\n\n{_NOT_YET} {asked.text}",
            buttons=reply.buttons or asked.buttons,
        )

    async def _about_incident(
        self, incident: Incident, text: str, *, asked: bool, elsewhere: bool = False
    ) -> Reply:
        """A message where an incident is being followed: a note, or a new problem? An
        answer to the desk's question needs no asking, unless it is about something else
        ("and now teams won't start" while the desk waits for the printer's tray)."""
        pending = incident.state == State.PENDING
        # The desk's staff say what goes to the reporter ("reply to 1: …", "tell her …"):
        # anything else of theirs is asked about first, never sent on by itself.
        staff = self.ctx.person.is_agent and incident.reporter_key != self.ctx.person.key
        said_for_it = not staff and not elsewhere and (pending or asked)
        if not self.ctx.channel.is_direct or said_for_it:
            return await self.add_note(incident.id, text)
        if staff and is_question(text) and not _TO_THEM.search(text):
            return await self._shown_to_staff(incident)
        self.row.step, self.row.held_text = NOTE_OR_NEW, self._kept(text)
        return self._note_or_new_question(incident)

    async def _shown_to_staff(self, incident: Incident) -> Reply:
        """ "what did she say exactly?": an agent's question about the incident their chat
        follows is answered with it, its latest updates, and how to ask its reporter."""
        shown = await progress(self.ctx, incident.id, drafting=False)
        label = format_id(incident.id)
        ask = f"To ask {incident.reporter_name}, say “reply to {label}: …”."
        return self.answer(replace(shown, text=f"{shown.text}\n{ask}"))

    def _note_or_new_question(self, incident: Incident, before: str = "") -> Reply:
        self._extend()
        label = f"{format_id(incident.id)} “{incident.summary}”"
        return self.answer(
            two_ways(
                f"{before}Is this about {label}, or a new problem?\n"
                f"1. Add it to {format_id(incident.id)}\n2. It's a new problem",
                (f"Add to {format_id(incident.id)}", "intake.note"),
                ("New problem", "intake.new"),
            )
        )

    async def _hold_too(self, text: str) -> Reply:
        """More said before "a note, or a new problem?" is answered: kept with the first
        message (before, it was lost), and the question asked again for both."""
        incident = await self.ctx.session.get(Incident, self.row.incident_id)
        if incident is None:
            return self.answer(self._dropped())
        self.row.held_text = f"{self.row.held_text}\n{self._kept(text)}"
        kept = "I'll keep that with your last message. "
        if self.row.step == NOT_FIXED:
            return self._not_fixed_question(incident, kept)
        return self._note_or_new_question(incident, kept)

    async def _reopen_asked(self, text: str) -> Reply | None:
        """The reporter asks for their incident back ("reopen INC-1 its jamming again"):
        reopened with their reason (asked for, if they gave none). A closed one can't be:
        what they say is a new report, which the desk sees came back."""
        asked = reopen_request(text)
        if asked is None:
            return None
        number, reason = asked
        if number is None:
            incident = await self._resolved_for_reporter()
        else:
            incident = await self.ctx.session.get(Incident, number)
        if incident is None or incident.reporter_key != self.ctx.person.key:
            return None
        if incident.state == State.RESOLVED:
            if not reason:
                return self.ask_reopen_reason(incident)
            self.row.step, self.row.incident_id = REOPEN_REASON, incident.id
            return await self.reopen_with(reason)
        if State(incident.state) in OPEN:
            return await self.add_note(incident.id, reason) if reason else None
        self._say(
            f"{format_id(incident.id)} is {incident.state}, so it can't be reopened: I'll take "
            "this as a new report, and the desk will see it came back."
        )
        back = f"Came back after {format_id(incident.id)} “{incident.summary}”."
        return await self.start_report(f"{reason or incident.summary}\n{back}")

    async def _over_a_stale_question(self, text: str) -> Reply | None:
        """A message while "a note, or a new problem?" waits, after the incident it asked
        about asked its reporter something since: "no it still drops" once it was resolved
        and they were asked whether it works, "pro" once its owner asked "standard or
        pro?". The question is stale: the message they held is set aside, said so, and
        this one is read as usual, as the answer it is. A yes, no, 1 or 2 still answers
        the question."""
        if self.row.step not in HOLDING or YES.match(text.strip()) or NO.match(text.strip()):
            return None
        if self.row.step == NOT_FIXED:
            answered = await self._fixed_or_not(text)
            if answered is not None:
                return answered
        if not await self._asked_since(text):
            return None
        held = self.row.held_text or ""
        self.reset()  # the incident it is about stays followed
        self._say(
            f"I set your earlier message aside (“{short(held)}”); send it again if it still "
            "matters."
        )
        return await self._fresh(text, recognise(text))

    async def _fixed_or_not(self, text: str) -> Reply | None:
        """A verdict in words while "not fixed after all, or new?" waits: "no it still
        jams" reopens it, what they held and this its reason; "oh it works now" confirms
        the fix, and what they held no longer matters."""
        fixed = verdict_on_fix(text)
        if fixed is False:
            self.row.held_text = f"{self.row.held_text}\n{self._kept(text)}"
            return await self.note_or_new(add=True)
        incident = await self._resolved(self.row.incident_id)
        if incident is None or not (fixed or works_again(text)):
            return None
        self.reset()
        return self.answer(await confirm_fix(self.ctx, incident.id))

    async def _asked_since(self, text: str) -> bool:
        """Whether the incident a "note, or new problem?" question is about now waits for
        the reporter's word (its owner asked them something), or, for a verdict ("no it
        still drops"), a fix of theirs does. It didn't when the question was asked, or
        their message would have gone onto it."""
        if verdict_on_fix(text) is not None and await self._resolved_for_reporter() is not None:
            return True
        number = self.row.incident_id
        incident = await self.ctx.session.get(Incident, number) if number is not None else None
        return incident is not None and await self.ctx.incidents.asked(incident, self.ctx.person)

    async def _verdict_on_fix(self, text: str) -> Reply | None:
        """The reporter, just asked whether the fix works, says so in words: a yes
        confirms it, a no asks what is still wrong. A question or a longer message is
        left to the usual handling."""
        besides = fixed_but(text)
        fixed = True if besides else verdict_on_fix(text)
        if fixed is None:
            return None
        incident = await self._resolved_for_reporter()
        if incident is None or (besides is None and self._elsewhere(text, incident)):
            return None
        if not fixed:
            return self.ask_reopen_reason(incident)
        confirmed = await confirm_fix(self.ctx, incident.id)
        if besides is None:
            return self.answer(confirmed)
        # the new problem is asked about now; the rating can wait for the next fix
        self.said.append(f"Thanks for confirming. {format_id(incident.id)} is closed.")
        return await self.start_report(
            f"{besides} (after {format_id(incident.id)} “{incident.summary}”)"
        )

    async def _still_wrong_or_new(self, text: str, intent: Intent) -> Reply | None:
        """ "hmm it asks me for a licence key" once a fix asked for the reporter's word:
        about "it", and no verdict either way, so the fix may not have worked or this is
        something new. Asked which: 1 reopens the incident with these words, 2 reports
        them (naming the incident before)."""
        if intent.kind != IntentKind.REPORT or is_question(text) or said_besides(text):
            return None
        if not self.ctx.channel.is_direct or not _IT.search(text):
            return None
        incident = await self._resolved_for_reporter()
        if incident is None or self._elsewhere(text, incident):
            return None
        self.row.step, self.row.held_text = NOT_FIXED, self._kept(text)
        self.row.incident_id = incident.id
        return self._not_fixed_question(incident)

    def _names_the_held(self, intent: Intent) -> bool:
        """Whether the message names the incident a held message waits to be added to.
        Not from the desk's staff: what they hold may be commands the desk did not
        understand, not words for the reporter, and they say 1 or 2."""
        named = intent.incident is not None and intent.incident == self.row.incident_id
        return named and not self.ctx.person.is_agent

    def _not_fixed_question(self, incident: Incident, before: str = "") -> Reply:
        self._extend()
        number, label = format_id(incident.id), f"{format_id(incident.id)} “{incident.summary}”"
        return self.answer(
            two_ways(
                f"{before}Is {label} not fixed after all, or is this a new problem?\n"
                f"1. It isn't fixed: reopen {number}\n2. It's a new problem",
                (f"Not fixed: reopen {number}", "intake.note"),
                ("New problem", "intake.new"),
            )
        )

    async def _me_too(self, text: str) -> Reply | None:
        """ "Same here" in a channel thread where someone else's incident was opened: they
        are affected too, and what else they say goes onto it."""
        named = me_too_on(text)
        if named is not None and not self.ctx.person.is_agent:
            return await self._me_too_named(*named)
        rest = me_too(text)
        if rest is None or self.ctx.channel.is_direct or self.ctx.person.is_agent:
            return None  # the desk's own "+1" in a thread is no one affected
        incident = await self._thread_incident()
        if incident is None:
            return await self._bulletin_me_too()
        if incident.reporter_key == self.ctx.person.key:
            return None
        return await self._join(incident, rest)

    async def _leave(self, text: str) -> Reply | None:
        """ "take me off INC-1": no longer affected, they stop hearing its news (and this
        chat stops following it). "It" is the incident the chat follows."""
        bulletin = leaving_bulletin(text)
        if bulletin is not None:
            bulletins = self.ctx.bulletins
            await bulletins.unfollow(self.ctx.person, bulletin)
            said = f"OK, you're off the list for {format_bulletin(bulletin)}: no more news of it."
            return self.answer(Reply(text=said))
        number = leaving(text)
        if number == 0:
            number = self.row.incident_id
        if number is None:
            return None
        left = await self.ctx.incidents.remove_affected(number, self.ctx.person)
        if self.row.incident_id == left.id:
            self.row.incident_id = None
        return self.answer(
            Reply(text=f"OK, you're off {format_id(left.id)}: you won't hear its news any more.")
        )

    async def _me_too_named(self, number: int, rest: str) -> Reply | None:
        """ "same problem as INC-1", wherever it is said: affected by the incident named."""
        incident = await self.ctx.incidents.get(number)
        if incident.reporter_key == self.ctx.person.key:
            return None
        if State(incident.state) not in OPEN:
            said = (
                f"{format_id(number)} is {incident.state}. If you still have the problem, tell "
                "me what you see and I'll take it from there."
            )
            return self.answer(Reply(text=said))
        return await self._join(incident, rest)

    async def _join(self, incident: Incident, rest: str) -> Reply:
        """They are affected too (once), and what else they said goes onto it."""
        number, incidents = incident.id, self.ctx.incidents
        self.follow(incident)
        if await incidents.involves(incident, self.ctx.person):
            said = f"You're on {format_id(number)} already; I'll tell you when there is news."
        else:
            joined = await incidents.add_affected(number, self.ctx.person)
            said = (
                f"You're on {format_id(number)} now ({joined.people_affected} people "
                "affected); I'll tell you when there is news."
            )
        if rest:
            await incidents.note(number, self.ctx.person, rest)
            said += " What you said is on it too."
        return self.answer(Reply(text=said))

    async def _agent_in_thread(self, text: str) -> Reply | None:
        """An agent writing in the thread of someone's incident is talking to them there:
        it goes onto the timeline as a note, and nobody reached in that thread is told it
        again. Only the agent hears that it was noted."""
        if self.ctx.channel.is_direct or not self.ctx.person.is_agent:
            return None
        incident = await self._thread_incident(frozenset(State))
        if incident is None or incident.reporter_key == self.ctx.person.key:
            return None
        if State(incident.state) not in NOT_FINAL:
            said = (
                f"{format_id(incident.id)} is {incident.state}: nothing said here is noted on it."
            )
            return Reply(text=said, ephemeral=True)
        await self.ctx.incidents.note(
            incident.id, self.ctx.person, self._kept(text), said_in=self.ctx.channel
        )
        return Reply(text=f"Noted on {format_id(incident.id)}.", ephemeral=True, receipt=True)

    async def _named(self, text: str) -> int | None:
        """ "my printer ticket", "the outlook one": which of their incidents that is."""
        found = await self.ctx.incidents.named_in(self.ctx.person, text)
        return found.id if found else None

    async def _bulletin_me_too(self) -> Reply | None:
        """ "Same here" in the thread of a posted bulletin: they follow it, as the
        "Yes, I'm affected" button does."""
        bulletin = await posted_in(self.ctx.session, self.ctx.channel)
        if bulletin is None:
            return None
        return self.answer(await self._follow_bulletin(bulletin.id))

    async def _follow_bulletin(self, number: int) -> Reply:
        bulletins = self.ctx.bulletins
        await bulletins.follow(self.ctx.person, number)
        return Reply(
            text=f"Thanks, you're on the list for {format_bulletin(number)}: you'll hear "
            "each update and when it's resolved. Nothing new was opened."
        )

    async def _thread_incident(self, states: frozenset[State] = OPEN) -> Incident | None:
        """The incident (open, or in `states`) that someone's conversation in this thread
        is about."""
        for number in await thread_incidents(self.ctx.session, self.ctx.channel):
            incident = await self.ctx.session.get(Incident, number)
            if incident is not None and State(incident.state) in states:
                return incident
        return None

    async def _withdrawal(self, text: str) -> Reply | None:
        """The reporter says the incident being followed, or the one they name, is no
        longer needed: offer to cancel it (never cancelled on a guess)."""
        named = named_no_longer_needed(text)
        if named is not None:
            incident = await self.ctx.session.get(Incident, named)
            if incident is None or State(incident.state) not in OPEN:
                return None
        elif no_longer_needed(text):
            incident = await self._spoken_of(text)
        else:
            return None
        if incident is None or not await self.ctx.incidents.involves(incident, self.ctx.person):
            return None
        if incident.reporter_key != self.ctx.person.key:
            return self.answer(Reply(text=self._not_yours_to_cancel(incident)))
        if incident.assignee and works_again(text) and not asks_to_cancel(text):
            return await self._works_now(incident, text)
        glad = "Glad it's sorted! " if works_again(text) else ""  # not for "cancel my ticket"
        return self._offer_withdrawal(incident, text.strip(), glad)

    async def _works_again(self, text: str) -> Reply | None:
        """ "it works for me now" with no incident of theirs open: news about a known
        problem they follow (they come off its list), or simply good news; never the
        start of a report."""
        if not works_again(text) or is_question(text) or said_besides(text):
            return None
        bulletins = self.ctx.bulletins
        followed = await bulletins.followed_by(self.ctx.person)
        for bulletin in followed:
            await bulletins.unfollow(self.ctx.person, bulletin.id)
        if not followed:
            return self.answer(Reply(text="Glad it works! Tell me if anything else goes wrong."))
        names = ", ".join(format_bulletin(b.id) for b in followed)
        return self.answer(
            Reply(
                text=f"Glad it works for you again! I've taken you off the list for {names}; "
                "the desk is still on it for the others."
            )
        )

    @staticmethod
    def _not_yours_to_cancel(incident: Incident) -> str:
        label = format_id(incident.id)
        return (
            f"Only {incident.reporter_name}, who reported {label}, or the desk can cancel it. "
            f"If it no longer affects you, say “take me off {label}”."
        )

    async def _works_now(self, incident: Incident, text: str) -> Reply:
        """ "It works now" on an incident someone works on: their fix, for them to resolve
        with what fixed it (cancelling would record it as opened by mistake)."""
        await self.ctx.incidents.note(incident.id, self.ctx.person, self._kept(text))
        owner = self.ctx.rules.directory.name_of(incident.assignee or "")
        return self.answer(
            Reply(
                text=f"Glad it's sorted! I told {owner}, who resolves "
                f"{format_id(incident.id)} with what fixed it."
            )
        )

    async def _cancel_alone(self) -> Reply:
        """ "cancel" with no draft under way: the reporter's incident followed here, if
        that is what they mean (asked, never guessed); else there is nothing to cancel."""
        incident = await self._followed_incident()
        if incident is not None and incident.reporter_key == self.ctx.person.key:
            return self._offer_withdrawal(incident, "withdrawn by its reporter")
        return self.answer(Reply(text=_NOTHING_TO_CANCEL))

    def _offer_withdrawal(self, incident: Incident, reason: str, glad: str = "") -> Reply:
        self.reset()
        self.row.step, self.row.incident_id = WITHDRAW, incident.id
        self.row.held_text = reason
        self._extend()
        label = f"{format_id(incident.id)} “{incident.summary}”"
        return self.answer(
            two_ways(
                f"{glad}Shall I cancel {label}? "
                "Yes cancels it and tells the desk why; no keeps it open.",
                ("Yes, cancel it", "intake.withdraw"),
                ("No, keep it open", "intake.keep"),
            )
        )

    async def withdraw(self, *, cancel: bool) -> Reply:
        self._expect(WITHDRAW)
        number, reason = self.row.incident_id, self.row.held_text
        self.reset()
        assert number is not None
        if not cancel:
            return self.answer(Reply(text=f"OK, {format_id(number)} stays open."))
        await self.ctx.incidents.cancel(number, self.ctx.person, reason=reason, duplicate_of=None)
        return self.answer(
            Reply(text=f"{format_id(number)} is cancelled. Tell me if the problem comes back.")
        )

    def follow(self, incident: Incident) -> None:
        """From now on this place's conversation is about `incident` (unless a report or
        a question is under way here)."""
        if self.row.step == IDLE:
            self.row.incident_id = incident.id

    def _elsewhere(self, text: str, incident: Incident) -> bool:
        """Whether the message names another branch of the category tree than the
        incident's: "teams not working" after a printer fix is a new problem."""
        named = self.ctx.rules.triage.category(text)
        return named is not None and named.split("/")[0] != incident.category.split("/")[0]

    async def _resolved_for_reporter(self) -> Incident | None:
        """The fix a "yes it works" is about: the followed incident's, or, when other news
        moved the chat on, the reporter's only incident waiting for their word."""
        if self.row.incident_id is not None:
            incident = await self.ctx.session.get(Incident, self.row.incident_id)
            if incident is not None and incident.state == State.RESOLVED:
                return incident if incident.reporter_key == self.ctx.person.key else None
        if not self.ctx.channel.is_direct:
            return None  # elsewhere only the incident being followed there
        waiting = await self.ctx.incidents.waiting_for_word(self.ctx.person)
        return waiting[0] if len(waiting) == 1 else None

    def _how_long_for(self, followed: Incident | None, text: str) -> TypeGuard[Incident]:
        """ "How long does a new keyboard usually take?" of the followed incident: its
        SLA's answer, not a note. Not while it waits on someone: then only its owner can
        say, and the question goes to them."""
        if followed is None or followed.state == State.PENDING or not asks_how_long(text):
            return False
        return not self._elsewhere(text, followed)

    async def _reported_and_followed(self, text: str) -> Incident | None:
        """The followed incident, if what the person says may be more about it. An
        agent's chat follows what they take on or hear of, and their reply to news of it
        may be a note to its reporter; their question about the desk's tickets is not."""
        followed = await self._followed_incident()
        staff = self.ctx.person.is_agent
        if followed is None or (staff and asks_about_tickets(text)):
            return None
        return followed

    async def _followed_incident(self) -> Incident | None:
        """The open incident this place's conversation is about, if any."""
        if self.row.incident_id is None:
            return None
        incident = await self.ctx.session.get(Incident, self.row.incident_id)
        if incident is None or State(incident.state) not in OPEN:
            if incident is None or State(incident.state) not in NOT_FINAL:
                self.row.incident_id = None  # resolved, it may still hear "it works"
            return None
        return incident

    async def _answer_step(self, text: str, intent: Intent) -> Reply | None:
        """A typed answer to the question asked last; None when it isn't one."""
        step, clean = self.row.step, text.strip()
        if step in _DRAFTING and (belongs := BELONGS_TO.match(clean)):
            return await self._belongs_to(int(belongs[1]))
        if step == SUGGESTED:
            number = chosen_number(clean, len(self.row.articles))
            if number is not None:
                return await self.solved(self.row.articles[number - 1])
            if SOLVED.match(clean) and len(self.row.articles) == 1:
                return await self.solved(self.row.articles[0])
            if SOLVED.match(clean):
                self.row.step = WHICH
                count = len(self.row.articles)
                return self.answer(
                    Reply(text=f"Glad one did! Which one? Say its number, 1 to {count}.")
                )
            failed = one_that_failed(clean, len(self.row.articles))
            if failed is not None:
                return self._the_others(failed)
            if STILL.match(clean):
                return await self.unsolved()
        elif step == WHICH:
            return await self._which(clean, intent)
        elif step == REFERRED and (FOR_IT.match(clean) or NEED_HELP.match(clean)):
            return await self.for_it()
        elif step == REFERRED:
            reset(self.row)  # pointed elsewhere, nothing waits: the message is read afresh
            return None
        elif step == KNOWN and (YES.match(clean) or NO.match(clean) or STILL.match(clean)):
            return await self.known(affected=bool(YES.match(clean)))
        elif step == DUPLICATE and (YES.match(clean) or NO.match(clean) or STILL.match(clean)):
            return await self.same(bool(YES.match(clean)))
        elif step in (SCOPE, BLOCKED) and self._says_more(clean, intent):
            return await self.add_detail(clean)  # and what it answers is read from it
        elif step == SCOPE and (level := self.ctx.rules.triage.answer_scope(clean)):
            self.row.impact = level
            return await self.ask_next()
        elif step == BLOCKED and (
            level := self.ctx.rules.triage.answer_blocked(clean, self.row.kind)
        ):
            self.row.urgency = level
            return await self.ask_next()
        elif step in (SCOPE, BLOCKED) and self._kept_other_answer(step, clean):
            # The question asked is still open: ask it again, keeping any news it brought.
            if brings_news(clean, intent.kind):
                return await self.add_detail(clean)
            self.said.append(self._noted_other(step))
            return await self.ask_next()
        elif step == CONFIRM and clean.rstrip(".") == "2":
            return self.edit()  # the buttons' order: Confirm, Edit, Cancel
        elif step == CONFIRM and YES.match(clean):
            return await self.confirm()
        elif step == CONFIRM and (NO.match(clean) or clean.rstrip(".") == "3"):
            return self.answer(self._dropped())
        elif step == EDIT and (YES.match(clean) or NO.match(clean)):
            self.row.step = CONFIRM  # nothing to change after all
            return self.answer(self._summary())
        elif step == CONFIRM and clean.lower() == "edit":
            return self.edit()
        elif step in (EDIT, CONFIRM) and (field := BARE_FIELD.match(clean)):
            return self._field_now(field[1].lower())
        elif step in (EDIT, CONFIRM) and (step == EDIT or EDIT_FIELD.match(clean)):
            return self.apply_edit(clean)
        elif step in HOLDING and (YES.match(clean) or NO.match(clean)):
            return await self.note_or_new(add=bool(YES.match(clean)))
        elif step in HOLDING and self._names_the_held(intent):
            # "can you escalate INC-1?" says which: both messages are about it
            self.row.held_text = f"{self.row.held_text}\n{self._kept(clean)}"
            return await self.note_or_new(add=True)
        elif step == TOPIC:
            return await self._about_topic(clean, intent)
        elif step == REOPEN_REASON:
            return await self.reopen_with(clean)
        elif step == WHAT_WENT_WRONG:
            return await self.poor_because(clean)
        elif step == WITHDRAW and (YES.match(clean) or NO.match(clean)):
            return await self.withdraw(cancel=bool(YES.match(clean)))
        if intent.kind in _ASIDES:
            return None  # answered fresh; the draft waits
        if step == SUGGESTED and more_detail(clean, intent.kind):
            return await self.look_again(clean)
        if step in (SCOPE, BLOCKED, CONFIRM) and NEED_HELP.match(clean):
            # on its way to the desk already: not detail, and not ignored either
            then = "confirm" if step == CONFIRM else "answer this"
            self.said.append(f"It goes to the desk as soon as you {then}.")
            return await self._ask_again()
        if step in (SCOPE, BLOCKED, CONFIRM) and more_detail(clean, intent.kind):
            return await self.add_detail(clean)
        if step == KNOWN and intent.kind == IntentKind.REPORT:
            return None  # not the known problem: a report of its own, in the person's words
        polite = intent.kind in (IntentKind.THANKS, IntentKind.GREETING) or ACK.match(clean)
        if step in HOLDING and not polite and not too_short_to_note(clean, intent.kind):
            return await self._hold_too(clean)
        if polite:
            if step in HOLDING:  # "thanks", "bye": done, the message was no question
                self.said.append(self._dropped().text)
                return None
            return await self._ask_again()  # polite, not misunderstood: no "sorry"
        return self.answer(Reply(text=f"Sorry, I didn't get that. {question_text(self.row)}"))

    def _says_more(self, clean: str, intent: Intent) -> bool:
        """More about a problem, not a bare answer: "i forgot my password and im locked
        out" answers "Who is affected?" only by the way (it says "my password")."""
        return more_detail(clean, intent.kind) and bool(self.ctx.rules.triage.category(clean))

    def _noted_other(self, step: str) -> str:
        """ "Noted: Work is slowed down, or a workaround exists." for the answer given to
        the question not yet asked, so that the person sees what was understood."""
        levels = self.ctx.rules.settings.classification
        meaning = (
            levels.urgency.get(self.row.urgency or "")
            if step == SCOPE
            else levels.impact.get(self.row.impact or "")
        )
        return f"Noted: {meaning[:1].lower()}{meaning[1:]}." if meaning else "Noted."

    def _kept_other_answer(self, step: str, clean: str) -> bool:
        """Whether the message answered the other of the two questions ("just me" when
        asked whether they can work), now kept; a bare number, yes or no is too short to
        tell."""
        if chosen_number(clean, 9) is not None or YES.match(clean) or NO.match(clean):
            return False
        triage = self.ctx.rules.triage
        if step == BLOCKED and (impact := triage.answer_scope(clean)):
            self.row.impact = impact
            return True
        if step == SCOPE and (urgency := triage.answer_blocked(clean)):
            self.row.urgency = urgency
            return True
        return False

    async def _which(self, clean: str, intent: Intent) -> Reply | None:
        """Told an article fixed it and asked which: a number says, "still need help"
        takes it back; anything else leaves the fix standing, nothing opened, and a new
        problem or question is read as one."""
        number = chosen_number(clean, len(self.row.articles))
        if number is not None:
            return await self.solved(self.row.articles[number - 1])
        if STILL.match(clean):
            return await self.unsolved()
        self.reset()
        if intent.kind in _ASIDES or self._a_problem(clean, intent):
            self.said.append("Glad that's fixed.")
            return None
        return self.answer(Reply(text=_FIXED))

    def _a_problem(self, text: str, intent: Intent) -> bool:
        """A report about something the desk knows ("I need access to the finance drive"),
        not a stray reply ("not sure"): it names a topic or fits an article."""
        if intent.kind != IntentKind.REPORT:
            return False
        known = self.ctx.rules.triage.category(text) is not None
        return known or bool(self.ctx.knowledge.search(text, limit=1))

    async def _ask_again(self) -> Reply:
        """The question waiting for its answer, once more, with its buttons if it has any."""
        if self.row.step in (SCOPE, BLOCKED, CONFIRM):
            return await self.ask_next()
        return self.answer(Reply(text=question_text(self.row)))

    # -- reporting ----------------------------------------------------------

    async def start_report(self, text: str, held: Sequence[str] = ()) -> Reply:
        """A report; two problems in one message ("my laptop is slow, also outlook keeps
        crashing") one at a time, the second set aside until the first is done with."""
        two = self._two_problems(text)
        if two is None:
            return await self._report(text, held)
        said = len(self.said)
        first = await self._report(two[0], held)
        if self.row.step not in _HOLDS_UNTIL_DONE:
            del self.said[said:]  # a known problem or another team's: read as a whole
            return await self._report(text, held)
        self.row.held_text = two[1]
        return replace(first, text=f"{_ONE_AT_A_TIME}\n{first.text}")

    def _two_problems(self, text: str) -> tuple[str, str] | None:
        """The message split where it says "also" before a second problem, when each
        half says something is wrong and they name different branches of the tree."""
        parts = split_at_besides(text)
        if parts is None or not all(names_a_problem(part) for part in parts):
            return None
        first, second = (self.ctx.rules.triage.category(part) for part in parts)
        if first is None or second is None or first.split("/")[0] == second.split("/")[0]:
            return None
        return parts

    async def _report(self, text: str, held: Sequence[str] = ()) -> Reply:
        """A known problem (an active bulletin) first; else self-help, then the questions.
        `held`: the lines of files sent with the message, if it was set aside first."""
        self.row.attachments = None  # a new report: files sent with an earlier one are not its
        self._say(self._keep_files(held))
        known = await self.ctx.bulletins.matching(text)
        if known is not None:
            return await self._known_issue(known, text)
        referral = self.ctx.rules.referrals.team_for(text)
        # an article that fits makes it IT's ("out of office for my annual leave")
        if referral is not None and not self.ctx.knowledge.search(text, limit=1):
            return self._referred(referral, text)
        return await self.suggest(text)

    def _referred(self, referral: Referral, text: str) -> Reply:
        """Another team's (facilities, HR): where to go, and a way to keep it here."""
        reset(self.row)
        self.row.step, self.row.text = REFERRED, text
        self._extend()
        said = (
            f"That sounds like one for {referral.team} rather than the IT desk: "
            f"{sentence(referral.contact)} If it is an IT problem after all, press “It's for "
            "IT” or say so."
        )
        return self.answer(Reply(text=said, buttons=(Button("It's for IT", "intake.ours", ""),)))

    async def for_it(self) -> Reply:
        """ "It's for IT": the referred message goes on as a report after all."""
        self._expect(REFERRED)
        return await self.suggest(self.row.text)

    async def status(self, text: str) -> Reply:
        """ "Is email down?": answered from the bulletins in force."""
        bulletins = self.ctx.bulletins
        known = await bulletins.matching(text)
        if known is not None:
            return await self._known_issue(known, text)
        active = await bulletins.listing()
        if active and is_general_status(text):
            lines = "\n".join(f"• {known_issue_line(b, self.ctx.now)}" for b in active)
            return self.answer(Reply(text=f"Known problems right now:\n{lines}"))
        fixed = await bulletins.recently_resolved(text)
        if fixed is not None:
            return self.answer(Reply(text=fixed_line(fixed, self.ctx.now)))
        return self.answer(
            Reply(
                text="I don't know of any problem with that right now. If something isn't "
                "working for you, tell me what you see and I'll help."
            )
        )

    async def _known_issue(self, bulletin: Bulletin, text: str) -> Reply:
        """A known problem: are they hit by it? Not asked again of someone who said so
        ("when will email be back?"): its latest word is the answer."""
        bulletins = self.ctx.bulletins
        if bulletin in await bulletins.followed_by(self.ctx.person):
            return self.answer(
                Reply(
                    text=f"Known issue, we're on it: {known_issue_line(bulletin, self.ctx.now)}"
                    f"\nYou're on the list for {format_bulletin(bulletin.id)}: you'll hear as "
                    "soon as it's fixed."
                )
            )
        row = self.row
        reset(row)
        row.step, row.candidate_id, row.text = KNOWN, bulletin.id, text
        self._extend()
        return self.answer(
            two_ways(
                f"Known issue, we're on it: {known_issue_line(bulletin, self.ctx.now)}\n"
                "Is this what you are seeing? I'll tell you when it's fixed.",
                ("Yes, I'm affected", "intake.affected"),
                ("No, something else", "intake.other"),
            )
        )

    def _ask_what_is_wrong(self, topic: str, *, asking: bool) -> Reply:
        """ "I need help with my laptop": what is wrong with it, asked; the answer is read
        with the topic, so that "it won't charge" is about the laptop. `asking`: they
        have a question, not necessarily a fault."""
        self.reset()
        self.row.step, self.row.text = TOPIC, topic
        self._extend()
        yours = re.sub(r"^(?:my|our)\b", "your", topic)
        if asking:
            about = f" about {yours}" if topic else ""
            text = f"Of course, go ahead: what would you like to know{about}?"
        elif topic:
            text = (
                f"Sure. What's happening with {yours}? Tell me what you see (an error, what "
                "stopped working), and I'll look for a fix."
            )
        else:
            text = "Of course. What's wrong? Tell me in your own words what you see."
        return self.answer(Reply(text=text))

    async def _about_topic(self, clean: str, intent: Intent) -> Reply | None:
        """What is wrong with the topic asked about; a question of another kind, or a
        greeting, is read afresh (the topic lapses)."""
        topic = self.row.text
        self.reset()
        if intent.kind in (*_ASIDES, IntentKind.GREETING, IntentKind.THANKS, IntentKind.OPENER):
            return None
        return await self.start_report(f"{topic}: {clean}" if topic else clean)

    async def _known_ended(self) -> None:
        """ "Is this what you are seeing?" asked of a problem resolved since: the question
        lapses, and they hear how it ended; the message is read afresh."""
        if self.row.step != KNOWN or self.row.candidate_id is None:
            return
        bulletin = await self.ctx.bulletins.get(self.row.candidate_id)
        if bulletin.state == ACTIVE:
            return
        self.reset()
        self.said.append(fixed_line(bulletin, self.ctx.now))

    async def known(self, affected: bool) -> Reply:
        """The answer to a known issue: follow the bulletin, or go on with the report."""
        self._expect(KNOWN)
        number, text = self.row.candidate_id, self.row.text
        assert number is not None
        if not affected:
            return await self.suggest(text)
        followed = await self._follow_bulletin(number)
        self.reset()
        return self.answer(followed)

    async def suggest(self, text: str) -> Reply:
        ctx, row = self.ctx, self.row
        found = ctx.knowledge.search(text, limit=ctx.rules.settings.knowledge.suggestions)
        hint = found[0].article.category if found else None
        reading = ctx.rules.triage.read(text, hint)
        if not ctx.rules.triage.self_help_fits(reading.impact):
            found = []
        row.text, row.kind, row.category = text, reading.kind, reading.category
        row.impact, row.urgency = reading.impact, reading.urgency
        row.articles, row.candidate_id, row.held_text = [s.article.id for s in found], None, None
        self._extend()
        if not found:
            return await self.after_suggestions()
        outage = await self._open_outage_like(text, reading.category)
        if outage is not None:  # self-help can't fix it: are you hit by it too?
            row.articles = []
            return self._ask_same(outage)
        return self._offer(found, "These articles may fix it right away:")

    def _offer(self, found: Sequence[Suggestion], intro: str) -> Reply:
        self.row.step, self.row.articles = SUGGESTED, [s.article.id for s in found]
        lines = "\n".join(f"{n}. {suggestion_line(s)}" for n, s in enumerate(found, start=1))
        buttons = tuple(
            Button(f"This solved it: {short(s.article.title)}", "intake.solved", s.article.id)
            for s in found
        )
        return self.answer(
            Reply(
                text=f"{intro}\n{lines}\n"
                "Did one of them fix it? Say its number, or “still need help”.",
                buttons=(*buttons, Button("I still need help", "intake.unsolved", "", "primary")),
            )
        )

    async def look_again(self, text: str) -> Reply:
        """More said after the articles: the articles that fit it, if they are not the
        ones just shown; else it goes into the report and on to the questions."""
        aside = await self._not_this_report(text)
        if aside is not None:
            return aside
        self._add_to_report(text)
        # Searched alone, so that what is new must fit by itself: with the first message
        # too, its words would carry weak articles past the evidence floor.
        found = self.ctx.knowledge.search(text, limit=self.ctx.rules.settings.knowledge.suggestions)
        found = self._on_the_reports_branch(text, found)
        if found and [s.article.id for s in found] != self.row.articles:
            return self._offer(found, "With that, these may fit better:")
        self.said.append("Added that to your report.")
        return await self.after_suggestions()

    def _on_the_reports_branch(
        self, text: str, found: Sequence[Suggestion]
    ) -> Sequence[Suggestion]:
        """Detail that names no topic of its own ("my manager approved it") is about the
        report's: an article on another branch of the tree fits only its wording ("my
        manager approved a new laptop")."""
        drafted = self.row.category
        if drafted is None or self.ctx.rules.triage.category(text) is not None:
            return found
        branch = drafted.split("/")[0]
        return [s for s in found if s.article.category.split("/")[0] == branch]

    async def solved(self, article_id: str) -> Reply:
        """Deflected: an article fixed it and no incident is opened."""
        self._expect(SUGGESTED, WHICH)
        if article_id not in self.row.articles:
            raise BadArguments(f"{article_id} was not one of the articles I suggested.")
        await self.ctx.incidents.record_feedback(None, self.ctx.person, [article_id], helpful=True)
        held = self.row.held_text
        self.reset()
        fixed = self.answer(Reply(text=_FIXED))
        return await self._other_problem(fixed, held) if held else fixed

    def _the_others(self, failed: int) -> Reply:
        """ "the first one didn't help": the others may, so they are asked about. Votes
        wait for the outcome (the one that helps, or none)."""
        # at most three articles are shown: one or two are left
        others = " or ".join(str(n) for n in range(1, len(self.row.articles) + 1) if n != failed)
        return self.answer(
            Reply(
                text=f"OK, not that one. Did {others} fix it? Say its number, or “still need help”."
            )
        )

    async def unsolved(self) -> Reply:
        self._expect(SUGGESTED, WHICH)
        tried = list(self.row.articles)
        await self.ctx.incidents.record_feedback(None, self.ctx.person, tried, helpful=False)
        return await self.after_suggestions()

    async def after_suggestions(self) -> Reply:
        """Before asking anything: is this a problem the desk already knows about?"""
        match = await self._open_like(self.row.text, self.row.category)
        if match is None:
            return await self.ask_next()
        return self._ask_same(match)

    def _ask_same(self, match: Match) -> Reply:
        self.row.step, self.row.candidate_id = DUPLICATE, match.incident.id
        return self.answer(self._duplicate_question(match.incident))

    async def _open_like(self, text: str, category: str | None) -> Match | None:
        """The recent open incident most like this report, if one is alike enough."""
        ctx, intake = self.ctx, self.ctx.rules.settings.intake
        recent = await ctx.incidents.recent_open(ctx.now - intake.duplicate_window)
        default = ctx.rules.settings.default_category
        outage = ctx.rules.triage.impact_for[MANY]
        return best_match(text, category, recent, intake.duplicate_threshold, default, outage)

    async def _open_outage_like(self, text: str, category: str | None) -> Match | None:
        """The open outage the report looks like, if any: self-help can't fix that, and
        the people it hits should be counted on it rather than read articles."""
        match = await self._open_like(text, category)
        outage = self.ctx.rules.triage.impact_for[MANY]
        return match if match is not None and match.incident.impact == outage else None

    def _duplicate_question(self, incident: Incident) -> Reply:
        opened = ago(self.ctx.now - incident.opened_at)
        label = f"{format_id(incident.id)}, *{incident.summary}*, opened {opened}"
        if incident.reporter_key == self.ctx.person.key:
            text = f"You reported something like this already: {label}. Is it the same problem?"
            yes = f"Yes, add this to {format_id(incident.id)}"
        else:
            text = f"This looks like {label}. Are you affected by the same thing?"
            yes = "Yes, same problem"
        return two_ways(text, (yes, "intake.same"), ("No, something else", "intake.different"))

    async def same(self, is_same: bool) -> Reply:
        self._expect(DUPLICATE)
        if not is_same:
            return await self.ask_next()
        number = self.row.candidate_id
        assert number is not None
        held = self.row.held_text
        joined = await self._join_the_same(number)
        return await self._other_problem(joined, held) if held else joined

    async def _join_the_same(self, number: int) -> Reply:
        """The report is the incident `number`'s problem: onto it, opening nothing."""
        incident = await self.ctx.incidents.get(number)
        text, files = self.row.text, self.row.attachments or []
        self.reset()
        self.row.incident_id = number
        if await self.ctx.incidents.involves(incident, self.ctx.person):
            await self.ctx.incidents.note(number, self.ctx.person, "\n".join([text, *files]))
            return self.answer(Reply(text=f"Added to {format_id(number)}. Nothing new was opened."))
        joined = await self.ctx.incidents.add_affected(number, self.ctx.person)
        if files:
            await self.ctx.incidents.note(number, self.ctx.person, "\n".join(files))
        return self.answer(
            Reply(
                text=f"You're on {format_id(number)} now ({joined.people_affected} people "
                "affected); I'll tell you when there is news. Nothing new was opened."
            )
        )

    async def ask_next(self) -> Reply:
        """Ask only what the report did not say; then show the summary to confirm."""
        row = self.row
        self._extend()
        # A category's floor can leave nothing to ask ("a security report is urgent").
        settled = self.ctx.rules.classifier.settled
        if row.impact is None and not settled(row.category, "impact"):
            row.step = SCOPE
        elif row.urgency is None and not settled(row.category, "urgency"):
            row.step = BLOCKED
        else:
            row.step = CONFIRM
            return self.answer(self._summary())
        return self.answer(question_reply(self.row))

    async def add_detail(self, text: str) -> Reply:
        """People keep typing what else they notice: it goes into the report's
        description, and the question is asked again."""
        aside = await self._not_this_report(text)
        if aside is not None:
            return aside
        self._add_to_report(text)
        self.said.append("Added that to your report.")
        return await self.ask_next()

    def _for_another_team(self, text: str) -> Referral | None:
        """Another team's matter said mid-report ("whats my payslip say about pension"):
        pointed there, not made a detail of an IT report."""
        referral = self.ctx.rules.referrals.team_for(text)
        if referral is None or self.ctx.knowledge.search(text, limit=1):
            return None  # an article that fits makes it IT's, as for a first message
        return referral

    async def _not_this_report(self, text: str) -> Reply | None:
        """More said mid-report that is not about it: a problem of its own, set aside for
        later, or another team's matter, pointed there; then the question again."""
        if self._another_problem(text):
            return await self._set_aside(text)
        referral = self._for_another_team(text)
        if referral is None:
            return None
        self.said.append(f"{_FOR_THEM.format(team=referral.team)} {sentence(referral.contact)}")
        return await self._ask_again()

    def _another_problem(self, text: str) -> bool:
        """Whether more said mid-report is a problem of its own: "also my second monitor
        is not detected" in a VPN report says it is besides, says something is wrong, and
        names another branch of the category tree (one incident, one problem)."""
        named, drafted = self.ctx.rules.triage.category(text), self.row.category
        if named is None or drafted is None or named.split("/")[0] == drafted.split("/")[0]:
            return False
        return said_besides(text) and names_a_problem(text)

    async def _set_aside(self, text: str) -> Reply:
        """A second problem, kept to be reported on its own once this one is done with."""
        kept = re.sub(r"\n\s*\n", "\n", self._kept(without_lead_in(text)))
        self.row.held_text = _NEXT_PROBLEM.join(filter(None, (self.row.held_text, kept)))
        self.said.append(
            "That sounds like a separate problem: I'll take it as a report of its own as "
            "soon as we're done with this one."
        )
        return await self._ask_again()

    async def _other_problem(self, done: Reply, held: str) -> Reply:
        """The report done with (opened, fixed by an article, joined to an incident), then
        the first problem set aside while it was written, begun; the rest wait their turn."""
        self.said.clear()  # said once already, with what was done
        first, *rest = held.split(_NEXT_PROBLEM)
        lines = first.splitlines()
        words = "\n".join(line for line in lines if not line.startswith(ATTACHED))
        files = [line for line in lines if line.startswith(ATTACHED)]
        begun = await self.start_report(words, files)
        if rest and self.row.step in _DRAFTING:
            self.row.held_text = _NEXT_PROBLEM.join(rest)
        summary = self.ctx.incidents.summary_of(words)
        # The opened incident's card would come after the new report's question: its
        # line says what was opened, and "any news on INC-1?" shows it.
        return replace(
            begun,
            text=f"{done.text}\n\nNow the other problem you mentioned, “{summary}”:\n{begun.text}",
        )

    def _add_to_report(self, text: str) -> None:
        row = self.row
        row.text = f"{row.text}\n{text}"
        # What more they say can answer a question not asked yet ("can you make it urgent,
        # I have a demo at 3"); an answer already given stands.
        reading = self.ctx.rules.triage.read(text)
        row.impact = row.impact or reading.impact
        row.urgency = row.urgency or reading.urgency
        row.category = row.category or reading.category
        self._say(self._keep_files())

    def _keep_files(self, held: Sequence[str] = ()) -> str | None:
        """Files sent with a report being written: they go into the incident's description
        when it is opened (the report's words alone are read for its topic and articles).
        Returns what to tell the person, if anything came."""
        kept = list(self.row.attachments or [])
        new = [line for line in (*held, *self._file_lines()) if line not in kept]
        if new:
            self.row.attachments = kept + new
            return f"I'll put {file_names(new)} on the incident when it's opened."
        return "I have that already." if self.files else None

    def _say(self, line: str | None) -> None:
        """Something to tell before the reply, if there is anything."""
        if line:
            self.said.append(line)

    def _file_lines(self) -> list[str]:
        return [f"{ATTACHED}{f.name} {f.url}" for f in self.files]

    def choose(self, question: str, key: str) -> None:
        """A button answer to one of the two questions."""
        triage = self.ctx.rules.triage
        if question == SCOPE:
            self._expect(SCOPE)
            self.row.impact = triage.impact_for[key]
        else:
            self._expect(BLOCKED)
            self.row.urgency = triage.urgency_for[key]

    def _field_now(self, name: str) -> Reply:
        """ "category" alone at the summary: what it is now, how to change it, and the
        question again."""
        self.row.step = CONFIRM
        now = field_now(
            self.ctx.rules, self.row, name, self.ctx.incidents.summary_of(self.row.text)
        )
        return self.answer(
            Reply(text=f"{now}\n\n{question_text(self.row)}", buttons=CONFIRM_BUTTONS)
        )

    def _summary(self) -> Reply:
        return summary_reply(self.ctx.rules, self.row, self.ctx.incidents.summary_of(self.row.text))

    async def confirm(self) -> Reply:
        self._expect(CONFIRM)
        ctx, row = self.ctx, self.row
        incident = await ctx.incidents.open(
            reporter=ctx.person,
            channel=ctx.channel,
            text=row.text,
            kind=row.kind,
            category=row.category,
            impact=row.impact,
            urgency=row.urgency,
            attachments=row.attachments or (),
        )
        held = row.held_text
        self.reset()
        self.row.incident_id = incident.id
        text = sentences(
            f"Opened {format_id(incident.id)} ({incident.priority}, {incident.group}).",
            "I'll tell you here when someone picks it up; anything you add here goes onto it.",
            after_hours(incident, ctx.rules, ctx.now),
        )
        recent = await ctx.incidents.timeline(incident.id, ctx.person, last=3)
        opened = self.answer(incident_reply(text, incident, ctx.rules, ctx.now, ctx.person, recent))
        return await self._other_problem(opened, held) if held else opened

    def edit(self) -> Reply:
        self._expect(CONFIRM)
        self.row.step = EDIT
        return self.answer(
            Reply(
                text="What should change? Send `category <name>`, `impact <level>`, "
                "`urgency <level>`, `type incident|request`, or the description again."
            )
        )

    def apply_edit(self, text: str) -> Reply:
        rules, row = self.ctx.rules, self.row
        match = EDIT_FIELD.match(text)
        name, value = (match.group(1).lower(), match.group(2).strip()) if match else ("", text)
        if name == "category":
            row.category = rules.classifier.category(value)
        elif name in ("impact", "urgency"):
            setattr(row, name, rules.classifier.level(name, value))
        elif name == "type":
            if value.lower() not in ("incident", "request"):
                raise BadArguments(f"'{value}' is not a type. Use incident or request.")
            row.kind = value.lower()
        elif name == "summary":
            row.text = self._new_summary(row.text, value)
        else:  # "description ..." or, after Edit, just the new text: all of it
            row.text = value
        row.step = CONFIRM
        self._extend()
        return self.answer(self._summary())

    def _new_summary(self, text: str, summary: str) -> str:
        """The report with a new first line: what else it said stays (the details added
        to it, or a long first line the summary had to cut)."""
        first, _, rest = text.partition("\n")
        if self.ctx.incidents.summary_of(first) != first.strip():
            rest = text  # cut short as a summary: kept whole in the description
        return "\n".join(filter(None, (summary, rest)))

    def cancel(self) -> Reply:
        if self.row.step == IDLE:
            return self.answer(Reply(text="There is nothing in progress to cancel."))
        return self.answer(self._dropped())

    # -- after opening ------------------------------------------------------

    async def add_note(self, number: int, text: str) -> Reply:
        ctx = self.ctx
        before = await ctx.session.get(Incident, number)
        answers = before is not None and ctx.incidents.answers(before, ctx.person)
        incident = await ctx.incidents.note(number, ctx.person, self._kept(text))
        if ctx.person.is_agent and incident.reporter_key != ctx.person.key:
            return self.answer(Reply(text=f"Noted on {format_id(number)}."))  # as /incident note
        who = ctx.rules.directory.name_of(incident.assignee) if incident.assignee else None
        hears = f"{who} will see it" if who else "the desk will see it"
        if answers:
            hears = f"it is back {at_work(incident)} and {hears}"
        return self.answer(Reply(text=f"Added to {format_id(number)}; {hears}."))

    async def _belongs_to(self, number: int) -> Reply:
        """ "add it to INC-1" while a report is written: it was about that incident after
        all. The report's words and files go onto it as a note, and nothing new is opened
        (refused, the report stays as it was)."""
        incident = await self.ctx.session.get(Incident, number)
        if incident is None or incident.reporter_key != self.ctx.person.key:
            raise BadArguments(
                f"{format_id(number)} is not one of your incidents. Say “cancel” to drop "
                "this report, or answer its question."
            )
        text = "\n".join([self.row.text or "", *(self.row.attachments or [])]).strip()
        self.reset()
        noted = await self.add_note(number, text)
        return replace(noted, text=f"{noted.text} Nothing new was opened.")

    def _kept(self, text: str) -> str:
        """What is stored of a message: its words, then a line per file sent with it."""
        return "\n".join([text.strip(), *self._file_lines()]).strip()

    async def _files_alone(self) -> Reply:
        """Files with no words: with the report being written, else onto the incident this
        chat is about, if any."""
        if self.row.step in _DRAFTING:
            kept = self._keep_files() or "I have that already."
            return self.answer(self._meanwhile(self.row.step, Reply(text=kept)))
        followed = await self._followed_incident()
        if followed is not None:
            return await self.add_note(followed.id, "")
        names = ", ".join(f.name for f in self.files)
        return self.answer(
            Reply(
                text=f"I got {names}, but not what it is about. Send it again with a few "
                "words on what's wrong."
            )
        )

    async def note_or_new(self, *, add: bool) -> Reply:
        self._expect(*HOLDING)
        text, number = self.row.held_text or "", self.row.incident_id
        self.reset()
        resolved = await self._resolved(number)
        if add and resolved is not None:  # "not fixed after all": these words reopen it
            self.row.incident_id = resolved.id
            return await self.reopen_with(text)
        if add and number is not None:
            return await self.add_note(number, text)
        if resolved is not None:
            text = f"{text} (after {format_id(resolved.id)} “{resolved.summary}”)"
        lines = text.splitlines()
        words = "\n".join(line for line in lines if not line.startswith(ATTACHED))
        return await self.start_report(words, [line for line in lines if line.startswith(ATTACHED)])

    async def _resolved(self, number: int | None) -> Incident | None:
        """Incident `number`, if it is resolved and waits for this reporter's word."""
        incident = await self.ctx.session.get(Incident, number) if number is not None else None
        if incident is None or incident.state != State.RESOLVED:
            return None
        return incident if incident.reporter_key == self.ctx.person.key else None

    def ask_reopen_reason(self, incident: Incident) -> Reply:
        return self._ask(
            REOPEN_REASON,
            incident,
            f"Sorry it isn't fixed. What is still wrong with {format_id(incident.id)}? "
            "Your answer reopens it and goes to the desk (or say “cancel”).",
        )

    def _ask(self, step: str, incident: Incident, question: str) -> Reply:
        """A question about an incident, whose answer the next message is."""
        self.reset()
        self.row.step, self.row.incident_id = step, incident.id
        self._extend()
        return self.answer(Reply(text=question))

    def ask_rating(self, incident: Incident) -> None:
        """ "How did we do?" was asked here: a typed answer rates it, unless the chat is in
        the middle of something else."""
        if self.row.step == IDLE:
            self.row.step, self.row.incident_id = RATE, incident.id
            self._extend()

    def ask_what_went_wrong(self, incident: Incident) -> Reply:
        """Rated poor without a word: the next message says why, for the desk."""
        return self._ask(
            WHAT_WENT_WRONG,
            incident,
            f"Sorry it wasn't better. What went wrong with {format_id(incident.id)}? "
            "Your answer goes to the desk with your rating (or say “cancel”).",
        )

    async def _typed_rating(self, clean: str) -> Reply | None:
        """After "How did we do?": "great, quick fix" rates it; anything else is read as
        usual (the question lapses)."""
        number, found = self.row.incident_id, RATING.match(clean)
        rating = rating_of(found.group(1)) if found else None
        self.reset()
        # "great, now outlook crashes too" is a new problem, not a comment on the last one
        if found is None or rating is None or number is None or names_a_problem(found.group(3)):
            return None
        rest = found.group(3).strip()
        # "great service, dave was quick": the word is part of the comment, not before it
        comment = (rest if found["gap"].strip() else clean) if rest else None
        return await rated(self.ctx, number, rating, comment)

    async def poor_because(self, comment: str) -> Reply:
        number = self.row.incident_id
        self.reset()
        assert number is not None
        rated = await self.ctx.incidents.rate(number, self.ctx.person, "poor", comment)
        who = _reviewer(self.ctx, rated)
        return self.answer(
            Reply(text=f"Thank you: {who} has it with your poor rating, to look into.")
        )

    async def reopen_with(self, reason: str) -> Reply:
        number = self.row.incident_id
        self.reset()
        assert number is not None
        incident = await self.ctx.incidents.reopen(number, self.ctx.person, reason)
        self.row.incident_id = number
        return self.answer(
            Reply(text=f"{format_id(incident.id)} is reopened; the desk has your reason.")
        )

    # -- state ----------------------------------------------------------------

    def answer(self, reply: Reply) -> Reply:
        """The reply, after anything that had to be said first (an expired draft)."""
        if not self.said:
            return reply
        return Reply(
            text="\n".join([*self.said, reply.text]),
            card=reply.card,
            buttons=reply.buttons,
            ephemeral=reply.ephemeral,
        )

    def reset(self) -> None:
        reset(self.row)

    def _dropped(self) -> Reply:
        step, number = self.row.step, self.row.incident_id
        held = self.row.held_text if step in _DRAFTING else None
        self.reset()
        if step == REOPEN_REASON and number is not None:
            return Reply(text=f"OK, {format_id(number)} stays resolved.")
        if step == WITHDRAW and number is not None:
            return Reply(text=f"OK, {format_id(number)} stays open.")
        if step == WHAT_WENT_WRONG and number is not None:
            return Reply(text=f"OK, your rating of {format_id(number)} stands.")
        if step in HOLDING:
            return Reply(text="OK, I set that message aside.")
        if held:
            return Reply(
                text="OK, I dropped that. Nothing was opened, and the other problem you "
                f"mentioned (“{self.ctx.incidents.summary_of(held)}”) is dropped too: tell me "
                "about it again if it still needs help."
            )
        return Reply(text="OK, I dropped that. Nothing was opened.")

    def _extend(self) -> None:
        self.row.expires_at = self.ctx.now + self.ctx.rules.settings.intake.draft_expiry

    def _expect(self, *steps: str) -> None:
        """A button from an earlier question can't act on a conversation that moved on."""
        if self.row.step not in steps:
            raise BadArguments(
                "That question has passed (it was answered, or the report expired). "
                "Tell me about the problem again if you still need help."
            )

    async def complaint(self, named: int | None) -> Reply:
        """Unhappy with how something was handled: said of a fixed incident, it goes to
        the desk's manager as a poor rating with the person's words."""
        ctx = self.ctx
        incident = (
            await ctx.incidents.get_for(named, ctx.person)
            if named is not None
            else await ctx.incidents.last_fixed(ctx.person)
        )
        fixed = incident is not None and incident.reporter_key == ctx.person.key
        if not fixed or State(incident.state) not in (State.RESOLVED, State.CLOSED):
            return self.answer(Reply(text=COMPLAINT_WITHOUT_INCIDENT))
        label = f"{format_id(incident.id)} “{incident.summary}”"
        return self._ask(
            WHAT_WENT_WRONG,
            incident,
            f"I'm sorry it went badly. What went wrong with {label}? Your answer goes to the "
            "desk's manager with a poor rating (or say “cancel”).",
        )

    async def hurry(self, named: int | None, text: str) -> Reply | None:
        """ "Can you make INC-1 urgent?", "please escalate my ticket": their words go onto
        the incident, so its owner (or its group) hears them at once; the priority stays
        the desk's to change. None when they have no open incident to hurry."""
        incident = await self._theirs(named, text)
        if incident is None:
            return None
        await self.ctx.incidents.note(incident.id, self.ctx.person, self._kept(text))
        rules = self.ctx.rules
        owner = rules.directory.name_of(incident.assignee) if incident.assignee else None
        who = owner or f"the {incident.group} team"
        priority = rules.settings.priorities[incident.priority]
        return self.answer(
            Reply(
                text=f"I've passed that on: {who} sees your message on "
                f"{format_id(incident.id)} now. Its priority, {incident.priority} "
                f"({priority.name}), comes from how many people it affects and how urgent "
                "it is; the desk raises it when that has changed."
            )
        )

    async def _spoken_of(self, text: str) -> Incident | None:
        """The incident a message is about when it names none by id: the one of theirs its
        words name ("cancel the printer one"), else the one this chat follows."""
        return await self.ctx.incidents.named_in(self.ctx.person, text) or (
            await self._followed_incident()
        )

    async def _theirs(self, named: int | None, text: str) -> Incident | None:
        """The open incident of theirs a message is about: the one it names (by id or by
        what it is about), the one this chat follows, or their only one."""
        ctx = self.ctx
        if named is not None:
            found = await ctx.incidents.get_for(named, ctx.person)
        else:
            found = await self._spoken_of(text)
        if found is None:
            rows, total = await ctx.incidents.search(ctx.person, IncidentFilter())
            found = rows[0] if total == 1 else None
        mine = found is not None and found.reporter_key == ctx.person.key
        return found if mine and State(found.state) in OPEN else None

    def _greeting(self) -> str:
        return (
            f"Hi {self.ctx.person.name}! Tell me what's wrong and I'll help, or ask about a "
            "ticket (“any news on INC-42?”). Say “help” for more."
        )

    async def _thanks(self) -> str:
        # Only an incident still open has news to come; a closed one was the last word.
        followed = await self._followed_incident()
        if followed is not None and followed.assignee != self.ctx.person.key:  # not its owner
            return f"You're welcome! I'll keep you posted on {format_id(followed.id)}."
        resolved = await self._resolved_for_reporter()
        if resolved is not None and resolved.kind == "request":
            return (
                f"You're welcome! Do you have everything you asked for in "
                f"{format_id(resolved.id)}? Say yes and I'll close it, or no and it goes back "
                "to the desk."
            )
        if resolved is not None:
            return (
                f"You're welcome! Does {format_id(resolved.id)} work for you now? "
                "Say yes and I'll close it, or no and it goes back to the desk."
            )
        return "You're welcome!"


COMPLAINT_WITHOUT_INCIDENT = (
    "I'm sorry to hear that. Once an incident of yours is fixed you can rate it, and a poor "
    "rating with what went wrong goes to the desk's manager (`/incident rate <id> poor "
    "<what went wrong>`). If something is still wrong, tell me what, and I'll get it moving."
)


async def confirm_fix(ctx: CommandContext, number: int) -> Reply:
    """The reporter confirms the fix, by button, command or in words: it closes, and
    they are asked how the desk did (a typed answer here works like the buttons)."""
    found = await ctx.incidents.confirm(number, ctx.person)
    (await Chat.load(ctx)).ask_rating(found)
    return Reply(
        text=f"Thanks for confirming. {format_id(found.id)} is closed. {HOW_DID_WE_DO}",
        buttons=rating_buttons(found),
    )


async def rated(ctx: CommandContext, number: int, rating: str, comment: str | None) -> Reply:
    """A rating, by button, command or in words; a poor one without a word asks why."""
    found = await ctx.incidents.rate(number, ctx.person, rating, comment)
    if rating == "poor" and not comment:
        return (await Chat.load(ctx)).ask_what_went_wrong(found)
    if rating == "poor":
        return Reply(
            text=f"Sorry it went badly. {_reviewer(ctx, found)} has your rating of "
            f"{format_id(found.id)} (poor) and what you said, to look into."
        )
    return Reply(text=f"Thanks: your rating of {format_id(found.id)} ({rating}) is with the desk.")


def _reviewer(ctx: CommandContext, incident: Incident) -> str:
    """Who a poor rating goes to for review: the group's manager (`notices.py` sends it
    there), else the desk (its owner hears every rating)."""
    manager = ctx.rules.settings.groups[incident.group].manager
    if manager:
        return f"{ctx.rules.directory.name_of(manager)}, who manages the {incident.group} team,"
    return "the desk"
