"""What the recommender knows about a lead: a few answers of the lead form, in one value.

`Lead.from_slots` reads the form's slots (bot/domain/lead.yml) through
`bot.scoring.LeadFacts`, the one reader of their shapes: the stated need (`use_case`),
the role, the company size as a band, marketing consent and, from the phone number's
country, a region. The form does not ask for an industry; whoever knows it (enrichment,
a segment, a marketer) passes it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

from bot.recommend.catalogue import SIZE_BANDS
from bot.scoring.facts import LeadFacts, Span, is_answered

__all__ = ["Lead", "region_of_country", "size_band"]

# Upper head-count of each band but the last (SIZE_BANDS order).
_BAND_TOPS = (10, 50, 200, 1000)
_REGIONS = {
    "na": "US CA",
    "latam": "MX BR AR CL CO PE UY EC CR PA DO GT",
    "uk": "GB IE",
    "eu": "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "NO CH IS LI",
    "mea": "AE SA QA KW BH OM IL TR EG MA ZA NG KE GH",
    "apac": "AU NZ JP KR CN HK TW SG MY ID TH VN PH IN PK BD",
}
_COUNTRY_REGION = {
    country: region for region, countries in _REGIONS.items() for country in countries.split()
}


def region_of_country(country: str | None) -> str | None:
    """The catalogue region (bot.recommend.catalogue.REGIONS) of an ISO country code."""
    return _COUNTRY_REGION.get((country or "").upper())


def size_band(size: Span | str | None) -> str | None:
    """The band of SIZE_BANDS a head-count range falls in, by its midpoint."""
    if not isinstance(size, Span):
        return None
    for band, top in zip(SIZE_BANDS, _BAND_TOPS, strict=False):
        if size.midpoint <= top:
            return band
    return SIZE_BANDS[-1]


def _phone_region(phone: str | None) -> str | None:
    if not is_answered(phone):
        return None
    try:
        number = phonenumbers.parse(phone or "")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code is None:
        return None
    return region_of_country(phonenumbers.region_code_for_country_code(number.country_code))


def _answer(value: str | None) -> str:
    return value if is_answered(value) and value else ""


@dataclass(frozen=True)
class Lead:
    """A lead as the rankers see it; empty text and None mean "not known"."""

    use_case: str = ""  # the stated need, in their words
    role: str = ""
    industry: str | None = None  # a catalogue industry name
    size_band: str | None = None  # one of SIZE_BANDS
    region: str | None = None  # one of catalogue.REGIONS
    language: str = "en"
    marketing_consent: bool = False
    segments: frozenset[str] = frozenset()
    seen: frozenset[str] = frozenset()  # items already shown or clicked, never again
    clicked: frozenset[str] = frozenset()  # items engaged with (a subset of seen)

    @classmethod
    def from_slots(
        cls,
        slots: Mapping[str, Any],
        *,
        industry: str | None = None,
        language: str = "en",
        segments: Iterable[str] = (),
        seen: Iterable[str] = (),
        clicked: Iterable[str] = (),
    ) -> Lead:
        """Read the lead form's slot values; raises `ValueError` for an unexpected shape."""
        facts = LeadFacts.from_slots(slots, channel="recommend", signals={})
        return cls(
            use_case=_answer(facts.use_case),
            role=_answer(facts.role),
            industry=industry,
            size_band=size_band(facts.company_size),
            region=_phone_region(facts.phone),
            language=language,
            marketing_consent=facts.consent.marketing_email == "granted",
            segments=frozenset(segments),
            seen=frozenset(seen) | frozenset(clicked),
            clicked=frozenset(clicked),
        )
