"""SLA targets per priority and the due times they give an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings


@dataclass(frozen=True, slots=True)
class DueTimes:
    response: datetime
    resolution: datetime


class SlaPolicy:
    """Response and resolution targets, from config.yaml's `priorities`."""

    def __init__(self, settings: Settings) -> None:
        self._targets = {
            name: (p.response, p.resolution) for name, p in settings.priorities.items()
        }

    def targets(self, priority: str) -> tuple[timedelta, timedelta]:
        return self._targets[priority]

    def due_times(self, priority: str, opened_at: datetime) -> DueTimes:
        """When the response and the resolution are due for an incident opened then."""
        response, resolution = self._targets[priority]
        return DueTimes(response=opened_at + response, resolution=opened_at + resolution)
