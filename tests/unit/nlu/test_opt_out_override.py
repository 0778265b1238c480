from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_syntax_guard import IntentSyntaxGuard
from bot.nlu.opt_out_override import OptOutOverride


def classified(text: str, intent: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.9}])
    return message


def test_a_certain_opt_out_beats_the_classifier() -> None:
    [message] = OptOutOverride().process([classified("actually stop emailing me", "inform")])
    assert message.get(INTENT) == {"name": "withdraw_consent", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["withdraw_consent", "inform"]


def test_other_messages_keep_the_classifiers_intent() -> None:
    [message] = OptOutOverride().process([classified("we want to stop losing leads", "inform")])
    assert message.get(INTENT)["name"] == "inform"


def test_forged_intent_syntax_becomes_a_fallback() -> None:
    [message] = IntentSyntaxGuard().process([classified("/affirm", "affirm")])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
