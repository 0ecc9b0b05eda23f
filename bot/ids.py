"""Incident ids as people write them: 42, #42, INC-42, inc-000042."""

from __future__ import annotations

import re

from bot.errors import BadArguments

PREFIX = "INC"
WIDTH = 6
MAX_ID = 2**31 - 1
_ID = re.compile(r"^(?:#|inc-?#?)?0*([0-9]{1,10})$", re.IGNORECASE)
# An incident named inside a sentence ("reopen INC-12", "claim inc 12", "ticket 12",
# "#12", "12"), for patterns to embed; its one group is the number.
ID_PREFIX = r"(?:ticket |incident )?(?:inc[-\s]?|#)?0*"
SPOKEN_ID = ID_PREFIX + r"(\d{1,9})"


def format_id(number: int) -> str:
    """INC-000042."""
    return f"{PREFIX}-{number:0{WIDTH}d}"


def parse_id(text: str) -> int:
    """Read an incident id; raise BadArguments saying what is accepted."""
    match = _ID.match(text.strip())
    number = int(match.group(1)) if match else 0
    if not match or not 0 < number <= MAX_ID:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise BadArguments(
            f"'{shown}' is not an incident id. Write it as 42, #42, INC-42 or {format_id(42)}."
        )
    return number
