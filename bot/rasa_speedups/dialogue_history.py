"""A conversation's dialogue states, worked out once per event rather than from the first
event on every call.

To predict an action, each policy asks for the states of the whole conversation
(`Domain.states_for_tracker_history`): Rasa works out which events still apply
(`DialogueStateTracker.applied_events`: reverts, restarts and the repeated turns of a
form drop out), replays them on a fresh tracker and describes the state before every
action. All of it, from the first event, on every call: several calls per prediction and
several predictions per message. At turn 300 of a conversation that was 71% of the turn
(py-spy), and turn 300 took 5.4 times as long as turn 10.

Here both are kept with the tracker and extended by the events added since the last
call. Events are only ever appended to a tracker, but the events that still apply can
shrink or change at the end (a revert, a form's next turn): each such change is recorded
with the first position it touched, and the states are taken back to a replay checkpoint
before it. Anything unusual (another tracker's events, a bounded event history, a form
name not seen before, a change older than the checkpoints kept) falls back to working
everything out from the first event, as Rasa does.

Rasa also copies the tracker, replaying every event, before each action it runs; the copy
here takes the events and the tracker's state as they are.

One difference, which no policy can see: in the states before the last, a message
described by both its intent and its text keeps only the intent. Every policy's
featurizer removes the text of such states itself (`_remove_user_text_if_intent`),
in place; the states kept here are shared between calls, so it is done once, up front.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, ClassVar

from rasa.shared.core.constants import (
    PREVIOUS_ACTION,
    RULE_ONLY_LOOPS,
    RULE_ONLY_SLOTS,
    USER,
)
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT

from bot.rasa_speedups.registry import Patch, Replacement

RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events
RASA_COPY = DialogueStateTracker.copy
RASA_STATES = Domain.states_for_tracker_history
# Replay checkpoints kept per kind of states: how many actions back a change may reach
# (a form's next turn reaches back to its previous one, a revert to the last message).
CHECKPOINTS = 8
_ATTRIBUTE = "_parley_dialogue_history"


class AppliedEvents:
    """`DialogueStateTracker.applied_events()` of one tracker, kept up to date."""

    def __init__(self) -> None:
        self.source: deque[Event] | None = None
        self.consumed = 0  # events of `source` taken into account
        self.loop_names: set[str] = set()
        self.applied: list[Event] = []
        # For every change that was not an append: the first position of `applied` it
        # touched. Readers remember how many they have seen.
        self.changes: list[int] = []

    def sync(self, tracker: DialogueStateTracker) -> None:
        events = tracker.events
        if len(events) < self.consumed or events is not self.source:
            self._restart(events)
        added = len(events) - self.consumed
        new = list(islice(reversed(events), added))[::-1]  # a deque: count from the end
        loops = {e.name for e in new if isinstance(e, ActiveLoop) and e.name}
        if not loops <= self.loop_names:
            # Rasa looks at every form name of the conversation before the first event:
            # a new one can change how earlier events apply.
            self._restart(events)
            new = list(events)
            loops = {e.name for e in new if isinstance(e, ActiveLoop) and e.name}
        self.loop_names |= loops
        for event in new:
            self._take(tracker, event)
        self.consumed = len(events)

    def _restart(self, events: deque[Event]) -> None:
        self.source = events
        self.consumed = 0
        self.loop_names = set()
        self.applied = []
        self.changes.append(0)

    def _take(self, tracker: DialogueStateTracker, event: Event) -> None:
        """One step of Rasa's `applied_events` loop."""
        applied = self.applied
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
            self.changes.append(0)
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
            self.changes.append(len(applied))
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
            self.changes.append(len(applied))
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in self.loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            self.changes.append(_undo_till_previous_loop_execution(event.action_name, applied))
        else:
            applied.append(event)


