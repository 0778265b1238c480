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

Where things live: the word lists and token regexes in ``span_vocabulary``,
the lexeme flags and the pattern DSL in ``span_patterns``, the context checks
in ``span_checks``; this module holds the rule table, the pipeline and the
overlap resolution.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex

from bot.nlu.span_checks import (
    headcount_between_ok,
    headcount_ok,
    money_between_ok,
    money_ok,
    phone_ok,
)
from bot.nlu.span_patterns import (
    FLAG_IDS,
    WORD_CLASSES,
    Check,
    Rule,
    Slot,
    Tokens,
    TokenSpec,
    is_,
    seq,
    word,
)
from bot.nlu.span_vocabulary import (
    EMAIL_RE,
    EXTRA_INFIXES,
    EXTRA_PREFIXES,
    NUMBER_WORD_RE,
    NUMBER_WORDS,
)

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

# One end of a money range; money_ok demands a marker somewhere in the range,
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
        Rule(PHONE, [seq(is_("phone_whole"))], phone_ok),
        # "(415) 555-0132", "+44 20 7946 0958", "07700 900123"
        Rule(
            PHONE,
            [seq(is_("phone_first"), is_("phone_piece", op="*"), is_("phone_last"))],
            phone_ok,
        ),
        # "$50k", "50 grand", "usd 25000", "1.5 million dollars", "€5,000"
        Rule(AMOUNT_OF_MONEY, [MONEY_AMOUNT], money_ok),
        # "10-20k", "$10k to $20k", "50k-100k"
        Rule(AMOUNT_OF_MONEY, [MONEY_RANGE_END, RANGE_CONNECTOR, MONEY_RANGE_END], money_ok),
        # "(between) 10 and 20 thousand dollars"
        Rule(AMOUNT_OF_MONEY, [MONEY_RANGE_END, AND, MONEY_RANGE_END], money_between_ok),
        # "1,200 (employees)", "(team of) 12", "(we're) 40"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE], headcount_ok),
        # "10-50 (people)", "(a team of) 10 to 20"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE, RANGE_CONNECTOR, HEADCOUNT_VALUE], headcount_ok),
        # "(between) 200 and 500 (employees)"
        Rule(HEADCOUNT, [HEADCOUNT_VALUE, AND, HEADCOUNT_VALUE], headcount_between_ok),
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
        nlp.vocab.add_flag(getter, flag_id=FLAG_IDS[name])

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
    toks = Tokens.of(doc)
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
