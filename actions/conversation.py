"""Conversation actions around the form: why we ask, handoff to sales, the wrap-up."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.content import offer_at_wrap_up
from actions.handoff import ask_for_team
from actions.tracker_reading import (
    active_form,
    engagement_signals,
    last_response,
    latest_intent,
    said_since_latest_message,
)
from bot import bootstrap
from bot.consent import CONSENT_SLOTS, ConsentAnswer, Purpose
from bot.consent.purposes import describe
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.tables import Lead
from bot.double_opt_in import awaiting_confirmation
from bot.handoff.service import hand_to_team, matching_rule
from bot.lead_capture import capture_lead
from bot.leads.form import QUESTIONS
from bot.scoring import LeadFacts, LeadScore

# Named in full so the data check can see which responses the actions use.
WHY_WE_ASK = {
    "name": "utter_why_name",
    "email": "utter_why_email",
    "company": "utter_why_company",
    "role": "utter_why_role",
    "company_size": "utter_why_company_size",
    "use_case": "utter_why_use_case",
    "budget": "utter_why_budget",
    "timeline": "utter_why_timeline",
    "phone": "utter_why_phone",
}


class ActionExplainWhy(Action):
    """Answers "why do you need this?" for the question being asked."""

    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asking = tracker.get_slot("requested_slot")
        if active_form(tracker) == "consent_form":
            dispatcher.utter_message(response="utter_why_consent")
        elif active_form(tracker) == "lead_form" and asking in WHY_WE_ASK:
            dispatcher.utter_message(response=WHY_WE_ASK[asking])
        else:
            dispatcher.utter_message(response="utter_why_default")
        return []


# The first miss, then every further miss in a row.
FALLBACK_RESPONSES = {False: "utter_fallback", True: "utter_fallback_again"}
# What the FallbackClassifier calls a message it could not read.
UNREAD_INTENT = "nlu_fallback"
# What the bot says of consent waiting for double opt-in, by whether the request went out.
CONFIRM_RESPONSES = {
    Purpose.MARKETING_EMAIL: "utter_consent_confirm_email",
    Purpose.MARKETING_SMS: "utter_consent_confirm_sms",
}


def _say_consent(
    dispatcher: CollectingDispatcher, tracker: Tracker, awaiting: dict[Purpose, bool]
) -> None:
    """What counts of the consent given, and what still waits on its owner's confirmation."""
    answers = {p: tracker.get_slot(slot) for p, slot in CONSENT_SLOTS.items()}
    said_yes = {p for p, a in answers.items() if a == ConsentAnswer.GRANTED.value}
    granted = said_yes - set(awaiting)
    if granted:
        dispatcher.utter_message(response="utter_consent_granted", purposes=describe(granted))
    for purpose in sorted(said_yes & set(awaiting)):
        if awaiting[purpose]:
            dispatcher.utter_message(
                response=CONFIRM_RESPONSES[purpose],
                **{purpose.identifier_kind: tracker.get_slot(purpose.identifier_kind)},
            )
    unsent = {p for p in said_yes & set(awaiting) if not awaiting[p]}
    if unsent:
        dispatcher.utter_message(response="utter_consent_unconfirmed", purposes=describe(unsent))
    if not said_yes and any(a is not None for a in answers.values()):
        dispatcher.utter_message(response="utter_consent_not_granted")


# What the bot says to a request for a person, and to a demo request (the same handoff).
HANDOFF_RESPONSES = {
    "in_form": ("utter_handoff_noted", "utter_demo_noted"),
    "reachable": ("utter_handoff_recorded", "utter_demo_recorded"),
    "need_details": ("utter_handoff_need_details", "utter_demo_need_details"),
}


