"""A visitor back in a new session: the unfinished form picks up where it stopped, and
their company and its size are checked in one line instead of asked again."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from actions.returning import ActionAskKnownCheck
from actions.session import ActionSessionStart
from tests.unit.actions.conftest import TrackerFactory
from tests.unit.actions.test_lead_form import asking, validate

SIZE_40 = {"low": 40, "high": 40, "unit": "people"}
KNOWN = {
    "name": "Dana Whitfield",
    "email": "dana@harborgoods.com",
    "company": "Harbor Goods",
    "role": "ecommerce manager",
    "company_size": SIZE_40,
    "use_case": "abandoned carts",
}


async def session_start(tracker: Any, domain: dict[str, Any]) -> list[dict[str, Any]]:
    return await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_an_unfinished_lead_form_is_active_again_with_its_question(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    left = tracker_for("hi", slots={**KNOWN, "requested_slot": "budget"}, active_loop="lead_form")
    events = await session_start(left, domain)
    loops = [e["name"] for e in events if e["event"] == "active_loop"]
    assert loops == ["lead_form"]
    slots = slots_of(events)
    assert slots["requested_slot"] == "budget"
    assert slots["known_check_due"] is True
    assert slots["company"] == "Harbor Goods"  # carried over
    assert events[-1]["name"] == "action_listen"  # the loop is active before the reply


async def test_a_first_session_checks_nothing_and_starts_no_form(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    events = await session_start(tracker_for("hi"), domain)
    assert not [e for e in events if e["event"] == "active_loop"]
    assert slots_of(events)["known_check_due"] is False


async def test_a_finished_form_is_not_started_again_but_the_check_is_due(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    events = await session_start(tracker_for("hi", slots=KNOWN), domain)
    assert not [e for e in events if e["event"] == "active_loop"]
    assert slots_of(events)["known_check_due"] is True


async def test_a_captured_lead_is_not_checked(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    """A correction after the wrap-up updates the lead: no check comes in its way."""
    captured = {**KNOWN, "lead_captured": True}
    events = await session_start(tracker_for("hi", slots=captured), domain)
    assert slots_of(events)["known_check_due"] is False


async def test_the_consent_questions_left_unanswered_are_asked_on(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    """A "yes please" to the consent question still on the screen answers it."""
    at_consent = {**KNOWN, "requested_slot": "consent_email"}
    left = tracker_for("hi", slots=at_consent, active_loop="consent_form")
    events = await session_start(left, domain)
    assert [e["name"] for e in events if e["event"] == "active_loop"] == ["consent_form"]
    assert slots_of(events)["requested_slot"] == "consent_email"


async def test_the_check_comes_first_and_a_greeting_is_no_wrong_answer(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    back = {**KNOWN, "known_check_due": True}
    slots, messages = await validate(asking("budget", "hi again!", tracker_for, slots=back), domain)
    assert messages == []
    assert slots["validation_failures"] == {}
    assert slots["requested_slot"] == "known_check"


async def test_an_answer_to_the_pending_question_is_taken_then_the_check_asked(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    back = {**KNOWN, "known_check_due": True}
    slots, _ = await validate(
        asking("budget", "about $500 a month", tracker_for, slots=back), domain
    )
    assert slots["budget"]["high"] == 500
    assert slots["requested_slot"] == "known_check"


async def test_yes_keeps_the_answers_and_the_form_goes_on(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    back = {**KNOWN, "known_check_due": True}
    for reply in ("yes", "yep, still there", "that's right", "same as before"):
        tracker = asking("known_check", reply, tracker_for, slots=back)
        slots, messages = await validate(tracker, domain)
        assert slots["known_check_due"] is False, reply
        assert "company" not in slots and "company_size" not in slots, reply
        # Back to the form's own questions: Rasa asks the next one, the budget.
        assert slots.get("requested_slot") in (None, "budget"), reply
        assert messages == [], reply


async def test_a_new_size_replaces_the_old_and_says_so(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    back = {**KNOWN, "known_check_due": True}
    for reply in ("we're 60 now", "no, we have 60 people now"):
        tracker = asking("known_check", reply, tracker_for, slots=back)
        slots, messages = await validate(tracker, domain)
        assert slots["company_size"] == {"low": 60, "high": 60, "unit": "people"}, reply
        assert "company" not in slots, reply
        assert slots["known_check_due"] is False
        assert [m["response"] for m in messages] == ["utter_answer_corrected"]


async def test_no_asks_the_checked_questions_again(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    back = {**KNOWN, "known_check_due": True}
    for reply in ("no", "something's changed", "nope, I moved jobs"):
        tracker = asking("known_check", reply, tracker_for, slots=back)
        slots, messages = await validate(tracker, domain)
        assert slots["company"] is None and slots["company_size"] is None, reply
        assert slots["known_check_due"] is False
        assert [m["response"] for m in messages] == ["utter_known_changed"]
        assert slots.get("requested_slot") in (None, "company"), reply  # Rasa asks it


async def test_nothing_to_check_asks_nothing(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    form = ValidateLeadForm()
    questions = form.domain_slots(domain)
    for slots, checked in (
        ({"name": "Dana Whitfield", "known_check_due": True}, False),
        ({**KNOWN, "known_check_due": False}, False),
        ({**KNOWN, "known_check_due": True}, True),
    ):
        tracker = asking("email", "dana@harborgoods.com", tracker_for, slots=slots)
        required = await form.required_slots(questions, CollectingDispatcher(), tracker, domain)
        assert (required[0] == "known_check") is checked
        assert required[1 if checked else 0 :] == questions


async def test_the_check_says_back_what_this_conversation_was_told(
    tracker_for: TrackerFactory, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskKnownCheck().run(dispatcher, tracker_for("hi", slots=KNOWN), domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_still_right"
    assert message["welcome"] == "Welcome back, Dana!"
    assert message["known"] == "at Harbor Goods, 40 people"

    dispatcher = CollectingDispatcher()
    nameless = {"company": "Harbor Goods", "name": "declined"}
    await ActionAskKnownCheck().run(dispatcher, tracker_for("hi", slots=nameless), domain)
    assert dispatcher.messages[0]["welcome"] == "Welcome back!"
    assert dispatcher.messages[0]["known"] == "at Harbor Goods"
