"""digression_of / is_declining: the pending question wins unless the words step aside."""

from __future__ import annotations

import pytest

from bot.leads.digressions import asks_if_we_can_help, digression_of, is_declining


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [
        ("ask_pricing", "how much does it cost?", "ask_pricing"),
        ("ask_product", "what does it actually do?", "ask_product"),
        ("ask_why", "why do you need my budget", "ask_why"),
        ("request_human", "can I talk to a person?", "request_human"),
        ("request_human", "put me through to sales please", "request_human"),
        ("request_demo", "a demo would be great", "request_demo"),
        ("ask_content", "do you have a case study for retail?", "ask_content"),
        ("ask_content", "got any guides on sms", "ask_content"),
        ("ask_content", "send me your customer stories", "ask_content"),
        # Answers the classifier misreads stay answers.
        ("ask_product", "Northstar Analytics", None),
        ("request_human", "I'm a sales rep", None),
        ("out_of_scope", "Quit Nine Studio", None),
        ("inform", "how much does it cost?", None),
        ("ask_content", "Case Study Labs", None),
        ("ask_content", "The Guide Shop", None),
    ],
)
def test_digressions_need_their_words(intent: str, text: str, expected: str | None) -> None:
    assert digression_of(intent, text) == expected


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [
        ("deny", "no thanks", True),
        ("inform", "rather not say", True),
        ("decline_to_answer", "I'd prefer not to share our budget yet", True),
        ("decline_to_answer", "answer questions about our cooking classes", False),
        ("inform", "no idea", False),
        ("decline_to_answer", "I'd rather keep my number to myself", True),
        ("inform", "no phone thanks", True),
        ("deny", "nope, next question", True),
        ("inform", "no thanks, skip this one", True),
        ("inform", "let's move on", True),
        ("inform", "next quarter", False),
        ("inform", "no, next quarter", False),
    ],
)
def test_declining(intent: str, text: str, expected: bool) -> None:
    assert is_declining(intent, text) is expected


@pytest.mark.parametrize(
    "text", ["I want a real person", "just get me someone from sales", "i'd like a human please"]
)
def test_wanting_a_person_is_a_request_for_one(text: str) -> None:
    assert digression_of("request_human", text) == "request_human"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we miss calls after hours. can your bot help?", True),
        ("Is this something you can help with?", True),
        ("could it handle that for us", True),
        ("we want a bot that can help customers pick a plan", False),
        ("can you tell me the price?", False),
    ],
)
def test_asking_whether_we_can_help(text: str, expected: bool) -> None:
    assert asks_if_we_can_help(text) is expected