def _undo_till_previous_loop_execution(loop_action_name: str, done_events: list[Event]) -> int:
    """`DialogueStateTracker._undo_till_previous_loop_execution`; returns the first
    position it removed an event from (the length if it removed none)."""
    first_changed = len(done_events)
    offset = 0
    for event in reversed(done_events[:]):
        if isinstance(event, ActionExecuted) and event.action_name == loop_action_name:
            break
        if isinstance(event, (ActionExecuted, UserUttered, DefinePrevUserUtteredFeaturization)):
            first_changed = len(done_events) - 1 - offset
            del done_events[first_changed]
        else:
            offset += 1
    return first_changed


@dataclass(frozen=True)
class ReplayState:
    """What replaying events changes on a tracker, kept to go back to: slot values and
    the latest action, message, bot message, follow-up and form (the active form is
    changed in place when it is interrupted or rejected, so it is copied)."""

    slots: tuple[tuple[Any, bool], ...]
    fields: dict[str, Any]

    FIELDS: ClassVar[tuple[str, ...]] = (
        "_paused",
        "followup_action",
        "latest_action",
        "latest_message",
        "latest_bot_utterance",
        "active_loop",
    )

    @classmethod
    def of(cls, replay: DialogueStateTracker) -> ReplayState:
        slots = tuple((slot._value, slot._has_been_set) for slot in replay.slots.values())
        fields = {name: getattr(replay, name) for name in cls.FIELDS}
        fields["active_loop"] = copy.copy(replay.active_loop)
        return cls(slots, fields)

    def restore(self, replay: DialogueStateTracker) -> None:
        for slot, (value, has_been_set) in zip(replay.slots.values(), self.slots, strict=True):
            slot._value, slot._has_been_set = value, has_been_set
        for name, value in self.fields.items():
            setattr(replay, name, copy.copy(value) if name == "active_loop" else value)


@dataclass
class Checkpoint:
    """Where the states stood just before the action at `position` of the applied events."""

    position: int
    replay: ReplayState
    states: int
    last_ml_action: SubState | None
    turn_was_hidden: bool


