"""Where a lead is: the SMS conversation's own number first, then the number given, then
an e-mail address at a country's domain; grouped into the catalogue's regions."""

from __future__ import annotations

import pytest

from bot.insights.regions import ELSEWHERE, UNKNOWN, country_of, region_of


@pytest.mark.parametrize(
    ("conversation_id", "phones", "emails", "region"),
    [
        ("sms:+14155550132", [None], [], "na"),  # the SMS sender's own number
        ("sms:+14155550132", ["+442071838750"], [], "na"),  # ... before a number typed
        ("web-1", ["declined", "+442071838750"], [], "uk"),  # the contact's number
        ("web-1", ["+4930123456"], ["jo@example.co.uk"], "eu"),  # the phone before the e-mail
        ("web-1", [None], ["jo@example.co.uk"], "uk"),
        ("web-1", [None, None], [None, "jo@example.com.au"], "apac"),
        ("web-1", ["+74951234567"], [], ELSEWHERE),  # Russia: in none of the regions
        ("web-1", ["declined"], ["jo@example.com"], UNKNOWN),  # .com names no country
        ("telegram:12345", [], [], UNKNOWN),
    ],
)
def test_region_of_a_lead(
    conversation_id: str, phones: list[object], emails: list[object], region: str
) -> None:
    assert region_of(conversation_id, phones, emails) == region


def test_the_country_itself() -> None:
    assert country_of("web-1", ["+442071838750"], []) == "GB"
    assert country_of("web-1", [], ["a@b.de"]) == "DE"
    assert country_of("web-1", [], []) is None
