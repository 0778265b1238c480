"""A conversation a sales rep holds (`bot.handoff`), as the Rasa server runs it.

While a rep holds the conversation the bot is silent: the person's messages are still
read and written to the tracker (Rasa's conversation pause: no action is predicted), so
the transcript and the slots stay whole. An opt-out is still honoured: a message read as
withdrawing consent or asking for erasure ends the handoff and gets the bot's usual
answer.

The rep's messages, the hand-back and the close arrive as inbox rows (`AGENT_KEY` in the
payload), in order with the person's messages:

    reply    the rep's text, written to the tracker as a bot message marked with the rep's
             name, and sent through the channel's outbound gate
    resume   the bot speaks again: it says it is back and, when the lead form was under
             way, asks its next question
    close    the bot speaks again at the person's next message
    notice   no rep was free in time: the bot says when someone will reply

Each row writes its key into the events it adds, so a row run again after a crash adds
nothing twice.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import create_bot_utterance
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY

from bot.handoff.queue import AGENT_KEY, HANDOFF_RESPONSES
from channels.followup_turn import LEAD_FORM, record_and_say
from channels.outbound import GatedOutput

# Intents a person uses to opt out or to be forgotten: honoured while a rep holds on.
OPT_OUT_INTENTS = frozenset({"withdraw_consent", "request_erasure"})
OPT_OUT_CONFIDENCE = 0.45  # the FallbackClassifier's threshold in bot/config.yml
KEY = "agent_key"  # event metadata: the inbox row an event came from


def _processor(agent: Agent) -> Any:
    if agent.processor is None:
        raise RuntimeError("no model loaded")
    return agent.processor


def ran_before(tracker: DialogueStateTracker, key: str) -> bool:
    return any(event.metadata.get(KEY) == key for event in reversed(tracker.events))


async def opts_out(agent: Agent, message: UserMessage) -> bool:
    """Whether the person's message asks to opt out or to be erased."""
    parsed = await _processor(agent).parse_message(message)
    intent = parsed.get(INTENT) or {}
    return (
        intent.get(INTENT_NAME_KEY) in OPT_OUT_INTENTS
        and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= OPT_OUT_CONFIDENCE
    )


async def set_paused(agent: Agent, conversation_id: str, output: GatedOutput, paused: bool) -> None:
    """Pauses (or resumes) the conversation in the tracker, if it is not already."""
    processor = _processor(agent)
    tracker = await processor.fetch_tracker_and_update_session(conversation_id, output)
    if tracker.is_paused() == paused:
        return
    tracker.update(ConversationPaused() if paused else ConversationResumed())
    await processor.save_tracker(tracker)


async def _utter(
    agent: Agent, tracker: DialogueStateTracker, response: str, channel: str, **values: Any
) -> BotUttered:
    message = await _processor(agent).nlg.generate(response, tracker, channel, **values)
    if message is None:
        raise LookupError(f"no response {response!r} in the model's domain")
    message["utter_action"] = response
    return create_bot_utterance(message)


def _form_question(tracker: DialogueStateTracker) -> str | None:
    """The lead form's question the conversation was at when the rep took it over."""
    if tracker.active_loop_name != LEAD_FORM:
        return None
    slot = tracker.get_slot(REQUESTED_SLOT)
    return str(slot) if slot else None


async def run_agent_row(
    agent: Agent, conversation_id: str, row: dict[str, Any], output: GatedOutput
) -> None:
    processor = _processor(agent)
    tracker = await processor.fetch_tracker_and_update_session(conversation_id, output)
    key = str(row["key"])
    if ran_before(tracker, key):
        return
    kind, channel, marked = str(row["kind"]), output.name(), {KEY: key}
    events: list[Event] = []
    if kind == "reply":
        if not tracker.is_paused():
            events.append(ConversationPaused())
        events.append(
            BotUttered(str(row["text"]), metadata={**marked, AGENT_KEY: str(row["name"])})
        )
    elif kind == "notice":
        response = HANDOFF_RESPONSES[kind]
        said = await _utter(agent, tracker, response, channel, **row["values"])
        said.metadata = {**said.metadata, **marked}
        events.append(said)
    else:  # resume or close
        events.append(ConversationResumed(metadata=marked))
        question = _form_question(tracker) if kind == "resume" else None
        if kind == "resume":
            events.append(await _utter(agent, tracker, HANDOFF_RESPONSES[kind], channel))
        if question is not None:
            ask = await _utter(agent, tracker, f"utter_ask_{question}", channel)
            events += [ActionExecuted(LEAD_FORM), ask, SlotSet(REQUESTED_SLOT, question)]
            events.append(ActionExecuted(ACTION_LISTEN_NAME))
    await record_and_say(agent, tracker, events, output)