@dataclass
class States:
    """`Domain.states_for_tracker_history` of one tracker for one domain and one choice of
    options, kept up to date."""

    domain: Domain
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None
    replay: DialogueStateTracker
    position: int = 0  # applied events replayed
    changes_seen: int = 0
    states: list[State] = field(default_factory=list)  # one per action replayed
    last_ml_action: SubState | None = None
    turn_was_hidden: bool = False
    checkpoints: deque[Checkpoint] = field(default_factory=lambda: deque(maxlen=CHECKPOINTS))

    def of(self, tracker: DialogueStateTracker, applied: AppliedEvents) -> list[State]:
        applied.sync(tracker)
        events = applied.applied
        unchanged = min([self.position, *applied.changes[self.changes_seen :]])
        self.changes_seen = len(applied.changes)
        if unchanged < self.position:
            self._back_to(unchanged, tracker)
        for position in range(self.position, len(events)):
            event = events[position]
            if isinstance(event, ActionExecuted):
                self.checkpoints.append(
                    Checkpoint(
                        position,
                        ReplayState.of(self.replay),
                        len(self.states),
                        self.last_ml_action,
                        self.turn_was_hidden,
                    )
                )
                state = self._state(event.hide_rule_turn, commit=True)
                if state is not None:
                    self.states.append(_intent_not_text(state))
            self.replay.update(event)
        self.position = len(events)
        last = self._state(False, commit=False)
        return self.states + ([] if last is None else [last])

    def _back_to(self, unchanged: int, tracker: DialogueStateTracker) -> None:
        while self.checkpoints and self.checkpoints[-1].position > unchanged:
            self.checkpoints.pop()
        if not self.checkpoints:
            self.replay = _new_replay(tracker)
            self.position, self.states = 0, []
            self.last_ml_action, self.turn_was_hidden = None, False
            return
        checkpoint = self.checkpoints.pop()  # made again when its action is replayed
        checkpoint.replay.restore(self.replay)
        self.position = checkpoint.position
        del self.states[checkpoint.states :]
        self.last_ml_action = checkpoint.last_ml_action
        self.turn_was_hidden = checkpoint.turn_was_hidden

    def _state(self, hide_rule_turn: bool, *, commit: bool) -> State | None:
        """The body of Rasa's loop for one action (or the end), on the replay so far."""
        domain, replay = self.domain, self.replay
        last_ml_action, turn_was_hidden = self.last_ml_action, self.turn_was_hidden
        if self.ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = domain._get_prev_action_sub_state(replay)
            if not replay.followup_action and replay.latest_action_name != replay.active_loop_name:
                turn_was_hidden = hide_rule_turn
        if commit:
            self.last_ml_action, self.turn_was_hidden = last_ml_action, turn_was_hidden
        if self.ignore_rule_only_turns and turn_was_hidden:
            return None
        state = domain.get_active_state(replay, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if last_ml_action:
                state[PREVIOUS_ACTION] = last_ml_action
        return domain._clean_state(state)


def _intent_not_text(state: State) -> State:
    user = state.get(USER)
    if user and user.get(INTENT) and user.get(TEXT):
        state[USER] = {key: value for key, value in user.items() if key != TEXT}
    return state


def _new_replay(tracker: DialogueStateTracker) -> DialogueStateTracker:
    replay = tracker.init_copy()
    replay.events = deque(maxlen=0)  # the replay's state is all the states need
    return replay


@dataclass
class DialogueHistory:
    applied: AppliedEvents = field(default_factory=AppliedEvents)
    states: dict[tuple[Any, ...], States] = field(default_factory=dict)


def _history(tracker: DialogueStateTracker) -> DialogueHistory | None:
    """The tracker's kept history; None for trackers Rasa's own way serves (training
    trackers with cached states, bounded histories)."""
    if type(tracker) is not DialogueStateTracker or tracker._max_event_history is not None:
        return None
    history = tracker.__dict__.get(_ATTRIBUTE)
    if history is None:
        history = tracker.__dict__[_ATTRIBUTE] = DialogueHistory()
    return history


def applied_events(self: DialogueStateTracker) -> list[Event]:
    history = _history(self)
    if history is None:
        return RASA_APPLIED_EVENTS(self)
    history.applied.sync(self)
    return list(history.applied.applied)


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """`DialogueStateTracker.copy`, which replays every event on a new tracker (Rasa runs
    each action on a copy): the same events, and the state copied instead of replayed.
    The two agree for every tracker built event by event, as the server's are (by the
    SQL store and the processor)."""
    if _history(self) is None:
        return RASA_COPY(self)
    duplicate = self.init_copy()
    duplicate.events.extend(self.events)
    ReplayState.of(self).restore(duplicate)
    return duplicate


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    history = _history(tracker)
    if history is None:
        return RASA_STATES(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = (omit_unset_slots, ignore_rule_only_turns, _rule_only_key(rule_only_data))
    states = history.states.get(key)
    if states is None or states.domain is not self:
        states = history.states[key] = States(
            self, omit_unset_slots, ignore_rule_only_turns, rule_only_data, _new_replay(tracker)
        )
    return states.of(tracker, history.applied)


def _rule_only_key(rule_only_data: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if not rule_only_data:
        return None
    slots = rule_only_data.get(RULE_ONLY_SLOTS) or ()
    loops = rule_only_data.get(RULE_ONLY_LOOPS) or ()
    return tuple(slots), tuple(loops)


PATCH = Patch(
    name=__name__,
    rasa_version="3.6.21",
    replacements=(
        Replacement(
            "rasa.shared.core.trackers:DialogueStateTracker.applied_events", applied_events
        ),
        Replacement("rasa.shared.core.trackers:DialogueStateTracker.copy", copy_tracker),
        Replacement(
            "rasa.shared.core.domain:Domain.states_for_tracker_history",
            states_for_tracker_history,
        ),
    ),
)
