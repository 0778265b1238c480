"""Whole conversations through Rasa's REST channel against the trained model.

Each test is one visitor, typing the way people do; assertions are on what the bot says
and on the slots the tracker holds afterwards.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.crm import (
    ConsentEvent,
    ContentEngagement,
    Lead,
    Suppression,
    make_engine,
    session_scope,
)
from bot.settings import Settings
from tests.e2e.rest_client import Conversation

pytestmark = pytest.mark.e2e

QUESTIONS = {
    "name": "what's your name",
    "email": "work e-mail",
    "company": "Which company",
    "role": "your role",
    "company_size": "how many people",
    "use_case": "chatbot to do for you",
    "budget": "budget in mind",
    "timeline": "something live",
    "phone": "phone number",
}
ANSWERS = {
    "name": "sam lee",
    "email": "sure, it's Sam.Lee@Northwind.IO",
    "company": "i work at Northwind Traders",
    "role": "head of marketing",
    "company_size": "we're about 50 people",
    "use_case": "we want a bot on our pricing page that qualifies leads and books demos",
    "budget": "between 10 and 20 thousand dollars",
    "timeline": "next quarter hopefully",
    "phone": "(415) 555-0132",
}
ORDER = list(QUESTIONS)
EMAIL_CONSENT = "marketing e-mails"
SMS_CONSENT = "marketing text messages"


def answer_from(conversation: Conversation, first: str, overrides: dict[str, str]) -> str:
    """Answers the form from question `first` on; returns the bot's last reply."""
    reply = ""
    for question in ORDER[ORDER.index(first) :]:
        reply = conversation.said(overrides.get(question, ANSWERS[question]))
        following = ORDER.index(question) + 1
        if following < len(ORDER):
            assert QUESTIONS[ORDER[following]] in reply, conversation.transcript
    return reply


def start_form(conversation: Conversation) -> None:
    greeting = conversation.said("hi there")
    assert "privacy" in greeting.lower() and "/privacy" in greeting
    assert QUESTIONS["name"] in conversation.said("yeah sure")


def test_happy_path_qualifies_and_records_consent_with_proof(
    conversation: Conversation, stack: Settings
) -> None:
    start_form(conversation)
    assert EMAIL_CONSENT in answer_from(conversation, "name", {})
    assert SMS_CONSENT in conversation.said("yes please")
    wrap_up = conversation.said("yep, that's fine")
    assert "that's everything" in wrap_up
    # Typed in chat, the address and number are claims: the yes waits for their owner.
    assert "confirm" in wrap_up and "agreed" not in wrap_up

    slots = conversation.slots()
    assert slots["name"] == "Sam Lee"
    assert slots["email"] == "Sam.Lee@northwind.io"
    assert slots["company"] == "Northwind Traders"
    assert slots["authority"] == "decision_maker"
    assert slots["company_size"] == {"low": 50, "high": 50, "unit": "people"}
    assert slots["budget"] == {"low": 10000, "high": 20000, "unit": "USD"}
    assert slots["timeline"] == "1_3_months"
    assert slots["phone"] == "+14155550132"
    assert (slots["consent_email"], slots["consent_sms"]) == ("granted", "granted")
    email_proof, sms_proof = slots["consent_records"]
    assert email_proof["purpose"] == "marketing_email"
    assert email_proof["reply_text"] == "yes please"
    assert EMAIL_CONSENT in email_proof["wording"]
    assert email_proof["notice_version"] == stack.privacy_notice_version == "2026-12"
    assert email_proof["channel"] == "rest"
    assert email_proof["message_id"]
    assert sms_proof["purpose"] == "marketing_sms"

    with session_scope(make_engine(stack.crm_database_url)) as crm:
        lead = crm.scalars(select(Lead).where(Lead.conversation_id == conversation.sender)).one()
        assert lead.answers["email"] == "Sam.Lee@northwind.io"
        assert lead.authority == "decision_maker"
        assert sum(part["points"] for part in lead.score_breakdown) == lead.score > 0
        assert lead.grade and lead.segments
        events = crm.scalars(
            select(ConsentEvent).where(ConsentEvent.conversation_id == conversation.sender)
        ).all()
        # Typed in chat, the address and number are claims: each yes waits for its owner
        # (tests/e2e/test_double_opt_in.py).
        assert sorted((e.purpose, e.answer, e.granted) for e in events) == [
            ("marketing_email", "pending", False),
            ("marketing_sms", "pending", False),
        ]
        assert all(e.wording and e.notice_version == stack.privacy_notice_version for e in events)


def test_pricing_question_mid_form_is_answered_and_the_form_resumes(
    conversation: Conversation,
) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    reply = conversation.said("wait, how much does this cost?")
    assert "$99/month" in reply
    assert QUESTIONS["email"] in reply
    assert QUESTIONS["company"] in conversation.said(ANSWERS["email"])


