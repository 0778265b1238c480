"""A message before the first question: an introduction is read for the name too."""

from __future__ import annotations

import pytest

from bot.leads.form import AnswerContext
from bot.leads.reading import read_opening

CONTEXT = AnswerContext("US", "USD")


def opening(text: str, **held: object) -> dict[str, object]:
    return read_opening(text, [], held=held, last_answered=None, context=CONTEXT).values


@pytest.mark.parametrize(
    ("text", "name", "company", "role"),
    [
        (
            "Dana Whitfield from Stop & Go Outfitters, I'm the ecommerce manager",
            "Dana Whitfield",
            "Stop & Go Outfitters",
            "ecommerce manager",
        ),
        ("Sure - Priya Raman, CMO at Lumen Labs", "Priya Raman", "Lumen Labs", "CMO"),
        (
            "yes please. Jo Park, head of ops at Delete Me Inc",
            "Jo Park",
            "Delete Me Inc",
            "head of ops",
        ),
    ],
)
def test_an_introduction_names_the_writer(text: str, name: str, company: str, role: str) -> None:
    assert opening(text) == {"name": name, "company": company, "role": role}


@pytest.mark.parametrize(
    "text",
    [
        "Sounds good",
        "sure thing",
        "Yes please, let's do it",
        "I run a small bakery",
        "Stop & Go Outfitters here",
        "Marketing Director at Acme",  # a role, not a name
        "Head of Growth, Acme Corp",  # the company comes after the role
        "Acme Corp, we sell shoes",
    ],
)
def test_no_name_is_made_up(text: str) -> None:
    assert "name" not in opening(text)


def test_a_name_given_before_stands() -> None:
    assert "name" not in opening("Dana Whitfield from Stop & Go, I'm the CMO", name="Jo Park")
