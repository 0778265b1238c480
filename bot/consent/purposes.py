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

_EMAIL_WORDS = re.compile(r"\b(e-?mails?|e-?mailing|newsletters?|inbox|mail(ing)?\s*list)\b", re.I)
_SMS_WORDS = re.compile(r"\b(sms|texts?|texting|text\s*messages?|messages? to my phone)\b", re.I)


def purposes_named_in(text: str) -> frozenset[Purpose]:
    """The purposes an opt-out names; every purpose when it names none or both.

    "stop emailing me" withdraws e-mail only, "please stop texting me" SMS only, and
    "unsubscribe" or "STOP" everything: when in doubt, an opt-out covers more, never less.
    """
    named = set()
    if _EMAIL_WORDS.search(text):
        named.add(Purpose.MARKETING_EMAIL)
    if _SMS_WORDS.search(text):
        named.add(Purpose.MARKETING_SMS)
    return frozenset(named) if named else frozenset(Purpose)


def describe(purposes: frozenset[Purpose] | set[Purpose]) -> str:
    """Purposes as the bot says them: "e-mails", "e-mails or text messages"."""
    return " or ".join(p.plural_noun for p in Purpose if p in purposes)
