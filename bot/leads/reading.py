"""Reading one message of the lead form for every field it carries.

Pure rules, no Rasa. Visitors answer out of order, several answers at once, and correct
themselves; `read_message` takes one message, the question pending and the answers held,
and returns every value the message gives:

- typed values found anywhere (e-mail, phone, head-count, money, and a timeline when the
  message speaks of one) fill their own field, whatever was asked;
- cued values ("this is Omar", "from Sandline", "I'm the head of marketing", "we need a
  bot that ...") fill theirs;
- what is left, when it fits the pending question's type, answers it: "asap" is never a
  company, a phone number never a head-count, a sentence about a problem never a title;
- a value for a field already held, or a message that says it corrects one ("sorry,
  typo — it's Greenleaf"), replaces the held value and is reported as a correction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.leads.corrections import (
    ACTUALLY,
    CORRECTION,
    MAYBE_CORRECTION,
    NOT_THIS,
    NOT_WORD,
    change_asked,
    new_values,
    replaced_answer,
    retyped,
    without_correction_words,
)
from bot.leads.errors import InvalidAnswer
from bot.leads.form import AnswerContext, read_answer
from bot.leads.parts import PADDING, left_over, part_around, parts
from bot.leads.timeline import parse_timeline
from bot.leads.typed_values import EntitySpan, restated, typed_values
from bot.leads.volunteered import (
    Found,
    find_company,
    find_name,
    find_need,
    find_role,
    mentions_timeline,
    timeline_span,
)
from bot.leads.whereabouts import visitor_context


@dataclass
class Reading:
    """What one message says: values by field, which of them correct a held answer, why
    the pending question's answer could not be used (when it could not), and a company it
    probably names, to be confirmed ("Rachel Green, rachel@…, Central Perk Café")."""

    values: dict[str, Any] = field(default_factory=dict)
    corrected: list[str] = field(default_factory=list)
    problem: InvalidAnswer | None = None
    company_guess: str | None = None


# "Endeavour Reef Tours up in Cairns": where the company is, not its name.
_PLACE_AFTER = re.compile(r"\s+(?:(?:up|down|out|over|based|located)\s+)?in\s+[A-Z][\w\s]*$")
# "lol — marketing manager", "um, Greenleaf": what a visitor says before the answer.
_FILLER = re.compile(
    r"^\W*(?:lol|lmao|haha+|hehe+|um+|uh+|erm?|hmm+|well|oh|ah|so|ok(?:ay)?)\s*[,.!…—–-]+\s*",
    re.IGNORECASE,
)
# After a short answer, a clause about it: "Crumb Club, we do cookie subscription boxes".
_SAYS_MORE = re.compile(
    r"^[^,;.!?—–]{1,60}[,;.!?—–]\s*(?:we|we're|we are|our|i|i'm|it's|its|they|they're)\b",
    re.IGNORECASE,
)
# Free-text questions take what is left only when it is shaped like their answer.
_MAX_WORDS = {"name": 5, "company": 8, "role": 8}
_NOT_AN_ANSWER = re.compile(
    r"^(?:yes|yeah|yep|sure|ok|okay|no|nope|nah|hi|hello|hey|thanks|thank you|thx|ty|cheers"
    r"|regards|idk|hmm+)\W*$",
    re.IGNORECASE,
)
# "don't stop, tell me more": the visitor wants the conversation to go on, not a use case.
_CARRY_ON = re.compile(
    r"^\W*(?:(?:please\s+)?(?:don'?t stop|tell me more|keep going|go on|carry on|continue"
    r"|next)\b\W*)+$",
    re.IGNORECASE,
)
_NOT_A_ROLE = re.compile(r"^(?:we|our|us|they|it|i (?:need|want|would)|i'?d)\b", re.IGNORECASE)
# "stop asking me questions, I want a person": a wish, not a name, company or title.
_A_WISH = re.compile(r"\b(?:i|we) (?:want|need|would like)\b|\b(?:i|we)'?d like\b", re.IGNORECASE)
_SHAPE_REASONS = {
    "use_case": "Could you tell me in a sentence what you'd like the chatbot to do?",
    "name": "I didn't catch your name — what should I call you?",
    "company": "I didn't catch the company name — what's it called?",
    "role": "I didn't catch your role — something like “founder” or “marketing lead”?",
}


def _cued_values(text: str, pending: str | None) -> list[Found]:
    """The values other than `pending`'s that `text` gives with their cues. "I want to
    update my budget" states no need: it asks to change an answer."""
    found = (
        find_name(text),
        find_company(text, introduced=pending == "name"),
        find_role(text),
        find_need(text) if change_asked(text) is None else None,
    )
    return [value for value in found if value is not None and value.field != pending]