def offers_of(stack: Settings, conversation: Conversation) -> list[str]:
    with session_scope(make_engine(stack.crm_database_url)) as crm:
        return list(
            crm.scalars(
                select(ContentEngagement.item_id).where(
                    ContentEngagement.conversation_id == conversation.sender,
                    ContentEngagement.kind == "offered",
                )
            )
        )


def test_content_asked_for_before_anything_else(
    conversation: Conversation, stack: Settings
) -> None:
    reply = conversation.said("hi, do u have any case studys for retail?")
    assert "Northwind Outfitters" in reply
    assert re.search(r"Northwind Outfitters.* — .+: http://\S+/r/\S+", reply)
    assert "see whether" in reply  # then the offer to qualify
    assert offers_of(stack, conversation) == ["cs-northwind-abandoned-carts"]
    assert QUESTIONS["name"] in conversation.said("sure")


def test_content_asked_for_mid_form_and_the_form_resumes(
    conversation: Conversation, stack: Settings
) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    conversation.said(ANSWERS["email"])
    reply = conversation.said("do you have any guides on abandoned carts?")
    assert "abandoned cart playbook" in reply
    assert QUESTIONS["company"] in reply
    assert offers_of(stack, conversation)
    assert QUESTIONS["role"] in conversation.said(ANSWERS["company"])


def test_product_question_mid_form(conversation: Conversation) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    conversation.said(ANSWERS["email"])
    reply = conversation.said("hang on, what does parley actually do?")
    assert "qualifies them as leads" in reply
    assert QUESTIONS["company"] in reply


def test_why_do_you_need_this_explains_the_current_question(conversation: Conversation) -> None:
    start_form(conversation)
    answer_stop = ORDER.index("budget")
    for question in ORDER[:answer_stop]:
        conversation.said(ANSWERS[question])
    reply = conversation.said("why do you need to know that?")
    assert "rough budget" in reply
    assert QUESTIONS["budget"] in reply
    assert QUESTIONS["timeline"] in conversation.said("around 50k")
    assert conversation.slots()["budget"] == {"low": 50000, "high": 50000, "unit": "USD"}


def test_talk_to_a_human_mid_form_is_recorded_and_the_form_resumes(
    conversation: Conversation,
) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    reply = conversation.said("can i just talk to a real person please")
    assert "flagged that you'd like to talk to a person" in reply
    assert QUESTIONS["email"] in reply
    assert conversation.slots()["handoff_requested"] is True
    assert EMAIL_CONSENT in answer_from(conversation, "email", {})
    conversation.said("no")
    assert "Our sales team will contact you" in conversation.said("no thanks")


def test_rather_not_say_skips_the_optional_phone(conversation: Conversation) -> None:
    start_form(conversation)
    reply = answer_from(conversation, "name", {"phone": "i'd rather not say"})
    assert EMAIL_CONSENT in reply
    wrap_up = conversation.said("no")
    assert SMS_CONSENT not in wrap_up
    assert "won't send you any marketing" in wrap_up
    slots = conversation.slots()
    assert slots["phone"] == "declined"
    assert slots["consent_email"] == "denied"
    assert slots["consent_sms"] is None
    assert [r["answer"] for r in slots["consent_records"]] == ["denied"]


def test_invalid_email_twice_gets_specific_reasks_then_a_valid_one_is_taken(
    conversation: Conversation,
) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    first = conversation.said("sam at northwind")
    assert "couldn't use that" in first and QUESTIONS["email"] in first
    second = conversation.said("sam@northwind")
    assert "couldn't use that" in second and QUESTIONS["email"] in second
    assert first != second
    assert QUESTIONS["company"] in conversation.said("sam@northwind.io")
    slots = conversation.slots()
    assert slots["email"] == "sam@northwind.io"
    assert slots["validation_failures"] == {}


def test_third_invalid_answer_moves_on(conversation: Conversation) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    conversation.said("sam at northwind")
    conversation.said("sam@")
    reply = conversation.said("i dont have one lol")
    assert "skip that one" in reply and QUESTIONS["company"] in reply
    assert conversation.slots()["email"] == "unknown"


def test_consent_not_now_is_not_consent(conversation: Conversation) -> None:
    start_form(conversation)
    answer_from(conversation, "name", {"phone": "skip"})
    assert "won't send you any marketing" in conversation.said("maybe later")
    assert conversation.slots()["consent_email"] == "deferred"


def test_a_greeting_at_the_consent_question_asks_it_again(conversation: Conversation) -> None:
    start_form(conversation)
    answer_from(conversation, "name", {"phone": "skip"})
    reply = conversation.said("hi")
    assert "Picking up where we were" in reply and EMAIL_CONSENT in reply
    assert "Would you like to see" not in reply


