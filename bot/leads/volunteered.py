"""Answers a visitor gives before they are asked, found by their cues in a sentence.

"This is Omar Haddad, from Sandline, we need a bot for our contact form" names a person,
a company and a need without any question pending. Each finder here looks for one field's
cue ("this is", "from", "we need") and returns the words it introduces with their place
in the text, so the caller can take them out before reading what is left as the answer
to the pending question. A finder that is unsure returns nothing: a field left unfilled
is asked for later, a field filled wrongly is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    """Words of `text[start:end]` offered as the value of `field`."""

    field: str
    value: str
    start: int
    end: int


# A capitalised word, or a particle inside a name ("de la Cruz", "van Dijk", "O'Brien").
_CAPITALISED = r"[A-Z][\w'’.-]*"
_PERSON = rf"{_CAPITALISED}(?:\s+(?:(?:de|da|del|la|van|von|der|bin|al)\s+)?{_CAPITALISED}){{0,3}}"
_NAME_CUE = re.compile(
    rf"(?i:\bthis is|\bmy name is|\bmy name's|\bname's|\bi'?m|\bi am)\s+(?P<v>{_PERSON})"
    r"(?=\s*(?:[,.;!–—-]|(?i:from|at|with|here|and)\b|$))",
)
# "at Harbor Goods", "from Sandline", "with StopGap Software", "work for Acme".
_COMPANY_WORD = r"(?:[A-Z0-9][\w&'’.+-]*|&|of|and|the|de)"
_COMPANY_CUE = re.compile(
    rf"(?i:\b(?:i|we)\s*(?:work|am working|'m working|are working|'re working)\s+(?:at|for|with)"
    rf"|\b(?:from|at))\s+(?P<v>[A-Z0-9][\w&'’.+-]*(?:\s+{_COMPANY_WORD}){{0,4}})",
)
# "from" and "at" name a company only in a visitor's introduction of themselves.
_INTRODUCTION = re.compile(r"\b(?:i'?m|i am|this is|my name|we'?re|we are|here)\b", re.IGNORECASE)
_NOT_COMPANIES = frozenset(
    {"I", "Me", "The", "A", "An", "My", "Our", "We", "It", "This", "That", "Hi", "Hello", "Hey"}
)
_ROLE_CUE = re.compile(
    r"\b(?:i'?m|i am|i work as|my role is|my title is|as)\s+(?:the|a|an|our)\s+"
    r"(?P<v>(?:[\w&/-]+\s+){0,4}?(?:head|director|manager|lead|founder|co-?founder|owner|ceo|cto|md|gm"
    r"|cmo|coo|cfo|vp|president|marketer|consultant|engineer|developer|designer|analyst|"
    r"specialist|coordinator|executive|officer|partner|assistant|intern|student)"
    r"(?:\s+of\s+[\w&/-]+(?:\s+[\w&/-]+)?)?)\b",
    re.IGNORECASE,
)
# A stated need: "we need something to ...", "looking for a bot that ...".
_NEED_CUE = re.compile(
    r"\b(?:we|i)(?:\s+|(?='))(?:really\s+)?(?:need|want|would like|'d like|are looking for"
    r"|'re looking for|am looking for|'m looking for|are trying to|'re trying to|have to)\b"
    r"|\blooking for (?:a|an|some)\b|\bneed (?:a|an|some)(?:thing)?\b|\bhelp us\b"
    r"|\bso (?:we|that)\b"
    r"|\b(?:a|the) (?:chat)?bot (?:that|to|for)\b",
    re.IGNORECASE,
)
# A request to the bot, not a need: "I'd like to schedule a demo", "we want to talk to sales".
_NOT_A_NEED = re.compile(
    r"\b(?:demo|walk ?through|call|talk|speak|person|human|someone|meeting|quote|pric\w*|cost)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_MIN_NEED_WORDS = 5
# "asap", "next quarter", "by March": said of when to go live, never of anything else.
_TIMELINE_CUE = re.compile(
    r"\b(?:asap|as soon as possible|right away|immediately|urgently|no rush"
    r"|(?:next|this|coming)\s+(?:week|month|quarter|year)|end of (?:the )?(?:month|quarter|year)"
    r"|(?:go|going|be|get it|have it)\s+live|launch|within\s+(?:a|an|one|two|three|\d+)"
    r"|in\s+(?:a|an|one|two|three|four|six|\d+)\s+(?:weeks?|months?|quarters?))\b",
    re.IGNORECASE,
)


def find_name(text: str) -> Found | None:
    match = _NAME_CUE.search(text)
    if match is None:
        return None
    value = match["v"].rstrip(".")
    return Found("name", value, match.start("v"), match.start("v") + len(value))


def find_company(text: str) -> Found | None:
    for match in _COMPANY_CUE.finditer(text):
        introduced = _INTRODUCTION.search(text, 0, match.start())
        if not introduced and not match.group().lower().startswith(("i", "we")):
            continue
        value = match["v"].rstrip(".,")
        words = value.split()
        while words and words[-1] in ("of", "and", "the", "de", "&"):
            words.pop()
        if not words or words[0] in _NOT_COMPANIES:
            continue
        value = " ".join(words)
        return Found("company", value, match.start("v"), match.start("v") + len(value))
    return None


def find_role(text: str) -> Found | None:
    match = _ROLE_CUE.search(text)
    if match is None:
        return None
    return Found("role", match["v"], match.start("v"), match.end("v"))


def find_need(text: str) -> Found | None:
    """The clause that states a need, to the end of its sentence, when it says enough."""
    for sentence in _SENTENCE.finditer(text):
        cue = _NEED_CUE.search(sentence.group())
        if cue is None:
            continue
        before = sentence.group()[: cue.start()]
        seps = (",", ";", ":", " and ", " but ")
        clause_start = max(
            (before.rfind(sep) + len(sep) for sep in seps if sep in before), default=0
        )
        value = sentence.group()[clause_start:].strip(" ,;:")
        if len(value.split()) >= _MIN_NEED_WORDS and not _NOT_A_NEED.search(value):
            start = text.index(value, sentence.start())
            return Found("use_case", value, start, start + len(value))
    return None


def mentions_timeline(text: str) -> bool:
    return _TIMELINE_CUE.search(text) is not None
