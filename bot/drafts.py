"""Knowledge-base drafts from resolved incidents: the fix becomes an article to review."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.errors import BadArguments
from bot.ids import format_id
from bot.models import Incident, IncidentEvent
from bot.services.knowledge import words
from bot.services.lifecycle import State

DONE = (State.RESOLVED, State.CLOSED)


def write_draft(
    incident: Incident,
    events: Sequence[IncidentEvent],
    folder: Path,
    topic_words: Sequence[str] = (),
) -> Path:
    """Write a Markdown draft whose front matter `deskbot kb check` accepts; never overwrite.
    `topic_words` (the config's category keywords the incident uses) are its tags."""
    if incident.state not in DONE:
        raise BadArguments(
            f"{format_id(incident.id)} is {incident.state.replace('_', ' ')}: a draft needs the "
            "fix, so resolve it first."
        )
    slug = _slug(incident.summary) or f"incident-{incident.id}"
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{slug}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{slug}-{n}.md"
    path.write_text(_render(incident, events, path.stem, topic_words), encoding="utf-8")
    return path


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", "-".join(words(text)))[:60].strip("-")


def _render(
    incident: Incident, events: Sequence[IncidentEvent], article_id: str, topic_words: Sequence[str]
) -> str:
    # The reporter's notes are more symptoms; the desk's (never the internal ones, which
    # are another kind) are what was checked.
    notes = [(e.actor_key == incident.reporter_key, e.text) for e in events if e.kind == "note"]
    reporter_notes = [text for mine, text in notes if mine and text]
    checked = [text for mine, text in notes if not mine and text]
    front = {
        "id": article_id,
        "title": incident.summary,
        "category": incident.category,
        # The summary's first words are filler as often as not ("keeps", "asking"): the
        # topic words are the tags, and the summary's words only when it has none.
        "tags": list(topic_words)[:5]
        or list(dict.fromkeys(words(incident.summary)))[:5]
        or [incident.category],
        "symptoms": [incident.summary, *reporter_notes[:5]],
    }
    happened = incident.description or incident.summary
    checks = "".join(f"- {line}\n" for line in checked)
    return (
        f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True)}---\n\n"
        f"Drafted from {format_id(incident.id)}: review the wording and the steps before "
        "publishing.\n\n"
        f"## What happened\n{happened}\n\n"
        + (f"## What was checked\n{checks}\n" if checks else "")
        + f"## What fixed it\n{incident.resolution_note or '(no resolution note)'}\n\n"
        f"## When to contact the desk\nIf this doesn't fix it, `/incident open <summary>` "
        "and mention this article.\n"
    )