def _own_cue(text: str, pending: str) -> Found | None:
    """The answer to `pending` given with its cue ("my name is Jo Park", "I'm the CTO")."""
    if pending == "name":
        return find_name(text, asked=True)
    if pending == "company":
        return find_company(text)
    return find_role(text) if pending == "role" else None


def _candidates(answer: str, own: Found | None, pending: str) -> list[str]:
    """What may answer `pending`, best first: the part of the message left for it, or the
    value given with its cue. A name's cue is the surer ("oops, my name is Jo Parks"); a
    title's and a company's cues may cut the answer short, so they only stand in."""
    if own is None:
        return [answer]
    sentence = len([part for part in parts(answer) if answer[slice(*part)].strip(PADDING)]) > 1
    return [own.value, answer] if pending == "name" or sentence else [answer, own.value]


def _first_answer(
    question: str, candidates: list[str], entities: Sequence[EntitySpan], context: AnswerContext
) -> Any:
    problem: InvalidAnswer | None = None
    for candidate in filter(None, candidates):
        try:
            return _answer(question, candidate, entities, context)
        except InvalidAnswer as invalid:
            problem = problem or invalid
    raise problem or InvalidAnswer(_SHAPE_REASONS.get(question, ""))


def _unclaimed(text: str, taken: list[tuple[int, int]], pending: str) -> tuple[str, list[str]]:
    """The part of the message nothing else claimed that answers `pending`, or "": the
    only one, or the first when the message starts with it and it fits the pending
    question ("Rachel Green, rachel@…, Central Perk Café, I'm the manager" at the name
    question), or for the use case all of them; and the parts left over."""
    spans = [(s, e) for s, e in parts(text) if text[s:e].strip(PADDING)]
    free = left_over(text, taken)
    if len(free) == 1:
        return free[0], []
    if pending == "use_case" and free:
        return ". ".join(free), []
    starts = bool(free) and text[slice(*spans[0])].strip(PADDING) == free[0]
    if starts and fits(pending, free[0]):
        return free[0], free[1:]
    return "", free


def _timeline_said(text: str, cue: tuple[int, int]) -> Any:
    """The timeline the words from `cue` on say ("… 400 AUD a month and there's no rush"
    is no rush, not a month), else its part of the message, else the message."""
    start, _ = cue
    part = part_around(text, start)
    for words in (text[start : part[1]], text[slice(*part)], text):
        timeline = parse_timeline(words)
        if timeline is not None:
            return timeline
    return None


def _looks_like_a_name(text: str) -> bool:
    """A company as people type its name: capitalised, and shaped like an answer."""
    return (text[:1].isupper() or text[:1].isdigit()) and fits("company", text)


def fits(question: str, text: str) -> bool:
    """Whether `text` is shaped like an answer to a free-text question."""
    if question == "use_case":
        return not (_NOT_AN_ANSWER.match(text) or _CARRY_ON.search(text))
    if question not in _MAX_WORDS:
        return True
    words = text.split()
    if not words or len(words) > _MAX_WORDS[question] or "?" in text:
        return False
    if _NOT_AN_ANSWER.match(text) or _A_WISH.search(text):
        return False
    if question == "company" and len(words) <= 3 and mentions_timeline(text):
        return False
    if question == "company" and len(words) <= 3 and parse_timeline(text) is not None:
        return False
    return not (question == "role" and _NOT_A_ROLE.match(text))


def _corrected_value(
    text: str, question: str, entities: Sequence[EntitySpan], context: AnswerContext
) -> Any:
    return _first_answer(question, new_values(text), entities, context)


def _answer(
    question: str, text: str, entities: Sequence[EntitySpan], context: AnswerContext
) -> Any:
    value = read_answer(question, text, {s.entity: s.value for s in entities}, context)
    if not fits(question, str(value)) or (question in _MAX_WORDS and "?" in text):
        raise InvalidAnswer(_SHAPE_REASONS[question])
    return value


