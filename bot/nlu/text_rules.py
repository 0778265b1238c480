"""Base for NLU components that apply a fixed rule to each message's text.

Such components have nothing to train and no configuration; they differ only in what they
do to a message, which subclasses say in `apply`.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def certain(intent: str) -> dict[str, Any]:
    return {"name": intent, "confidence": 1.0}


def override_intent(message: Message, intent: str) -> None:
    """Sets `intent` as the prediction, keeping the classifier's ranking below it."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent]
    message.set(INTENT, certain(intent), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [certain(intent), *ranking], add_to_output=True)


class TextRule(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextRule:
        return cls()

    @abstractmethod
    def apply(self, message: Message, text: str) -> None:
        """Applies the rule to one message whose text is `text`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                self.apply(message, text)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
