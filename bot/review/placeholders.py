"""A visitor's message made safe to keep as a training example: its personal data
replaced by neutral stand-ins.

Training data is shared, versioned and shipped inside every model, so no example may
carry a real person's address, number, name or company. What is replaced:

- e-mail addresses: candidates found by a pattern, kept only if `email-validator`
  accepts them (syntax only, no DNS; test domains count too);
- phone numbers: what `phonenumbers.PhoneNumberMatcher` finds valid in the region
  (`PARLEY_DEFAULT_PHONE_REGION`, "US" by default);
- URLs: `http(s)://…` and `www.…`;
- the entities NLU marked as personal (this bot's `email`, `phone` and `url`; a person or
  company entity, should a pipeline add one);
- names and companies: those the lead form stored for the conversation (its `name`,
  `last_name`, `company` slots, ...) wherever the message repeats them, and those the
  message volunteers with a cue the lead form itself reads ("this is Omar Haddad from
  Sandline": `bot.leads.volunteered`). A full name's first and last words are replaced
  on their own too ("Priya" → "Alex").

Budgets and team sizes stay (they are what the message is about): numbers NLU read as
`amount_of_money` or `headcount` are never taken for phone numbers, and the matcher only
accepts numbers that are valid where they are dialled. A name nobody stored and no cue
introduced is not found: the reviewer sees the example before it is saved.

The stand-ins read naturally in a sentence and are obviously nobody's: `example.com`
addresses and URLs (reserved for examples, RFC 2606), numbers in the 555-01XX block
(reserved for fiction in the North American plan), common given names, and fictional
companies. Distinct values get distinct stand-ins, the same value the same one, and a
stand-in is left as it is, so running the function again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.leads.volunteered import find_company, find_name
from bot.review.messages import Entity, VisitorMessage

EMAILS = ("alex@example.com", "sam@example.com", "jordan@example.com")
PHONES = ("+1 415 555 0100", "+1 415 555 0101", "+1 415 555 0102")
URLS = ("https://example.com", "https://example.org", "https://example.net")
NAMES = (("Alex", "Morgan"), ("Sam", "Taylor"), ("Jordan", "Lee"))
COMPANIES = ("Acme", "Contoso", "Northwind")
STAND_INS = {"email": EMAILS, "phone": PHONES, "url": URLS, "company": COMPANIES}
# NLU entities that hold personal data, by what replaces them.
PERSONAL_ENTITIES = {
    **{kind: kind for kind in ("email", "phone", "url")},
    **dict.fromkeys(("name", "person", "PERSON"), "name"),
    **dict.fromkeys(("company", "ORG"), "company"),
}
# Entities that are what a message is about: their numbers are never phone numbers.
KEPT_ENTITIES = frozenset({"amount_of_money", "headcount"})

_EMAIL = re.compile(r"[^\s@<>()\[\]{},;:\"'`]+@[^\s@<>()\[\]{},;:\"'`]+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"…"


@dataclass(frozen=True)
class Replacement:
    """`text[start:end]` (personal data of `kind`) is to read `stand_in`."""

    kind: str
    start: int
    end: int
    stand_in: str


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for match in _EMAIL.finditer(text):
        end = _trimmed(text, match.start(), match.end())
        try:
            # Syntax only: no DNS, and test domains ("jo@uni.test") are someone's too.
            validate_email(
                text[match.start() : end], check_deliverability=False, test_environment=True
            )
        except EmailNotValidError:
            continue
        yield match.start(), end


def _urls(text: str) -> Iterator[tuple[int, int]]:
    for match in _URL.finditer(text):
        yield match.start(), _trimmed(text, match.start(), match.end())


def _phones(text: str, region: str) -> Iterator[tuple[int, int]]:
    leniency = phonenumbers.Leniency.VALID
    for match in phonenumbers.PhoneNumberMatcher(text, region.upper(), leniency=leniency):
        yield match.start, match.end


def _entity_spans(text: str, entity: Entity) -> Iterator[tuple[int, int]]:
    """Where the entity is: its own offsets if they still hold, else its value's places
    (the text may have been edited since NLU read it)."""
    if entity.start is not None and text[entity.start : entity.end] == entity.value:
        yield entity.start, entity.start + len(entity.value)
    elif entity.value.strip():
        for match in re.finditer(re.escape(entity.value), text):
            yield match.start(), match.end()


def _words(value: str) -> list[str]:
    return [word for word in value.split() if len(word) > 1 and any(c.isalpha() for c in word)]


def _name_stand_ins(values: Iterable[str]) -> dict[str, str]:
    """Each name, and each of its words, mapped to the stand-in's: the whole name to the
    whole, a first word to the given name, a last word to the surname. Longest names go
    first, so a surname stored apart from the full name reads as the full name's."""
    stand_ins: dict[str, str] = {}
    ours = {w.casefold() for pair in NAMES for w in pair}
    people = 0
    for value in sorted(dict.fromkeys(values), key=lambda v: -len(_words(v))):
        words = [w.casefold() for w in _words(value)]
        if not words or all(w in stand_ins or w in ours for w in words):
            continue
        first, last = NAMES[people % len(NAMES)]
        people += 1
        if len(words) == 1:
            stand_ins.setdefault(words[0], first)
            continue
        stand_ins.setdefault(" ".join(words), f"{first} {last}")
        for index, word in enumerate(words):
            stand_ins.setdefault(word, last if index == len(words) - 1 else first)
    return stand_ins


