"""What a returning visitor's check says, and how its replies and greetings are read."""

from __future__ import annotations

import pytest

from bot.leads.returning import (
    checked_answers,
    confirms,
    is_greeting_only,
    still_line,
    welcome_back,
)

SIZE = {"low": 10, "high": 50, "unit": "people"}


def test_the_check_names_the_company_and_its_size() -> None:
    assert still_line({"company": "Harbor Goods", "company_size": SIZE}) == (
        "at Harbor Goods, 10–50 people"
    )
    assert still_line({"company": "Harbor Goods", "company_size": "declined"}) == "at Harbor Goods"
    assert still_line({"company_size": {"low": 1, "high": 1, "unit": "people"}}) == "1 person"
    assert still_line({"company": "unknown", "role": "CEO"}) is None
    assert checked_answers({"name": "Jo", "role": "CEO"}) == {}


def test_the_welcome_uses_a_given_first_name_only() -> None:
    assert welcome_back({"name": "Dana Whitfield"}) == "Welcome back, Dana!"
    assert welcome_back({"name": "declined"}) == "Welcome back!"
    assert welcome_back({}) == "Welcome back!"


@pytest.mark.parametrize(
    "reply",
    [
        "yes",
        "Yep",
        "still there",
        "that's right",
        "correct",
        "same as before",
        "all good",
        "nothing's changed",
        "no change",
        "unchanged!",
    ],
)
def test_replies_that_keep_the_answers(reply: str) -> None:
    assert confirms(reply, None)


@pytest.mark.parametrize("reply", ["no", "nope, we moved", "something's changed", "Acme Corp"])
def test_replies_that_do_not(reply: str) -> None:
    assert not confirms(reply, None)


def test_a_classifier_yes_counts() -> None:
    assert confirms("yessir", "affirm")


@pytest.mark.parametrize(
    "text", ["hi", "hi again!", "Hello there", "hey", "I'm back", "good morning"]
)
def test_greetings_alone(text: str) -> None:
    assert is_greeting_only(text)


@pytest.mark.parametrize(
    "text", ["hi, I'm Sam", "Hello Fresh", "hey we need a budget of 5k", "yo-yo toys"]
)
def test_greetings_with_more(text: str) -> None:
    assert not is_greeting_only(text)
