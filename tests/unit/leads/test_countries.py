"""Which country a visitor names, and where a number typed without a country code fits."""

from __future__ import annotations

import pytest

from bot.leads.contact import normalise_phone
from bot.leads.countries import region_named, regions_where_valid
from bot.leads.errors import InvalidAnswer, NeedsCountry


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("UK", "GB"),
        ("it's a uk number", "GB"),
        ("Australia", "AU"),
        ("germany!", "DE"),
        ("from the states", "US"),
        ("New Zealand", "NZ"),
        ("no idea", None),
    ],
)
def test_countries_by_their_names(text: str, region: str | None) -> None:
    assert region_named(text) == region


def test_a_uk_mobile_is_valid_in_the_uk_not_the_us() -> None:
    assert "GB" in regions_where_valid("07911 123456")
    assert "US" not in regions_where_valid("07911 123456")


def test_a_foreign_local_number_needs_its_country() -> None:
    with pytest.raises(NeedsCountry) as raised:
        normalise_phone("call me on 07911 123456", "US")
    assert raised.value.digits == "07911 123456"


def test_a_number_too_short_anywhere_is_just_invalid() -> None:
    with pytest.raises(InvalidAnswer) as raised:
        normalise_phone("646 555 018", "US")
    assert not isinstance(raised.value, NeedsCountry)
