"""A visitor back after their session expired, through the running stack: the form picks
up where it stopped, and their company and its size are checked in one line, not asked
again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bot.secret_key import secret_key
from bot.settings import Settings
from channels.webchat import conversation_ids
from tests.e2e.rest_client import Conversation
from tests.e2e.test_conversations import ANSWERS, QUESTIONS
from tests.e2e.test_webchat_browser import SCREENSHOTS, bot_says, page, type_answer  # noqa: F401
from tests.e2e.time_travel import move_back

pytestmark = pytest.mark.e2e

TWO_HOURS = 2 * 3600
STILL = "Welcome back, Sam! Still at Northwind Traders, 50 people?"


def left_at_the_use_case(conversation: Conversation) -> None:
    conversation.say("hi")
    assert QUESTIONS["name"] in conversation.said("yes")
    for question in ("name", "email", "company", "role", "company_size"):
        conversation.say(ANSWERS[question])
    assert conversation.slots()["requested_slot"] == "use_case"


def asked_in_the_new_session(conversation: Conversation) -> list[str]:
    """The form's questions asked since the session started again."""
    events = conversation.tracker()["events"]
    start = max(i for i, e in enumerate(events) if e["event"] == "session_started")
    return [
        e["value"]
        for e in events[start:]
        if e["event"] == "slot" and e["name"] == "requested_slot" and e["value"]
    ]


def test_a_greeting_gets_the_check_then_the_question_left_unanswered(
    conversation: Conversation, stack: Settings
) -> None:
    left_at_the_use_case(conversation)
    move_back(stack, conversation.sender, TWO_HOURS)

    assert STILL in conversation.said("hi again")
    reply = conversation.said("yes")
    assert QUESTIONS["use_case"] in reply
    for question in ("use_case", "budget"):
        conversation.say(ANSWERS[question])
    slots = conversation.slots()
    assert slots["company"] == "Northwind Traders"
    assert slots["company_size"] == {"low": 50, "high": 50, "unit": "people"}
    assert slots["requested_slot"] == "timeline"
    asked = asked_in_the_new_session(conversation)
    assert not {"name", "email", "company", "role", "company_size"} & set(asked), asked


def test_an_answer_to_the_question_left_is_taken_and_a_change_is_kept(
    conversation: Conversation, stack: Settings
) -> None:
    left_at_the_use_case(conversation)
    move_back(stack, conversation.sender, TWO_HOURS)

    reply = conversation.said(ANSWERS["use_case"])
    assert STILL in reply
    reply = conversation.said("we're 80 now")
    assert "80 people" in reply and QUESTIONS["budget"] in reply
    slots = conversation.slots()
    assert slots["company_size"] == {"low": 80, "high": 80, "unit": "people"}
    assert "pricing page" in slots["use_case"]


def test_no_asks_the_checked_answers_again(conversation: Conversation, stack: Settings) -> None:
    left_at_the_use_case(conversation)
    move_back(stack, conversation.sender, TWO_HOURS)

    assert STILL in conversation.said("hello")
    reply = conversation.said("no, I've moved on")
    assert "let's update them" in reply and QUESTIONS["company"] in reply
    assert QUESTIONS["company_size"] in conversation.said("Harbor Goods")
    assert QUESTIONS["use_case"] in conversation.said("about 200 people")
    slots = conversation.slots()
    assert slots["company"] == "Harbor Goods"
    assert slots["role"] == "head of marketing"  # not part of the check: it stands


def test_a_returning_browser_is_checked_not_asked_again(
    page: Page,  # noqa: F811
    stack: Settings,
) -> None:
    """In headless Chromium: a visitor leaves at the need question, comes back after the
    session expired, says hello and confirms with a click; the form goes on."""
    page.goto(f"http://{stack.host}:{stack.api_port}/")
    page.get_by_role("button", name="Chat with us").click()
    type_answer(page, "hi there")
    bot_says(page, "fits your team")
    page.get_by_role("button", name="Yes, let's go").click()
    for question in ("name", "email", "company", "role", "company_size"):
        bot_says(page, QUESTIONS[question])
        type_answer(page, ANSWERS[question])
    bot_says(page, QUESTIONS["use_case"])
    issued = page.evaluate(
        "() => Object.entries(localStorage).find(([k]) => k.startsWith('parley:conversation:'))[1]"
    )
    sender = conversation_ids.sender_id(secret_key(stack), issued)
    assert sender is not None
    move_back(stack, sender, TWO_HOURS)

    page.reload()
    launcher = page.get_by_role("button", name="Chat with us")
    if launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    bot_says(page, QUESTIONS["use_case"])  # the history, as it was left
    type_answer(page, "hi again")
    bot_says(page, STILL)
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-returning-check.png"))
    page.locator(".choices").last.get_by_role("button", name="Yes").click()
    bot_says(page, QUESTIONS["use_case"])
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-returning-resumed.png"))
    asked = [
        text
        for text in page.locator(".msg-bot .bubble").all_inner_texts()
        if QUESTIONS["company"] in text
    ]
    assert len(asked) == 1  # the company question of the first visit only
