"""StructuredEntityExtractor as a Rasa graph component: entities on real Messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine import validation
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.structured_entities import StructuredEntityExtractor

NAME = "StructuredEntityExtractor"


def build(tmp_path: Path, config: dict[str, Any] | None = None) -> StructuredEntityExtractor:
    return StructuredEntityExtractor.create(
        {**StructuredEntityExtractor.get_default_config(), **(config or {})},
        LocalModelStorage(tmp_path),
        Resource("x"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.fixture
def extractor(tmp_path: Path) -> StructuredEntityExtractor:
    return build(tmp_path)


def run(extractor: StructuredEntityExtractor, text: Any) -> Message:
    [message] = extractor.process([Message(data={TEXT: text})])
    return message


def entity(kind: str, start: int, end: int, value: str) -> dict[str, Any]:
    return {
        "entity": kind,
        "start": start,
        "end": end,
        "value": value,
        "extractor": NAME,
        "confidence_entity": 1.0,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it's jane.doe@acme.io thanks", [entity("email", 5, 21, "jane.doe@acme.io")]),
        ("call me at (415) 555-0132", [entity("phone", 11, 25, "(415) 555-0132")]),
        ("check acme.com", [entity("url", 6, 14, "acme.com")]),
        ("about $50k a month", [entity("amount_of_money", 6, 10, "$50k")]),
        ("a team of twelve", [entity("headcount", 10, 16, "twelve")]),
        (
            "between 200 and 500 employees, budget 10-20k",
            [
                entity("headcount", 8, 19, "200 and 500"),
                entity("amount_of_money", 38, 44, "10-20k"),
            ],
        ),
        ("I am 25 years old", []),
        ("call me maybe", []),
    ],
)
def test_adds_rasa_entities(
    extractor: StructuredEntityExtractor, text: str, expected: list[dict[str, Any]]
) -> None:
    message = run(extractor, text)
    assert message.get(ENTITIES) == expected
    for ent in message.get(ENTITIES):
        assert text[ent["start"] : ent["end"]] == ent["value"]


def test_entities_are_part_of_the_parse_output(extractor: StructuredEntityExtractor) -> None:
    message = run(extractor, "we're 40")
    assert ENTITIES in message.output_properties
    assert message.as_dict_nlu()[ENTITIES] == [entity("headcount", 6, 8, "40")]


def test_keeps_entities_from_earlier_extractors(extractor: StructuredEntityExtractor) -> None:
    earlier = {"entity": "company", "start": 0, "end": 4, "value": "Acme", "extractor": "X"}
    message = Message(data={TEXT: "Acme has 300 staff", ENTITIES: [earlier]})
    extractor.process([message])
    assert message.get(ENTITIES) == [earlier, entity("headcount", 9, 12, "300")]


@pytest.mark.parametrize("text", ["", None, 42])
def test_messages_without_usable_text_get_no_entities(
    extractor: StructuredEntityExtractor, text: Any
) -> None:
    assert run(extractor, text).get(ENTITIES) == []


def test_processes_every_message_of_a_batch(extractor: StructuredEntityExtractor) -> None:
    messages = [Message(data={TEXT: t}) for t in ["acme.com", "hello", "50 grand"]]
    assert extractor.process(messages) is messages
    assert [[e["entity"] for e in m.get(ENTITIES)] for m in messages] == [
        ["url"],
        [],
        ["amount_of_money"],
    ]


def test_dimensions_restrict_the_entity_types(tmp_path: Path) -> None:
    only_email = build(tmp_path, {"dimensions": ["email"]})
    message = run(only_email, "jane@acme.io, 50 people, $5k")
    assert [e["entity"] for e in message.get(ENTITIES)] == ["email"]


def test_unknown_dimensions_fail_at_model_load(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="time"):
        build(tmp_path, {"dimensions": ["email", "time"]})


def test_training_data_passes_through_unchanged(extractor: StructuredEntityExtractor) -> None:
    data = TrainingData([Message(data={TEXT: "we're 40", "intent": "inform"})])
    assert extractor.process_training_data(data) is data
    assert data.training_examples[0].get(ENTITIES) is None


def test_load_builds_the_same_component(tmp_path: Path) -> None:
    # the predict graph constructs components with `load`, not `create`
    loaded = StructuredEntityExtractor.load(
        {},
        LocalModelStorage(tmp_path),
        Resource("x"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert run(loaded, "acme.com").get(ENTITIES) == [entity("url", 0, 8, "acme.com")]


def test_registered_as_a_non_trainable_entity_extractor() -> None:
    registered = DefaultV1Recipe._registered_components[NAME]
    assert registered.clazz is StructuredEntityExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False
    assert issubclass(StructuredEntityExtractor, EntityExtractorMixin)


def test_usable_by_module_path_in_a_config_pipeline() -> None:
    config = {
        "recipe": "default.v1",
        "language": "en",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "bot.nlu.structured_entities.StructuredEntityExtractor"},
        ],
        "policies": [],
    }
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(model_config)
    node = model_config.predict_schema.nodes[
        "run_bot.nlu.structured_entities.StructuredEntityExtractor1"
    ]
    assert node.uses is StructuredEntityExtractor
    assert node.fn == "process"
