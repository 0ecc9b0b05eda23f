"""What a report being written asks, in words and buttons: the question each step waits
on, the two classification questions and their options, the summary card that asks to
open it, and what each of its fields means when someone asks.

Pure functions of the stored draft (`Conversation`), so that `bot/conversation.py` keeps
the flow and this module keeps the wording; `bot/commands/intake.py` takes the options'
keys from here for the buttons' hidden commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import shorten

from bot.conversation_store import (
    BLOCKED,
    CONFIRM,
    DUPLICATE,
    EDIT,
    KNOWN,
    NOT_FIXED,
    NOTE_OR_NEW,
    SCOPE,
    SUGGESTED,
    TOPIC,
    WHAT_WENT_WRONG,
    WHICH,
    WITHDRAW,
)
from bot.ids import format_id
from bot.messages import Button, Card, Field, Reply
from bot.models import Conversation
from bot.services.classify import Classification
from bot.services.rules import DeskRules
from bot.services.triage import CAN_WAIT, MANY, ME, SLOWED, STOPPED, TEAM

Options = tuple[tuple[str, str], ...]  # (answer key, label) each

SCOPE_QUESTION = "Who is affected?"
REQUEST_SCOPE_QUESTION = "Who is it for?"  # asked for something, nobody is "affected"
SCOPE_OPTIONS: Options = (
    (ME, "Just me"),
    (TEAM, "My team"),
    (MANY, "Many people or a whole site"),
)
BLOCKED_QUESTION = "Can you still work?"
BLOCKED_OPTIONS: Options = (
    (STOPPED, "No, I'm stopped"),
    (SLOWED, "Yes, but slowed down or with a workaround"),
    (CAN_WAIT, "Yes, it can wait"),
)
# Asked for something ("please install Visio"), nobody "still works": how soon is the
# question. The same three answers, so the same urgency levels.
REQUEST_BLOCKED_QUESTION = "How soon do you need it?"
REQUEST_BLOCKED_OPTIONS: Options = (
    (STOPPED, "Now: I can't work without it"),
    (SLOWED, "Soon: I'm slowed down without it"),
    (CAN_WAIT, "It can wait"),
)
CONFIRM_BUTTONS = (
    Button("Confirm", "intake.confirm", "", "primary"),
    Button("Edit", "intake.edit", ""),
    Button("Cancel", "intake.cancel", ""),
)
ATTACHED = "Attached: "  # the line per file sent with a message: "Attached: name url"

_ASKED = {
    SUGGESTED: "Did one of the articles fix it? Say its number, or “still need help”.",
    DUPLICATE: "Is it the same problem? Say yes or no.",
    KNOWN: "Is it the known problem? Say yes or no.",
    CONFIRM: "Shall I open it? Say yes, edit, or cancel.",
    EDIT: "What should change? Send it, or say no to keep the report as it is.",
    NOTE_OR_NEW: "Say 1 to add it to the incident, 2 for a new problem.",
    WITHDRAW: "Shall I cancel the incident? Say yes or no.",
    WHAT_WENT_WRONG: "What went wrong? Or say “cancel”.",
    TOPIC: "What's happening? Tell me what you see.",
}


def question_text(row: Conversation) -> str:
    """The question the conversation waits on, as text (the options numbered)."""
    if row.step == NOT_FIXED:
        number = format_id(row.incident_id) if row.incident_id else "the incident"
        return f"Say 1 if {number} isn't fixed (that reopens it), 2 if this is a new problem."
    if row.step == WHICH:
        return f"Which one fixed it? Say its number, 1 to {len(row.articles)}."
    if row.step == SCOPE:
        return options_text(scope_question(row.kind), SCOPE_OPTIONS)
    if row.step == BLOCKED:
        return options_text(*blocked_question(row.kind))
    return _ASKED.get(row.step, "Say “cancel” to start over.")


def question_reply(row: Conversation) -> Reply:
    """The question waiting for its answer, short, with its buttons if it has any."""
    if row.step == SCOPE:
        return options_reply(scope_question(row.kind), SCOPE_OPTIONS, "intake.scope")
    if row.step == BLOCKED:
        return options_reply(*blocked_question(row.kind), "intake.blocked")
    if row.step == CONFIRM:
        return Reply(text=question_text(row), buttons=CONFIRM_BUTTONS)
    return Reply(text=question_text(row))


def scope_question(kind: str) -> str:
    return REQUEST_SCOPE_QUESTION if kind == "request" else SCOPE_QUESTION


def blocked_question(kind: str) -> tuple[str, Options]:
    if kind == "request":
        return REQUEST_BLOCKED_QUESTION, REQUEST_BLOCKED_OPTIONS
    return BLOCKED_QUESTION, BLOCKED_OPTIONS


def summary_reply(rules: DeskRules, row: Conversation, summary: str) -> Reply:
    """The report as it will be opened, with Confirm, Edit and Cancel."""
    c = rules.classifier.classify(row.category, row.impact, row.urgency)
    levels = rules.settings.classification
    priority = rules.settings.priorities[c.priority]
    card = Card(
        title=f"New {row.kind}: {summary}",
        fields=(
            Field("Category", c.category),
            Field("Affected", _level(c, "impact", levels.impact)),
            Field("Urgency", _level(c, "urgency", levels.urgency)),
            Field("Priority", f"{c.priority} {priority.name}"),
            Field("Goes to", rules.classifier.group_for(c.category)),
            *_details_field(row.text, summary),
            *_files_field(row.attachments or []),
        ),
        # Each form is taken as typed here; a bare new text would be too easy to
        # take for a question, so only Edit's answer takes one (`apply_edit`).
        footer="Edit: send `category <name>`, `impact <level>`, `urgency <level>`, "
        "`type incident|request`, `summary <one line>` or `description <all of it>`.",
    )
    return Reply(
        text="Here is what I'll open for you. Shall I?",
        card=card,
        buttons=CONFIRM_BUTTONS,
    )


def _details_field(text: str, summary: str) -> tuple[Field, ...]:
    """What else the report says besides its summary line: what the desk will read."""
    first, _, rest = text.strip().partition("\n")
    details = rest if first.strip() == summary else text
    lines = [line.strip() for line in details.splitlines() if line.strip()]
    shown = shorten(" · ".join(lines), 300, placeholder=" …")
    return (Field("Details", shown, short=False),) if lines else ()


def field_now(rules: DeskRules, row: Conversation, name: str, summary: str) -> str:
    """A field of the report as it stands and how to change it: what "category" or
    "description" alone at the summary asks."""
    if name == "summary":
        return f"The summary is “{summary}”. To change it, send `summary <one line>`."
    if name == "description":
        return (
            f"The description now:\n{row.text.strip()}\n"
            "To replace it, send `description <all of it>`; to add to it, tell me more."
        )
    if name == "type" and row.kind == "request":
        return (
            "This is a request: you are asking for something. Send `type incident` if "
            "something is broken instead."
        )
    if name == "type":
        return (
            "This is an incident: something is broken. Send `type request` if you are "
            "asking for something instead."
        )
    c = rules.classifier.classify(row.category, row.impact, row.urgency)
    if name == "category":
        paths = rules.classifier.category_paths()
        branch = c.category.split("/")[0]
        others = [p for p in paths if p != c.category] or paths
        # a sibling says best what the names look like: hardware/laptop for a printer
        example = next((p for p in others if p.startswith(f"{branch}/")), others[0])
        return (
            f"The category is {c.category}. To change it, send `category <name>`, like "
            f"`category {example}`. Categories: {', '.join(paths)}."
        )
    meanings: dict[str, str] = getattr(rules.settings.classification, name)
    level = getattr(c, name)
    listed = [f"{lvl} ({meaning})" for lvl, meaning in meanings.items()]
    return (
        f"The {name} is {level}: {meanings[level]}. To change it, send `{name} <level>`: "
        f"{', '.join(listed[:-1])} or {listed[-1]}."
    )


def _files_field(lines: Sequence[str]) -> tuple[Field, ...]:
    names = file_names(lines)
    return (Field("Files", names, short=False),) if names else ()


def _level(c: Classification, kind: str, meanings: dict[str, str]) -> str:
    """A level and what it means, or why the desk set it higher than answered."""
    level = getattr(c, kind)
    if kind in c.raised:
        return f"{level}: every {c.branch} report is at least this"
    return f"{level}: {meanings[level]}"


def file_names(lines: Sequence[str]) -> str:
    """ "error.png, jam.jpg" from their "Attached: name url" lines."""
    return ", ".join(line.removeprefix(ATTACHED).rsplit(" ", 1)[0] for line in lines)


def two_ways(text: str, first: tuple[str, str], second: tuple[str, str]) -> Reply:
    """A question answered by one of two buttons, (label, intake action) each; the first
    is the likelier answer."""
    return Reply(
        text=text,
        buttons=(Button(first[0], first[1], "", "primary"), Button(second[0], second[1], "")),
    )


def options_reply(question: str, options: Options, action: str) -> Reply:
    return Reply(
        text=options_text(question, options),
        buttons=tuple(Button(label, action, key) for key, label in options),
    )


def options_text(question: str, options: Options) -> str:
    lines = "\n".join(f"{n}. {label}" for n, (_, label) in enumerate(options, start=1))
    return f"{question}\n{lines}"