def read_message(
    text: str,
    entities: Sequence[EntitySpan],
    *,
    pending: str | None,
    held: Mapping[str, Any],
    last_answered: str | None,
    context: AnswerContext,
) -> Reading:
    """Every value `text` gives, with `pending` the question being asked (None before the
    first), `held` the answers given so far (field -> stored value) and `last_answered`
    the question answered last (what a bare "sorry, typo: ..." corrects)."""
    reading = Reading()
    held = {k: v for k, v in held.items() if v is not None}
    values, taken = typed_values(text, entities, held, context)
    said_when = timeline_span(text) if pending != "timeline" else None
    if said_when is not None and "timeline" not in values:
        timeline = _timeline_said(text, said_when)
        if timeline is not None:
            values["timeline"] = timeline.value
            taken.append(said_when)
    correcting = CORRECTION.search(text) is not None or NOT_THIS.search(text) is not None
    fixing = correcting or bool(MAYBE_CORRECTION.search(text) or ACTUALLY.search(text))
    in_context = visitor_context(context, {**held, **values})
    said_again = restated(text, entities, values, held, in_context) if fixing else {}
    values.update(said_again)
    recued = bool(said_again)
    for found in _cued_values(text, pending):
        if found.field in values:
            continue
        if found.field in held:
            # "oops, my name is Jo Parks": a correction of the answer its cue names.
            if not fixing or held[found.field] == found.value:
                continue
            recued = True
        elif correcting:
            continue
        values[found.field] = found.value
        taken.append((found.start, found.end))
    again = retyped(text, held)
    if again is not None and again.field not in values:
        values[again.field] = again.value
        taken.append((again.start, again.end))
        recued = True
    in_context = visitor_context(context, {**held, **values})
    target = replaced_answer(text, held)
    if target is None and CORRECTION.search(text) and last_answered in held and not recued:
        target = last_answered
    if target is not None and target not in values:
        try:
            values[target] = _corrected_value(text, target, entities, in_context)
        except InvalidAnswer:
            target = None
    if pending is not None and pending not in values and target is None:
        own = _own_cue(text, pending)
        if own is not None and pending == "name":
            # "Brodie McAllister, Endeavour Reef Tours": the name, and the rest left over.
            answer, left = own.value, left_over(text, [*taken, (own.start, own.end)])
        elif taken or (
            pending in ("name", "company") and _SAYS_MORE.search(text) and text[:1].isupper()
        ):
            # "Crumb Club, we do cookie subscription boxes": the name, then about it.
            answer, left = _unclaimed(text, taken, pending)
        else:
            answer, left = _FILLER.sub("", text.strip()), []
        changed = any(held.get(q, v) != v for q, v in values.items())
        if correcting or changed:
            # "sorry typo, it's jo.park@…": the words around a correction answer nothing,
            # nor does the value it replaces ("oops roofing not roofng").
            answer = without_correction_words(answer).strip(PADDING)
            answer = "" if changed and NOT_WORD.search(answer) else answer
        company_open = "company" not in {*held, *values, pending}
        if answer and len(left) == 1 and company_open and _looks_like_a_name(left[0]):
            reading.company_guess = _PLACE_AFTER.sub("", left[0])
        candidates = _candidates(answer, own, pending)
        try:
            values[pending] = _first_answer(pending, candidates, entities, in_context)
        except InvalidAnswer as invalid:
            if not values:
                reading.problem = invalid
        if reading.problem and MAYBE_CORRECTION.search(text) and last_answered in held:
            try:
                values[last_answered] = _corrected_value(text, last_answered, entities, in_context)
                reading.problem = None
            except InvalidAnswer:
                pass
    for question, value in values.items():
        if question in held and held[question] != value:
            reading.corrected.append(question)
        if question not in held or held[question] != value:
            reading.values[question] = value
    return reading


# A person's name as they introduce themselves: two to four capitalised words.
_INTRODUCED_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}$")
# "Sure - ", "Yes! ", "hi, ": what comes before an introduction.
_LEAD_IN = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|ok(?:ay)?|great|absolutely|of course|definitely|hi|hello|hey)"
    r"(?:\s+(?:please|thanks|there))?\b[\s,.!:;—–-]*",
    re.IGNORECASE,
)


def read_opening(
    text: str,
    entities: Sequence[EntitySpan],
    *,
    held: Mapping[str, Any],
    last_answered: str | None,
    context: AnswerContext,
) -> Reading:
    """A message before the first question. "Dana Whitfield from Stop & Go Outfitters,
    I'm the ecommerce manager" introduces its writer without a cue: it is read as a
    reply to the name question when that reading finds a full name, capitalised, beside
    their company or role. Anything less ("Sounds good", "I run a small bakery") is not
    a name, and the message is read as volunteered answers only."""
    reading = read_message(
        text, entities, pending=None, held=held, last_answered=last_answered, context=context
    )
    if "name" in reading.values or held.get("name") is not None:
        return reading
    body = _LEAD_IN.sub("", text, count=1)
    spans = entities if body == text else []  # their places are in the whole text
    introduced = read_message(
        body, spans, pending="name", held=held, last_answered=last_answered, context=context
    )
    name = introduced.values.get("name")
    about = {introduced.values.get(field) for field in ("company", "role")} - {None}
    if (
        isinstance(name, str)
        and _INTRODUCED_NAME.match(name)
        and body.startswith(name)  # who writes comes first: "Head of Growth, Acme Corp"
        and about
        and name not in about  # "Marketing Director at Acme": a role, not a name
    ):
        return introduced
    return reading