class ActionRequestHandoff(Action):
    """Records a request to talk to sales or for a demo, and says what happens next."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if active_form(tracker) is not None:
            situation = "in_form"
        elif tracker.get_slot("contact_known"):
            situation = "reachable"
        else:
            situation = "need_details"
        person, demo = HANDOFF_RESPONSES[situation]
        demo_asked = latest_intent(tracker) == "request_demo"
        dispatcher.utter_message(response=demo if demo_asked else person)
        ask_for_team(dispatcher, tracker)
        return [SlotSet("handoff_requested", True)]


def _ran_before(tracker: Tracker, action: str) -> bool:
    """Whether `action` ran earlier in this conversation (a later session included: the
    visitor came back)."""
    return any(
        event.get("event") == "action" and event.get("name") == action for event in tracker.events
    )


class ActionCompleteLead(Action):
    """Closes the qualification: writes the lead to the CRM, then confirms the consent
    given and what happens next. A failed write raises before anything is said, so the
    conversation (all in the tracker) can be captured again. Then it offers content that
    may help, from the recommender. Run again after a later correction, it writes the new
    version of the lead and says nothing more."""

    def name(self) -> str:
        return "action_complete_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with session_scope(bootstrap.crm_engine()) as session:
            lead = capture_lead(
                session,
                slots=tracker.slots,
                conversation_id=tracker.sender_id,
                channel=tracker.get_latest_input_channel() or "unknown",
                signals=engagement_signals(tracker),
                rules=bootstrap.scoring_rules(),
                segments=bootstrap.segments(),
                pepper=bootstrap.suppression_pepper(),
                sinks=bootstrap.sink_names(),
                confirmations=bootstrap.confirmation_requests(),
                catalogue=bootstrap.catalogue(),
            )
            awaiting = awaiting_confirmation(session, conversation_id=tracker.sender_id)
            joining = lead is not None and _hand_over_by_rule(session, tracker, lead)
        if _ran_before(tracker, self.name()):
            # A correction after the wrap-up ("actually my email is ..."): the lead is
            # updated and the correction was confirmed; the wrap-up is not said twice.
            # A message that changed nothing still gets an answer.
            if not said_since_latest_message(tracker):
                dispatcher.utter_message(response="utter_all_set")
            return []
        dispatcher.utter_message(response="utter_lead_complete")
        _say_consent(dispatcher, tracker, awaiting)
        if joining:
            dispatcher.utter_message(response="utter_handoff_joining")
        elif tracker.get_slot("handoff_requested"):
            dispatcher.utter_message(response="utter_next_steps_handoff")
        else:
            dispatcher.utter_message(response="utter_next_steps_review")
        if lead is not None:
            offer_at_wrap_up(dispatcher, tracker, lead, awaiting)
        return [SlotSet("lead_captured", True)]


def _hand_over_by_rule(session: Session, tracker: Tracker, lead: Lead) -> bool:
    """Hands a lead matching a handoff rule to the team; whether a rep joins now."""
    if tracker.get_slot("handoff_requested"):
        return False  # asked already: the request stands
    if not lead.facts:
        return False
    # The lead as just scored and saved (the content it opened included).
    facts = LeadFacts.from_dict(lead.facts)
    score = LeadScore(total=lead.score, grade=lead.grade, breakdown=[])
    reason = matching_rule(bootstrap.handoff_config(), facts, score, list(lead.segments or []))
    if reason is None:
        return False
    requested = hand_to_team(
        session,
        conversation_id=tracker.sender_id,
        channel=lead.channel,
        reason=reason,
        now=utcnow(),
        phone=tracker.get_slot("phone"),
        metadata=tracker.latest_message.get("metadata"),
        segments=list(lead.segments or []),
        lead_id=lead.id,
    )
    return requested.soon and not requested.joined


class ActionFallback(Action):
    """Says the bot did not understand — never the same way twice in a row: after a
    second miss it offers the main paths and a person.

    It runs for a message the classifier could not read (the `nlu_fallback` rule) and as
    the core fallback, when no policy is sure what to do next; then, as Rasa's own default
    fallback does, it forgets the message so the conversation carries on from where it was
    (without that the policies would be just as unsure again, and it would run again)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        missed_before = last_response(tracker) in FALLBACK_RESPONSES.values()
        dispatcher.utter_message(response=FALLBACK_RESPONSES[missed_before])
        if latest_intent(tracker) == UNREAD_INTENT:
            return []
        return [UserUtteranceReverted()]


class ActionCallOff(Action):
    """Stops the lead form when the visitor calls it off ("forget it", "never mind").

    Nothing was consented to, so nothing they typed into the form is kept: its answers,
    the handoff they may have asked for in it and the form's own state are cleared."""

    def name(self) -> str:
        return "action_call_off"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_called_off")
        cleared = (
            *QUESTIONS,
            *("last_name", "phone_unplaced", "company_guess", "authority"),
            *("requested_slot", "validation_failures"),
        )
        return [
            ActiveLoop(None),
            *(SlotSet(slot, None) for slot in cleared),
            SlotSet("contact_known", False),
            SlotSet("handoff_requested", False),
        ]
