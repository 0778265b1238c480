"""A real (tiny) training, then a retraining after an NLU edit: fine-tuned from the first
archive, it keeps the dialogue policies and reads the new example right; after a change
to anything else, the retraining is a full one."""

from __future__ import annotations

import asyncio
import json
import tarfile
from pathlib import Path

import pytest

from bot.model_archive import current_model_path
from bot.training.inputs import FINETUNED, FULL, move_archive, read_manifest
from bot.training.trainer import train

CONFIG = """\
recipe: default.v1
language: en
assistant_id: tiny
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: DIETClassifier
    epochs: 40
    number_of_transformer_layers: 0
    entity_recognition: false
    random_seed: 7
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
"""
DOMAIN = """\
version: "3.1"
intents: [greet, goodbye, ask_pricing]
responses:
  utter_greet: [{text: "Hello!"}]
  utter_goodbye: [{text: "Bye!"}]
  utter_pricing: [{text: "It costs 10."}]
"""
NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
    - hiya
- intent: goodbye
  examples: |
    - bye
    - see you later
    - goodbye for now
    - cheers, bye
    - talk soon
- intent: ask_pricing
  examples: |
    - how much does it cost
    - what is the price
    - pricing please
    - what does it cost per month
    - is it expensive
"""
RULES = """\
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
- rule: goodbye
  steps:
  - intent: goodbye
  - action: utter_goodbye
- rule: pricing
  steps:
  - intent: ask_pricing
  - action: utter_pricing
"""
NEW_EXAMPLE = "how many quid will it set me back"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    files = {
        "bot/config.yml": CONFIG,
        "bot/domain/domain.yml": DOMAIN,
        "data/nlu/examples.yml": NLU,
        "data/rules/rules.yml": RULES,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "bot" / "nlu").mkdir()
    return root


def parse(archive: Path, text: str) -> str:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path=str(archive))
    return str(asyncio.run(agent.parse_message(text))["intent"]["name"])


def vocabularies(archive: Path) -> list[set[str]]:
    """The words (or n-grams) of each count vectorizer in the archive."""
    with tarfile.open(archive) as tar:
        names = [m for m in tar.getmembers() if m.name.endswith("vocabularies.json")]
        found = [json.load(tar.extractfile(m))["text"] for m in names]  # type: ignore[arg-type]
    return [set(vocabulary) for vocabulary in found]


def retrain(models: Path, project: Path, name: str) -> Path:
    """A run's training, then the archive under its fingerprint name (as the pipeline)."""
    archive = train(models, name, lambda fraction: None, project)
    return move_archive(archive, current_model_path(models, project))


def test_an_nlu_edit_is_fine_tuned_and_anything_else_trains_in_full(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "rasa-cache"))  # not the repo's
    models = tmp_path / "models"
    first = retrain(models, project, "first")
    assert read_manifest(first).kind == FULL  # type: ignore[union-attr]

    nlu = project / "data" / "nlu" / "examples.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8") + f"    - {NEW_EXAMPLE}\n", encoding="utf-8")
    finetuned = retrain(models, project, "second")
    manifest = read_manifest(finetuned)
    assert manifest is not None and manifest.kind == FINETUNED
    assert manifest.base == first.name and manifest.generation == 1
    assert any("quid" in words for words in vocabularies(finetuned))  # new words learnt
    assert not any("quid" in words for words in vocabularies(first))
    assert parse(finetuned, NEW_EXAMPLE) == "ask_pricing"
    assert parse(finetuned, "hello") == "greet"

    domain = project / "bot" / "domain" / "domain.yml"
    domain.write_text(DOMAIN + '  utter_thanks: [{text: "Thanks!"}]\n', encoding="utf-8")
    full = retrain(models, project, "third")
    assert read_manifest(full).kind == FULL  # type: ignore[union-attr]
