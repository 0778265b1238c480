from __future__ import annotations

import pytest

from bot.consent.proof import ConsentAnswer
from bot.consent.replies import consent_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no thx", ConsentAnswer.DENIED),
        ("nah, I'm good", ConsentAnswer.DENIED),
        ("yes please", ConsentAnswer.GRANTED),
        ("ok sure", ConsentAnswer.GRANTED),
        ("maybe later", ConsentAnswer.DEFERRED),
        ("not now thanks", ConsentAnswer.DEFERRED),
        ("what do you send?", None),
    ],
)
def test_the_first_words_answer_a_consent_question(
    text: str, expected: ConsentAnswer | None
) -> None:
    assert consent_reply(text) is expected
