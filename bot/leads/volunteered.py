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
from collections.abc import Iterator
from dataclasses import dataclass

from bot.leads.digressions import asks_for_demo, asks_for_person


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
# What may follow a name: the end, a pause, or the company ("from", "at", "with").
_AFTER_NAME = r"(?=\s*(?:[,.;!–—-]|(?i:from|at|with|here|and)\b|$))"
_NAME_CUE = re.compile(
    rf"(?i:\bthis is|\bmy name is|\bmy name's|\bname's|\bi'?m|\bi am)(?i:\s+actually)?"
    rf"\s+(?P<v>{_PERSON})" + _AFTER_NAME
)
# Asked for their name, people give it without a cue: "Jo Park from StopGap Retail".
_NAME_FIRST = re.compile(rf"^(?i:(?:hi|hello|hey)\W+)?(?P<v>{_PERSON})" + _AFTER_NAME)
# "Ayesha from Meridian Physio here", "Ravi here": an introduction without a cue.
_NAME_HERE = re.compile(
    rf"^(?i:(?:hi|hello|hey)\W+)?(?P<v>{_PERSON})"
    r"(?=\s+(?:(?i:from|at|with)\s+[^.!?,]*?\s+)?(?i:here)\b)"
)
# "at Harbor Goods", "from Sandline", "with StopGap Software", "work for Acme".
_COMPANY_WORD = r"(?:[A-Z0-9][\w&'’.+-]*|&|of|and|the|de)"
_AFTER_FIRST = rf"[\w&'’.+-]*(?:\s+{_COMPANY_WORD}){{0,4}}"
_COMPANY_NAME = rf"[A-Z0-9]{_AFTER_FIRST}"
_COMPANY_CUE = re.compile(
    rf"(?i:\b(?:i|we)\s*(?:work|am working|'m working|are working|'re working)\s+(?:at|for|with)"
    rf"|\b(?:from|at))\s+(?P<v>{_COMPANY_NAME})",
)
# "the company is actually Harbor Goods", "our company's called Ledgerline".
_COMPANY_IS = re.compile(
    rf"(?i:\bcompany(?:'s|’s|\s+is|(?:'s|’s)?\s+(?:full\s+|real\s+|legal\s+|proper\s+)?name\s+is)"
    rf"(?:\s+(?:actually|literally|really|just|called|named|now))*)"
    rf"\s+(?P<v>{_COMPANY_NAME})"
)
# In the answer to "what's your name?" the visitor is introducing themselves already:
# "Dana Whitfield, with Northwind Tea".
_COMPANY_AFTER_NAME = re.compile(
    rf"(?i:\b(?:from|at|with)|\bi\s+(?:run|own|founded|co-?founded))\s+(?P<v>{_COMPANY_NAME})"
)
# "we're Kestrel Pay", "a 40-person fintech called Ledgerline".
_WE_ARE = re.compile(rf"(?i:\bwe(?:'re|’re|\s+are))\s+(?P<v>[A-Z]{_AFTER_FIRST})")
_CALLED = re.compile(rf"(?i:\b(?:called|named))\s+(?P<v>{_COMPANY_NAME})")
# "from", "at" and "called" name a company only in a visitor's introduction of themselves,
# or after their job title ("Head of Growth at Tidewater Labs").
_INTRODUCTION = re.compile(r"\b(?:i'?m|i am|this is|my name|we'?re|we are|here)\b", re.IGNORECASE)
_HERE = re.compile(r"\s+here\b", re.IGNORECASE)
_NOT_COMPANIES = frozenset(
    {"I", "Me", "The", "A", "An", "My", "Our", "We", "It", "This", "That", "Hi", "Hello", "Hey"}
)
# "We're Interested", "We're Based in Leeds": how some visitors capitalise, not a name.
_NOT_AFTER_WE_ARE = frozenset(
    {"Interested", "Based", "Located", "Keen", "Happy", "Ready", "Just", "Only", "Not", "Also"}
)
# A job title: up to four words ending in what the job is, and what it is "of".
_TITLE = (
    r"(?:[\w&/-]+\s+){0,4}?(?:head|director|manager|lead|founder|co-?founder|owner|ceo|cto|md"
    r"|gm|cmo|coo|cfo|vp|president|marketer|consultant|engineer|developer|designer|analyst"
    r"|specialist|coordinator|executive|officer|partner|assistant|intern|student)"
    r"(?:\s+(?:of|for)\s+[\w&/-]+(?:\s+[\w&/-]+)?)?"
)
_ROLE_CUE = re.compile(
    rf"\b(?:i'?m|i am|i work as|my role is|my title is|as)\s+(?:the|a|an|our)\s+(?P<v>{_TITLE})\b",
    re.IGNORECASE,
)
# "I'm head of growth there": without an article the title comes at once.
_SHORT_TITLE = _TITLE.replace("{0,4}?", "{0,1}?", 1)
_BARE_ROLE_CUE = re.compile(
    rf"\b(?:i'?m|i am|i work as|my role is|my title is)\s+"
    rf"(?!(?:not|just|also|only|looking|trying|here|interested|the|a|an)\b)(?P<v>{_SHORT_TITLE})\b",
    re.IGNORECASE,
)
_PLACE_WORDS = re.compile(r"\s+(?:there|here|now|currently)$", re.IGNORECASE)
# "2am", "9:30 pm": a time, never a company.
_A_TIME = re.compile(r"^\d{1,2}(?::\d\d)?\s*(?:am|pm)\b", re.IGNORECASE)
# "at 2am. Need something": a company's name ends with its sentence.
_SENTENCE_END = re.compile(r"[.!?]\s")
# "Head of Growth at Tidewater Labs": the title, and the company after it.
_TITLE_AT = re.compile(rf"(?i:(?P<v>\b{_TITLE}))\s+(?:at|@)\s+[A-Z0-9]")
_AFTER_A_TITLE = re.compile(rf"(?i:\b{_TITLE})\s*$")
# The whole message is a title ("Head of Growth", "marketing manager").
_ONLY_A_TITLE = re.compile(rf"^\W*(?:(?:the|a|an|i'?m|i am)\s+)*(?P<v>{_TITLE})\W*$", re.IGNORECASE)
# What comes in to a business that a chatbot could take: calls, questions, leads.
_INCOMING = (
    r"(?:calls|questions|messages|e-?mails|enquiries|inquiries|requests|leads|tickets|chats"
    r"|dms|bookings|quote requests)"
)
# A stated need: "we need something to ...", "looking for a bot that ...".
_NEED_CUE = re.compile(
    r"\b(?:we|i)(?:\s+|(?='))(?:really\s+)?(?:need|want|would like|'d like|are looking for"
    r"|'re looking for|am looking for|'m looking for|are trying to|'re trying to|have to)\b"
    r"|\blooking for (?:a|an|some)\b|\bneed (?:a|an|some|smth|sth)(?:thing)?\b|\bhelp us\b"
    r"|\bso (?:we|that)\b"
    r"|\b(?:a|the) (?:chat)?bot (?:that|to|for)\b"
    # A problem with what comes in is a need too: "our front desk is drowning in calls".
    rf"|\b(?:too many|so many|drowning in|(?:swamped|overwhelmed|flooded) (?:with|by)"
    rf"|miss(?:ing|es)?|lose|losing|can'?t keep up with|can'?t answer|loads of|lots of|tons of"
    rf"|a lot of|heaps of)"
    rf" (?:\w+ ){{0,2}}?{_INCOMING}\b"
    r"|\bstruggl\w+ to (?:keep up|answer|reply|respond|follow up)\b"
    r"|\b(?:nobody|no one|no-one) (?:answers|replies|responds|gets back)\b",
    re.IGNORECASE,
)
# What the visitor wants to do themselves, not what their bot should do: "I want to get
# started", "I'd like to try Parley", "I need to think about it".
_OWN_STEP = re.compile(
    r"^\W*(?:to\s+)?(?:get started|start|try|test|think|know|see|learn|understand|buy"
    r"|sign up|talk|speak|book|schedule|check|hear|find out|ask|chat|give it)\b",
    re.IGNORECASE,
)
# A request to us, not a need: "I'd like to schedule a demo", "we want a quote".
_OTHER_REQUEST = re.compile(r"\b(?:walk ?through|call me|meeting|quote)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_POINTS_BACK = re.compile(r"\b(?:them|em|'em|those|these|it|that|this|they)\b", re.IGNORECASE)
_MIN_NEED_WORDS = 5
# "asap", "next quarter", "by March": said of when to go live, never of anything else.
_TIMELINE_CUE = re.compile(
    r"\b(?:asap|as soon as possible|right away|immediately|urgently|no rush"
    r"|(?:next|this|coming)\s+(?:week|month|quarter|year)|end of (?:the )?(?:month|quarter|year)"
    r"|(?:go|going|be|get it|have it|it|them)\s+live|launch|within\s+(?:a|an|one|two|three|\d+)"
    r"|within the (?:week|month|quarter|year)"
    r"|in\s+(?:(?:like|about|around|roughly|maybe)\s+)?(?:a|an|one|two|three|four|six|\d+)"
    r"\s+(?:weeks?|months?|quarters?))\b",
    re.IGNORECASE,
)


def find_name(text: str, *, asked: bool = False) -> Found | None:
    """The name a visitor gives with its cue ("this is Omar"), or, `asked` for it, at the
    start of their answer."""
    match = (
        _NAME_CUE.search(text)
        or _NAME_HERE.match(text)
        or (_NAME_FIRST.match(text) if asked else None)
    )
    if match is None:
        return None
    value = match["v"].rstrip(".")
    return Found("name", value, match.start("v"), match.start("v") + len(value))


def _company_matches(text: str, introduced: bool) -> Iterator[re.Match[str]]:
    yield from _COMPANY_IS.finditer(text)
    if introduced:
        yield from _COMPANY_AFTER_NAME.finditer(text)
    for match in _COMPANY_CUE.finditer(text):
        if (
            match.group().lower().startswith(("i", "we"))
            or _INTRODUCTION.search(text, 0, match.start())
            or _AFTER_A_TITLE.search(text, 0, match.start())
            or _HERE.match(text, match.end())
        ):
            yield match
    for match in _WE_ARE.finditer(text):
        first = match["v"].split()[0]
        if first not in _NOT_AFTER_WE_ARE and not first.endswith("ing"):
            yield match
    for match in _CALLED.finditer(text):
        if _INTRODUCTION.search(text, 0, match.start()):
            yield match


def find_company(text: str, *, introduced: bool = False) -> Found | None:
    """The company named after its cue ("from", "at", "we're", "called") in a visitor's
    introduction of themselves; `introduced` when the message answers the name question."""
    matches = _company_matches(text, introduced)
    for match in sorted(matches, key=lambda m: m.start("v")):
        value = _SENTENCE_END.split(match["v"] + " ", maxsplit=1)[0].rstrip(".,")
        if _A_TIME.match(value):
            continue
        words = value.split()
        while words and words[-1] in ("of", "and", "the", "de", "&"):
            words.pop()
        if not words or words[0] in _NOT_COMPANIES:
            continue
        value = " ".join(words)
        return Found("company", value, match.start("v"), match.start("v") + len(value))
    return None


# An item of a list of answers: what commas enclose.
_LIST_ITEM = re.compile(r"(?<=,)[^,;.!?]+|^[^,;.!?]+(?=,)")


def find_role(text: str) -> Found | None:
    match = (
        _ROLE_CUE.search(text)
        or _BARE_ROLE_CUE.search(text)
        or _TITLE_AT.search(text)
        or _ONLY_A_TITLE.match(text)
    )
    if match is None:
        return _listed_title(text)
    value = _PLACE_WORDS.sub("", match["v"])
    return Found("role", value, match.start("v"), match.start("v") + len(value))


def _listed_title(text: str) -> Found | None:
    """A title that is an item of a list of answers ("Harriet Vance, growth lead, …")."""
    for item in _LIST_ITEM.finditer(text):
        match = _ONLY_A_TITLE.fullmatch(item.group())
        if match is not None:
            start = item.start() + match.start("v")
            return Found("role", match["v"], start, start + len(match["v"]))
    return None


def _is_request(text: str) -> bool:
    return asks_for_demo(text) or asks_for_person(text) or _OTHER_REQUEST.search(text) is not None


def find_need(text: str) -> Found | None:
    """The clause that states a need, to the end of its sentence, when it says enough; with
    what came before when it points back ("… come in at 2am. Need something to catch them")."""
    previous = 0
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
        if _OWN_STEP.match(sentence.group()[cue.end() :]):
            continue
        if len(value.split()) >= _MIN_NEED_WORDS and not _is_request(value):
            start = text.index(value, sentence.start())
            end = start + len(value)
            if _POINTS_BACK.search(value):
                start = previous if clause_start == 0 else sentence.start()
            return Found("use_case", text[start:end].strip(), start, end)
        previous = sentence.start()
    return None


def timeline_span(text: str) -> tuple[int, int] | None:
    """Where `text` speaks of when to go live ("asap", "by next quarter"), if it does."""
    match = _TIMELINE_CUE.search(text)
    return match.span() if match else None


def mentions_timeline(text: str) -> bool:
    return timeline_span(text) is not None
