"""Stops untrusted user text from forging an intent with Rasa's `/intent{...}` syntax.

Rasa ends every NLU graph with `RegexMessageHandler`, which reads any text starting with
`/` as an intent plus entities (`/affirm`, `/inform{"email": "x"}`), overriding what the
classifier predicted. Parley's buttons send plain words instead, so no channel ever needs
that syntax: this component, placed last in the pipeline, prefixes such text with an
invisible word joiner so the handler sees no `/`, and marks it `nlu_fallback`, since the
classifier would otherwise read "/affirm" as a yes by its letters. The tracker still stores
what the user typed verbatim (`UserUttered.text` comes from the incoming message, not from
the NLU result).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_syntax import neutralise_intent_syntax
from bot.nlu.text_rules import TextRule, override_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class IntentSyntaxGuard(TextRule):
    """Last NLU component: neutralises `/intent` syntax in user text."""

    def apply(self, message: Message, text: str) -> None:
        neutralised = neutralise_intent_syntax(text)
        if neutralised != text:
            message.set(TEXT, neutralised)
            override_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
