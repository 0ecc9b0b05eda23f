"""Incident classification: the category tree and the impact x urgency priority matrix."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import BadArguments


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    impact: str
    urgency: str
    priority: str
    raised: tuple[str, ...] = ()  # "impact", "urgency": lifted to the category's floor

    @property
    def branch(self) -> str:
        """The top of the category's tree: 'security' for 'security/phishing'."""
        return self.category.split("/")[0]


LEVELS = ("impact", "urgency")


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
        self._floors = {top: category.at_least for top, category in settings.categories.items()}
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
        levels = self._levels(kind)
        value = text.strip().lower()
        if value not in levels:
            raise BadArguments(f"'{text}' is not an {kind} level. Use one of: {', '.join(levels)}.")
        return value

    def priority(self, impact: str, urgency: str) -> str:
        """The matrix's priority for this impact and urgency."""
        return self._matrix[impact][urgency]

    def levels_for(self, priority: str, impact: str, urgency: str) -> tuple[str, str]:
        """The impact and urgency nearest to these that give `priority`: the fewest steps
        along the matrix, moving urgency before impact (who is affected is a fact; how
        pressing it is, the desk's judgement)."""
        pairs = [
            (i, u) for i in self.impacts for u in self.urgencies if self._matrix[i][u] == priority
        ]
        if not pairs:
            raise BadArguments(f"No impact and urgency give {priority} in the priority matrix.")

        def steps(pair: tuple[str, str]) -> tuple[int, int]:
            moved = abs(self.impacts.index(pair[0]) - self.impacts.index(impact))
            return moved + abs(self.urgencies.index(pair[1]) - self.urgencies.index(urgency)), moved

        return min(pairs, key=steps)

    def classify(
        self,
        category: str | None,
        impact: str | None,
        urgency: str | None,
        *,
        floor: Collection[str] = LEVELS,
    ) -> Classification:
        """Fill what was not given from the defaults, lift the levels named in `floor`
        to the category's `at_least`, and derive the priority."""
        default_category, default_impact, default_urgency = self._defaults
        cat = self.category(category) if category else default_category
        given = {
            "impact": self.level("impact", impact) if impact else default_impact,
            "urgency": self.level("urgency", urgency) if urgency else default_urgency,
        }
        lifted = dict(given)
        for kind, least in self.floor(cat).items():
            if kind in floor:
                lifted[kind] = self._higher(self._levels(kind), given[kind], least)
        raised = tuple(kind for kind in LEVELS if lifted[kind] != given[kind])
        imp, urg = lifted["impact"], lifted["urgency"]
        return Classification(cat, imp, urg, self.priority(imp, urg), raised)

    def floor(self, category: str) -> dict[str, str]:
        """The levels a category's incidents never go below (config's `at_least`)."""
        return self._floors.get(category.split("/")[0], {})

    def settled(self, category: str | None, kind: str) -> str | None:
        """The level of `kind` a report in this category has whatever is answered: its
        floor, when that is already the most severe level (nothing left to ask)."""
        least = self.floor(category or self._defaults[0]).get(kind)
        return least if least == self._levels(kind)[0] else None

    def _levels(self, kind: str) -> tuple[str, ...]:
        return self.impacts if kind == "impact" else self.urgencies

    @staticmethod
    def _higher(levels: tuple[str, ...], level: str, least: str) -> str:
        """The more severe of two levels (listed most severe first)."""
        return levels[min(levels.index(level), levels.index(least))]

    def group_for(self, category: str) -> str:
        """The support group a new incident of this category goes to."""
        return self._groups.get(category.split("/")[0], self._default_group)


def floor_note(c: Classification) -> str:
    """Why levels are higher than asked ("" when none was lifted)."""
    if not c.raised:
        return ""
    lifted = " and ".join(f"{kind} {getattr(c, kind)}" for kind in c.raised)
    return f"Set to {lifted}: every {c.branch} incident is at least that."
