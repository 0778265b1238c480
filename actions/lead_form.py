"""Validation of the lead form: each answer read by bot.leads.form, re-asked at most twice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.tracker_reading import latest_user_text, structured_entities
from bot.leads.answers import authority_of
from bot.leads.errors import InvalidAnswer
from bot.leads.form import (
    DECLINED,
    OPTIONAL_QUESTIONS,
    QUESTIONS,
    AnswerContext,
    MoveOn,
    after_invalid_answer,
    is_usable_contact,
    read_answer,
)
from bot.settings import get_settings


class ValidateLeadForm(FormValidationAction):
    def name(self) -> str:
        return "validate_lead_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = get_settings()
        context = AnswerContext(settings.default_phone_region, settings.default_currency)
        failures: dict[str, int] = dict(tracker.get_slot("validation_failures") or {})
        updates: dict[str, Any] = {}
        for question, candidate in tracker.slots_to_validate().items():
            if question not in QUESTIONS or candidate is None:
                continue
            try:
                updates[question] = self._value(question, candidate, tracker, context)
                failures.pop(question, None)
            except InvalidAnswer as invalid:
                updates[question] = self._after_failure(question, invalid, failures, dispatcher)
        if not updates:
            return []
        updates["validation_failures"] = failures
        updates.update(self._derived(updates, tracker))
        return [SlotSet(name, value) for name, value in updates.items()]

    @staticmethod
    def _value(question: str, candidate: Any, tracker: Tracker, context: AnswerContext) -> Any:
        if candidate == DECLINED:
            if question in OPTIONAL_QUESTIONS:
                return DECLINED
            raise InvalidAnswer("")
        if tracker.get_slot("requested_slot") != question:
            # Filled before it was asked (the SMS channel knows the sender's number):
            # the value itself is the answer, not whatever the visitor just said.
            return read_answer(question, str(candidate), {}, context)
        return read_answer(
            question, latest_user_text(tracker), structured_entities(tracker), context
        )

    @staticmethod
    def _after_failure(
        question: str,
        invalid: InvalidAnswer,
        failures: dict[str, int],
        dispatcher: CollectingDispatcher,
    ) -> str | None:
        outcome = after_invalid_answer(failures.get(question, 0))
        if isinstance(outcome, MoveOn):
            failures.pop(question, None)
            dispatcher.utter_message(response="utter_moving_on")
            return outcome.value
        failures[question] = outcome.count
        if invalid.reason:
            dispatcher.utter_message(response="utter_invalid_answer", reason=invalid.reason)
        else:
            dispatcher.utter_message(response="utter_required_answer")
        return None

    @staticmethod
    def _derived(updates: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
        derived: dict[str, Any] = {}
        role = updates.get("role")
        if isinstance(role, str) and role not in (DECLINED,):
            derived["authority"] = authority_of(role)
        contact = [updates.get(k, tracker.get_slot(k)) for k in ("email", "phone")]
        if any(is_usable_contact(value) for value in contact):
            derived["contact_known"] = True
        return derived
