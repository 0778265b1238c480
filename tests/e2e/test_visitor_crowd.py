"""A stable part of the simulated crowd (`make conversations`), written without reading the
training data: visitors who volunteer answers, work at companies named with compliance
words, correct themselves, and really opt out or ask for erasure at the end."""

from __future__ import annotations

import pytest

from bench.conversations import Outcome, admin_token, load_personas, run_personas
from bot.settings import Settings
from tests.e2e.rest_client import API_TOKEN

pytestmark = pytest.mark.e2e

STABLE = (
    "omar-haddad",  # three answers in the first message
    "maria-santos",  # Cancel Culture Media; opts out of everything at the end
    "grace-kim",  # Stop & Go
    "olivia-brown",  # End Point Labs
    "kwame-asante",  # Quit Nine Studio
    "layla-hassan",  # Opt Out Outdoors
    "nadia-petrova",  # asks for erasure at the end
    "emily-clarke",  # opts out of e-mail at the end
    "charlotte-davies",  # company, head-count and role in one answer
)


@pytest.fixture(scope="module")
def outcomes(stack: Settings) -> dict[str, Outcome]:
    personas = [p for p in load_personas() if p.key in STABLE]
    assert {p.key for p in personas} == set(STABLE)
    results = run_personas(
        f"http://{stack.host}:{stack.rasa_port}",
        API_TOKEN,
        f"http://{stack.host}:{stack.api_port}",
        admin_token(stack.var_dir),
        personas,
    )
    return {outcome.key: outcome for outcome in results}


@pytest.mark.parametrize("key", STABLE)
def test_the_visitor_becomes_a_lead_with_every_answer_right(
    outcomes: dict[str, Outcome], key: str
) -> None:
    outcome = outcomes[key]
    assert outcome.completed, outcome
    wrong = {name: check for name, check in outcome.fields.items() if not check.right}
    assert wrong == {}
    assert outcome.reasked == 0, outcome.reasked_fields


@pytest.mark.parametrize("key", STABLE)
def test_nobody_is_opted_out_by_mistake_and_every_real_request_is_honoured(
    outcomes: dict[str, Outcome], key: str
) -> None:
    outcome = outcomes[key]
    assert outcome.wrongful == []
    if outcome.opt_out is not None:
        assert outcome.honoured, outcome
    assert outcome.fallbacks == 0
