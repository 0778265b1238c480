"""A model loaded by `bot.rasa_speedups.model_loading` (the shape-giving training step run
eagerly, not traced) answers exactly as the same model loaded by Rasa's own
`RasaModel.load`: the same intents with the same confidences from DIET, and the same next
actions with the same confidences from the policies (TED included)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from bot.model_archive import ensure_model
from bot.rasa_speedups import model_loading
from bot.settings import get_settings

TEXTS = (
    "hi",
    "how much does it cost for 40 people",
    "I want to talk to sales",
    "tell me about the product",
    "please stop texting me",
    "we are a team of twelve looking for a CRM",
)


def predictions(agent: Agent) -> tuple[list[str], list[float]]:
    """For each text: DIET's intent ranking, then the ensemble's next action (labels and
    confidences apart, so that confidences can be compared as numbers)."""
    labels: list[str] = []
    confidences: list[float] = []

    async def run() -> None:
        for text in TEXTS:
            parsed = await agent.parse_message(text)
            for intent in parsed["intent_ranking"]:
                labels.append(intent["name"])
                confidences.append(intent["confidence"])
            tracker = DialogueStateTracker.from_events(
                "loading-test",
                [ActionExecuted("action_listen"), UserUttered(text, parsed["intent"])],
                slots=agent.domain.slots,
            )
            prediction = agent.processor._predict_next_with_tracker(tracker)
            labels.append(prediction.policy_name or "")
            confidences.extend(prediction.probabilities)

    # A thread of its own: an earlier test may have left an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, run()).result()
    return labels, confidences


def load_with(load: Any, monkeypatch: pytest.MonkeyPatch) -> Agent:
    monkeypatch.setattr(RasaModel, "load", classmethod(load))
    return Agent.load(str(ensure_model(get_settings().models_dir)))


def test_the_untraced_load_predicts_as_rasas_own_load(monkeypatch: pytest.MonkeyPatch) -> None:
    our_labels, ours = predictions(load_with(model_loading.load, monkeypatch))
    rasa_labels, rasas = predictions(load_with(model_loading.RASA_LOAD.__func__, monkeypatch))

    assert our_labels == rasa_labels
    assert len(ours) == len(rasas) > len(TEXTS) * 10
    assert ours == pytest.approx(rasas, abs=1e-6)
