"""A lead as the recommender sees it, read from the lead form's slots."""

from __future__ import annotations

import pytest

from bot.recommend import Lead
from bot.recommend.lead import region_of_country, size_band
from bot.scoring.facts import Span


def people(low: float, high: float) -> dict[str, object]:
    return {"low": low, "high": high, "unit": "people"}


def test_the_form_answers_become_a_lead() -> None:
    slots = {
        "use_case": "follow up with our contact-form leads",
        "role": "Head of Growth",
        "company_size": people(40, 60),
        "phone": "+447700900123",
        "consent_email": "granted",
        "consent_sms": "denied",
    }
    lead = Lead.from_slots(slots, industry="saas", segments=["nurture"], seen=["a"], clicked=["b"])
    assert lead == Lead(
        use_case="follow up with our contact-form leads",
        role="Head of Growth",
        industry="saas",
        size_band="11-50",
        region="uk",
        marketing_consent=True,
        segments=frozenset({"nurture"}),
        seen=frozenset({"a", "b"}),
        clicked=frozenset({"b"}),
    )


def test_unknown_declined_and_missing_answers_are_not_known() -> None:
    slots = {"use_case": "unknown", "role": "declined", "company_size": "declined"}
    lead = Lead.from_slots({**slots, "consent_email": "deferred"})
    assert lead == Lead()


def test_a_slot_of_an_unexpected_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="company_size"):
        Lead.from_slots({"company_size": 40})


@pytest.mark.parametrize(
    ("low", "high", "band"),
    [
        (1, 1, "1-10"),
        (8, 12, "1-10"),
        (11, 11, "11-50"),
        (50, 50, "11-50"),
        (51, 60, "51-200"),
        (200, 200, "51-200"),
        (300, 500, "201-1000"),
        (1000, 1000, "201-1000"),
        (5000, 5000, "1000+"),
    ],
)
def test_company_size_falls_in_a_band_by_its_midpoint(low: float, high: float, band: str) -> None:
    assert size_band(Span(low, high, "people")) == band


def test_no_size_no_band() -> None:
    assert size_band("unknown") is None and size_band(None) is None


def test_regions_from_countries() -> None:
    assert [region_of_country(c) for c in ("us", "GB", "DE", "BR", "JP", "AE", "XX", None)] == [
        "na",
        "uk",
        "eu",
        "latam",
        "apac",
        "mea",
        None,
        None,
    ]
    assert Lead.from_slots({"phone": "+12025550123"}).region == "na"
    assert Lead.from_slots({"phone": "declined"}).region is None
