"""Requests that their words make certain overrule readings that ask nothing of us."""

from __future__ import annotations

import pytest

from bot.nlu.request_cues import cued_intent


@pytest.mark.parametrize(
    ("predicted", "text", "expected"),
    [
        (
            "inform",
            "Hi, I'd love a demo. We're a 40-person fintech called Ledgerline.",
            "request_demo",
        ),
        ("greet", "hey, can I get a demo for my team", "request_demo"),
        ("express_interest", "put me through to sales please", "request_human"),
        ("nlu_fallback", "thanks so much, bye!", "goodbye"),
        ("thank", "thank you, have a great day", "goodbye"),
        (
            "decline_to_answer",
            "looking for a bot to answer pricing questions on our site",
            "inform",
        ),
        (
            "nlu_fallback",
            "we need something that follows up with people who fill in our form",
            "inform",
        ),
        ("nlu_fallback", "I get far too many questions about our tours to answer them", "inform"),
        ("decline_to_answer", "can we carry on with the questions?", "express_interest"),
        ("decline_to_answer", "ok, so what's next?", "express_interest"),
        ("nlu_fallback", "where were we", "express_interest"),
        ("goodbye", "aye", "affirm"),
        ("nlu_fallback", "aye go on", "affirm"),
        ("nlu_fallback", "yes, wipe it all", "affirm"),
        ("nlu_fallback", "yep delete everything please", "affirm"),
        ("inform", "any exmaples of that from b2b software companys?", "ask_content"),
        ("nlu_fallback", "do u hav a casestudy for retial", "ask_content"),
        ("ask_product", "I'd like to change my role", "inform"),
        ("ask_pricing", "can you change my budget to 30k?", "inform"),
    ],
)
def test_certain_words_overrule_a_reading_that_asks_nothing(
    predicted: str, text: str, expected: str
) -> None:
    assert cued_intent(predicted, text) == expected


@pytest.mark.parametrize(
    ("predicted", "text"),
    [
        # A request of its own stays what the classifier said.
        ("ask_pricing", "we need a bot for our site, how much is it?"),
        ("withdraw_consent", "bye, and stop texting me"),
        # Words that only mention a demo, a person or a goodbye.
        ("inform", "we need a bot that books demos for our sales team"),
        ("nlu_fallback", "bye?"),
        ("inform", "Acme Corp"),
        ("decline_to_answer", "I'd rather not say what we need right now"),
        ("inform", "Never Mind The Bollocks Records"),
        ("request_erasure", "forget it, and delete my data"),
        # A postponement or interest is already what the visitor wants.
        ("not_now", "i need to sleep on it for a week or so"),
        ("express_interest", "we want a bot that answers questions about our courses"),
        # Skipping a question is not carrying on.
        ("decline_to_answer", "next question"),
        ("inform", "we'd continue to use Zendesk"),
        # Content named, not asked for.
        ("inform", "we want to share case studies with leads who ask for them"),
        ("inform", "Case Study Labs"),
        ("ask_product", "do you integrate with hubspot?"),
        ("withdraw_consent", "update my email preferences: no more newsletters"),
    ],
)
def test_other_readings_stand(predicted: str, text: str) -> None:
    assert cued_intent(predicted, text) in (None, predicted)
