"""A follow-up said in a conversation: a turn the bot takes without being spoken to.

The follow-up engine (`bot.followups`) puts a row in the conversation's inbox; the
pipeline runs it here, in order with the person's own messages. The bot's message is
written to the tracker like any reply (with its A/B arm, through the same response
generator) and leaves through the channel's outbound gate. When the step resumes the
lead form, the form is opened again at the first question still unanswered and that
question is asked, so the person's answer goes straight into the form (and the form does
not greet them back with a check of their earlier answers).
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import create_bot_utterance
from rasa.core.agent import Agent
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.leads.returning import KNOWN_CHECK_DUE
from channels.outbound import GatedOutput

LEAD_FORM = "lead_form"
KEY = "followup"  # the BotUttered metadata naming the follow-up it said


def said_before(tracker: DialogueStateTracker, key: str) -> bool:
    """Whether the tracker holds this follow-up already (a crash came after the save)."""
    return any(
        isinstance(event, BotUttered) and event.metadata.get(KEY) == key
        for event in reversed(tracker.events)
    )


def question_to_resume(tracker: DialogueStateTracker, agent: Agent) -> str | None:
    """The lead form's first question still unanswered; None if every one is."""
    domain = agent.domain
    if domain is None:
        return None
    for slot in domain.required_slots_for_form(LEAD_FORM):
        if tracker.get_slot(slot) is None:
            return slot
    return None


async def _utter(
    agent: Agent, tracker: DialogueStateTracker, response: str, channel: str, key: str | None
) -> BotUttered | None:
    processor = agent.processor
    if processor is None:
        raise RuntimeError("no model loaded")
    message: dict[str, Any] | None = await processor.nlg.generate(response, tracker, channel)
    if message is None:
        return None
    message["utter_action"] = response
    if key is not None:
        message[KEY] = key
    return create_bot_utterance(message)


async def say_follow_up(
    agent: Agent, conversation_id: str, followup: dict[str, Any], output: GatedOutput
) -> None:
    processor = agent.processor
    if processor is None:
        raise RuntimeError("no model loaded")
    tracker = await processor.fetch_tracker_and_update_session(conversation_id, output)
    key = str(followup["key"])
    if said_before(tracker, key):
        return
    said = await _utter(agent, tracker, str(followup["response"]), output.name(), key)
    if said is None:
        raise LookupError(f"no response {followup['response']!r} in the model's domain")
    events: list[Event] = [said]
    question = question_to_resume(tracker, agent) if followup.get("resume") else None
    if question is not None:
        ask = await _utter(agent, tracker, f"utter_ask_{question}", output.name(), None)
        events = [
            ActionExecuted(LEAD_FORM),
            ActiveLoop(LEAD_FORM),
            said,
            *([ask] if ask else []),
            SlotSet(REQUESTED_SLOT, question),
            # The bot reached out: its question, not a "welcome back", is answered.
            SlotSet(KNOWN_CHECK_DUE, False),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    await record_and_say(agent, tracker, events, output)


async def record_and_say(
    agent: Agent, tracker: DialogueStateTracker, events: list[Event], output: GatedOutput
) -> None:
    """A turn the bot takes unasked: the events saved to the tracker first, then its
    messages handed to the channel's gated output (which holds them until the turn ends)."""
    processor = agent.processor
    if processor is None:
        raise RuntimeError("no model loaded")
    for event in events:
        tracker.update(event)
    await processor.save_tracker(tracker)
    for event in events:
        if isinstance(event, BotUttered):
            await output.send_response(tracker.sender_id, event.message())
