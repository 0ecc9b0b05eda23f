"""The desk's rules built once from the settings: classification, people, SLA."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.services.classify import Classifier
from bot.services.people import Directory
from bot.services.sla import SlaPolicy


@dataclass(frozen=True, slots=True)
class DeskRules:
    """Everything the services need from config.yaml, parsed once at start."""

    settings: Settings
    classifier: Classifier
    directory: Directory
    sla: SlaPolicy

    @classmethod
    def from_settings(cls, settings: Settings) -> DeskRules:
        return cls(settings, Classifier(settings), Directory(settings), SlaPolicy(settings))
