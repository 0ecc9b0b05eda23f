"""The desk's rules built once from the settings: classification, people, SLA, other teams."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.services.classify import Classifier
from bot.services.people import Directory
from bot.services.referrals import Referrals
from bot.services.sla import SlaPolicy
from bot.services.triage import Triage


@dataclass(frozen=True, slots=True)
class DeskRules:
    """Everything the services need from config.yaml, parsed once at start."""

    settings: Settings
    classifier: Classifier
    directory: Directory
    sla: SlaPolicy
    triage: Triage
    referrals: Referrals

    @classmethod
    def from_settings(cls, settings: Settings) -> DeskRules:
        classifier = Classifier(settings)
        triage = Triage(settings, classifier)
        return cls(
            settings,
            classifier,
            Directory(settings),
            SlaPolicy(settings),
            triage,
            Referrals(settings, triage),
        )
