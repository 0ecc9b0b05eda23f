"""How counts and sentences are put together in replies: "1 incident", "2 incidents",
never "1 incident(s)"; sentences that may be left out, without stray spaces."""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it needs; `plural` when adding "s" is wrong."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def times(count: int) -> str:
    """How often: "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def sentences(*parts: str) -> str:
    """The sentences given, in order, leaving out those that are empty."""
    return " ".join(part for part in parts if part)


def sentence(text: str) -> str:
    """The text with a full stop, unless it ends a sentence already."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
