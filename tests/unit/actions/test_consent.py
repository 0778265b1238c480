"""Consent form, opt-out and erasure: each answer recorded with its proof."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.consent import ActionRequestErasure, ActionWithdrawConsent, ValidateConsentForm

QUESTION = "May we send you marketing e-mails? Privacy notice (version 2026-11): http://x/privacy"


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_consent_answer_is_recorded_with_wording_and_reply(
    tracker_for: Any, domain: dict
) -> None:
    tracker = tracker_for(
        "yes please",
        slots={
            "requested_slot": "consent_email",
            "email": "sam@acme.io",
            "privacy_notice_version": "2026-11",
        },
        candidates={"consent_email": "granted"},
        active_loop="consent_form",
        bot_said=QUESTION,
        intent="affirm",
        message_id="msg-42",
    )
    events = await ValidateConsentForm().run(CollectingDispatcher(), tracker, domain)
    slots = slots_of(events)
    assert slots["consent_email"] == "granted"
    [record] = slots["consent_records"]
    assert record["purpose"] == "marketing_email"
    assert record["granted"] is True
    assert record["wording"] == QUESTION
    assert record["notice_version"] == "2026-11"
    assert record["reply_text"] == "yes please"
    assert record["message_id"] == "msg-42"
    assert record["channel"] == "rest"
    assert record["recorded_at"].endswith("+00:00")


async def test_sms_consent_is_only_asked_when_a_phone_was_given(
    tracker_for: Any, domain: dict
) -> None:
    form = ValidateConsentForm()
    dispatcher = CollectingDispatcher()
    slots_required = form.domain_slots(domain)
    without_phone = tracker_for("x", slots={"email": "a@b.io", "phone": "declined"})
    assert await form.required_slots(slots_required, dispatcher, without_phone, domain) == [
        "consent_email"
    ]
    with_phone = tracker_for("x", slots={"email": "unknown", "phone": "+14155550132"})
    assert await form.required_slots(slots_required, dispatcher, with_phone, domain) == [
        "consent_sms"
    ]


async def test_denial_is_recorded_as_not_granted(tracker_for: Any, domain: dict) -> None:
    tracker = tracker_for(
        "nah",
        slots={"requested_slot": "consent_email", "email": "a@b.io"},
        candidates={"consent_email": "denied"},
        active_loop="consent_form",
        bot_said=QUESTION,
        intent="deny",
    )
    slots = slots_of(await ValidateConsentForm().run(CollectingDispatcher(), tracker, domain))
    assert slots["consent_records"][0]["granted"] is False
    assert slots["consent_records"][0]["answer"] == "denied"


async def test_an_earlier_withdrawal_is_not_recorded_again_when_the_form_starts(
    tracker_for: Any, domain: dict
) -> None:
    # Withdrawn mid-form ("Unsubscribe"), then the lead form ends with "rather not say"
    # to the phone question: the consent form starts with the withdrawal set again.
    withdrawn = {"consent_email": "withdrawn", "consent_sms": "withdrawn"}
    tracker = tracker_for(
        "rather not say",
        slots={"email": "bea@studio.io", "phone": "+14155550132"},
        candidates=withdrawn,
        active_loop="consent_form",
    )
    tracker.events[:0] = [{"event": "slot", "name": k, "value": v} for k, v in withdrawn.items()]
    slots = slots_of(await ValidateConsentForm().run(CollectingDispatcher(), tracker, domain))
    assert "consent_records" not in slots


async def test_stop_emailing_me_withdraws_email_only(tracker_for: Any, domain: dict) -> None:
    tracker = tracker_for(
        "stop emailing me",
        slots={"consent_email": "granted", "consent_sms": "granted"},
        intent="withdraw_consent",
    )
    dispatcher = CollectingDispatcher()
    slots = slots_of(await ActionWithdrawConsent().run(dispatcher, tracker, domain))
    assert slots["consent_email"] == "withdrawn"
    assert "consent_sms" not in slots
    assert [r["purpose"] for r in slots["consent_records"]] == ["marketing_email"]
    assert dispatcher.messages[0]["purposes"] == "e-mails"


async def test_unsubscribe_in_the_form_withdraws_everything_and_ends_the_form(
    tracker_for: Any, domain: dict
) -> None:
    tracker = tracker_for(
        "UNSUBSCRIBE",
        slots={"requested_slot": "company"},
        active_loop="lead_form",
        intent="withdraw_consent",
    )
    events = await ActionWithdrawConsent().run(CollectingDispatcher(), tracker, domain)
    slots = slots_of(events)
    assert slots["consent_email"] == slots["consent_sms"] == "withdrawn"
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slots["requested_slot"] is None


async def test_no_texts_at_the_consent_question_withdraws_sms_and_the_form_goes_on(
    tracker_for: Any, domain: dict
) -> None:
    asked = {"requested_slot": "consent_sms", "email": "dana@acme.io", "phone": "+14155550132"}
    tracker = tracker_for(
        "Please don't text me",
        slots=asked,
        active_loop="consent_form",
        intent="withdraw_consent",
        message_id="m-7",
    )
    events = await ActionWithdrawConsent().run(CollectingDispatcher(), tracker, domain)
    slots = slots_of(events)
    assert slots["consent_sms"] == "withdrawn"
    assert not any(e["event"] == "active_loop" for e in events)
    # The form then runs on the same message: the withdrawal is on record once.
    tracker = tracker_for(
        "Please don't text me",
        slots={**asked, "consent_records": slots["consent_records"]},
        candidates={"consent_sms": "withdrawn"},
        active_loop="consent_form",
        message_id="m-7",
    )
    events = await ValidateConsentForm().run(CollectingDispatcher(), tracker, domain)
    assert "consent_records" not in slots_of(events)


async def test_erasure_request_withdraws_all_and_is_recorded(
    tracker_for: Any, domain: dict
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for("delete my data", intent="request_erasure")
    slots = slots_of(await ActionRequestErasure().run(dispatcher, tracker, domain))
    assert slots["erasure_requested"] is True
    assert {r["purpose"] for r in slots["consent_records"]} == {"marketing_email", "marketing_sms"}
    assert dispatcher.messages[0]["response"] == "utter_erasure_requested"
