"""Teams besides IT that people write to the desk about (`other_teams` in config.yaml):
"the coffee machine is broken" is the facilities desk's, and the person is told where to
go rather than given an IT incident nobody here can fix.

Only a message that names the team's topics more than IT's own words is referred ("the
printer door is stuck" is IT's); the conversation also keeps any message an article fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Settings
from bot.services.triage import Triage, keyword_pattern


@dataclass(frozen=True, slots=True)
class Referral:
    """Where a message belongs: the team, how to reach it, and the topic it named."""

    team: str
    contact: str
    topic: str


class Referrals:
    """The other teams' topics, compiled once."""

    def __init__(self, settings: Settings, triage: Triage) -> None:
        self._triage = triage
        self._topics: list[tuple[str, str, str, re.Pattern[str]]] = [
            (team, other.contact, topic, keyword_pattern(topic))
            for team, other in settings.other_teams.items()
            for topic in other.topics
        ]

    def team_for(self, text: str) -> Referral | None:
        """The team whose topics the text names more than it names IT's keywords ("my
        access badge won't open the door" is facilities'; "the printer door is stuck",
        a tie, stays IT's)."""
        lowered = f" {text.lower()} "
        found = sorted(
            (match.start(), team, contact, topic)
            for team, contact, topic, pattern in self._topics
            if (match := pattern.search(lowered))
        )
        if not found:
            return None
        _, team, contact, topic = found[0]
        named = sum(1 for _, other, _, _ in found if other == team)
        if named <= len(self._triage.keywords_in(text)):
            return None
        return Referral(team, contact, topic)
