"""The lead form's answer policy: how each question's free-text answer becomes a value.

Pure rules, no Rasa: `read_answer` turns a visitor's reply (and the structured entities the
NLU found in it) into the value stored for a question, or raises `InvalidAnswer` with a
reason the bot can say; `after_invalid_answer` decides between asking again and moving on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from bot.leads.answers import clean_company, clean_free_text, clean_person_name, clean_role
from bot.leads.contact import normalise_email, normalise_phone
from bot.leads.errors import InvalidAnswer
from bot.leads.quantities import is_unsure, parse_headcount, parse_money
from bot.leads.timeline import parse_timeline

# Values stored for a question that has no usable answer.
UNKNOWN = "unknown"
DECLINED = "declined"

QUESTIONS = (
    "name",
    "email",
    "company",
    "role",
    "company_size",
    "use_case",
    "budget",
    "timeline",
    "phone",
)
# Questions a visitor may decline ("I'd rather not say") without being asked again.
OPTIONAL_QUESTIONS = frozenset({"company_size", "budget", "timeline", "phone"})
# An answer that does not validate is asked again at most this many times.
MAX_REASKS = 2


@dataclass(frozen=True)
class AnswerContext:
    default_phone_region: str
    default_currency: str


def _name(text: str, _: Mapping[str, str], __: AnswerContext) -> Any:
    return clean_person_name(text)


def is_first_name_only(name: Any) -> bool:
    """Whether the visitor gave their name as one word ("Hannah"): then we ask, once, for
    their last name."""
    return isinstance(name, str) and name not in (DECLINED, UNKNOWN) and len(name.split()) == 1


def with_last_name(first: str, answer: str) -> str:
    """The full name from a first name and the reply to "and your last name?": the surname
    alone ("Lee") or the whole name again ("Hannah Lee")."""
    said = clean_person_name(answer)
    if said.lower() == first.lower() or said.lower().startswith(f"{first.lower()} "):
        return said
    return f"{first} {said}"


def _email(text: str, entities: Mapping[str, str], _: AnswerContext) -> Any:
    return normalise_email(entities.get("email", text))


def _company(text: str, _: Mapping[str, str], __: AnswerContext) -> Any:
    return clean_company(text)


def _role(text: str, _: Mapping[str, str], __: AnswerContext) -> Any:
    return clean_role(text)


# Seven digits or more in a row, spaced or not, are a phone number, never a head-count.
_PHONE_LIKE = re.compile(r"\d(?:[\s().-]*\d){6,}")


def _company_size(text: str, entities: Mapping[str, str], _: AnswerContext) -> Any:
    if is_unsure(text):
        return UNKNOWN
    if _PHONE_LIKE.search(text) and "headcount" not in entities:
        raise InvalidAnswer("That looks like a phone number — how many people work there?")
    size = parse_headcount(entities.get("headcount", text)) or parse_headcount(text)
    if size is None:
        raise InvalidAnswer('I need a number of people, like "about 50" or "10-50".')
    return size.as_slot()


def _use_case(text: str, _: Mapping[str, str], __: AnswerContext) -> Any:
    return clean_free_text(text)


def _budget(text: str, entities: Mapping[str, str], context: AnswerContext) -> Any:
    if is_unsure(text):
        return UNKNOWN
    currency = context.default_currency
    amount = parse_money(entities.get("amount_of_money", text), currency) or parse_money(
        text, currency
    )
    if amount is None:
        raise InvalidAnswer('I need an amount, like "about 20k" or "$5,000 a month".')
    return amount.as_slot()


def _timeline(text: str, _: Mapping[str, str], __: AnswerContext) -> Any:
    if is_unsure(text):
        return UNKNOWN
    timeline = parse_timeline(text)
    if timeline is None:
        raise InvalidAnswer('I need a rough time, like "next month" or "in about 6 months".')
    return timeline.value


def _phone(text: str, entities: Mapping[str, str], context: AnswerContext) -> Any:
    return normalise_phone(entities.get("phone", text), context.default_phone_region)


_READERS: dict[str, Callable[[str, Mapping[str, str], AnswerContext], Any]] = {
    "name": _name,
    "email": _email,
    "company": _company,
    "role": _role,
    "company_size": _company_size,
    "use_case": _use_case,
    "budget": _budget,
    "timeline": _timeline,
    "phone": _phone,
}


def read_answer(
    question: str, text: str, entities: Mapping[str, str], context: AnswerContext
) -> Any:
    """The value to store for `question` given the reply `text`; raises InvalidAnswer."""
    return _READERS[question](text.strip(), entities, context)


@dataclass(frozen=True)
class Reask:
    """Ask the question again (this is re-ask number `count`)."""

    count: int


@dataclass(frozen=True)
class MoveOn:
    """Give up on this question and store `value` instead."""

    value: str


def after_invalid_answer(failures_so_far: int) -> Reask | MoveOn:
    """What to do after one more unusable answer, given how many came before it."""
    count = failures_so_far + 1
    return Reask(count) if count <= MAX_REASKS else MoveOn(UNKNOWN)


def is_usable_contact(value: Any) -> TypeGuard[str]:
    """Whether a stored e-mail or phone value is a real address/number."""
    return isinstance(value, str) and value not in (UNKNOWN, DECLINED)
