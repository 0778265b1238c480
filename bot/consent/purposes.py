"""Purposes a person can consent to, and which of them an opt-out request names."""

from __future__ import annotations

import re
from enum import Enum


class Purpose(str, Enum):
    MARKETING_EMAIL = "marketing_email"
    MARKETING_SMS = "marketing_sms"

    @property
    def plural_noun(self) -> str:
        """How the bot names what this purpose sends ("marketing e-mails")."""
        return _NOUNS[self]

    @property
    def identifier_kind(self) -> str:
        """The identifier this purpose reaches the person at: the one its consent is for,
        its withdrawal suppresses and its double opt-in confirms."""
        return "email" if self is Purpose.MARKETING_EMAIL else "phone"


_NOUNS = {Purpose.MARKETING_EMAIL: "e-mails", Purpose.MARKETING_SMS: "text messages"}

# The slot that holds the current answer for each purpose.
CONSENT_SLOTS = {Purpose.MARKETING_EMAIL: "consent_email", Purpose.MARKETING_SMS: "consent_sms"}

_EMAIL_WORDS = r"(?:e-?mails?|e-?mailing|newsletters?|inbox|mail(?:ing)?\s*list)"
_SMS_WORDS = r"(?:sms|texts?|texting|text\s*messages?|messages? to my phone)"
_WORDS = {Purpose.MARKETING_EMAIL: _EMAIL_WORDS, Purpose.MARKETING_SMS: _SMS_WORDS}
_NAMES = {purpose: re.compile(rf"\b{words}\b", re.I) for purpose, words in _WORDS.items()}
# "email's fine", "texts are ok", "keep the emails": a purpose named to be kept.
_KEPT = {
    purpose: re.compile(
        rf"\b{words}\s*(?:'s|’s|\s+is|\s+are)\s+(?:still\s+)?(?:fine|ok|okay|good|great|alright)\b"
        rf"|\bkeep\s+(?:the\s+|sending\s+(?:me\s+)?|getting\s+(?:the\s+)?)?{words}\b",
        re.I,
    )
    for purpose, words in _WORDS.items()
}


def purposes_named_in(text: str) -> frozenset[Purpose]:
    """The purposes an opt-out names; every purpose when it names none or both, except
    those it names to keep.

    "stop emailing me" withdraws e-mail only, "please stop texting me" SMS only, "don't
    text me, email's fine" SMS only, and "unsubscribe" or "STOP" everything: when in
    doubt, an opt-out covers more, never less.
    """
    kept = {purpose for purpose, pattern in _KEPT.items() if pattern.search(text)}
    rest = text
    for purpose in kept:
        rest = _KEPT[purpose].sub(" ", rest)
    named = {purpose for purpose, pattern in _NAMES.items() if pattern.search(rest)}
    return frozenset(named or set(Purpose) - kept or Purpose)


def describe(purposes: frozenset[Purpose] | set[Purpose]) -> str:
    """Purposes as the bot says them: "e-mails", "e-mails or text messages"."""
    return " or ".join(p.plural_noun for p in Purpose if p in purposes)
