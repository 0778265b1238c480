"""How a visitor corrects an answer given before, and what the correction says.

"sorry, typo — it's Greenleaf" corrects the last answer; "no, we're 40 people, not 400"
the answer holding 400; "ugh, fat fingers. Remedy Removals" the company it nearly repeats;
"we rebranded, it's Pellucid Health now" says the new value at the end; "I want to update
my budget" names the answer to change and leaves the new value to be asked. The reader
(bot.leads.reading) and the lead form decide which answer a message corrects with these.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.leads.form import QUESTIONS
from bot.leads.parts import PADDING, parts
from bot.leads.quantities import Range
from bot.leads.volunteered import Found

# A retyped name close to the one held is its correction ("Remedy Removals" after
# "Remdey Removals"): at most this many letters changed, added or dropped.
_SLIP = 2
_RETYPABLE = ("name", "company")
_NOT_OLD = re.compile(r"^(?:and\s+)?not\b", re.IGNORECASE)
# "typo", "I meant", "should be", "not 400": the message corrects an answer given before.
CORRECTION = re.compile(
    r"\btypo\b|\bi meant\b|\bcorrection\b|\bmy bad\b|\bshould (?:be|have been|read)\b"
    r"|^\W*(?:(?:actually|sorry|oops|wait)\W+)*make (?:that|it)\b",
    re.IGNORECASE,
)
# "sorry, ...", "no, ...": a correction only when the message answers nothing else.
MAYBE_CORRECTION = re.compile(r"^\W*(?:sorry|oops|whoops|woops|no\s*,|nope\s*,)", re.IGNORECASE)
# "wait, the company is actually Harbor Goods": a cued value replaces the one held.
ACTUALLY = re.compile(r"\bactually\b|^\W*wait\b", re.IGNORECASE)
NOT_THIS = re.compile(r"(?:,|\s)\s*(?:and\s+)?not\s+(?P<old>[^,.!?]+?)\s*[.!?]*$", re.IGNORECASE)
_PADDING_WORDS = re.compile(
    r"^\W*(?:(?:sorry|oops|whoops|woops|actually|correction|wait|my bad|no|nope|typo|i meant"
    r"|lol|lmao|haha+|ugh|argh"
    r"|i mean|(?:that )?should (?:be|have been)|it'?s|it is|that'?s|make (?:that|it)"
    r"|hold on|hang on|one sec(?:ond)?|oh)\b\W*)+",
    re.IGNORECASE,
)
# After a correction, a leftover that says "not" names the value replaced, and one about
# spelling explains the slip ("two l", "with a double L").
NOT_WORD = re.compile(
    r"\bnot\b|\b(?:two|double|one|single|extra|missing)\s+[a-z](?:'?s)?\b|\bspel(?:led|t|ling)\b",
    re.IGNORECASE,
)
# "…, not just Casa Verde": the value replaced is Casa Verde.
_JUST = re.compile(r"^(?:just|only|simply)\s+", re.IGNORECASE)
# "it's Pellucid Health now": the word that says it changed is not part of the value.
_CHANGED_NOW = re.compile(r"\s+(?:now|instead|these days)\W*$", re.IGNORECASE)


# How visitors name an answer they want to change, longest first ("company size" before
# "company", "company name" before "name").
_FIELD_WORDS = (
    ("company_size", r"(?:company|team) size|headcount|number of (?:people|employees)|size"),
    ("company", r"company(?: name)?|employer|organi[sz]ation"),
    ("email", r"e-?mail(?: address)?"),
    ("phone", r"(?:phone|mobile|cell)(?: number)?|number"),
    ("role", r"job title|job|role|title|position"),
    ("use_case", r"use case|needs?"),
    ("budget", r"budget"),
    ("timeline", r"timeline|timing|time ?frame|(?:go-?live|launch) date"),
    ("name", r"name"),
)
_FIELD = "|".join(words for _, words in _FIELD_WORDS)
# "I want to update my budget", "can I change our company size?", "my role has changed",
# "the e-mail you have is wrong".
FIELD_CHANGE = re.compile(
    rf"\b(?:change|update|correct|fix|edit|amend|modify)\s+(?:my|our|the)\s+(?P<named>{_FIELD})\b"
    rf"|\b(?:my|our|the)\s+(?P<subject>{_FIELD})\s+(?:(?:you have|i gave)\s+)?"
    r"(?:(?:is|was|are)\s+(?:wrong|incorrect|out of date|outdated)|(?:has\s+|have\s+)?changed)\b",
    re.IGNORECASE,
)


# What joins the answer named to its new value: "update my budget to 20k".
_TO_VALUE = re.compile(r"^[\s:=>-]*(?:(?:to|is|now)\b[\s:=>-]*)*", re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    """A message asking to change an answer: which, and what it said after naming it
    ("to 20k"), empty when it leaves the new value to be asked."""

    question: str
    new_value: str


def change_asked(text: str) -> Change | None:
    """The answer a message asks to change, when it names one ("update my budget")."""
    match = FIELD_CHANGE.search(text)
    if match is None:
        return None
    words = match["named"] or match["subject"]
    question = next(
        field for field, pattern in _FIELD_WORDS if re.fullmatch(pattern, words, re.IGNORECASE)
    )
    rest = _TO_VALUE.sub("", text[match.end() :]).strip(PADDING + "?!.")
    return Change(question, rest if match["named"] else "")


def _edits(new: str, old: str) -> int:
    """How many letters differ between `new` and `old` (changed, added or dropped)."""
    steps = difflib.SequenceMatcher(None, new, old, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in steps if tag != "equal")


def without_correction_words(text: str) -> str:
    """`text` without the words that say it corrects something ("sorry, typo — it's")."""
    return _PADDING_WORDS.sub("", text).strip(PADDING)


def new_values(text: str) -> list[str]:
    """What a correction says the new value is, best first: the message without its
    correction words and the value it replaces, then the end of it ("… we rebranded, it's
    Pellucid Health now")."""
    body = without_correction_words(NOT_THIS.sub("", text))
    start, end = list(parts(body))[-1] if body else (0, 0)
    last = without_correction_words(body[start:end])
    return [_CHANGED_NOW.sub("", body), _CHANGED_NOW.sub("", last)]


def _colon_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The part `text[start:end]` and, when it has a colon, what follows it ("two o's:
    Beatrix Holloway")."""
    colon = text.rfind(":", start, end)
    return [(start, end), (colon + 1, end)] if colon >= 0 else [(start, end)]


def retyped(text: str, held: Mapping[str, Any]) -> Found | None:
    """A part of `text` that retypes a held name or company with a slip fixed."""
    pieces = [(s, e) for start, end in parts(text) for s, e in _colon_pieces(text, start, end)]
    for start, end in pieces:
        part = without_correction_words(text[start:end]).strip(PADDING)
        if _NOT_OLD.match(part):
            continue  # "…, not Clearview Clinics": the value replaced
        for question in _RETYPABLE:
            old = held.get(question)
            if not isinstance(old, str) or len(part) < 4 or part.lower() == old.lower():
                continue
            if _edits(part.lower(), old.lower()) <= _SLIP:
                at = text.index(part, start)
                return Found(question, part, at, at + len(part))
    return None


def replaced_answer(text: str, held: Mapping[str, Any]) -> str | None:
    """The held answer a "..., not <old value>" message replaces."""
    replaced = NOT_THIS.search(text)
    if replaced is None:
        return None
    old = _JUST.sub("", replaced["old"]).strip(PADDING).lower()
    for question, value in held.items():
        shown = str(Range.from_slot(value)) if isinstance(value, dict) else str(value)
        if old and question in QUESTIONS and old in shown.lower():
            return question
    return None
