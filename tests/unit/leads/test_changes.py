"""change_asked: a message that names an answer to change, and what it says after it."""

from __future__ import annotations

import pytest

from bot.leads.corrections import Change, change_asked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actually I want to update my budget", Change("budget", "")),
        ("can I change our company size?", Change("company_size", "")),
        ("my role has changed", Change("role", "")),
        ("the e-mail you have is wrong", Change("email", "")),
        ("change my company name to Acme Corp", Change("company", "Acme Corp")),
        ("change my budget to €20k", Change("budget", "€20k")),
        ("update my phone number: 415 555 0133", Change("phone", "415 555 0133")),
        ("update the timeline to next month", Change("timeline", "next month")),
        ("I want to change how we handle leads", None),
        ("we need a bot to update our website", None),
        ("Stop & Go Outfitters", None),
    ],
)
def test_a_change_names_its_answer(text: str, expected: Change | None) -> None:
    assert change_asked(text) == expected
