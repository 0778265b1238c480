"""The small language the structured-entity rules are written in.

Word classes from ``span_vocabulary`` become spaCy lexeme flags, token specs
test those flags, and a ``Rule`` is a labelled sequence of slots expanded into
Matcher patterns. ``Tokens`` is the per-doc view that a rule's ``Check``
reads. The rule table itself lives in ``structured_spans``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.lang import lex_attrs as _lex_attrs
from spacy.tokens import Doc

from bot.nlu.span_vocabulary import (
    CURRENCY_PREFIXES,
    CURRENCY_SUFFIXES,
    EMAIL_RE,
    EXTRA_URL_TLDS,
    HEADCOUNT_MULTIPLIERS,
    MONEY_MULTIPLIERS,
    NUMBER_RE,
    NUMBER_WORD_RE,
    PHONE_FIRST_RE,
    PHONE_LAST_RE,
    PHONE_PIECE_RE,
    PHONE_WHOLE_RE,
    RANGE_CONNECTORS,
)

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
FLAG_IDS: dict[str, int] = {name: _FIRST_FLAG + offset for offset, name in enumerate(WORD_CLASSES)}
if _FIRST_FLAG + len(FLAG_IDS) > 64:
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
    spec: TokenSpec = {f"FLAG{FLAG_IDS[word_class]}": True}
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
class Tokens:
    """Per-doc token attributes as plain lists; indexing a Doc is slow."""

    text: list[str]
    lower: list[str]
    idx: list[int]
    space_after: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> Tokens:
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
Check = Callable[[Tokens, int, int], bool]


@dataclass(frozen=True)
class Rule:
    """A labelled sequence of slots, expanded into Matcher patterns."""

    label: str
    slots: Sequence[Slot]
    check: Check | None = None

    def expand(self) -> list[TokenSeq]:
        return [[tok for part in combo for tok in part] for combo in itertools.product(*self.slots)]
