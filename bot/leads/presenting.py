"""How a stored answer is said back to the visitor ("your company size: 40 people")."""

from __future__ import annotations

from typing import Any

from bot.leads.quantities import Range
from bot.leads.timeline import Timeline

LABELS = {
    "name": "name",
    "email": "e-mail address",
    "company": "company",
    "role": "role",
    "company_size": "company size",
    "use_case": "need",
    "budget": "budget",
    "timeline": "timeline",
    "phone": "phone number",
}


def describe_answer(question: str, value: Any) -> dict[str, str]:
    """The `field` and `value` placeholders of a response that repeats an answer."""
    if isinstance(value, dict):
        shown = str(Range.from_slot(value))
    elif question == "timeline" and value in {t.value for t in Timeline}:
        shown = Timeline(value).label
    else:
        shown = str(value)
    return {"field": LABELS.get(question, question), "value": shown}


def fields_named(questions: list[str]) -> str:
    """ "your e-mail address and company": the answers a message gave, said back."""
    labels = [LABELS.get(question, question) for question in questions]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"your {listed}"
