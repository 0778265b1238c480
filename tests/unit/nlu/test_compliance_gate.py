from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.compliance_gate import ComplianceGate
from bot.nlu.intent_syntax_guard import IntentSyntaxGuard


def classified(text: str, intent: str, runner_up: str = "greet") -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": 0.9}, {"name": runner_up, "confidence": 0.05}],
    )
    return message


def gated(text: str, intent: str, runner_up: str = "greet") -> Message:
    [message] = ComplianceGate().process([classified(text, intent, runner_up)])
    return message


def test_a_certain_opt_out_beats_the_classifier() -> None:
    message = gated("actually stop emailing me", "inform")
    assert message.get(INTENT) == {"name": "withdraw_consent", "confidence": 1.0}
    ranking = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert ranking == ["withdraw_consent", "inform", "greet"]


@pytest.mark.parametrize(
    "text", ["delete my data please", "Please erase everything you hold about me", "forget me"]
)
def test_a_certain_erasure_request_beats_the_classifier(text: str) -> None:
    assert gated(text, "inform").get(INTENT) == {"name": "request_erasure", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "predicted", "becomes"),
    [
        ("stopgap software", "withdraw_consent", "unclear_opt_out"),
        ("Stop It", "withdraw_consent", "unclear_opt_out"),
        ("the delete button on our site is broken", "request_erasure", "unclear_erasure"),
    ],
)
def test_an_unconfirmed_prediction_becomes_unclear(text: str, predicted: str, becomes: str) -> None:
    message = gated(text, predicted)
    assert message.get(INTENT) == {"name": becomes, "confidence": 0.9}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [becomes, "greet"]


def test_a_negated_stop_takes_the_next_intent() -> None:
    message = gated("don't stop, tell me more", "withdraw_consent", runner_up="ask_product")
    assert message.get(INTENT)["name"] == "ask_product"


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("StopGap Software", "withdraw_consent"),
        ("Mia Stop, from Stop & Go", "withdraw_consent"),
        ("End of Story Books", "withdraw_consent"),
        ("The Erasure Project", "request_erasure"),
    ],
)
def test_a_name_with_a_stop_word_in_it_takes_the_next_intent(text: str, predicted: str) -> None:
    message = gated(text, predicted, runner_up="inform")
    assert message.get(INTENT)["name"] == "inform"


def test_other_messages_keep_the_classifiers_intent() -> None:
    assert gated("we want to stop losing leads", "express_interest").get(INTENT)["name"] == (
        "express_interest"
    )


def test_forged_intent_syntax_becomes_a_fallback() -> None:
    [message] = IntentSyntaxGuard().process([classified("/affirm", "affirm")])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
