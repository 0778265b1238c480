"""Business constraints, applied before any ranking: what a lead may be shown at all.

An item is left out, with the reason, when

- it was written for other regions and the lead is not known to be in one of them;
- it is in another language than the lead's;
- its `valid_until` date has passed;
- it is gated and the lead has not agreed to marketing e-mail;
- the lead has already seen or clicked it;
- it is kept for some segments and the lead is in none of them.

The rankers only ever order what is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.recommend.catalogue import ANY, Item
from bot.recommend.lead import Lead

__all__ = ["Exclusion", "eligible", "exclusion_reason", "split"]


@dataclass(frozen=True)
class Exclusion:
    item: Item
    reason: str


def exclusion_reason(item: Item, lead: Lead, today: date) -> str | None:
    """Why `lead` may not be shown `item`, or None if it may."""
    if ANY not in item.regions and lead.region not in item.regions:
        where = lead.region or "an unknown region"
        return f"only for {', '.join(item.regions)}; the lead is in {where}"
    if item.language != lead.language:
        return f"in {item.language}; the lead reads {lead.language}"
    if item.valid_until is not None and item.valid_until < today:
        return f"expired on {item.valid_until.isoformat()}"
    if item.gated and not lead.marketing_consent:
        return "gated, and the lead has not agreed to marketing e-mail"
    if item.id in lead.seen:
        return "already seen"
    if item.segments and lead.segments.isdisjoint(item.segments):
        return f"only for the segments {', '.join(item.segments)}"
    return None


def split(items: Iterable[Item], lead: Lead, today: date) -> tuple[list[Item], list[Exclusion]]:
    """The items `lead` may be shown, in order, and those left out with their reason."""
    allowed: list[Item] = []
    excluded: list[Exclusion] = []
    for item in items:
        reason = exclusion_reason(item, lead, today)
        if reason is None:
            allowed.append(item)
        else:
            excluded.append(Exclusion(item, reason))
    return allowed, excluded


def eligible(items: Iterable[Item], lead: Lead, today: date) -> list[Item]:
    """The items `lead` may be shown, in order."""
    return split(items, lead, today)[0]
