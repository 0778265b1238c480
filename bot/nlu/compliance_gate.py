"""Opt-out and erasure are decided by rules, never by the classifier alone.

Runs after the intent and fallback classifiers (see bot/consent/opt_out.py for the rules):

- a certain opt-out or erasure request becomes `withdraw_consent` / `request_erasure` with
  full confidence, whatever was predicted, so "actually, please stop emailing me" is never
  read as a form answer;
- a message the classifier read as one of them but the rules do not confirm becomes
  `unclear_opt_out` / `unclear_erasure`: the bot asks once instead of acting, and in the
  lead form an answer that merely contains such a word ("StopGap Software") stays an answer;
- a negated one ("don't stop, tell me more"), or one whose every such word is part of a
  name ("Mia Stop, from Stop & Go"), takes the classifier's next intent.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.consent.opt_out import is_erasure_request, is_negated, is_opt_out, names_it_only
from bot.nlu.text_rules import TextRule, override_intent

OPT_OUT_INTENT = "withdraw_consent"
ERASURE_INTENT = "request_erasure"
UNCLEAR = {OPT_OUT_INTENT: "unclear_opt_out", ERASURE_INTENT: "unclear_erasure"}
# Set only by this gate, never trained.
RULE_SET_INTENTS = frozenset(UNCLEAR.values())


def _rename(message: Message, intent: str) -> None:
    """Puts `intent` in place of the prediction, with the prediction's confidence."""
    predicted: dict[str, Any] = message.get(INTENT) or {}
    renamed = {"name": intent, "confidence": predicted.get("confidence", 0.0)}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    message.set(INTENT, renamed, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [renamed, *ranking[1:]], add_to_output=True)


def _next_intent(message: Message) -> dict[str, Any] | None:
    ranking = message.get(INTENT_RANKING_KEY) or []
    return next((r for r in ranking if r.get("name") not in UNCLEAR), None)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ComplianceGate(TextRule):
    def apply(self, message: Message, text: str) -> None:
        # Erasure first: it opts the visitor out as well ("take me off and delete my data").
        if is_erasure_request(text):
            override_intent(message, ERASURE_INTENT)
            return
        if is_opt_out(text):
            override_intent(message, OPT_OUT_INTENT)
            return
        predicted = (message.get(INTENT) or {}).get("name")
        if predicted not in UNCLEAR:
            return
        following = _next_intent(message)
        if (is_negated(text) or names_it_only(text)) and following is not None:
            message.set(INTENT, following, add_to_output=True)
        else:
            _rename(message, UNCLEAR[predicted])
