"""A visitor back in a new session of the same conversation: what the bot checks with them.

The same conversation means the same browser, the same phone number over SMS or the same
Telegram chat: the answers were given there, so the bot may say them back. It checks the
answers that change as people move on (company and its size) in one line, "Still at
Harbor Goods, 40 people?", instead of asking them again; the rest stand as given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.consent import ConsentAnswer
from bot.consent.replies import consent_reply
from bot.leads.form import DECLINED, UNKNOWN
from bot.leads.presenting import describe_answer

# Checked in this order, said in one line.
CHECKED = ("company", "company_size")
# The slot that holds a check as due: set at a session's start, cleared by its reply (or
# by a follow-up that reopens the form, whose own question is what the person answers).
KNOWN_CHECK_DUE = "known_check_due"
_STILL = re.compile(
    r"^\W*(?:still(?: (?:there|true|right|correct|the same|same))?|same(?: as before)?"
    r"|(?:that'?s |all |it'?s )?(?:right|correct|good|accurate|true)|unchanged"
    r"|nothing(?:'s| has)? changed|no change[s]?)\b",
    re.IGNORECASE,
)

# "hi again", "hello!", "I'm back": a greeting that answers nothing.
_GREETING_ONLY = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hiya|heya|howdy|yo|good (?:morning|afternoon|evening))"
    r"(?: there| again| all)?|(?:i'?m|we'?re) back(?: again)?|back again)\W*$",
    re.IGNORECASE,
)


def _answered(value: Any) -> bool:
    return value is not None and value not in (DECLINED, UNKNOWN)


def checked_answers(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The answers given earlier that a new session checks, in `CHECKED` order."""
    return {field: slots[field] for field in CHECKED if _answered(slots.get(field))}


def still_line(slots: Mapping[str, Any]) -> str | None:
    """ "at Harbor Goods, 40 people": what the check names, or None when nothing is known."""
    known = checked_answers(slots)
    parts = []
    if "company" in known:
        parts.append(f"at {known['company']}")
    if "company_size" in known:
        parts.append(describe_answer("company_size", known["company_size"])["value"])
    return ", ".join(parts) or None


def welcome_back(slots: Mapping[str, Any]) -> str:
    """ "Welcome back, Dana!": by first name only when this conversation was given one."""
    name = slots.get("name")
    if isinstance(name, str) and _answered(name) and name.split():
        return f"Welcome back, {name.split()[0]}!"
    return "Welcome back!"


def confirms(text: str, intent: str | None) -> bool:
    """Whether a reply to the check says the answers still hold ("yes", "still there")."""
    return (
        consent_reply(text) is ConsentAnswer.GRANTED
        or intent == "affirm"
        or _STILL.search(text) is not None
    )


def is_greeting_only(text: str) -> bool:
    """Whether a message only says hello ("hi again", "I'm back")."""
    return _GREETING_ONLY.search(text) is not None
