"""Session start: the channel's metadata becomes the lead's source (and, over SMS, phone)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from tests.unit.actions.conftest import TrackerFactory

WEB_SOURCE = {
    "channel": "webchat",
    "page_url": "https://acme.io/pricing?utm_source=google",
    "utm_source": "google",
}


async def session_slots(tracker_for: TrackerFactory, domain: dict[str, Any], **slots: Any) -> dict:
    tracker = tracker_for("hi", slots=slots)
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_first_touch_becomes_the_lead_source(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    slots = await session_slots(
        tracker_for, domain, session_started_metadata={"source": WEB_SOURCE}
    )
    assert slots["lead_source"] == WEB_SOURCE
    assert "phone" not in slots


async def test_a_later_session_keeps_the_first_source(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    first = {"channel": "webchat", "utm_campaign": "spring"}
    slots = await session_slots(
        tracker_for,
        domain,
        lead_source=first,
        session_started_metadata={"source": {"channel": "webchat", "utm_campaign": "autumn"}},
    )
    assert slots["lead_source"] == first  # carried over, not replaced


async def test_an_sms_sender_number_fills_the_phone_slot_once(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    metadata = {"source": {"channel": "sms"}, "phone": "+14155550123"}
    slots = await session_slots(tracker_for, domain, session_started_metadata=metadata)
    assert slots["phone"] == "+14155550123"
    given = await session_slots(
        tracker_for, domain, phone="+442071838750", session_started_metadata=metadata
    )
    assert given["phone"] == "+442071838750"


async def test_no_metadata_sets_nothing_extra(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    slots = await session_slots(tracker_for, domain)
    assert "lead_source" not in slots and "phone" not in slots
