"""Builds a channel's pipeline from the settings: the composition root for channels."""

from __future__ import annotations

from datetime import timedelta

from bot import bootstrap
from bot.settings import get_settings
from channels.answers import Answers
from channels.inbound import Adapter
from channels.locks import ConversationLocks
from channels.pipeline import Pipeline, PipelineSettings
from channels.recorder import Recorder
from channels.turn_slots import TurnSlots

# Longer than any turn should take; a lease that runs out hands the message to another
# processor, so it must not be shorter than a slow but healthy turn.
TURN_LEASE = timedelta(seconds=120)
# A Rasa server starts on a row another process recorded (the ingress: SMS and Telegram
# messages; the worker: follow-ups; the API: a sales rep's messages, on every channel) when
# that process's wake-up comes (`channels.wakeup`); it also looks this often, for a
# wake-up that was lost (Redis down, a restart).
PICKUP_S = 1.0


_slots: TurnSlots | None = None
_recorder: Recorder | None = None
_answers: Answers | None = None


def turn_slots() -> TurnSlots:
    """The process's turn slots: every channel's turns take their turn in one queue."""
    global _slots
    if _slots is None:
        _slots = TurnSlots(get_settings().turn_slots)
    return _slots


def recorder() -> Recorder:
    """The process's recorder: the messages it records itself (REST) run here, so it
    wakes nobody."""
    global _recorder
    if _recorder is None:
        _recorder = Recorder()
    return _recorder


def answers() -> Answers:
    """The process's waits for turns' replies (the REST channel's requests)."""
    global _answers
    if _answers is None:
        _answers = Answers(bootstrap.inbox_wakeup())
    return _answers


def make_pipeline(adapter: Adapter) -> Pipeline:
    settings = get_settings()
    locks = ConversationLocks(settings.redis_url, timeout_s=TURN_LEASE.total_seconds())
    pipeline_settings = PipelineSettings(lease=TURN_LEASE, pickup_s=PICKUP_S)
    return Pipeline(
        adapter,
        locks,
        pipeline_settings,
        slots=turn_slots(),
        recorder=recorder(),
        answers=answers(),
        wakeup=bootstrap.inbox_wakeup(),
    )
