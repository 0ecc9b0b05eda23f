"""The domain errors: each becomes a clear reply to the person who caused it.

`app.py` is the one error boundary; everything raised from here down is either
a DeskError (answered with its message) or a bug (logged with a reference).
"""

from __future__ import annotations

from collections.abc import Sequence


class DeskError(Exception):
    """An error the sender can act on; its message is shown to them as it is."""


class BadArguments(DeskError):
    """The command's arguments were missing or malformed."""


class UnknownCommand(DeskError):
    """No such command; the message suggests the nearest real one."""


class NotFound(DeskError):
    """The thing asked for does not exist (or the sender may not know it does)."""


class Forbidden(DeskError):
    """The sender's role does not allow this."""


class Conflict(DeskError):
    """Someone else changed the thing first (e.g. claimed the incident)."""


class InvalidTransition(DeskError):
    """The lifecycle does not allow this action from the current state."""


class ConfigError(Exception):
    """config.yaml is unusable: names the file, the key and what was expected."""

    def __init__(
        self, source: str, key: str, expected: str, more: Sequence[ConfigError] = ()
    ) -> None:
        self.source, self.key, self.expected = source, key, expected
        self.more = tuple(more)  # further problems found in the same read, one line each
        where = f"{source}: {key}" if key else source
        super().__init__("\n".join([f"{where}: expected {expected}", *map(str, self.more)]))
