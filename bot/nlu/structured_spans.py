"""Rule-based spans for structured entities: email, phone, url, money, headcount.

Pure spaCy, no Rasa: the Rasa component in ``structured_entities.py`` is a thin
wrapper, so these rules can be unit-tested and timed on their own.

How it works

* One ``spacy.blank("en")`` tokenizer and one ``Matcher``, built lazily once per
  process (``_pipeline()``). Per message only ``nlp.make_doc`` and the Matcher
  run (no pipes), and only when the text has a digit, "@", a dotted word or a
  number word at all.
* Tokenizer tweaks: extra infixes split amounts into number / multiplier /
  dash / currency tokens ("10-20k", "$10k-$20k", "10–20k"); e-mail addresses and
  "twenty-five" stay one token; tokenizer exceptions are dropped (see
  ``_pipeline``).
* Word lists and token regexes become *lexeme flags* (``Vocab.add_flag``): they
  run once per distinct word and the Matcher then only tests a bit. Python
  ``IN``/``REGEX`` predicates run per token per message and made the Matcher
  about 4x slower.
* The Matcher only finds candidate *values* (an amount, a number or range, a
  phone-like run). Context that is not part of the span ("team of", "we're",
  "employees", "between") is checked in Python on the neighbouring tokens,
  which needs far fewer patterns than spelling every context into them.
* Overlaps: the longest span wins; on a tie the more specific label wins.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.lang import lex_attrs as _lex_attrs
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

EMAIL = "email"
PHONE = "phone"
URL = "url"
AMOUNT_OF_MONEY = "amount_of_money"
HEADCOUNT = "headcount"

ENTITY_TYPES: tuple[str, ...] = (EMAIL, PHONE, URL, AMOUNT_OF_MONEY, HEADCOUNT)

# Equal-length overlaps go to the lower number: "5k" before "staff" is a
# head-count rather than money.
_LABEL_PRIORITY: dict[str, int] = {
    EMAIL: 0,
    URL: 1,
    PHONE: 2,
    HEADCOUNT: 3,
    AMOUNT_OF_MONEY: 4,
}


@dataclass(frozen=True)
class StructuredSpan:
    """One extracted entity; ``text == original_text[start:end]``."""

    entity: str
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------
# Vocabulary tables (all compared lower-cased)
# ---------------------------------------------------------------------------

# Spelled-out numbers ("a team of twelve", "fifty grand"). Multipliers stay out
# so "ten thousand" reads as number + multiplier.
NUMBER_WORDS: list[str] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
    "fourty",  # sic: a common misspelling
    "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
]  # fmt: skip

# Turn a bare number into an amount: "50k", "1.5 million", "50 grand".
MONEY_MULTIPLIERS: list[str] = [
    "k", "m", "mn", "bn", "thousand", "million", "billion", "grand",
]  # fmt: skip

# The subset that makes sense for people: "5k staff", "2 million users".
HEADCOUNT_MULTIPLIERS: list[str] = ["k", "m", "mn", "thousand", "million"]

# Currency before the number: "$50k", "usd 25000", "US$5,000".
CURRENCY_PREFIXES: list[str] = ["$", "€", "£", "us$", "usd", "eur", "gbp"]

# Currency after the number: "5000 euros", "50 bucks", "5000€".
CURRENCY_SUFFIXES: list[str] = [
    "dollars", "dollar", "usd", "bucks", "buck", "euros", "euro", "eur",
    "pounds", "pound", "gbp", "quid", "$", "€", "£",
]  # fmt: skip

# Range connectors usable anywhere: "10-20k", "$10k to $20k", "10–20k".
# ("and" is only a connector right after "between": see _after_between.)
RANGE_CONNECTORS: list[str] = ["-", "–", "—", "to"]

# Nouns that make a number a head-count, with singulars and common typos.
PEOPLE_NOUNS: list[str] = [
    "employees", "employee", "employes", "emplyees", "employess", "people",
    "ppl", "staff", "persons", "person", "folks", "engineers", "engineer",
    "heads", "members", "member", "seats", "seat", "users", "user",
    "marketers", "marketer", "agents", "agent", "reps", "rep",
]  # fmt: skip

# May stand between the number and the people noun: "10 full-time employees",
# "12 team members", "50+ staff", "a 12-person team", "50 odd people".
PEOPLE_FILLERS: list[str] = [
    "full", "part", "time", "fulltime", "parttime", "full-time", "part-time",
    "ft", "pt", "-", "+", "in", "house", "in-house", "inhouse", "remote",
    "onsite", "on-site", "office", "sales", "support", "marketing", "software",
    "tech", "technical", "customer", "service", "active", "paying", "total",
    "team", "permanent", "other", "odd", "ish", "or", "so", "more",
]  # fmt: skip
MAX_PEOPLE_FILLERS = 4

# Cues right before a head-count (hedges may sit in between). Noun cues say
# "people" on their own: "a team of 12 developers" is still a head-count.
HEADCOUNT_NOUN_CUES: list[tuple[str, ...]] = [
    ("team", "of"),  # "a team of 12"
    ("company", "of"),  # "a company of 200"
    ("staff", "of"),  # "a staff of 30"
    ("headcount", "of"),  # "a headcount of 50"
    ("headcount", "is"),  # "our headcount is 50"
    ("head", "count", "is"),  # same, typed as two words
]
# Subject cues only count when the number ends the phrase (see
# HEADCOUNT_SUBJECT_CUE_FOLLOWERS): "we're 40" yes, "we're 2 weeks late" no.
HEADCOUNT_SUBJECT_CUES: list[tuple[str, ...]] = [
    ("we", "are"),  # "we are 40"
    ("we're",),  # contractions stay one token (no tokenizer exceptions)
    ("we’re",),
    ("we", "'re"),  # "we 're"
    ("we", "’re"),
    ("there", "are"),  # "there are 5 of us"
    ("there're",),
    ("there’re",),
]

# Hedges between a cue and the number ("a team of about 12"); never returned.
# Pieces of multi-word hedges count on their own: "up to", "close to", "at
# least", "more than"; "." is the tail of "approx." (no tokenizer exceptions).
HEDGES: list[str] = [
    "about", "around", "roughly", "approximately", "approx", "approx.", ".",
    "~", "nearly", "almost", "over", "under", "like", "maybe", "some", "just",
    "only", "close", "to", "at", "least", "up", "more", "less", "fewer",
    "than", "currently", "now", "probably", "between",
]  # fmt: skip
MAX_HEDGES = 3

# What may follow the number after a subject cue (besides punctuation, the end
# of the text or a people noun), so "we are 10 minutes away", "there are 3
# options" and "we're one of the best" are not head-counts.
HEADCOUNT_SUBJECT_CUE_FOLLOWERS: list[tuple[str, ...]] = [
    ("of", "us"),  # "there are 5 of us"
    ("in", "total"),  # "we are 40 in total"
    ("in", "the", "team"),  # "we're 12 in the team"
    ("altogether",),
    ("now",),  # "we're 40 now"
    ("today",),
    ("currently",),
    ("right", "now"),
    ("at", "the", "moment"),
    ("strong",),  # "we're 40 strong"
    ("and", "growing"),
    ("or", "so"),  # "we are 40 or so"
    ("or", "thereabouts"),
    ("give", "or", "take"),  # "we're 100 give or take"
    ("more", "or", "less"),
    ("roughly",),
    ("approx",),
    ("tops",),  # "we're 20 tops"
    ("max",),
    ("at", "most"),
    ("ish",),
    ("+",),  # "we're 50+"
    ("plus",),
    ("including",),  # "we are 12 including the founders"
]

# Units after a noun cue that show the number is not people: "a team of 10
# years", "headcount is 20%".
NOT_PEOPLE_UNITS: list[str] = [
    "%", "percent", "/", "years", "year", "yrs", "months", "month", "weeks",
    "week", "days", "day", "hours", "hour", "minutes", "mins", "times", "x",
]  # fmt: skip

# Hosts without scheme or "www." must end in a known TLD, so "report.pdf",
# "node.js" or "ok.thanks" are not URLs. spaCy's own list (used by LIKE_URL)
# predates the new gTLDs, hence these additions.
EXTRA_URL_TLDS: list[str] = [
    "app", "dev", "tech", "agency", "marketing", "digital", "studio", "design",
    "shop", "store", "online", "site", "club", "cloud", "ai", "io", "co",
    "so", "ly", "me", "tv", "email", "media", "solutions", "company", "group",
]  # fmt: skip

# ---------------------------------------------------------------------------
# Token-level regexes (each applies to ONE token)
# ---------------------------------------------------------------------------

# "50", "1.5", "5,000", "1,200.50"
NUMBER_RE = r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"

# "twelve", "twenty-five" (kept one token by the tokenizer's token_match)
_NUMBER_WORD_ALT = "|".join(NUMBER_WORDS)
NUMBER_WORD_RE = rf"^(?:{_NUMBER_WORD_ALT})(?:-(?:{_NUMBER_WORD_ALT}))*$"

# local@domain.tld without empty labels; broken addresses are left to the
# form validation downstream.
EMAIL_RE = (
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$"
)

# Phone numbers as the tokenizer leaves them: "+44", "(", "415", ")", "555",
# "-", "0132"; "415.555.0132" and "+14155550132" stay one token.
_DOTTED_DIGITS = r"\d{2,4}(?:\.\d{2,4}){2,4}"
PHONE_WHOLE_RE = rf"^(?:\+?\d{{7,15}}|{_DOTTED_DIGITS})$"  # one-token number
PHONE_FIRST_RE = rf"^(?:\+?\d{{1,15}}|{_DOTTED_DIGITS}|\()$"  # can open a number
PHONE_PIECE_RE = rf"^(?:\d{{1,15}}|{_DOTTED_DIGITS}|[-.()–])$"  # can continue one
PHONE_LAST_RE = rf"^(?:\d{{1,15}}|{_DOTTED_DIGITS})$"  # can close one

# Extra tokenizer infixes so that amounts always split into their parts.
EXTRA_INFIXES: list[str] = [
    # multiplier glued to a number: "50k" -> "50" "k", also inside "50k-100k";
    # only before an edge/dash/currency so "john2k@x.io" stays whole
    r"(?<=[0-9])(?:mn|bn|MN|BN|Mn|Bn|k|K|m|M)(?=$|[-–—/+~)$€£])",
    # dash right after a multiplier: "50k-100k", "1.5m–2m"
    r"(?<=[kKmMnN])[-–—](?=[$€£]?[0-9])",
    # en/em dash between digits ("10–20"); spaCy's defaults only split "-"
    r"(?<=[0-9])[–—](?=[0-9$€£])",
    # currency symbol inside a chunk: "$10k-$20k", "US$5"
    r"[$€£](?=[0-9])",
    # ")555" in "(415)555-0132", "(0" in "+44(0)20"
    r"(?<=[0-9])[()](?=[0-9])",
    # currency code glued to the number: "usd25000", "25000usd"
    r"(?<=(?i:usd|eur|gbp))(?=[0-9])",
    r"(?<=[0-9])(?=(?i:usd|eur|gbp)$)",
]

# Extra tokenizer prefixes: "~50k", "≈50k" (the default rules only split "~"
# before a currency symbol).
EXTRA_PREFIXES: list[str] = [r"[~≈](?=[0-9])"]


# ---------------------------------------------------------------------------
# Word classes -> lexeme flags
# ---------------------------------------------------------------------------


def _in(vocab: Iterable[str]) -> Callable[[str], bool]:
    members = frozenset(word.lower() for word in vocab)
    return lambda text: text.lower() in members


def _re(*patterns: str) -> Callable[[str], bool]:
    matchers = [re.compile(pattern, re.IGNORECASE).match for pattern in patterns]
    return lambda text: any(match(text) is not None for match in matchers)


_URL_TLDS = frozenset(EXTRA_URL_TLDS) | frozenset(getattr(_lex_attrs, "_tlds", ()))


def _is_url(text: str) -> bool:
    """spaCy's LIKE_URL, but case-insensitive and without "report.pdf" or "node.js".

    Hosts without a scheme or "www." must end in a known TLD.
    """
    low = text.lower()
    if "@" in low or not _lex_attrs.like_url(low):
        return False
    if low.startswith(("http://", "https://", "www.")):
        return True
    host = re.split(r"[/?#:]", low, maxsplit=1)[0]
    return host.rsplit(".", 1)[-1] in _URL_TLDS


# Every class becomes one lexeme flag; rules refer to them by name.
WORD_CLASSES: dict[str, Callable[[str], bool]] = {
    "number": _re(NUMBER_RE, NUMBER_WORD_RE),  # "12", "1,200", "twelve"
    "number_word": _re(NUMBER_WORD_RE),  # continues one: "twenty five"
    "money_multiplier": _in(MONEY_MULTIPLIERS),
    "headcount_multiplier": _in(HEADCOUNT_MULTIPLIERS),
    "currency_prefix": _in(CURRENCY_PREFIXES),
    "currency_suffix": _in(CURRENCY_SUFFIXES),
    "range_connector": _in(RANGE_CONNECTORS),
    "email": _re(EMAIL_RE),
    "url": _is_url,
    "phone_whole": _re(PHONE_WHOLE_RE),
    "phone_first": _re(PHONE_FIRST_RE),
    "phone_piece": _re(PHONE_PIECE_RE),
    "phone_last": _re(PHONE_LAST_RE),
}

# spaCy reserves FLAG19..FLAG63 for user flags; lower bits are built-ins.
_FIRST_FLAG = 19
_FLAG_IDS: dict[str, int] = {name: _FIRST_FLAG + offset for offset, name in enumerate(WORD_CLASSES)}
if _FIRST_FLAG + len(_FLAG_IDS) > 64:
    raise RuntimeError("more word classes than spaCy lexeme flag bits")


# ---------------------------------------------------------------------------
# Pattern DSL
# ---------------------------------------------------------------------------

TokenSpec = dict[str, Any]
TokenSeq = list[TokenSpec]
# A slot lists alternative token sequences; a rule is a sequence of slots and
# becomes one Matcher pattern per combination.
Slot = list[TokenSeq]


def is_(word_class: str, op: str | None = None) -> TokenSpec:
    """Token belongs to a ``WORD_CLASSES`` entry."""
    spec: TokenSpec = {f"FLAG{_FLAG_IDS[word_class]}": True}
    if op:
        spec["OP"] = op
    return spec


def word(lower: str) -> TokenSpec:
    """Token is exactly this word (case-insensitive)."""
    return {"LOWER": lower}


def seq(*tokens: TokenSpec) -> Slot:
    """A slot with a single alternative."""
    return [list(tokens)]


@dataclass
class _Tokens:
    """Per-doc token attributes as plain lists; indexing a Doc is slow."""

    text: list[str]
    lower: list[str]
    idx: list[int]
    space_after: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> _Tokens:
        text: list[str] = []
        idx: list[int] = []
        space_after: list[bool] = []
        for tok in doc:  # one pass: every Token access builds a Python object
            text.append(tok.text)
            idx.append(tok.idx)
            space_after.append(bool(tok.whitespace_))
        return cls(text, [t.lower() for t in text], idx, space_after)

    def __len__(self) -> int:
        return len(self.text)


# Validates a matched span [start, end) given in token indices.
Check = Callable[[_Tokens, int, int], bool]


@dataclass(frozen=True)
class Rule:
    """A labelled sequence of slots, expanded into Matcher patterns."""

    label: str
    slots: Sequence[Slot]
    check: Check | None = None

    def expand(self) -> list[TokenSeq]:
        return [[tok for part in combo for tok in part] for combo in itertools.product(*self.slots)]


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

_MONEY_MARKERS = frozenset(CURRENCY_PREFIXES + CURRENCY_SUFFIXES + MONEY_MULTIPLIERS)
_EDGE_WORDS = frozenset([*RANGE_CONNECTORS, "and"])
_PEOPLE_NOUNS = frozenset(PEOPLE_NOUNS)
_PEOPLE_FILLERS = frozenset(PEOPLE_FILLERS)
_HEDGES = frozenset(HEDGES)
_NOT_PEOPLE_UNITS = frozenset(NOT_PEOPLE_UNITS)


def _index_phrases(phrases: Iterable[tuple[str, ...]], key_at: int) -> dict[str, list[list[str]]]:
    """Phrases by one of their words, so one dict lookup rejects most positions."""
    index: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[key_at], []).append(list(phrase))
    return index


_NOUN_CUES = _index_phrases(HEADCOUNT_NOUN_CUES, key_at=-1)
_SUBJECT_CUES = _index_phrases(HEADCOUNT_SUBJECT_CUES, key_at=-1)
_SUBJECT_CUE_FOLLOWERS = _index_phrases(HEADCOUNT_SUBJECT_CUE_FOLLOWERS, key_at=0)
_PHONE_SEPARATORS = frozenset({"-", ".", "–"})
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_NON_DIGITS_RE = re.compile(r"\D+")


def _edges_ok(toks: _Tokens, start: int, end: int) -> bool:
    """No span starts or ends on a connector ("-20k", "10 to")."""
    return toks.lower[start] not in _EDGE_WORDS and toks.lower[end - 1] not in _EDGE_WORDS


def _after_between(toks: _Tokens, start: int) -> bool:
    """ "X and Y" is a range only in "between X and Y"; else "2 and 50k" is two things."""
    return start > 0 and toks.lower[start - 1] == "between"


def _money_ok(toks: _Tokens, start: int, end: int) -> bool:
    """Bare numbers and ranges ("50", "10-20") are ambiguous and never money."""
    return _edges_ok(toks, start, end) and any(
        low in _MONEY_MARKERS for low in toks.lower[start:end]
    )


def _money_between_ok(toks: _Tokens, start: int, end: int) -> bool:
    return _after_between(toks, start) and _money_ok(toks, start, end)


def _people_after(toks: _Tokens, end: int) -> bool:
    """ "12 employees", "10 full-time people", "50+ staff"."""
    j = end
    while j < len(toks) and j - end < MAX_PEOPLE_FILLERS and toks.lower[j] in _PEOPLE_FILLERS:
        j += 1
    return j < len(toks) and toks.lower[j] in _PEOPLE_NOUNS


def _phrase_before(toks: _Tokens, i: int, phrases: dict[str, list[list[str]]]) -> bool:
    """One of ``phrases`` (indexed by last word) ends right before token ``i``."""
    candidates = phrases.get(toks.lower[i - 1], ()) if i > 0 else ()
    return any(i >= len(p) and toks.lower[i - len(p) : i] == p for p in candidates)


def _phrase_at(toks: _Tokens, i: int, phrases: dict[str, list[list[str]]]) -> bool:
    """One of ``phrases`` (indexed by first word) starts at token ``i``."""
    candidates = phrases.get(toks.lower[i], ()) if i < len(toks) else ()
    return any(toks.lower[i : i + len(p)] == p for p in candidates)


def _skip_hedges_back(toks: _Tokens, start: int) -> int:
    i = start
    while i > 0 and start - i < MAX_HEDGES and toks.lower[i - 1] in _HEDGES:
        i -= 1
    return i


def _ends_phrase(toks: _Tokens, end: int) -> bool:
    """End of text or punctuation ("we're 40.", "we're 40, mostly remote")."""
    if end >= len(toks):
        return True
    following = toks.lower[end]
    # "%" and "/" are units, not punctuation here
    return not any(c.isalnum() for c in following) and following not in _NOT_PEOPLE_UNITS


def _cue_before(toks: _Tokens, start: int, end: int) -> bool:
    """ "a team of 12", "we're about 40", "our headcount is roughly 50"."""
    i = _skip_hedges_back(toks, start)
    if _phrase_before(toks, i, _NOUN_CUES):
        return end >= len(toks) or toks.lower[end] not in _NOT_PEOPLE_UNITS
    if _phrase_before(toks, i, _SUBJECT_CUES):
        return _ends_phrase(toks, end) or _phrase_at(toks, end, _SUBJECT_CUE_FOLLOWERS)
    return False


def _headcount_ok(toks: _Tokens, start: int, end: int) -> bool:
    if not _edges_ok(toks, start, end):
        return False
    return _people_after(toks, end) or _cue_before(toks, start, end)


def _headcount_between_ok(toks: _Tokens, start: int, end: int) -> bool:
    return _after_between(toks, start) and _headcount_ok(toks, start, end)


def _phone_ok(toks: _Tokens, start: int, end: int) -> bool:
    """Structure checks the token patterns cannot express.

    Accepts "(415) 555-0132", "+44 20 7946 0958", "07700 900123", "415.555.0132",
    "+14155550132", "555-0132"; rejects amounts ("50000", "10 000 000"), years
    and year ranges ("2019-2024"), dates ("2024-05-01"), ranges ("10-20",
    "10 - 20") and anything with fewer than 7 or more than 15 digits.
    """
    pieces = toks.text[start:end]
    groups = [g for piece in pieces for g in _NON_DIGITS_RE.split(piece) if g]
    n_digits = sum(len(g) for g in groups)
    if not 7 <= n_digits <= 15:
        return False
    depth = 0
    previous_was_separator = False
    for i, piece in enumerate(pieces):
        depth += (piece == "(") - (piece == ")")
        if not 0 <= depth <= 1:
            return False
        is_separator = piece in _PHONE_SEPARATORS
        if is_separator and previous_was_separator:
            return False
        # " - " between two numbers is a range or a list, not a phone number
        spaced = i > 0 and toks.space_after[start + i - 1] and toks.space_after[start + i]
        if is_separator and spaced:
            return False
        previous_was_separator = is_separator
    if depth:
        return False
    if pieces[0].startswith("+") or "(" in pieces:
        return True  # nobody writes an amount or a date like that

    lengths = [len(g) for g in groups]
    # "10 000 000", "10.000.000": thousands grouping is an amount
    if len(groups) >= 2 and lengths[0] <= 3 and all(n == 3 for n in lengths[1:]):
        return False
    # "2019 2020 2021", "2019-2024"
    if len(groups) >= 2 and all(_YEAR_RE.match(g) for g in groups):
        return False
    # dates: "2024-05-01", "01.05.2024"
    if len(groups) == 3 and (
        (lengths[0] == 4 and lengths[1] <= 2 and lengths[2] <= 2)
        or (lengths[0] <= 2 and lengths[1] <= 2 and lengths[2] == 4)
    ):
        return False
    if not any(p in _PHONE_SEPARATORS or "." in p for p in pieces):
        # spaces only / one digit run: an amount, unless as long as a full
        # national number
        return n_digits >= 10
    if len(groups) == 2:
        # "555-0132" yes; "100000-200000" or "500-1000" are ranges
        return lengths == [3, 4] and not (groups[0][-1] == groups[1][-1] == "0")
    return True


# ---------------------------------------------------------------------------
# Rule table
# ---------------------------------------------------------------------------

# A number in digits or words: "12", "1,200", "twelve", "twenty five", "5 hundred".
NUMBER: list[TokenSpec] = [is_("number"), is_("number_word", op="*")]

# An amount with at least one currency or multiplier token.
MONEY_AMOUNT: Slot = [
    # "$50k", "usd 25000", "€5,000", "$1.5 million dollars"
    [
        is_("currency_prefix"),
        *NUMBER,
        is_("money_multiplier", op="?"),
        is_("currency_suffix", op="?"),
    ],
    # "50k", "1.5 million dollars", "50 grand"
    [*NUMBER, is_("money_multiplier"), is_("currency_suffix", op="?")],
    # "5000 euros", "100 bucks", "5000€"
    [*NUMBER, is_("currency_suffix")],
]

# One end of a money range; _money_ok demands a marker somewhere in the range,
# so "10-20k" counts and "10-20" does not.
MONEY_RANGE_END: Slot = seq(
    is_("currency_prefix", op="?"),
    *NUMBER,
    is_("money_multiplier", op="?"),
    is_("currency_suffix", op="?"),
)

# "12", "5k", "twelve"
HEADCOUNT_VALUE: Slot = seq(*NUMBER, is_("headcount_multiplier", op="?"))

RANGE_CONNECTOR: Slot = seq(is_("range_connector"))
AND: Slot = seq(word("and"))


def _rules() -> list[Rule]:
    return [
        # "jane.doe@acme.io"
        Rule(EMAIL, [seq(is_("email"))]),
        # "acme.com", "https://www.acme.io/pricing", "www.acme.co.uk"
        Rule(URL, [seq(is_("url"))]),
        # "+14155550132", "415.555.0132", "4155550132"
        Rule(PHONE, [seq(is_("phone_whole"))], _phone_ok),
        # "(415) 555-0132", "+44 20 7946 0958", "07700 900123"
        Rule(
            PHONE,
            [seq(is_("phone_first"), is_("phone_piece", op="*"), is_("phone_last"))],
            _phone_ok,
        ),
        # "$50k", "50 grand", "usd 25000", "1.5 million dollars", "€5,000"
        Rule(AMOUNT_OF_MONEY, [MONEY_AMOUNT], _money_ok),
        # "10-20k", "$10k to $20k", "50k-100k"
        Rule(AMOUNT_OF_MONEY, [MONEY_RANGE_END, RANGE_CONNECTOR, MONEY_RANGE_END], _money_ok),
        # "(between) 10 and 20 thousand dollars"
        Rule(AMOUNT_OF_MONEY, [MONEY_RANGE_END, AND, MONEY_RANGE_END], _money_between_ok),
        # "1,200 (employees)", "(team of) 12", "(we're) 40"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE], _headcount_ok),
        # "10-50 (people)", "(a team of) 10 to 20"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE, RANGE_CONNECTOR, HEADCOUNT_VALUE], _headcount_ok),
        # "(between) 200 and 500 (employees)"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE, AND, HEADCOUNT_VALUE], _headcount_between_ok),
    ]


# ---------------------------------------------------------------------------
# Pipeline
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pipeline:
    nlp: Language
    matcher: Matcher
    # Matcher key -> (label, check)
    rules: dict[int, tuple[str, Check | None]]


@functools.lru_cache(maxsize=1)
def _pipeline() -> _Pipeline:
    """Build tokenizer, lexeme flags and Matcher once per process."""
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):  # narrows the type for mypy
        raise TypeError(f"unexpected tokenizer {tokenizer!r}")
    # No tokenizer exceptions: a doc containing one ("we're", "e.g.") takes
    # spaCy's special-case matcher path, ~8x slower (90 vs 12 us for a short
    # sentence), and none of the entities needs them. Contractions therefore
    # stay one token ("we're"), which HEADCOUNT_SUBJECT_CUES lists.
    tokenizer.rules = {}
    infixes = list(nlp.Defaults.infixes or []) + EXTRA_INFIXES
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    prefixes = EXTRA_PREFIXES + list(nlp.Defaults.prefixes or [])
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    # Keep whole e-mail addresses one token (the default infixes split
    # "Example.COM" at the case change) and "twenty-five" too.
    tokenizer.token_match = re.compile(f"(?:{EMAIL_RE})|(?i:{NUMBER_WORD_RE})").match
    for name, getter in WORD_CLASSES.items():
        nlp.vocab.add_flag(getter, flag_id=_FLAG_IDS[name])

    # validate=False: spaCy's pattern schema does not know the FLAGnn keys
    matcher = Matcher(nlp.vocab, validate=False)
    rules: dict[int, tuple[str, Check | None]] = {}
    for index, rule in enumerate(_rules()):
        key = f"{rule.label}:{index}"
        matcher.add(key, rule.expand())
        rules[nlp.vocab.strings[key]] = (rule.label, rule.check)
    return _Pipeline(nlp=nlp, matcher=matcher, rules=rules)


# (start_char, end_char, label)
_Candidate = tuple[int, int, str]


def _resolve_overlaps(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Longest (in characters) wins, then the more specific label, then the earlier."""
    ordered = sorted(candidates, key=lambda c: (c[0] - c[1], _LABEL_PRIORITY[c[2]], c[0]))
    kept: list[_Candidate] = []
    for cand in ordered:
        if all(cand[1] <= k[0] or cand[0] >= k[1] for k in kept):
            kept.append(cand)
    kept.sort()
    return kept


