"""Rasa NLU component: rule-based email / phone / url / money / headcount entities.

DIET runs with ``entity_recognition: false`` in ``bot/config.yml``; these entities
come from deterministic spaCy rules instead (``bot.nlu.structured_spans``), which
need no training data and give the same span for the same text every time.

Use in a pipeline as::

    - name: bot.nlu.structured_entities.StructuredEntityExtractor
      # optional: only keep some entity types (default: all five)
      dimensions: [email, phone]

The component reads the raw ``message.get(TEXT)`` and does not need Rasa's tokens,
so it may sit anywhere in the NLU pipeline.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.structured_spans import ENTITY_TYPES, find_structured_spans, warm_up

DIMENSIONS = "dimensions"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class StructuredEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds email, phone, url, amount_of_money and headcount entities from rules."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        # None keeps every entity type the rules know (ENTITY_TYPES)
        return {DIMENSIONS: None}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        dimensions = self._config[DIMENSIONS]
        if dimensions is None:
            dimensions = list(ENTITY_TYPES)
        unknown = sorted(set(dimensions) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(
                f"{self.name}: unknown dimensions {unknown}; known: {list(ENTITY_TYPES)}"
            )
        self._dimensions = frozenset(dimensions)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StructuredEntityExtractor:
        """Creates the component (see parent class for full docstring)."""
        # Build the spaCy pipeline at model load, not on the first user message.
        warm_up()
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends the extracted entities to each message's ``ENTITIES``."""
        for message in messages:
            entities = self.add_extractor_name(self._extract(message.get(TEXT)))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as annotated: the rules need no training."""
        return training_data

    def _extract(self, text: Any) -> list[dict[str, Any]]:
        if not isinstance(text, str):
            return []
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: span.entity,
                ENTITY_ATTRIBUTE_START: span.start,
                ENTITY_ATTRIBUTE_END: span.end,
                ENTITY_ATTRIBUTE_VALUE: span.text,
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            }
            for span in find_structured_spans(text)
            if span.entity in self._dimensions
        ]
