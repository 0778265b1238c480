"""Opt-outs are recognised for certain; answers that merely mention stopping are not."""

from __future__ import annotations

import pytest

from bot.consent.opt_out import (
    OPT_OUT_KEYWORDS,
    is_erasure_request,
    is_opt_out,
    is_opt_out_keyword,
)


@pytest.mark.parametrize("keyword", sorted(OPT_OUT_KEYWORDS))
def test_every_keyword_alone_in_any_case_is_an_opt_out(keyword: str) -> None:
    for typed in (keyword, keyword.upper(), f"  {keyword.title()}. "):
        assert is_opt_out_keyword(typed)
        assert is_opt_out(typed)


@pytest.mark.parametrize(
    "text",
    [
        "actually please stop emailing me",
        "please stop texting me",
        "stop sending me messages",
        "quit spamming me",
        "dont email me again",
        "do not contact me",
        "please unsubscribe me",
        "i want to unsubscribe",
        "i'd like to opt out",
        "opt me out",
        "take me off your list",
        "remove me from the mailing list",
        "no more emails pls",
        "i withdraw my consent",
        "stop pls",
        "STOP STOP",
        "unsub",
        "stop all the promo texts",
        "no more newsletters thanks",
        "no marketing emails pls",
        "ugh, already get too many promos. No promo texts.",
        "i dont want your emails anymore",
        "please remove my email from your mailing list",
        "i'd like to be taken off the list",
        "add me to your do not contact list",
        "just leave me alone",
        "you keep messaging me, stop",
        "Not for me. Unsubscribe.",
        "STOP. Asked you twice.",
        "unsubscribe me@example.com please",
    ],
)
def test_first_person_requests_are_opt_outs(text: str) -> None:
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "we need a bot that handles people who reply STOP",
        "the chatbot should stop emailing leads who opt out",
        "our bot should let people unsubscribe",
        "an easy way for customers to opt out of sms",
        "we want to stop losing leads",
        "stop the form",
        "no email",
        "no emails yet?",
        "stopwatch",
        "the end of the quarter",
    ],
)
def test_answers_that_mention_stopping_are_not(text: str) -> None:
    assert not is_opt_out(text)


@pytest.mark.parametrize("text", ["unsubscibe me", "Unsusbcribe", "please unsubcribe me"])
def test_a_mistyped_unsubscribe_still_counts(text: str) -> None:
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "Opt Out Outdoors",
        "Unsubscribe Labs",
        "don't stop, tell me more",
        "we want to stop losing leads",
        "StopGap Software",
        "Full Stop Studio",
        "stop, I meant the other date",
        "why would I unsubscribe? I like them",
        "does every email have an unsubscribe link?",
        "we need to stop spam signups on our forms",
        "I'll stop by your stand",
    ],
)
def test_names_negations_and_other_topics_are_not_opt_outs(text: str) -> None:
    assert not is_opt_out(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delete my data", True),
        ("please erase everything you hold about me", True),
        ("I want my personal information removed", True),
        ("I want my personal data deleted", True),
        ("right to be forgotten please", True),
        ("the delete button on our site is broken", False),
        ("The Erasure Project", False),
        ("don't delete my data, I was joking", False),
        ("dlt my data", True),
        ("wipe my number and email from your records", True),
        ("get rid of all the data you keep about me", True),
        ("I request erasure of my personal data", True),
        ("I don't want you keeping my details. Delete them.", True),
        ("Forget Me Not Flowers", False),
        ("don't forget me when the offer starts", False),
        ("how does your platform handle the right to be forgotten?", False),
        ("can our customers ask the bot to delete their data?", False),
    ],
)
def test_erasure_requests(text: str, expected: bool) -> None:
    assert is_erasure_request(text) is expected
