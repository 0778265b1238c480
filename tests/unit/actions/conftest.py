"""Builds rasa_sdk Trackers the way the Rasa server sends them to the action server."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker

from bot.crm import upgrade_to_head
from bot.model_archive import DOMAIN
from bot.settings import get_settings

TrackerFactory = Callable[..., Tracker]


@cache
def _domain_dict() -> dict[str, Any]:
    return Domain.load(str(DOMAIN)).as_dict()


@pytest.fixture(autouse=True)
def crm_database() -> None:
    """Actions write to the CRM: each test gets its own migrated SQLite database."""
    upgrade_to_head(get_settings().crm_database_url)


@pytest.fixture
def domain() -> dict[str, Any]:
    return _domain_dict()


def _user_event(text: str, message_id: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "message_id": message_id,
        "input_channel": "rest",
        "parse_data": {"text": text, "intent": {"name": "inform"}, "entities": entities},
    }


@pytest.fixture
def tracker_for(domain: dict[str, Any]) -> TrackerFactory:
    def build(
        text: str,
        *,
        slots: dict[str, Any] | None = None,
        candidates: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
        asked: str | None = None,
        bot_said: str | None = None,
        bot_response: str | None = None,
        intent: str = "inform",
        message_id: str = "m-1",
    ) -> Tracker:
        all_slots: dict[str, Any] = {name: None for name in domain["slots"]}
        all_slots.update(slots or {})
        all_slots.update(candidates or {})
        events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
        if bot_said or bot_response:
            metadata = {"utter_action": bot_response} if bot_response else {}
            events.append({"event": "bot", "text": bot_said or "…", "metadata": metadata})
        events.append(_user_event(text, message_id, entities or []))
        if active_loop:
            # Rasa hands a form's validation a tracker ending with the form's own run.
            events.append({"event": "action", "name": active_loop})
        # Slot candidates extracted from the message come last, as Rasa sends them.
        events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
        return Tracker(
            sender_id="visitor-1",
            slots=all_slots,
            latest_message={
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": entities or [],
                "message_id": message_id,
            },
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return build
