"""The lead form's turn: every message read for every field, digressions answered in place.

The form's slots have custom mappings, so this validation action is the one place that
decides what a message in the form does (bot.leads.digressions, bot.leads.reading):

- it steps aside (a pricing question, "why do you need that?", "can I talk to a person?"):
  the answer is said here and the pending question comes back;
- it declines an optional question ("no thanks", "skip");
- it answers the pending question, volunteers other answers, or corrects one given before,
  in any combination;
- it is none of these: the reason is said and the question asked again, at most twice.

It always sets at least one slot, so the form never rejects a message and hands it to
the rules: only a certain opt-out or erasure request (which the rules act on before the
form runs) leaves the form.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import WHY_WE_ASK
from actions.tracker_reading import (
    entity_spans,
    last_slot_answered,
    latest_intent,
    latest_user_text,
    message_is_new_to,
)
from bot.leads.answers import authority_of
from bot.leads.digressions import digression_of, is_closing, is_declining
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
from bot.leads.presenting import describe_answer
from bot.leads.reading import Reading, read_message
from bot.settings import get_settings

FORM = "lead_form"
# Certain opt-outs and erasure requests (bot/nlu/compliance_gate.py) and calling it off
# ("forget it", bot/nlu/request_cues.py) end the form; so does saying goodbye.
LEAVES_THE_FORM = frozenset({"withdraw_consent", "request_erasure", "call_off"})
# Said for a digression in the form, before the pending question comes back.
DIGRESSION_RESPONSES = {
    "ask_pricing": "utter_pricing",
    "ask_product": "utter_product",
    "bot_challenge": "utter_bot_challenge",
    "out_of_scope": "utter_out_of_scope_in_form",
    "request_human": "utter_handoff_noted",
    "request_demo": "utter_demo_noted",
}
# Digressions that ask for a person's time: they record a handoff.
ASKS_FOR_SOMEONE = frozenset({"request_human", "request_demo"})
# The classifier heard an opt-out or erasure that the rules could not confirm.
UNCLEAR_COMPLIANCE_RESPONSES = {
    "unclear_opt_out": "utter_check_opt_out_in_form",
    "unclear_erasure": "utter_check_erasure_in_form",
}


class ValidateLeadForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM}"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if message_is_new_to(tracker, FORM) and self._leaves(tracker):
            return []  # rejected: the rules act on it (data/rules/consent.yml, lead_form.yml)
        settings = get_settings()
        context = AnswerContext(settings.default_phone_region, settings.default_currency)
        failures: dict[str, int] = dict(tracker.get_slot("validation_failures") or {})
        updates = self._filled_before_asked(tracker, context)
        if message_is_new_to(tracker, FORM):
            updates.update(self._read_turn(dispatcher, tracker, context, failures))
        updates["validation_failures"] = failures
        updates.update(self._derived(updates, tracker))
        return [SlotSet(name, value) for name, value in updates.items()]

    @staticmethod
    def _leaves(tracker: Tracker) -> bool:
        intent = latest_intent(tracker)
        if intent == "goodbye":
            return is_closing(latest_user_text(tracker))
        return intent in LEAVES_THE_FORM

    @staticmethod
    def _filled_before_asked(tracker: Tracker, context: AnswerContext) -> dict[str, Any]:
        """Values a channel set before the form asked (the SMS sender's number)."""
        values: dict[str, Any] = {}
        for question, candidate in tracker.slots_to_validate().items():
            if question not in QUESTIONS or candidate in (None, DECLINED):
                continue
            try:
                values[question] = read_answer(question, str(candidate), {}, context)
            except InvalidAnswer:
                values[question] = None
        return values

    def _read_turn(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        context: AnswerContext,
        failures: dict[str, int],
    ) -> dict[str, Any]:
        text, intent = latest_user_text(tracker), latest_intent(tracker)
        pending = tracker.get_slot("requested_slot")
        # The message that started the form (a demo request, a question) was answered by
        # the rules that started it; only its volunteered answers are left to read.
        digression = digression_of(intent, text) if pending is not None else None
        if digression is not None:
            aside = self._step_aside(digression, pending, dispatcher)
            if digression not in ASKS_FOR_SOMEONE:
                return aside
            # "I'd love a demo — I'm Sam from Acme": the details they gave count too.
            reading = self._read(dispatcher, tracker, text, None, context, failures)
            return {**reading.values, **aside}
        if pending is not None and is_declining(intent, text):
            if pending in OPTIONAL_QUESTIONS:
                failures.pop(pending, None)
                return {pending: DECLINED}
            return self._after_failure(pending, InvalidAnswer(""), failures, dispatcher)
        reading = self._read(dispatcher, tracker, text, pending, context, failures)
        if pending is None or reading.values:
            return reading.values
        if intent in UNCLEAR_COMPLIANCE_RESPONSES:
            dispatcher.utter_message(response=UNCLEAR_COMPLIANCE_RESPONSES[intent])
            return {}
        if reading.problem is not None:
            return self._after_failure(pending, reading.problem, failures, dispatcher)
        return {}

    @staticmethod
    def _read(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        text: str,
        pending: str | None,
        context: AnswerContext,
        failures: dict[str, int],
    ) -> Reading:
        """The answers in the message (to `pending`, if any, and volunteered ones); says
        which earlier answers they correct."""
        reading = read_message(
            text,
            entity_spans(tracker),
            pending=pending,
            held={question: tracker.get_slot(question) for question in QUESTIONS},
            last_answered=last_slot_answered(tracker, QUESTIONS),
            context=context,
        )
        for question in reading.corrected:
            dispatcher.utter_message(
                response="utter_answer_corrected",
                **describe_answer(question, reading.values[question]),
            )
        for question in reading.values:
            failures.pop(question, None)
        return reading

    @staticmethod
    def _step_aside(
        digression: str, pending: str | None, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        if digression == "ask_why":
            dispatcher.utter_message(response=WHY_WE_ASK.get(pending or "", "utter_why_default"))
            return {}
        dispatcher.utter_message(response=DIGRESSION_RESPONSES[digression])
        if digression in ASKS_FOR_SOMEONE:
            return {"handoff_requested": True}
        return {}

    @staticmethod
    def _after_failure(
        question: str,
        invalid: InvalidAnswer,
        failures: dict[str, int],
        dispatcher: CollectingDispatcher,
    ) -> dict[str, Any]:
        outcome = after_invalid_answer(failures.get(question, 0))
        if isinstance(outcome, MoveOn):
            failures.pop(question, None)
            dispatcher.utter_message(response="utter_moving_on")
            return {question: outcome.value}
        failures[question] = outcome.count
        if invalid.reason:
            dispatcher.utter_message(response="utter_invalid_answer", reason=invalid.reason)
        else:
            dispatcher.utter_message(response="utter_required_answer")
        return {}

    @staticmethod
    def _derived(updates: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
        derived: dict[str, Any] = {}
        role = updates.get("role")
        if isinstance(role, str) and role != DECLINED:
            derived["authority"] = authority_of(role)
        contact = [updates.get(k, tracker.get_slot(k)) for k in ("email", "phone")]
        if any(is_usable_contact(value) for value in contact):
            derived["contact_known"] = True
        return derived
