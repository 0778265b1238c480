"""Consent: the consent form's validation (with proof), opt-outs and erasure requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.tracker_reading import (
    active_form,
    held_before_latest_message,
    latest_message_id,
    latest_user_text,
    message_is_new_to,
    wording_shown_before_reply,
)
from bot import bootstrap
from bot.consent import CONSENT_SLOTS, ConsentAnswer, ConsentRecord, Purpose, consent_record
from bot.consent.purposes import describe, purposes_named_in
from bot.consent.replies import consent_reply
from bot.crm import session_scope
from bot.lead_capture import capture_erasure_request, capture_opt_out
from bot.leads.form import is_usable_contact
from bot.settings import get_settings


def _record(tracker: Tracker, purpose: Purpose, answer: ConsentAnswer) -> ConsentRecord:
    return consent_record(
        purpose=purpose,
        answer=answer,
        wording=wording_shown_before_reply(tracker),
        notice_version=tracker.get_slot("privacy_notice_version")
        or get_settings().privacy_notice_version,
        reply_text=latest_user_text(tracker),
        message_id=latest_message_id(tracker),
        channel=tracker.get_latest_input_channel(),
        conversation_id=tracker.sender_id,
    )


def _with_records(tracker: Tracker, *records: ConsentRecord) -> SlotSet:
    return SlotSet("consent_records", [*(tracker.get_slot("consent_records") or []), *records])


def _record_opt_out(
    tracker: Tracker,
    records: list[ConsentRecord],
    capture: Callable[..., bool] = capture_opt_out,
) -> None:
    """Appends the withdrawal proof and suppresses the identifiers, in one transaction."""
    with session_scope(bootstrap.crm_engine()) as session:
        capture(
            session,
            slots=tracker.slots,
            conversation_id=tracker.sender_id,
            records=records,
            pepper=bootstrap.suppression_pepper(),
            sinks=bootstrap.sink_names(),
        )


def _stop_forms(tracker: Tracker, keep: str | None = None) -> list[EventType]:
    """Ends the active form, unless it is `keep`."""
    if active_form(tracker) in (None, keep):
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def _recorded_from_this_message(tracker: Tracker, purpose: Purpose) -> bool:
    """Whether this message's answer for `purpose` is on record already (an opt-out at the
    consent question, recorded by the withdrawal before the form goes on)."""
    message_id = latest_message_id(tracker)
    return any(
        record.get("purpose") == purpose.value and record.get("message_id") == message_id
        for record in tracker.get_slot("consent_records") or []
    )


class ValidateConsentForm(FormValidationAction):
    """Asks e-mail consent when we hold an address and SMS consent when we hold a number."""

    def name(self) -> str:
        return "validate_consent_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        contact_for = {
            CONSENT_SLOTS[Purpose.MARKETING_EMAIL]: tracker.get_slot("email"),
            CONSENT_SLOTS[Purpose.MARKETING_SMS]: tracker.get_slot("phone"),
        }
        return [slot for slot in domain_slots if is_usable_contact(contact_for.get(slot))]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        records = []
        events: list[EventType] = []
        answers = dict(tracker.slots_to_validate())
        asking = tracker.get_slot("requested_slot")
        if asking in CONSENT_SLOTS.values() and asking not in answers:
            # The classifier heard something else ("no thx" as thanks): the words decide.
            reply = consent_reply(latest_user_text(tracker))
            if reply is not None and message_is_new_to(tracker, "consent_form"):
                answers[asking] = reply.value
        for purpose, slot in CONSENT_SLOTS.items():
            answer = answers.get(slot)
            if answer is None or held_before_latest_message(tracker, slot, answer):
                # An answer given before (an opt-out) is set again when the form starts:
                # its proof is the message that gave it, not this one.
                continue
            if _recorded_from_this_message(tracker, purpose):
                continue
            records.append(_record(tracker, purpose, ConsentAnswer(answer)))
            events.append(SlotSet(slot, answer))
        if records:
            events.append(_with_records(tracker, *records))
        return events


class ActionWithdrawConsent(Action):
    """Opt-out at any point: withdraws the purposes the request names (all if none)."""

    def name(self) -> str:
        return "action_withdraw_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        purposes = purposes_named_in(latest_user_text(tracker))
        records = [_record(tracker, p, ConsentAnswer.WITHDRAWN) for p in Purpose if p in purposes]
        _record_opt_out(tracker, records)
        dispatcher.utter_message(response="utter_consent_withdrawn", purposes=describe(purposes))
        return [
            *(SlotSet(CONSENT_SLOTS[p], ConsentAnswer.WITHDRAWN.value) for p in purposes),
            _with_records(tracker, *records),
            # At the consent question the form goes on to the wrap-up: the lead stands,
            # without the marketing withdrawn ("please don't text me").
            *_stop_forms(tracker, keep="consent_form"),
        ]


class ActionRequestErasure(Action):
    """'Delete my data': stops all marketing at once and records the erasure request."""

    def name(self) -> str:
        return "action_request_erasure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        records = [_record(tracker, p, ConsentAnswer.WITHDRAWN) for p in Purpose]
        _record_opt_out(tracker, records, capture=capture_erasure_request)
        dispatcher.utter_message(response="utter_erasure_requested")
        return [
            *(SlotSet(slot, ConsentAnswer.WITHDRAWN.value) for slot in CONSENT_SLOTS.values()),
            _with_records(tracker, *records),
            SlotSet("erasure_requested", True),
            *_stop_forms(tracker),
        ]
