"""Typed answers found anywhere in a message: an e-mail address, a phone number, a
head-count, money.

The NLU's rules (bot/nlu/structured_entities.py) find them as entities with their place;
each fills its own field whatever was asked, read in the visitor's context (an e-mail at
".co.uk" places a local phone number in the UK). A figure said again as it was held and
followed by a new one corrects it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.leads.contact import find_phone
from bot.leads.errors import InvalidAnswer
from bot.leads.form import UNKNOWN, AnswerContext, read_answer
from bot.leads.parts import part_around
from bot.leads.whereabouts import visitor_context


@dataclass(frozen=True)
class EntitySpan:
    """A structured entity the NLU found: its type, its text and (when known) its place."""

    entity: str
    value: str
    start: int | None = None
    end: int | None = None


# Figures a visitor may say again to correct ("I said 25 people, it's actually 35").
_RESTATABLE = ("company_size", "budget")
_ENTITY_FIELDS = {
    "email": "email",
    "phone": "phone",
    "headcount": "company_size",
    "amount_of_money": "budget",
}


def _locate(text: str, span: EntitySpan) -> tuple[int, int]:
    if span.start is not None and span.end is not None:
        return span.start, span.end
    at = text.find(span.value)
    return (at, at + len(span.value)) if at >= 0 else (0, 0)


def typed_values(
    text: str, entities: Sequence[EntitySpan], held: Mapping[str, Any], context: AnswerContext
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """The typed values `text` gives, wherever they are, and their places."""
    values: dict[str, Any] = {}
    taken: list[tuple[int, int]] = []
    # The e-mail first: its domain tells where a local phone number is from.
    for span in sorted(entities, key=lambda s: s.entity != "email"):
        question = _ENTITY_FIELDS.get(span.entity)
        if question is None or question in values:
            continue
        in_context = visitor_context(context, {**held, **values})
        where = _locate(text, span)
        # A budget is read from its whole part ("£250-£400 pcm", "c$1,200", "8 000 NOK",
        # "four hundred and fifty pounds"): the NLU's span may hold only some of it.
        around = [part_around(text, where[0])] if question == "budget" else []
        for start, end in [*around, where]:
            value = text[start:end] if end > start else span.value
            try:
                answer = read_answer(question, value, {span.entity: value}, in_context)
            except InvalidAnswer:
                continue
            if answer != UNKNOWN:
                values[question] = answer
                taken.append((start, end))
                break
    if "phone" not in values:
        # A local number the NLU's rules did not know as one (they read US formats).
        found = find_phone(text, visitor_context(context, {**held, **values}).default_phone_region)
        if found is not None:
            values["phone"], start, end = found
            taken.append((start, end))
            if values.get("company_size") and any(s < end and start < e for s, e in taken[:-1]):
                values.pop("company_size")
    return values, taken


def restated(
    text: str,
    entities: Sequence[EntitySpan],
    values: Mapping[str, Any],
    held: Mapping[str, Any],
    context: AnswerContext,
) -> dict[str, Any]:
    """ "I said 25 people earlier, it's actually 35": a figure said again as it was held,
    and its new value after it (before any other answer the message gives)."""
    new: dict[str, Any] = {}
    for span in entities:
        question = _ENTITY_FIELDS.get(span.entity)
        if question not in _RESTATABLE or question not in values:
            continue
        if values[question] != held.get(question):
            continue
        _, end = _locate(text, span)
        after = [_locate(text, other)[0] for other in entities if other is not span]
        stop = min((start for start in after if start >= end), default=len(text))
        try:
            value = read_answer(question, text[end:stop], {}, context)
        except InvalidAnswer:
            continue
        if value not in (held[question], UNKNOWN):
            new[question] = value
    return new
