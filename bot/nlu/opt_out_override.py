"""Makes a certain opt-out win over the classifier (see bot/consent/opt_out.py).

Runs after the intent classifier and the fallback classifier: when the text is an opt-out
keyword or a first-person request to stop, the intent becomes `withdraw_consent` with full
confidence, so "actually, please stop emailing me" can never be read as a form answer.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.consent.opt_out import is_opt_out
from bot.nlu.text_rules import TextRule, override_intent

OPT_OUT_INTENT = "withdraw_consent"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OptOutOverride(TextRule):
    def apply(self, message: Message, text: str) -> None:
        if is_opt_out(text):
            override_intent(message, OPT_OUT_INTENT)
