"""Makes a certain opt-out win over the classifier (see bot/consent/opt_out.py).

Runs after the intent classifier and the fallback classifier: when the text is an opt-out
keyword or a first-person request to stop, the intent becomes `withdraw_consent` with full
confidence, so "actually, please stop emailing me" can never be read as a form answer.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.consent.opt_out import is_opt_out

OPT_OUT_INTENT = "withdraw_consent"


def certain(intent: str) -> dict[str, Any]:
    return {"name": intent, "confidence": 1.0}


def override_intent(message: Message, intent: str) -> None:
    """Sets `intent` as the prediction, keeping the classifier's ranking below it."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    message.set(INTENT, certain(intent), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [certain(intent), *ranking], add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OptOutOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OptOutOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and is_opt_out(text):
                override_intent(message, OPT_OUT_INTENT)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
