"""Dialogue states kept up to date event by event (bot/rasa_speedups/dialogue_history.py)
give the policies exactly what Rasa's own computation from the first event gives.

Every story and rule of the project, and the test stories, are replayed event by event;
after each event the applied events and the states for each kind of policy are compared
with Rasa's, both as worked out and as each policy's featurizer hands them on. The same
runs again with reverts, restarts, session starts, rejected and interrupted forms and
slot resets mixed in at random places.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    Event,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.model_archive import DOMAIN
from bot.rasa_speedups import dialogue_history
from bot.settings import PROJECT_ROOT

STORY_FILES = sorted(
    [
        *(PROJECT_ROOT / "data" / "stories").glob("*.yml"),
        *(PROJECT_ROOT / "data" / "rules").glob("*.yml"),
        *(PROJECT_ROOT / "tests" / "stories").glob("*.yml"),
    ]
)
FORMS = ("lead_form", "consent_form")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN))


@pytest.fixture(autouse=True)
def rasas_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's own methods on the classes, whatever an earlier test installed."""
    monkeypatch.setattr(
        DialogueStateTracker, "applied_events", dialogue_history.RASA_APPLIED_EVENTS
    )
    monkeypatch.setattr(DialogueStateTracker, "copy", dialogue_history.RASA_COPY)
    monkeypatch.setattr(Domain, "states_for_tracker_history", dialogue_history.RASA_STATES)


def kinds_of_states(domain: Domain) -> list[dict[str, Any]]:
    rule_only = {
        RULE_ONLY_SLOTS: sorted(slot.name for slot in domain.slots)[:5],
        RULE_ONLY_LOOPS: ["consent_form"],
    }
    return [
        {},  # the rule policy
        {"omit_unset_slots": True},
        {"ignore_rule_only_turns": True, "rule_only_data": rule_only},  # memoization, TED
        {"ignore_rule_only_turns": True, "rule_only_data": None},
    ]


def story_events(domain: Domain) -> Iterator[tuple[str, list[Event]]]:
    reader = YAMLStoryReader(domain)
    for path in STORY_FILES:
        for step in reader.read_from_file(str(path)):
            yield f"{Path(path).name}: {step.block_name}", list(step.events)


def with_surprises(events: list[Event], seed: int) -> list[Event]:
    """The story with reverts, restarts and form events mixed in at random places."""
    rng = random.Random(seed)
    surprises = [
        lambda: UserUtteranceReverted(),
        lambda: ActionReverted(),
        lambda: Restarted(),
        lambda: SessionStarted(),
        lambda: AllSlotsReset(),
        lambda: ActionExecutionRejected(rng.choice(FORMS)),
        lambda: LoopInterrupted(True),
        lambda: ActiveLoop(None),
        lambda: ActiveLoop(rng.choice(FORMS)),
        lambda: ActionExecuted(rng.choice(FORMS)),
        lambda: ActionExecuted("action_listen"),
    ]
    mixed = list(events)
    for _ in range(max(2, len(events) // 3)):
        mixed.insert(rng.randrange(len(mixed) + 1), rng.choice(surprises)())
    return mixed


def featurized(states: list[State], max_history: int | None, use_text: bool) -> list[State]:
    """What a policy's featurizer makes of the states (in place, as it does)."""
    featurizer = MaxHistoryTrackerFeaturizer(max_history=max_history)
    sliced = [featurizer.slice_state_history(states, max_history)]
    featurizer._choose_last_user_input(sliced, use_text)
    return sliced[0]


def compare_step_by_step(domain: Domain, events: list[Event], label: str) -> None:
    tracker = DialogueStateTracker("history-test", domain.slots.copy())
    rasa_tracker = DialogueStateTracker("history-test", domain.slots.copy())
    for step, event in enumerate(events):
        tracker.update(copy.deepcopy(event))
        rasa_tracker.update(copy.deepcopy(event))
        where = f"{label}, after event {step} ({event})"
        assert_same_copy(tracker, rasa_tracker, where)
        applied = dialogue_history.applied_events(tracker)
        assert [e.as_dict() for e in applied] == [
            e.as_dict() for e in rasa_tracker.applied_events()
        ], where
        for kind in kinds_of_states(domain):
            for max_history, use_text in ((None, False), (4, False), (4, True)):
                ours = dialogue_history.states_for_tracker_history(domain, tracker, **kind)
                rasas = dialogue_history.RASA_STATES(domain, rasa_tracker, **kind)
                assert featurized(ours, max_history, use_text) == featurized(
                    rasas, max_history, use_text
                ), f"{where}, {kind}, max_history={max_history}, use_text={use_text}"


def assert_same_copy(
    tracker: DialogueStateTracker, rasa_tracker: DialogueStateTracker, where: str
) -> None:
    ours = dialogue_history.copy_tracker(tracker)
    rasas = dialogue_history.RASA_COPY(rasa_tracker)
    assert ours is not tracker
    everything = EventVerbosity.ALL
    assert ours.current_state(everything) == rasas.current_state(everything), where
    assert [slot.has_been_set for slot in ours.slots.values()] == [
        slot.has_been_set for slot in rasas.slots.values()
    ], where
    ours.update(SlotSet("name", "changed on the copy"))
    assert tracker.get_slot("name") == rasa_tracker.get_slot("name"), where


def test_states_match_rasas_event_by_event_in_every_story(domain: Domain) -> None:
    stories = list(story_events(domain))
    assert len(stories) > 20
    for label, events in stories:
        compare_step_by_step(domain, events, label)


@pytest.mark.parametrize("seed", range(3))
def test_states_match_rasas_with_reverts_restarts_and_form_events(
    domain: Domain, seed: int
) -> None:
    for index, (label, events) in enumerate(story_events(domain)):
        compare_step_by_step(domain, with_surprises(events, seed * 1000 + index), label)


def test_a_long_conversation_is_worked_out_once(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each call replays only the events added since the last one."""
    tracker = DialogueStateTracker("history-test", domain.slots.copy())
    replayed: list[Event] = []
    original_update = DialogueStateTracker.update

    def counting_update(self: DialogueStateTracker, event: Event, *args: Any) -> None:
        if self is not tracker:
            replayed.append(event)
        original_update(self, event, *args)

    monkeypatch.setattr(DialogueStateTracker, "update", counting_update)
    for turn in range(100):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"message {turn}", {"name": "greet"}))
        tracker.update(ActionExecuted("utter_greet"))
        dialogue_history.states_for_tracker_history(domain, tracker)

    assert len(replayed) == len(tracker.events)