def _value_stand_ins(values: Iterable[str], pool: tuple[str, ...]) -> dict[str, str]:
    stand_ins: dict[str, str] = {}
    ours = {stand_in.casefold() for stand_in in pool}
    for value in dict.fromkeys(" ".join(v.split()).casefold() for v in values):
        if value and value not in ours and value not in stand_ins:
            stand_ins[value] = pool[len(stand_ins) % len(pool)]
    return stand_ins


def _mentions(text: str, stand_ins: Mapping[str, str]) -> Iterator[tuple[int, int, str]]:
    """Each whole-word occurrence of a value, in any case and spacing, with its stand-in;
    the longest values first, so that a shorter one still gets a place a longer one that
    overlaps something else could not take."""
    for value in sorted(stand_ins, key=len, reverse=True):
        pattern = r"\s+".join(map(re.escape, value.split()))
        for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
            yield match.start(), match.end(), stand_ins[value]


# Where a company named in a run-on sentence ends: "from Acme Widgets I'm Jane".
_NOT_IN_A_COMPANY = frozenset({"i", "i'm", "i’m", "i've", "i'll", "i'd", "im"})


def _volunteered(text: str, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """The name and the company the message introduces with a cue, if any; a company
    stops before a word of a name (the stand-ins' included)."""
    name, company = find_name(text), find_company(text)
    name_words = {
        w.casefold() for n in [*names, *(n.value for n in [name] if n)] for w in n.split()
    }
    name_words |= {w.casefold() for pair in NAMES for w in pair} | _NOT_IN_A_COMPANY
    words: list[str] = []
    for word in company.value.split() if company else []:
        if word.casefold() in name_words:
            break
        words.append(word)
    return [name.value] if name else [], [" ".join(words)] if words else []


def replacements(
    text: str,
    *,
    entities: Iterable[Entity] = (),
    personal: Mapping[str, Iterable[str]] | None = None,
    region: str = "US",
) -> list[Replacement]:
    """The personal data in `text` and what replaces it, in text order. `entities` are
    those NLU read in it; `personal` the conversation's stored details by kind ("name",
    "company", "email", "phone")."""
    personal = personal or {}
    entities = list(entities)
    kept = [span for e in entities if e.entity in KEPT_ENTITIES for span in _entity_spans(text, e)]
    found: list[tuple[int, int, str]] = []  # start, end, kind: the first claim to a span wins

    def add(start: int, end: int, kind: str) -> None:
        if start < end and not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, kind))

    for start, end in _emails(text):
        add(start, end, "email")
    for start, end in _urls(text):
        add(start, end, "url")
    for entity in entities:
        if entity.entity in PERSONAL_ENTITIES:
            for start, end in _entity_spans(text, entity):
                add(start, end, PERSONAL_ENTITIES[entity.entity])
    for start, end in _phones(text, region):
        if not any(s < end and start < e for s, e in kept):
            add(start, end, "phone")
    named, company = _volunteered(text, personal.get("name", ()))
    names = [*personal.get("name", ()), *named]
    companies = [*personal.get("company", ()), *company]
    by_value = {
        "name": _name_stand_ins(names),
        "company": _value_stand_ins(companies, COMPANIES),
        "email": _value_stand_ins(personal.get("email", ()), EMAILS),
        "phone": _value_stand_ins(personal.get("phone", ()), PHONES),
    }
    for kind in ("email", "phone", "name", "company"):
        for start, end, _ in _mentions(text, by_value[kind]):
            add(start, end, kind)
    return _with_stand_ins(sorted(found), by_value, text)


def _with_stand_ins(
    found: list[tuple[int, int, str]], by_value: Mapping[str, Mapping[str, str]], text: str
) -> list[Replacement]:
    """The stand-in of each span: its value's, else the next of its kind's pool (the
    same for the same text); spans that already read as a stand-in stay."""
    pools = {**STAND_INS, "name": tuple(" ".join(pair) for pair in NAMES)}
    chosen: dict[str, dict[str, str]] = {kind: {} for kind in pools}
    result = []
    for start, end, kind in found:
        original = text[start:end]
        key = " ".join(original.split()).casefold()
        stand_in = by_value.get(kind, {}).get(key) or chosen[kind].get(key)
        if stand_in is None:
            if key in {s.casefold() for s in pools[kind]}:
                continue
            stand_in = pools[kind][len(chosen[kind]) % len(pools[kind])]
            chosen[kind][key] = stand_in
        if stand_in != original:
            result.append(Replacement(kind, start, end, stand_in))
    return result


def placeholder_text(
    text: str,
    *,
    entities: Iterable[Entity] = (),
    personal: Mapping[str, Iterable[str]] | None = None,
    region: str = "US",
) -> str:
    """`text` with its personal data replaced (see `replacements`); everything else,
    down to the byte, as it was."""
    pieces, position = [], 0
    for replacement in replacements(text, entities=entities, personal=personal, region=region):
        pieces += [text[position : replacement.start], replacement.stand_in]
        position = replacement.end
    return "".join([*pieces, text[position:]]) if pieces else text


def suggested_example(message: VisitorMessage, *, region: str | None = None) -> str:
    """The message as it would be saved as a training example."""
    if region is None:
        from bot.settings import get_settings

        region = get_settings().default_phone_region
    return placeholder_text(
        message.text, entities=message.entities, personal=message.personal, region=region
    )
