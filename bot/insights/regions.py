"""Where a lead is, as far as the product already knows it: the country of their phone
number (the SMS conversation's own, else the one they gave), as the handoff routing
reads it (`bot.handoff.service.territory_of`), else of an e-mail address at a country's
domain (`bot.leads.whereabouts`); grouped into the catalogue's regions
(`bot.recommend.lead.region_of_country`). Nothing is guessed from the network.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.handoff.service import territory_of
from bot.leads.whereabouts import email_country
from bot.recommend.lead import region_of_country

UNKNOWN = "unknown"
ELSEWHERE = "elsewhere"
REGION_LABELS = {
    "na": "North America",
    "latam": "Latin America",
    "uk": "UK and Ireland",
    "eu": "Europe",
    "mea": "Middle East and Africa",
    "apac": "Asia-Pacific",
    ELSEWHERE: "Other countries",
    UNKNOWN: "Unknown",
}


def country_of(
    conversation_id: str, phones: Iterable[object], emails: Iterable[object]
) -> str | None:
    """The first country a phone number, then an e-mail address, places the lead in."""
    for phone in phones:
        if country := territory_of(conversation_id, phone):
            return country
    for email in emails:
        if country := email_country(email):
            return country
    return None


def region_of(conversation_id: str, phones: Iterable[object], emails: Iterable[object]) -> str:
    """The lead's catalogue region, `elsewhere` for a country outside them, or `unknown`."""
    country = country_of(conversation_id, phones, emails)
    if country is None:
        return UNKNOWN
    return region_of_country(country) or ELSEWHERE
