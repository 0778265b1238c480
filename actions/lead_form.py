"""The lead form's turn: every message read for every field, digressions answered in place.

The form's slots have custom mappings, so this validation action is the one place that
decides what a message in the form does (bot.leads.digressions, bot.leads.reading):

- it steps aside (a pricing question, "why do you need that?", "can I talk to a person?",
  "do you have a case study for retail?"): the answer is said here and the pending
  question comes back;
- it declines an optional question ("no thanks", "skip");
- it answers the pending question, volunteers other answers, or corrects one given before,
  in any combination;
- it is none of these: the reason is said and the question asked again, at most twice.

It always sets at least one slot, so the form never rejects a message and hands it to
the rules: only a certain opt-out or erasure request (which the rules act on before the
form runs) leaves the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.content import offer_for_question
from actions.conversation import WHY_WE_ASK
from actions.handoff import ask_for_team
from actions.returning import KNOWN_CHECK
from actions.tracker_reading import (
    entity_spans,
    held_before_latest_message,
    last_slot_answered,
    latest_intent,
    latest_user_text,
    message_is_new_to,
)
from bot.consent import ConsentAnswer
from bot.consent.replies import consent_reply
from bot.leads.answers import authority_of
from bot.leads.contact import normalise_phone
from bot.leads.corrections import Change, change_asked
from bot.leads.countries import region_named
from bot.leads.digressions import (
    asks_if_we_can_help,
    asks_to_carry_on,
    digression_of,
    is_closing,
    is_declining,
)
from bot.leads.errors import InvalidAnswer, NeedsCountry
from bot.leads.form import (
    DECLINED,
    OPTIONAL_QUESTIONS,
    QUESTIONS,
    AnswerContext,
    MoveOn,
    after_invalid_answer,
    is_first_name_only,
    is_usable_contact,
    read_answer,
    with_last_name,
)
from bot.leads.presenting import LABELS, describe_answer, fields_named
from bot.leads.reading import Reading, read_message, read_opening
from bot.leads.returning import KNOWN_CHECK_DUE, checked_answers, confirms, is_greeting_only
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
# Asked only after a one-word name (bot.leads.form.is_first_name_only).
LAST_NAME = "last_name"
# A phone number that is no number of the assumed region but is one elsewhere, held while
# the bot asks which country it is from (the question PHONE_COUNTRY, never filled itself);
# ASKED once the question has had its reply.
PHONE_UNPLACED = "phone_unplaced"
PHONE_COUNTRY = "phone_country"
ASKED = ""
# A company a message probably named, held while the bot asks whether it is (the question
# COMPANY_CHECK, never filled itself).
COMPANY_GUESS = "company_guess"
COMPANY_CHECK = "company_check"
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

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        """The form's questions, with the follow-ups a message called for: "Still at
        Harbor Goods, 40 people?" first for a visitor back in a new session, "and your
        last name?" after a one-word name, "you're with X — is that right?" after a list
        that probably named the company, "which country is that number from?" after a
        number that needs one."""
        slots = list(domain_slots)
        if is_first_name_only(tracker.get_slot("name")) and tracker.get_slot(LAST_NAME) is None:
            slots.insert(slots.index("name") + 1, LAST_NAME)
        if tracker.get_slot(COMPANY_GUESS) and tracker.get_slot("company") is None:
            slots.insert(slots.index("company"), COMPANY_CHECK)
        if tracker.get_slot(PHONE_UNPLACED) and tracker.get_slot("phone") is None:
            slots.insert(slots.index("phone"), PHONE_COUNTRY)
        if tracker.get_slot(KNOWN_CHECK_DUE) and checked_answers(tracker.slots):
            slots.insert(0, KNOWN_CHECK)
        return slots

    @staticmethod
    def _leaves(tracker: Tracker) -> bool:
        intent = latest_intent(tracker)
        if intent == "goodbye":
            return is_closing(latest_user_text(tracker))
        return intent in LEAVES_THE_FORM

    @staticmethod
    def _filled_before_asked(tracker: Tracker, context: AnswerContext) -> dict[str, Any]:
        """Values a channel set before the form asked (the SMS sender's number). Answers
        the form stored before are not read again: they are in their stored form."""
        values: dict[str, Any] = {}
        for question, candidate in tracker.slots_to_validate().items():
            if question not in QUESTIONS or candidate in (None, DECLINED):
                continue
            if held_before_latest_message(tracker, question, candidate):
                continue
            try:
                values[question] = read_answer(question, str(candidate), {}, context)
            except InvalidAnswer:
                values[question] = None
        return values

    @staticmethod
    def _read_turn(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        context: AnswerContext,
        failures: dict[str, int],
    ) -> dict[str, Any]:
        turn = _Turn(dispatcher, tracker, context, failures)
        pending = tracker.get_slot("requested_slot")
        # The message that started the form (a demo request, a question) was answered by
        # the rules that started it; only its volunteered answers are left to read.
        digression = digression_of(turn.intent, turn.text) if pending is not None else None
        if digression is not None:
            aside = turn.step_aside(digression, pending)
            if digression not in ASKS_FOR_SOMEONE:
                return aside
            # "I'd love a demo — I'm Sam from Acme": the details they gave count too.
            return {**turn.read(None).values, **aside}
        if asks_to_carry_on(turn.text) or is_greeting_only(turn.text):
            return {}  # the pending question comes again
        change = change_asked(turn.text)
        if change is not None and change.question in QUESTIONS:
            return turn.read_change(change)
        if pending is None and asks_if_we_can_help(turn.text):
            # "we miss loads of calls after 5pm. can your bot help?": yes, before the
            # first question.
            dispatcher.utter_message(response="utter_we_can_help")
        if pending == LAST_NAME:
            return turn.read_last_name()
        if pending == PHONE_COUNTRY:
            return turn.read_phone_country()
        if pending == COMPANY_CHECK:
            return turn.read_company_check()
        if pending == KNOWN_CHECK:
            return turn.read_known_check()
        return turn.read_answers(pending)

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


@dataclass
class _Turn:
    """One message in the form: what it says, and where its answers and words go."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    context: AnswerContext
    failures: dict[str, int]

    @property
    def text(self) -> str:
        return latest_user_text(self.tracker)

    @property
    def intent(self) -> str | None:
        return latest_intent(self.tracker)

    def read_answers(self, pending: str | None) -> dict[str, Any]:
        """The answers in a message that neither steps aside nor replies to a follow-up."""
        if pending is not None and is_declining(self.intent, self.text):
            if pending in OPTIONAL_QUESTIONS:
                self.failures.pop(pending, None)
                return {pending: DECLINED}
            return self.after_failure(pending, InvalidAnswer(""))
        reading = self.read(pending)
        guess = {COMPANY_GUESS: reading.company_guess} if reading.company_guess else {}
        if pending is None or reading.values:
            taken = [q for q in reading.values if q in QUESTIONS and q not in reading.corrected]
            if pending is not None and pending not in reading.values and taken:
                # "dana@stopgo.com" at the name question: kept, and said so before the
                # name is asked again.
                self.dispatcher.utter_message(
                    response="utter_answers_noted", fields=fields_named(taken)
                )
            return {**reading.values, **guess}
        if self.intent in UNCLEAR_COMPLIANCE_RESPONSES:
            self.dispatcher.utter_message(response=UNCLEAR_COMPLIANCE_RESPONSES[self.intent])
            return {}
        unplaced = self.tracker.get_slot(PHONE_UNPLACED)
        if isinstance(reading.problem, NeedsCountry) and unplaced is None:
            return {PHONE_UNPLACED: reading.problem.digits}  # asks PHONE_COUNTRY next
        if reading.problem is not None:
            return self.after_failure(pending, reading.problem)
        return {}

    def read_change(self, change: Change) -> dict[str, Any]:
        """ "I want to update my budget": the new value when the message gives it ("… to
        20k"), else the answer is cleared and its question asked next. The message answers
        no other question."""
        question = change.question
        if change.new_value:
            try:
                value = read_answer(question, change.new_value, {}, self.context)
            except InvalidAnswer:
                pass
            else:
                if value != self.tracker.get_slot(question):
                    self.dispatcher.utter_message(
                        response="utter_answer_corrected", **describe_answer(question, value)
                    )
                return {question: value}
        self.dispatcher.utter_message(response="utter_change_answer", field=LABELS[question])
        return {question: None}

    def read_last_name(self) -> dict[str, Any]:
        """The reply to "and your last name?", asked once: a surname completes the name;
        anything else leaves the first name as it is (and keeps what else it gave)."""
        if is_declining(self.intent, self.text):
            return {LAST_NAME: DECLINED}
        first = str(self.tracker.get_slot("name"))
        try:
            full = with_last_name(first, self.text)
        except InvalidAnswer:
            return {**self.read(None).values, LAST_NAME: DECLINED}
        return {"name": full, LAST_NAME: full[len(first) :].strip() or DECLINED}

    def read_phone_country(self) -> dict[str, Any]:
        """The reply to "which country is that number from?", asked once: a country places
        the number; anything else is read as any answer would be."""
        region = region_named(self.text)
        if region is not None:
            try:
                phone = normalise_phone(str(self.tracker.get_slot(PHONE_UNPLACED)), region)
                return {"phone": phone, PHONE_UNPLACED: ASKED}
            except InvalidAnswer as invalid:
                # "That's not a valid United Kingdom number": not "no number there".
                return {**self.after_failure("phone", invalid), PHONE_UNPLACED: ASKED}
        return {**self.read_answers("phone"), PHONE_UNPLACED: ASKED}

    def read_company_check(self) -> dict[str, Any]:
        """The reply to "you're with X — is that right?": yes takes it, no asks the
        company question, anything else is read as the answer to it."""
        reply = consent_reply(self.text)
        if reply is ConsentAnswer.GRANTED or self.intent == "affirm":
            return {"company": self.tracker.get_slot(COMPANY_GUESS), COMPANY_GUESS: None}
        if reply is ConsentAnswer.DENIED or self.intent == "deny":
            return {COMPANY_GUESS: None}
        return {**self.read_answers("company"), COMPANY_GUESS: None}

    def read_known_check(self) -> dict[str, Any]:
        """The reply to "Still at Harbor Goods, 40 people?": what it says anew replaces the
        old answer (the rest stand), a yes keeps them all, anything else ("no", "we
        moved") asks them again."""
        checked = checked_answers(self.tracker.slots)
        values = self.read(None).values
        if not values and "company_size" in checked and any(c.isdigit() for c in self.text):
            values = self.read("company_size").values  # "we're 60 now"
        done = {KNOWN_CHECK_DUE: False}
        if values:
            return {**values, **done}
        if confirms(self.text, self.intent):
            return done
        self.dispatcher.utter_message(response="utter_known_changed")
        return {**dict.fromkeys(checked), **done}

    def read(self, pending: str | None) -> Reading:
        """The answers in the message (to `pending`, if any, and volunteered ones); says
        which earlier answers they correct."""
        held = {question: self.tracker.get_slot(question) for question in QUESTIONS}
        last_answered = last_slot_answered(self.tracker, QUESTIONS)
        spans = entity_spans(self.tracker)
        if pending is None:  # before the first question: perhaps an introduction
            reading = read_opening(
                self.text, spans, held=held, last_answered=last_answered, context=self.context
            )
        else:
            reading = read_message(
                self.text,
                spans,
                pending=pending,
                held=held,
                last_answered=last_answered,
                context=self.context,
            )
        for question in reading.corrected:
            self.dispatcher.utter_message(
                response="utter_answer_corrected",
                **describe_answer(question, reading.values[question]),
            )
        for question in reading.values:
            self.failures.pop(question, None)
        return reading

    def step_aside(self, digression: str, pending: str | None) -> dict[str, Any]:
        if digression == "ask_why":
            self.dispatcher.utter_message(
                response=WHY_WE_ASK.get(pending or "", "utter_why_default")
            )
            return {}
        if digression == "ask_content":
            offer_for_question(self.dispatcher, self.tracker)
            return {}
        self.dispatcher.utter_message(response=DIGRESSION_RESPONSES[digression])
        if digression in ASKS_FOR_SOMEONE:
            ask_for_team(self.dispatcher, self.tracker)
            return {"handoff_requested": True}
        return {}

    def after_failure(self, question: str, invalid: InvalidAnswer) -> dict[str, Any]:
        outcome = after_invalid_answer(self.failures.get(question, 0))
        if isinstance(outcome, MoveOn):
            self.failures.pop(question, None)
            self.dispatcher.utter_message(response="utter_moving_on")
            return {question: outcome.value}
        self.failures[question] = outcome.count
        if invalid.reason:
            self.dispatcher.utter_message(response="utter_invalid_answer", reason=invalid.reason)
        else:
            self.dispatcher.utter_message(response="utter_required_answer")
        return {}
