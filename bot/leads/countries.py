"""Which country a visitor names ("it's a UK number", "Australia"), as a phone region.

Asked when a phone number typed without a country code is not a number of the default
region but is one elsewhere. Country names come from the `phonenumbers` place-name data
(its English name for each region it supports), plus the everyday names people use
instead ("UK", "England", "the States").
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

_EVERYDAY_NAMES = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "america": "US",
    "the states": "US",
    "uae": "AE",
    "emirates": "AE",
    "holland": "NL",
    "korea": "KR",
    "czechia": "CZ",
}


@cache
def _names() -> dict[str, str]:
    # Imported only when a country is asked for: its place-name data weighs ~50 MB.
    from phonenumbers import geocoder

    names = dict(_EVERYDAY_NAMES)
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = geocoder.country_name_for_number(example, "en") if example else ""
        if name:
            names.setdefault(name.lower(), region)
    return names


@cache
def _pattern() -> re.Pattern[str]:
    longest_first = sorted(_names(), key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in longest_first)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])", re.IGNORECASE)


def region_named(text: str) -> str | None:
    """The region of the country `text` names, if it names one."""
    match = _pattern().search(text)
    return _names()[match.group().lower()] if match else None


def regions_where_valid(digits: str) -> list[str]:
    """The regions in which `digits`, typed without a country code, is a valid number."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.append(region)
    return found
