"""Handing the conversation to the team (`bot.handoff`), from any action that hears a
request for a person: the request is queued and routed, and the person hears honestly
what happens next: a colleague joins in a moment (a rep is online during the team's
hours), everyone is busy (nobody online: the watcher tells them again after the wait), or
when the team is back."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.handoff.hours import is_open
from bot.handoff.service import hand_to_team, when_someone_replies


def ask_for_team(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    now = utcnow()
    with session_scope(bootstrap.crm_engine()) as session:
        requested = hand_to_team(
            session,
            conversation_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "unknown",
            reason="asked",
            now=now,
            phone=tracker.get_slot("phone"),
            metadata=tracker.latest_message.get("metadata"),
        )
    config = bootstrap.handoff_config()
    if requested.soon:
        dispatcher.utter_message(response="utter_handoff_joining")
    elif is_open(config, now):
        dispatcher.utter_message(response="utter_handoff_busy")
    else:
        when = when_someone_replies(config, now)
        dispatcher.utter_message(response="utter_handoff_after_hours", when=when)