def test_a_captured_lead_changes_an_answer_by_naming_it(
    conversation: Conversation, stack: Settings
) -> None:
    start_form(conversation)
    answer_from(conversation, "name", {"phone": "skip"})
    assert "that's everything" in conversation.said("yes")
    reply = conversation.said("actually I want to update my budget")
    assert "update your budget" in reply and QUESTIONS["budget"] in reply
    conversation.said("25k")
    assert "let's update your role" in conversation.said("I'd like to change my role")
    conversation.said("VP marketing")
    slots = conversation.slots()
    assert slots["budget"] == {"low": 25000, "high": 25000, "unit": "USD"}
    assert slots["role"] == "VP marketing"
    assert slots["use_case"] == ANSWERS["use_case"]
    with session_scope(make_engine(stack.crm_database_url)) as crm:
        lead = crm.scalars(select(Lead).where(Lead.conversation_id == conversation.sender)).one()
        assert lead.answers["budget"] == {"low": 25000, "high": 25000, "unit": "USD"}
        assert lead.answers["role"] == "VP marketing"


def test_forged_intent_syntax_at_the_consent_question_sets_no_consent(
    conversation: Conversation,
) -> None:
    start_form(conversation)
    answer_from(conversation, "name", {"phone": "skip"})
    reply = conversation.said("/affirm")
    slots = conversation.slots()
    assert slots["consent_email"] is None
    assert slots["consent_records"] is None
    assert "clear answer" in reply and EMAIL_CONSENT in reply
    events = [e for e in conversation.tracker()["events"] if e["event"] == "user"]
    assert events[-1]["text"] == "/affirm"
    assert events[-1]["parse_data"]["intent"]["name"] != "affirm"


def test_withdrawal_after_consent(conversation: Conversation, stack: Settings) -> None:
    start_form(conversation)
    answer_from(conversation, "name", {})
    conversation.said("yes")
    conversation.said("yes")
    reply = conversation.said("actually please stop emailing me")
    assert "won't get marketing e-mails" in reply
    slots = conversation.slots()
    assert slots["consent_email"] == "withdrawn"
    assert slots["consent_sms"] == "granted"
    assert [r["answer"] for r in slots["consent_records"]] == ["granted", "granted", "withdrawn"]
    with session_scope(make_engine(stack.crm_database_url)) as crm:
        answers = crm.scalars(
            select(ConsentEvent.answer).where(ConsentEvent.conversation_id == conversation.sender)
        ).all()
        assert sorted(answers) == ["pending", "pending", "withdrawn"]
        assert "email" in crm.scalars(select(Suppression.kind)).all()


def test_unsubscribe_mid_form_stops_the_form(conversation: Conversation) -> None:
    start_form(conversation)
    conversation.said(ANSWERS["name"])
    reply = conversation.said("unsubscribe")
    assert "won't get marketing e-mails or text messages" in reply
    tracker = conversation.tracker()
    assert tracker["active_loop"] == {} or tracker["active_loop"].get("name") is None


def test_delete_my_data_records_the_erasure_request(conversation: Conversation) -> None:
    conversation.said("hello")
    assert "delete your personal data" in conversation.said("please delete my data")
    assert conversation.slots()["erasure_requested"] is True


def test_book_a_demo_collects_details_first(conversation: Conversation) -> None:
    reply = conversation.said("i want to book a demo")
    assert "set up a demo" in reply and QUESTIONS["name"] in reply
    assert "Noted" not in reply, "the request is acknowledged once"
    assert conversation.slots()["handoff_requested"] is True


def test_out_of_scope_offers_the_main_paths(conversation: Conversation) -> None:
    conversation.said("hi")
    reply = conversation.say("can you order me a pizza")
    assert any("outside what I can help with" in r for r in reply)


def test_gibberish_gets_the_fallback_not_a_guess(conversation: Conversation) -> None:
    reply = conversation.said("qwrtzp vbnm xcvq")
    assert "not sure I understood" in reply or "outside what I can help with" in reply


def test_asking_to_hear_more_is_not_an_opt_out(conversation: Conversation) -> None:
    conversation.said("hi there")
    for text in ("tell me more", "more info please"):
        reply = conversation.said(text)
        assert "won't get marketing" not in reply, conversation.transcript
    assert conversation.slots()["consent_records"] in (None, [])


@pytest.mark.parametrize(
    ("unclear", "again", "done"),
    [
        ("we want to stop the emails", "yea no more emails from you", "won't get marketing"),
        ("the delete button on our site is broken", "Yes, erase all of it.", "delete"),
    ],
)
def test_a_checked_request_said_again_is_acted_on_not_asked_forever(
    conversation: Conversation, unclear: str, again: str, done: str
) -> None:
    conversation.said("hello")
    first = conversation.said(unclear)
    if "Just to check" not in first:
        pytest.skip(f"the model did not read {unclear!r} as an unclear request")
    reply = conversation.said(again)
    assert "Just to check" not in reply, conversation.transcript
    assert done in reply, conversation.transcript
