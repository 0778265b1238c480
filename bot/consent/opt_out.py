"""Recognising an opt-out or an erasure request for certain, whatever the classifier thinks.

Compliance can't depend on a statistical guess: the carrier keywords (STOP, UNSUBSCRIBE,
…) sent alone, first-person requests to stop ("please stop emailing me", "take me off
your list", "unsubscibe me") and to delete ("erase everything you have on me") are acted
on in every channel at every point of a conversation. A message that only contains such
a word — a negation ("don't stop"), another topic ("we want to stop losing leads", "the
delete button on our site"), a company name ("StopGap Software") — is none of these.
"""

from __future__ import annotations

import difflib
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
# What may follow "unsubscribe" / "opt out" in a request; "Opt Out Outdoors" is a name.
_ENDS_REQUEST = (
    r"(?=\s*(?:$|[.,;!?]|(?:of|from|me|please|pls|now|thanks|thank|right|asap|immediately)\b))"
)
_REQUESTS = [
    # "stop emailing me", "please stop sending me texts", "quit texting me"
    rf"\b(?:stop|quit|cease)\s+{_CONTACT_VERB}\s+(?:\w+\s+){{0,3}}?me\b",
    # "don't email me again", "do not contact me", "never text me again"
    rf"\b(?:don'?t|do\s+not|never)\s+{_CONTACT_VERB}\s+me\b",
    # "unsubscribe me", "please unsubscribe", "i want to unsubscribe"
    r"\bunsubscribe\s+me\b",
    rf"{_MINE}unsubscribe{_ENDS_REQUEST}",
    # "opt me out", "i'd like to opt out"
    r"\bopt\s+me\s+out\b",
    rf"{_MINE}opt\s*-?\s*out{_ENDS_REQUEST}",
    # "take me off your list", "remove me from the mailing list"
    r"\b(?:take|remove|delete)\s+me\s+(?:off|from)\b",
    r"^\s*(?:please\s+)?no\s+more\s+(?:e-?mails|texts|messages|sms)\b",
    r"\b(?:withdraw|revoke)\s+my\s+consent\b",
]
_REQUEST = re.compile("|".join(f"(?:{p})" for p in _REQUESTS), re.IGNORECASE)
_ERASURE_REQUESTS = [
    # "delete my data", "please erase all my personal information", "remove my account"
    r"\b(?:delete|erase|remove|wipe|purge|destroy)\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+"
    r"(?:personal\s+|contact\s+)?(?:data|details|information|info|account|profile|records?)\b",
    # "erase everything you have on me", "delete all you hold about me"
    r"\b(?:delete|erase|remove|wipe)\s+(?:everything|all|anything)\s+(?:you\s+\w+\s+)?"
    r"(?:on|about)\s+me\b",
    # "I want my data deleted"
    r"\bmy\s+(?:personal\s+)?(?:data|information|info|details)\s+(?:deleted|erased|removed)\b",
    r"\bforget\s+(?:about\s+)?me\b|\bright\s+to\s+(?:be\s+forgotten|erasure)\b",
    r"\b(?:gdpr|ccpa)\s+(?:deletion|erasure|delete|request)\b",
]
_ERASURE = re.compile("|".join(f"(?:{p})" for p in _ERASURE_REQUESTS), re.IGNORECASE)
# "don't stop", "no need to delete anything", "never unsubscribe": the request is denied.
_NEGATED = re.compile(
    r"\b(?:don'?t|do\s+not|dont|never|no\s+need\s+to|not)\s+(?:\w+\s+)?"
    r"(?:stop|unsubscribe|delete|erase|remove|cancel|opt|quit|end)\b",
    re.IGNORECASE,
)
# Long keywords are often mistyped ("unsubscibe", "unsuscribe"); short ones are words.
_MISTYPED_KEYWORDS = ("unsubscribe",)
_WORD = re.compile(r"[A-Za-z]{8,}")
_EDGE = " \t\n.!?,;:'\"()"


def _retyped(text: str) -> str:
    def fix(word: re.Match[str]) -> str:
        close = difflib.get_close_matches(
            word.group().lower(), _MISTYPED_KEYWORDS, n=1, cutoff=0.82
        )
        return close[0] if close else word.group()

    return _WORD.sub(fix, text)


def is_negated(text: str) -> bool:
    """Whether the message denies a stop or delete ("don't stop, tell me more")."""
    return _NEGATED.search(text) is not None


def is_opt_out_keyword(text: str) -> bool:
    """Whether the whole message is an opt-out keyword ("STOP", " unsubscribe. ")."""
    return " ".join(_retyped(text).strip(_EDGE).lower().split()) in OPT_OUT_KEYWORDS


def is_opt_out(text: str) -> bool:
    """Whether the message is an opt-out keyword or a first-person request to stop."""
    if is_opt_out_keyword(text):
        return True
    return not is_negated(text) and _REQUEST.search(_retyped(text)) is not None


def is_erasure_request(text: str) -> bool:
    """Whether the message asks, in the first person, to delete the visitor's data."""
    return not is_negated(text) and _ERASURE.search(text) is not None
