"""Recognising an opt-out for certain, whatever the classifier thinks.

Compliance can't depend on a statistical guess: the carrier keywords (STOP, UNSUBSCRIBE,
…) sent alone, and first-person requests to stop ("please stop emailing me", "take me
off your list"), are opt-outs in every channel at every point of a conversation.
"""

from __future__ import annotations

import re

# Industry-standard opt-out keywords (CTIA / carrier rules), matched as the whole message.
OPT_OUT_KEYWORDS = frozenset(
    {
        "stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
        "opt out",
        "opt-out",
    }
)

_CONTACT_VERB = (
    r"(?:e-?mail(?:ing)?|text(?:ing)?|messag(?:e|ing)|contact(?:ing)?|send(?:ing)?"
    r"|spam(?:ming)?|call(?:ing)?|sms(?:ing)?)"
)
# The message starts with the request, or the speaker asks for it for themselves.
_MINE = (
    r"(?:^\s*(?:please\s+|pls\s+|ok\s+|actually,?\s+)*"
    r"|\b(?:i\s+(?:want|wish|would\s+like|need|have)\s+to|i'?d\s+like\s+to|let\s+me"
    r"|how\s+do\s+i|can\s+i|i'?ll|i)\s+)"
)
_REQUESTS = [
    # "stop emailing me", "please stop sending me texts", "quit texting me"
    rf"\b(?:stop|quit|cease)\s+{_CONTACT_VERB}\s+(?:\w+\s+){{0,3}}?me\b",
    # "don't email me again", "do not contact me", "never text me again"
    rf"\b(?:don'?t|do\s+not|never)\s+{_CONTACT_VERB}\s+me\b",
    # "unsubscribe me", "please unsubscribe", "i want to unsubscribe"
    r"\bunsubscribe\s+me\b",
    rf"{_MINE}unsubscribe\b",
    # "opt me out", "i'd like to opt out"
    r"\bopt\s+me\s+out\b",
    rf"{_MINE}opt\s*-?\s*out\b",
    # "take me off your list", "remove me from the mailing list"
    r"\b(?:take|remove|delete)\s+me\s+(?:off|from)\b",
    r"^\s*(?:please\s+)?no\s+more\s+(?:e-?mails|texts|messages|sms)\b",
    r"\b(?:withdraw|revoke)\s+my\s+consent\b",
]
_REQUEST = re.compile("|".join(f"(?:{p})" for p in _REQUESTS), re.IGNORECASE)
_EDGE = " \t\n.!?,;:'\"()"


def is_opt_out_keyword(text: str) -> bool:
    """Whether the whole message is an opt-out keyword ("STOP", " unsubscribe. ")."""
    return " ".join(text.strip(_EDGE).lower().split()) in OPT_OUT_KEYWORDS


def is_opt_out(text: str) -> bool:
    """Whether the message is an opt-out keyword or a first-person request to stop."""
    return is_opt_out_keyword(text) or _REQUEST.search(text) is not None
