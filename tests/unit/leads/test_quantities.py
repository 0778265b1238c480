"""Unit tests for bot.leads.quantities: budgets, headcounts and "I don't know"."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from bot.leads import Range, is_unsure, parse_headcount, parse_money


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("about 50k", 50_000, 50_000, "USD"),
        ("50K", 50_000, 50_000, "USD"),
        ("maybe 75K?", 75_000, 75_000, "USD"),
        ("$50,000", 50_000, 50_000, "USD"),
        ("50 grand", 50_000, 50_000, "USD"),
        ("roughly 15-20 grand", 15_000, 20_000, "USD"),
        ("between 10 and 20 thousand dollars", 10_000, 20_000, "USD"),
        ("10-20k", 10_000, 20_000, "USD"),
        ("10 - 20k", 10_000, 20_000, "USD"),
        ("10–20k", 10_000, 20_000, "USD"),
        ("$10k to $20k", 10_000, 20_000, "USD"),
        ("$5k–$10k", 5_000, 10_000, "USD"),
        ("somewhere between 5 and 10 k", 5_000, 10_000, "USD"),
        ("10,000-20,000", 10_000, 20_000, "USD"),
        ("500-2k", 500, 2_000, "USD"),
        ("20k-10k", 10_000, 20_000, "USD"),
        ("€5k", 5_000, 5_000, "EUR"),
        ("5000 euros", 5_000, 5_000, "EUR"),
        ("15000€", 15_000, 15_000, "EUR"),
        ("€ 15.000", 15_000, 15_000, "EUR"),
        ("100-150k eur", 100_000, 150_000, "EUR"),
        ("£2,500", 2_500, 2_500, "GBP"),
        ("2k quid", 2_000, 2_000, "GBP"),
        ("about 3000 pounds", 3_000, 3_000, "GBP"),
        ("1.5m", 1_500_000, 1_500_000, "USD"),
        ("2 million", 2_000_000, 2_000_000, "USD"),
        ("3mm", 3_000_000, 3_000_000, "USD"),
        ("1bn", 1_000_000_000, 1_000_000_000, "USD"),
        ("a billion", 1_000_000_000, 1_000_000_000, "USD"),
        ("a million", 1_000_000, 1_000_000, "USD"),
        ("half a million", 500_000, 500_000, "USD"),
        ("one and a half million", 1_500_000, 1_500_000, "USD"),
        ("around 1.5 million dollars", 1_500_000, 1_500_000, "USD"),
        ("up to 30k", 30_000, 30_000, "USD"),
        ("under 5k a month", 5_000, 5_000, "USD"),
        ("at least 10k", 10_000, 10_000, "USD"),
        ("fifty thousand", 50_000, 50_000, "USD"),
        ("twenty k", 20_000, 20_000, "USD"),
        ("two grand", 2_000, 2_000, "USD"),
        ("a hundred thousand", 100_000, 100_000, "USD"),
        ("ten to twenty thousand", 10_000, 20_000, "USD"),
        ("twelve thousand five hundred dollars", 12_500, 12_500, "USD"),
        ("two and a half k", 2_500, 2_500, "USD"),
        ("10k per month", 10_000, 10_000, "USD"),
        ("20k a year", 20_000, 20_000, "USD"),
        ("usd 25000", 25_000, 25_000, "USD"),
        ("budget is 25000", 25_000, 25_000, "USD"),
        ("we have 20,000 for this", 20_000, 20_000, "USD"),
        ("50k-ish", 50_000, 50_000, "USD"),
        ("10kish", 10_000, 10_000, "USD"),
        ("like 5 bucks lol", 5, 5, "USD"),
        ("in 2025 we have about 40k", 40_000, 40_000, "USD"),
        ("5 people and 10k", 10_000, 10_000, "USD"),
        ("CAD 5000", 5_000, 5_000, "CAD"),
        ("20k canadian dollars", 20_000, 20_000, "CAD"),
        ("A$8k", 8_000, 8_000, "AUD"),
        ("hmm prob 30k, maybe 40k", 30_000, 30_000, "USD"),
    ],
)
def test_parse_money(text: str, low: float, high: float, unit: str) -> None:
    assert parse_money(text) == Range(low, high, unit)


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("about 50k", "EUR", Range(50_000, 50_000, "EUR")),
        ("about 50k", "gbp", Range(50_000, 50_000, "GBP")),
        ("$50k", "EUR", Range(50_000, 50_000, "USD")),
        ("10-20k, in dollars", "EUR", Range(10_000, 20_000, "USD")),
    ],
)
def test_parse_money_default_currency_only_applies_when_none_is_named(
    text: str, default: str, expected: Range
) -> None:
    assert parse_money(text, default) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no idea",
        "we don't have one yet",
        "tbd",
        "not sure",
        "depends on what you offer",
        "no one knows",
        "10 users",
        "in 3 months",
        "-500",
        "lots",
        "thousands",
    ],
)
def test_parse_money_returns_none_without_an_amount(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("1,200 employees", 1_200, 1_200),
        ("1.500 employees", 1_500, 1_500),
        ("a team of 12", 12, 12),
        ("a team of twelve", 12, 12),
        ("about 50 people", 50, 50),
        ("10-50", 10, 50),
        ("11-50 employees", 11, 50),
        ("between 200 and 500", 200, 500),
        ("10 to 50 employees across 3 offices", 10, 50),
        ("5k staff", 5_000, 5_000),
        ("around 1.2k", 1_200, 1_200),
        ("twelve", 12, 12),
        ("a dozen", 12, 12),
        ("one", 1, 1),
        ("just me", 1, 1),
        ("only me", 1, 1),
        ("Just me!", 1, 1),
        ("me", 1, 1),
        ("solo", 1, 1),
        ("solo founder", 1, 1),
        ("freelancer", 1, 1),
        ("I'm a freelancer", 1, 1),
        ("myself", 1, 1),
        ("i work alone", 1, 1),
        ("one-man band", 1, 1),
        ("me and a cofounder", 2, 2),
        ("me and my co-founder", 2, 2),
        ("just me + 1 freelancer", 2, 2),
        ("a cofounder and me", 2, 2),
        ("both of us", 2, 2),
        ("two of us", 2, 2),
        ("just the two of us", 2, 2),
        ("me and 2 others", 3, 3),
        ("me plus 4 contractors", 5, 5),
        ("50", 50, 50),
        ("~300", 300, 300),
        ("over 1000", 1_000, 1_000),
        ("1000+", 1_000, 1_000),
        ("small, around 20", 20, 20),
        ("we're 3", 3, 3),
        ("10 years old, 40 employees", 40, 40),
        ("30ish", 30, 30),
        ("30-ish people", 30, 30),
    ],
)
def test_parse_headcount(text: str, low: int, high: int) -> None:
    assert parse_headcount(text) == Range(low, high, "people")


@pytest.mark.parametrize(
    "text",
    ["", "big", "not sure", "huge", "0", "zero", "-5", "20 million", "hundreds", "$50k"],
)
def test_parse_headcount_returns_none_without_a_sensible_count(text: str) -> None:
    assert parse_headcount(text) is None


def test_headcount_is_whole_people() -> None:
    size = parse_headcount("2.4k")
    assert size == Range(2_400, 2_400, "people")
    assert size is not None
    assert size.as_slot() == {"low": 2400, "high": 2400, "unit": "people"}


@pytest.mark.parametrize(
    "text",
    [
        "I don't know",
        "i dont know",
        "dont kno",
        "I do not know",
        "no idea",
        "No idea tbh",
        "not sure",
        "not sure yet",
        "not really sure",
        "not 100% sure",
        "Not certain",
        "unsure",
        "tbd",
        "TBD!",
        "to be decided",
        "haven't decided",
        "havent decided yet",
        "we haven't set one",
        "undecided",
        "depends",
        "it depends",
        "depends on the scope",
        "no budget yet",
        "we don't have a budget",
        "dunno",
        "dunno lol",
        "idk",
        "IDK",
        "not yet",
        "no clue",
        "hard to say",
        "who knows",
        "?",
        "I don’t know",
    ],
)
def test_is_unsure(text: str) -> None:
    assert is_unsure(text)


@pytest.mark.parametrize(
    "text",
    [
        "50k",
        "sure",
        "yes",
        "big",
        "about 20 people",
        "asap",
        "I know exactly: 10k",
        "not sure, maybe 10k",
        "idk, 2 months?",
        "no idea, fifty thousand maybe",
        "",
    ],
)
def test_is_not_unsure(text: str) -> None:
    assert not is_unsure(text)


def test_range_as_slot_uses_ints_for_whole_values() -> None:
    slot = Range(10_000.0, 20_000.0, "USD").as_slot()
    assert slot == {"low": 10_000, "high": 20_000, "unit": "USD"}
    assert all(type(slot[key]) is int for key in ("low", "high"))
    assert Range(1.5, 2.25, "EUR").as_slot() == {"low": 1.5, "high": 2.25, "unit": "EUR"}


@pytest.mark.parametrize(
    "value",
    [Range(10_000, 20_000, "USD"), Range(1, 1, "people"), Range(0.5, 2.75, "EUR")],
)
def test_range_round_trips_through_a_slot(value: Range) -> None:
    assert Range.from_slot(value.as_slot()) == value


def test_range_from_slot_accepts_ints_and_floats() -> None:
    assert Range.from_slot({"low": 5, "high": 7.5, "unit": "GBP"}) == Range(5, 7.5, "GBP")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "10-20k",
        42,
        {},
        {"low": 1, "high": 2},
        {"low": "1", "high": 2, "unit": "USD"},
        {"low": True, "high": 2, "unit": "USD"},
        {"low": 1, "high": None, "unit": "USD"},
        {"low": 5, "high": 1, "unit": "USD"},
        {"low": -1, "high": 1, "unit": "USD"},
        {"low": 1, "high": 2, "unit": ""},
        {"low": 1, "high": 2, "unit": 3},
    ],
)
def test_range_from_slot_rejects_malformed_values(value: object) -> None:
    with pytest.raises(ValueError):
        Range.from_slot(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Range(10_000, 20_000, "USD"), "10,000–20,000 USD"),
        (Range(50_000, 50_000, "USD"), "50,000 USD"),
        (Range(1_200, 1_200, "people"), "1,200 people"),
        (Range(10, 50, "people"), "10–50 people"),
        (Range(1, 1, "people"), "1 person"),
        (Range(1_234.5, 1_234.5, "EUR"), "1,234.5 EUR"),
    ],
)
def test_range_str(value: Range, text: str) -> None:
    assert str(value) == text


def test_range_is_frozen_and_validated() -> None:
    value = Range(1, 2, "USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.low = 5  # type: ignore[misc]
    with pytest.raises(ValueError):
        Range(3, 2, "USD")


def test_leads_package_needs_no_framework() -> None:
    # The package must stay importable (and cheap) outside Rasa and the database layer.
    code = (
        "import sys, bot.leads; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'sqlalchemy')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
