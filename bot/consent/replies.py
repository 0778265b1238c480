"""A consent question's answer read from its words, for when the classifier heard
something else: "no thx" refuses even when the classifier hears thanks in it."""

from __future__ import annotations

import re

from bot.consent.proof import ConsentAnswer

_DEFERRED = re.compile(
    r"^\W*(?:not now|not (?:right )?now|maybe later|later|not yet|ask me later)\b", re.IGNORECASE
)
_DENIED = re.compile(
    r"^\W*(?:no|nope|nah|no thanks?|no thx|no thank you|not interested|rather not|i'?d rather not"
    r"|don'?t|do not|never)\b",
    re.IGNORECASE,
)
_GRANTED = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ya|sure|ok|okay|of course|go ahead|please do|fine)\b(?!\s+not\b)",
    re.IGNORECASE,
)


def consent_reply(text: str) -> ConsentAnswer | None:
    """The answer a reply to a consent question gives by its first words, if any."""
    for pattern, answer in (
        (_DEFERRED, ConsentAnswer.DEFERRED),
        (_DENIED, ConsentAnswer.DENIED),
        (_GRANTED, ConsentAnswer.GRANTED),
    ):
        if pattern.match(text):
            return answer
    return None
