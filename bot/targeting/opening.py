"""What the web chat opens with for one visit: the chosen trigger's greeting, its delay
and its offer, or the default greeting when no trigger holds.

The offer is a catalogue item (data/content) shown under the greeting. The
recommender's rules apply to it as to any anonymous visitor: an expired, gated,
region-restricted, other-language item, or one kept for segments the visitor is not
known to be in, is not shown (the greeting still is).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.recommend.catalogue import Catalogue, Item
from bot.recommend.lead import Lead
from bot.recommend.rules import exclusion_reason
from bot.targeting.triggers import Trigger
from bot.targeting.visit import Visit, choose

__all__ = ["Opening", "opening"]


@dataclass(frozen=True)
class Opening:
    greeting: str
    delay_s: float
    trigger: str | None = None  # the trigger's name; None: the default greeting
    offer: Item | None = None
    # The offer's signed click link once recorded (`bot.targeting.offer_record`); None:
    # the item's own address.
    offer_link: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The widget's part of the web chat's ``/config`` answer."""
        offer = None
        if self.offer is not None:
            url = self.offer_link or self.offer.url
            offer = {"title": self.offer.title, "url": url, "kind": self.offer.kind}
        return {
            "greeting": self.greeting,
            "greeting_delay_s": self.delay_s,
            "trigger": self.trigger,
            "offer": offer,
        }


def _offer(trigger: Trigger, catalogue: Catalogue, visit: Visit, today: date) -> Item | None:
    item = catalogue.by_id().get(trigger.offer or "")
    if item is None:
        return None
    visitor = Lead(segments=frozenset(visit.segments))
    return item if exclusion_reason(item, visitor, today) is None else None


def opening(
    triggers: Sequence[Trigger],
    catalogue: Catalogue,
    visit: Visit,
    *,
    default: Opening,
    today: date,
) -> Opening:
    """The first trigger that holds for `visit`, as the widget shows it; else `default`."""
    trigger = choose(triggers, visit)
    if trigger is None:
        return default
    return Opening(
        greeting=trigger.greeting,
        delay_s=default.delay_s if trigger.after_s is None else trigger.after_s,
        trigger=trigger.name,
        offer=_offer(trigger, catalogue, visit, today),
    )
