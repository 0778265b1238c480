"""Checks that accept or reject the Matcher's candidate spans.

The token patterns only find candidate values (an amount, a number or range, a
phone-like run). Whether a candidate counts is decided here, in Python, on the
span and its neighbouring tokens: money needs a currency or multiplier,
a head-count needs a people noun after it or a cue ("team of", "we're")
before it, and a phone number needs a plausible digit structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.nlu.span_patterns import Tokens
from bot.nlu.span_vocabulary import (
    CURRENCY_PREFIXES,
    CURRENCY_SUFFIXES,
    HEADCOUNT_NOUN_CUES,
    HEADCOUNT_SUBJECT_CUE_FOLLOWERS,
    HEADCOUNT_SUBJECT_CUES,
    HEDGES,
    MAX_HEDGES,
    MAX_PEOPLE_FILLERS,
    MONEY_MULTIPLIERS,
    NOT_PEOPLE_UNITS,
    PEOPLE_FILLERS,
    PEOPLE_NOUNS,
    RANGE_CONNECTORS,
)

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


def _edges_ok(toks: Tokens, start: int, end: int) -> bool:
    """No span starts or ends on a connector ("-20k", "10 to")."""
    return toks.lower[start] not in _EDGE_WORDS and toks.lower[end - 1] not in _EDGE_WORDS


def _after_between(toks: Tokens, start: int) -> bool:
    """ "X and Y" is a range only in "between X and Y"; else "2 and 50k" is two things."""
    return start > 0 and toks.lower[start - 1] == "between"


def money_ok(toks: Tokens, start: int, end: int) -> bool:
    """Bare numbers and ranges ("50", "10-20") are ambiguous and never money."""
    return _edges_ok(toks, start, end) and any(
        low in _MONEY_MARKERS for low in toks.lower[start:end]
    )


def money_between_ok(toks: Tokens, start: int, end: int) -> bool:
    """An "X and Y" money range, only after "between"."""
    return _after_between(toks, start) and money_ok(toks, start, end)


def _people_after(toks: Tokens, end: int) -> bool:
    """ "12 employees", "10 full-time people", "50+ staff", "20 of us"."""
    if toks.lower[end : end + 2] == ["of", "us"]:
        return True
    j = end
    while j < len(toks) and j - end < MAX_PEOPLE_FILLERS and toks.lower[j] in _PEOPLE_FILLERS:
        j += 1
    return j < len(toks) and toks.lower[j] in _PEOPLE_NOUNS


def _phrase_before(toks: Tokens, i: int, phrases: dict[str, list[list[str]]]) -> bool:
    """One of ``phrases`` (indexed by last word) ends right before token ``i``."""
    candidates = phrases.get(toks.lower[i - 1], ()) if i > 0 else ()
    return any(i >= len(p) and toks.lower[i - len(p) : i] == p for p in candidates)


def _phrase_at(toks: Tokens, i: int, phrases: dict[str, list[list[str]]]) -> bool:
    """One of ``phrases`` (indexed by first word) starts at token ``i``."""
    candidates = phrases.get(toks.lower[i], ()) if i < len(toks) else ()
    return any(toks.lower[i : i + len(p)] == p for p in candidates)


def _skip_hedges_back(toks: Tokens, start: int) -> int:
    i = start
    while i > 0 and start - i < MAX_HEDGES and toks.lower[i - 1] in _HEDGES:
        i -= 1
    return i


def _ends_phrase(toks: Tokens, end: int) -> bool:
    """End of text or punctuation ("we're 40.", "we're 40, mostly remote")."""
    if end >= len(toks):
        return True
    following = toks.lower[end]
    # "%" and "/" are units, not punctuation here
    return not any(c.isalnum() for c in following) and following not in _NOT_PEOPLE_UNITS


def _cue_before(toks: Tokens, start: int, end: int) -> bool:
    """ "a team of 12", "we're about 40", "our headcount is roughly 50"."""
    i = _skip_hedges_back(toks, start)
    if _phrase_before(toks, i, _NOUN_CUES):
        return end >= len(toks) or toks.lower[end] not in _NOT_PEOPLE_UNITS
    if _phrase_before(toks, i, _SUBJECT_CUES):
        return _ends_phrase(toks, end) or _phrase_at(toks, end, _SUBJECT_CUE_FOLLOWERS)
    return False


def headcount_ok(toks: Tokens, start: int, end: int) -> bool:
    """A number is a head-count only with a people noun after it or a cue before it."""
    if not _edges_ok(toks, start, end):
        return False
    return _people_after(toks, end) or _cue_before(toks, start, end)


def headcount_between_ok(toks: Tokens, start: int, end: int) -> bool:
    """An "X and Y" head-count range, only after "between"."""
    return _after_between(toks, start) and headcount_ok(toks, start, end)


def phone_ok(toks: Tokens, start: int, end: int) -> bool:
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
