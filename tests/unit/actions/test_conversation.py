"""Why-we-ask, handoff, wrap-up and session start."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import (
    ActionCallOff,
    ActionCompleteLead,
    ActionExplainWhy,
    ActionFallback,
    ActionRequestHandoff,
)
from actions.session import ActionSessionStart
from bot import bootstrap
from bot.crm import session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.crm.handoff_tables import Handoff
from bot.handoff.routing import seen
from tests.api.seed import priya_slots

MONDAY_10_AM_IN_NEW_YORK = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("loop", "asking", "expected"),
    [
        ("lead_form", "budget", "utter_why_budget"),
        ("lead_form", "email", "utter_why_email"),
        ("consent_form", "consent_email", "utter_why_consent"),
        (None, None, "utter_why_default"),
    ],
)
async def test_explain_why_names_the_question(
    tracker_for: Any, domain: dict, loop: str | None, asking: str | None, expected: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("why?", slots={"requested_slot": asking}, active_loop=loop)
    await ActionExplainWhy().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [expected]


@pytest.mark.parametrize(
    ("loop", "contact_known", "expected"),
    [
        ("lead_form", False, "utter_handoff_noted"),
        (None, True, "utter_handoff_recorded"),
        (None, False, "utter_handoff_need_details"),
    ],
)
async def test_handoff_is_recorded_and_says_what_happens_next(
    tracker_for: Any,
    domain: dict,
    monkeypatch: pytest.MonkeyPatch,
    loop: str | None,
    contact_known: bool,
    expected: str,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("book a demo", slots={"contact_known": contact_known}, active_loop=loop)
    monkeypatch.setattr("actions.handoff.utcnow", lambda: MONDAY_10_AM_IN_NEW_YORK)
    events = await ActionRequestHandoff().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [expected, "utter_handoff_busy"]  # nobody is online
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "handoff_requested",
        "value": True,
    } in events


@pytest.mark.parametrize(
    ("moment", "expected", "when"),
    [
        (MONDAY_10_AM_IN_NEW_YORK, "utter_handoff_joining", None),
        (
            MONDAY_10_AM_IN_NEW_YORK + timedelta(hours=10),
            "utter_handoff_after_hours",
            "tomorrow at 9 AM New York time",
        ),
    ],
)
async def test_a_request_for_a_person_is_queued_and_the_wait_is_told_honestly(
    tracker_for: Any,
    domain: dict,
    monkeypatch: pytest.MonkeyPatch,
    moment: datetime,
    expected: str,
    when: str | None,
) -> None:
    monkeypatch.setattr("actions.handoff.utcnow", lambda: moment)
    with session_scope(bootstrap.crm_engine()) as session:
        seen(session, "ada", moment)
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("can I talk to a human", slots={"contact_known": True})
    await ActionRequestHandoff().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_handoff_recorded", expected]
    assert dispatcher.messages[-1].get("when") == when
    with session_scope(bootstrap.crm_engine()) as session:
        [handoff] = session.execute(select(Handoff)).scalars().all()
        assert (handoff.conversation_id, handoff.reason, handoff.status) == (
            tracker.sender_id,
            "asked",
            "waiting",
        )
        assert handoff.routed_to == "ada"  # proposed to her even after hours: she is online


async def test_wrap_up_confirms_consent_and_next_steps(tracker_for: Any, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "yes",
        slots={"consent_email": "granted", "consent_sms": "denied", "handoff_requested": True},
    )
    await ActionCompleteLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [
        "utter_lead_complete",
        "utter_consent_granted",
        "utter_next_steps_handoff",
    ]
    assert dispatcher.messages[1]["purposes"] == "e-mails"


async def test_a_correction_after_the_wrap_up_is_not_wrapped_up_again(
    tracker_for: Any, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "actually my email is dana.wu@acme.io", slots={"email": "dana.wu@acme.io"}
    )
    tracker.events.insert(0, {"event": "action", "name": "action_complete_lead"})
    # The form confirmed the correction ("I've changed your e-mail address to …").
    tracker.events.append({"event": "bot", "text": "Got it", "metadata": {}})
    await ActionCompleteLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == []


async def test_a_message_after_the_wrap_up_that_changes_nothing_is_answered(
    tracker_for: Any, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("we also run a shop on Shopify btw", slots={"email": "dana@acme.io"})
    tracker.events.insert(0, {"event": "action", "name": "action_complete_lead"})
    await ActionCompleteLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_all_set"]


async def test_a_wrap_up_in_an_earlier_session_is_not_said_again(
    tracker_for: Any, domain: dict
) -> None:
    """The visitor came back after the session expired and went through the form again:
    the lead is written anew, the wrap-up (and its confirmation e-mail) is not repeated."""
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("yes", slots={"email": "dana@acme.io", "consent_email": "granted"})
    tracker.events[:0] = [
        {"event": "action", "name": "action_complete_lead"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
    events = await ActionCompleteLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_all_set"]
    assert events == []


async def test_the_first_wrap_up_marks_the_lead_captured(tracker_for: Any, domain: dict) -> None:
    tracker = tracker_for("no", slots={"email": "dana@acme.io", "consent_email": "denied"})
    events = await ActionCompleteLead().run(CollectingDispatcher(), tracker, domain)
    assert {"event": "slot", "name": "lead_captured", "value": True}.items() <= events[-1].items()


async def test_wrap_up_without_consent(tracker_for: Any, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("no", slots={"consent_email": "deferred"})
    await ActionCompleteLead().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [
        "utter_lead_complete",
        "utter_consent_not_granted",
        "utter_next_steps_review",
    ]


async def test_session_start_sets_notice_and_carries_slots(
    tracker_for: Any, domain: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import get_settings

    monkeypatch.setenv("PARLEY_PRIVACY_NOTICE_VERSION", "2027-01")
    monkeypatch.setenv("PARLEY_BRAND_NAME", "Acme")
    get_settings.cache_clear()
    tracker = tracker_for("hi", slots={"email": "a@b.io", "requested_slot": "name"})
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["email"] == "a@b.io"
    assert "requested_slot" not in slots
    assert slots["privacy_notice_version"] == "2027-01"
    assert slots["brand_name"] == "Acme"


@pytest.mark.parametrize(
    ("said_before", "expected"),
    [
        (None, "utter_fallback"),
        ("utter_greet", "utter_fallback"),
        ("utter_fallback", "utter_fallback_again"),
    ],
)
async def test_the_fallback_is_never_the_same_twice_in_a_row(
    tracker_for: Any, domain: dict, said_before: str | None, expected: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("qwrtzp", bot_response=said_before, intent="nlu_fallback")
    await ActionFallback().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [expected]


@pytest.mark.parametrize(("intent", "reverted"), [("nlu_fallback", False), ("ask_pricing", True)])
async def test_as_the_core_fallback_it_forgets_the_message(
    tracker_for: Any, domain: dict, intent: str, reverted: bool
) -> None:
    events = await ActionFallback().run(
        CollectingDispatcher(), tracker_for("hmm", intent=intent), domain
    )
    assert (events == [UserUtteranceReverted()]) is reverted


async def test_calling_the_form_off_keeps_none_of_its_answers(
    tracker_for: Any, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(
        "forget it",
        slots={"name": "Tom", "email": "tom@stopandgo.com", "requested_slot": "company"},
        active_loop="lead_form",
        intent="call_off",
    )
    events = await ActionCallOff().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_called_off"]
    assert ActiveLoop(None) in events
    cleared = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert cleared["name"] is None and cleared["email"] is None
    assert cleared["requested_slot"] is None and cleared["contact_known"] is False


async def test_the_wrap_up_ends_with_content_offered_and_recorded(
    tracker_for: Any, domain: dict
) -> None:
    slots = {**priya_slots(), "consent_records": []}
    dispatcher = CollectingDispatcher()
    await ActionCompleteLead().run(dispatcher, tracker_for("yes", slots=slots), domain)
    said = responses(dispatcher)
    assert said[0] == "utter_lead_complete"
    assert said[-2:] == ["utter_next_steps_review", "utter_recommendations"]
    lines = dispatcher.messages[-1]["items"].splitlines()
    with session_scope(bootstrap.crm_engine()) as session:
        offered = session.execute(select(ContentEngagement)).scalars().all()
        assert [row.kind for row in offered] == ["offered"] * len(lines)
        assert {row.conversation_id for row in offered} == {"visitor-1"}
        catalogue = bootstrap.content()[0].by_id()
        for row, line in zip(offered, lines, strict=True):
            assert line.startswith(f"{catalogue[row.item_id].title} — ")
            assert not catalogue[row.item_id].gated  # the e-mail consent is not confirmed
            assert "/r/" in line and "priya" not in line.lower()
    assert 1 <= len(lines) <= 3

    # A correction afterwards updates the lead and offers nothing more.
    again = CollectingDispatcher()
    tracker = tracker_for("actually my company is Globex Corp", slots=slots)
    tracker.events.insert(0, {"event": "action", "name": "action_complete_lead"})
    await ActionCompleteLead().run(again, tracker, domain)
    assert responses(again) == ["utter_all_set"]
    with session_scope(bootstrap.crm_engine()) as session:
        assert len(session.execute(select(ContentEngagement)).scalars().all()) == len(lines)