# Nothing can match without a digit, "@", a dotted word or a number word, so
# most chat turns skip tokenization and matching altogether. (One regex with
# the number words as an alternation costs ~15 us on a sentence; this ~2 us.)
_HAS_DIGIT_AT_OR_DOT = re.compile(r"\d|@|\w\.\w").search
_LETTER_RUNS = re.compile(r"[^\W\d_]+").findall
_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)


def _may_contain_entity(text: str) -> bool:
    if _HAS_DIGIT_AT_OR_DOT(text) is not None:
        return True
    return not _NUMBER_WORD_SET.isdisjoint(_LETTER_RUNS(text.lower()))


def warm_up() -> None:
    """Build the pipeline now instead of on the first message."""
    _pipeline()


def find_structured_spans(text: str) -> list[StructuredSpan]:
    """Email / phone / url / amount_of_money / headcount spans in ``text``.

    Offsets index the original ``text`` (``text[s.start:s.end] == s.text``);
    spans never overlap and are sorted by ``start``.
    """
    if not text or not _may_contain_entity(text):
        return []
    pipeline = _pipeline()
    doc = pipeline.nlp.make_doc(text)
    matches = pipeline.matcher(doc)
    if not matches:
        return []
    toks = _Tokens.of(doc)
    candidates: set[_Candidate] = set()
    checked: set[tuple[int, int, int]] = set()
    for match_id, start, end in matches:
        if (match_id, start, end) in checked:  # a rule can yield the same span twice
            continue
        checked.add((match_id, start, end))
        label, check = pipeline.rules[match_id]
        if check is None or check(toks, start, end):
            end_char = toks.idx[end - 1] + len(toks.text[end - 1])
            candidates.add((toks.idx[start], end_char, label))
    return [
        StructuredSpan(label, start, end, text[start:end])
        for start, end, label in _resolve_overlaps(candidates)
    ]
