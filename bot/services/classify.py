"""Incident classification: the category tree and the impact x urgency priority matrix."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import BadArguments


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    impact: str
    urgency: str
    priority: str


class Classifier:
    """Validates categories and levels, and derives priority and routing group."""

    def __init__(self, settings: Settings) -> None:
        c = settings.classification
        self.impacts = tuple(c.impact)
        self.urgencies = tuple(c.urgency)
        self.priorities = tuple(settings.priorities)
        self._matrix = c.priority_matrix
        self._defaults = (settings.default_category, c.default_impact, c.default_urgency)
        self._default_group = settings.default_group
        self._paths: dict[str, str] = {}
        self._groups: dict[str, str] = {}
        for top, category in settings.categories.items():
            self._paths[top] = top
            self._groups[top] = category.group or settings.default_group
            for child in category.children:
                self._paths[f"{top}/{child}"] = self._paths[child] = f"{top}/{child}"

    def category_paths(self) -> list[str]:
        """Every category as written in full: 'network', 'network/vpn', ..."""
        return sorted(set(self._paths.values()))

    def category(self, text: str) -> str:
        """Read 'network/vpn', 'vpn' or 'Network' as a category path."""
        key = text.strip().lower().strip("/")
        if key in self._paths:
            return self._paths[key]
        near = difflib.get_close_matches(key, list(self._paths), n=1, cutoff=0.6)
        hint = f" Did you mean '{self._paths[near[0]]}'?" if near else ""
        raise BadArguments(
            f"'{text}' is not a category.{hint} Categories: {', '.join(self.category_paths())}."
        )

    def level(self, kind: str, text: str) -> str:
        """Validate an impact or urgency level."""
        levels = self.impacts if kind == "impact" else self.urgencies
        value = text.strip().lower()
        if value not in levels:
            raise BadArguments(f"'{text}' is not an {kind} level. Use one of: {', '.join(levels)}.")
        return value

    def priority(self, impact: str, urgency: str) -> str:
        """The matrix's priority for this impact and urgency."""
        return self._matrix[impact][urgency]

    def classify(
        self, category: str | None, impact: str | None, urgency: str | None
    ) -> Classification:
        """Fill what was not given from the defaults, and derive the priority."""
        default_category, default_impact, default_urgency = self._defaults
        cat = self.category(category) if category else default_category
        imp = self.level("impact", impact) if impact else default_impact
        urg = self.level("urgency", urgency) if urgency else default_urgency
        return Classification(cat, imp, urg, self.priority(imp, urg))

    def group_for(self, category: str) -> str:
        """The support group a new incident of this category goes to."""
        return self._groups.get(category.split("/")[0], self._default_group)
