"""The scoring rules as plain values, built from data/scoring/rules.yml by `bot.scoring.rules`.

Nothing here reads files or validates: by the time these objects exist the YAML has
passed both the schema and the semantic checks, so scoring can trust them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "Band",
    "BandScale",
    "DomainList",
    "Grade",
    "OpenedContentPoints",
    "ScoringRules",
    "format_amount",
]


def format_amount(value: float) -> str:
    """1500 -> "1,500"; 2.5 -> "2.5" (whole numbers without a trailing .0)."""
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}".rstrip("0")


@dataclass(frozen=True)
class Band:
    """A named, inclusive range of amounts worth `points`; `high` None means no upper limit."""

    name: str
    low: float
    high: float | None
    points: int

    def contains(self, value: float) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)

    def describe(self) -> str:
        if self.high is None:
            return f"{format_amount(self.low)}+"
        return f"{format_amount(self.low)}–{format_amount(self.high)}"


@dataclass(frozen=True)
class BandScale:
    """The bands of one dimension, and which end of a lead's range is matched against them."""

    bands: tuple[Band, ...]
    match_on: str = "midpoint"  # "low", "midpoint" or "high"

    def value_of(self, low: float, high: float) -> float:
        """The single figure a lead's range is scored as, rounded to whole units.

        Rounding keeps bands written as whole numbers (11–200, 201–1,000) free of gaps
        a converted or averaged figure such as 200.5 could otherwise fall into.
        """
        raw = {"low": low, "high": high}.get(self.match_on, (low + high) / 2)
        return float(math.floor(raw + 0.5))

    def band_for(self, value: float) -> Band | None:
        return next((band for band in self.bands if band.contains(value)), None)


@dataclass(frozen=True)
class DomainList:
    """E-mail domains (and their subdomains) that move a lead's score, e.g. competitors."""

    name: str
    points: int
    domains: frozenset[str]

    def matches(self, domain: str) -> bool:
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class Grade:
    """A letter given to every total at or above `minimum` (and below the next grade's)."""

    name: str
    minimum: int


@dataclass(frozen=True)
class OpenedContentPoints:
    """Points per distinct recommended item a lead opened, by the item's buying stage,
    and the most they add together."""

    per_stage: Mapping[str, int]
    cap: int


@dataclass(frozen=True)
class ScoringRules:
    """Points per answer and signal, and the grade thresholds, as marketers configured them."""

    company_size: BandScale
    budget: BandScale
    budget_currency: str
    currency_rates: Mapping[str, float]  # value of one unit in budget_currency
    timeline: Mapping[str, int]
    authority: Mapping[str, int]
    signals: Mapping[str, int]
    consent: Mapping[str, int]  # points when that consent is granted
    email_domains: tuple[DomainList, ...]
    grades: tuple[Grade, ...]  # highest minimum first; the last starts at 0
    opened_content: OpenedContentPoints | None = None  # None: content opened scores nothing

    def grade_for(self, total: int) -> str:
        for grade in self.grades:
            if total >= grade.minimum:
                return grade.name
        return self.grades[-1].name

    def in_budget_currency(self, amount: float, unit: str) -> float | None:
        """`amount` of `unit` converted, or None when the rules have no rate for it."""
        if unit == self.budget_currency:
            return amount
        rate = self.currency_rates.get(unit)
        return None if rate is None else amount * rate
