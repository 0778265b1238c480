"""Read budgets and team sizes the way visitors type them ("10-20k", "me and a cofounder").

Parsers return a slot-friendly :class:`Range`, or ``None`` rather than a guess when no amount
is given, so the bot can ask again or record "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from text_to_num import alpha2digit  # type: ignore[import-untyped, unused-ignore]

from bot.leads.currencies import SPELLINGS

__all__ = ["Range", "is_unsure", "parse_headcount", "parse_money"]

MAX_HEADCOUNT = 10_000_000


def _plain(value: float) -> int | float:
    return int(value) if value == int(value) else value


@dataclass(frozen=True)
class Range:
    """An inclusive amount range; ``low == high`` for a single figure."""

    low: float
    high: float
    unit: str  # ISO currency code for money, "people" for headcounts

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high and self.unit):
            raise ValueError(f"invalid range: {self!r}")

    def as_slot(self) -> dict[str, object]:
        """Return a JSON-friendly dict for a Rasa slot (ints where whole)."""
        return {"low": _plain(self.low), "high": _plain(self.high), "unit": self.unit}

    @classmethod
    def from_slot(cls, value: object) -> Range:
        """Rebuild a range from :meth:`as_slot` output; raises ``ValueError``."""
        if not isinstance(value, Mapping):
            raise ValueError(f"not a range slot: {value!r}")
        low, high, unit = value.get("low"), value.get("high"), value.get("unit")
        # bool is an int subclass, but True is never a meaningful amount.
        numbers = [n for n in (low, high) if isinstance(n, int | float) and not isinstance(n, bool)]
        if len(numbers) != 2 or not isinstance(unit, str):
            raise ValueError(f"not a range slot: {value!r}")
        return cls(float(numbers[0]), float(numbers[1]), unit)

    def __str__(self) -> str:
        if self.low == self.high == 1 and self.unit == "people":
            return "1 person"
        low, high = f"{_plain(self.low):,}", f"{_plain(self.high):,}"
        return f"{low} {self.unit}" if low == high else f"{low}–{high} {self.unit}"


_NUMBER_WORD = (
    r"(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b"
)
_MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand", "grand"), 1e3),
    **dict.fromkeys(("m", "mm", "mn", "mil", "million"), 1e6),
    **dict.fromkeys(("bn", "billion"), 1e9),
    # How India counts: a lakh is 100,000, a crore ten million.
    **dict.fromkeys(("lakh", "lakhs", "lac", "lacs"), 1e5),
    **dict.fromkeys(("crore", "crores", "cr"), 1e7),
}
_CURRENCIES = {spelling: code for code, spellings in SPELLINGS.items() for spelling in spellings}


def _alternation(words: Iterable[str], whole_words: bool = True) -> str:
    # Longest first, so "c$" wins over "$" and "mn" over "m".
    ordered = sorted(words, key=len, reverse=True)
    bounded = (rf"\b{w}\b" if whole_words and w.isalpha() else w for w in map(re.escape, ordered))
    return "(?:" + "|".join(bounded) + ")"


_CUR = _alternation(_CURRENCIES)
_CURRENCY = re.compile(_CUR)
_AMOUNT = re.compile(
    rf"(?P<pre>{_CUR}\s*)?(?<![\d.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"(?:\s*(?P<mult>{_alternation(_MULTIPLIERS, whole_words=False)})(?![a-z]))?"
    rf"(?![\w])(?P<post>\s*{_CUR})?"
)
_RANGE_JOIN = re.compile(r"\s*(?:-|~|to|and|or|through|thru|till|until|/)\s*")
_PEOPLE = r"people|persons|employees|staff|folks|members|engineers|devs|developers|heads|ftes?"
_PEOPLE_AFTER = re.compile(rf"\s*(?:{_PEOPLE}|workers|colleagues|of us|co-?founders)\b")
_NOT_MONEY_AFTER = re.compile(
    rf"\s*(?:%|percent|team|(?:day|week|month|mo|year|yr|hour|hr|user|seat|customer|client)s?\b"
    rf"|{_PEOPLE})"
)
_PUNCTUATION = str.maketrans("–—−’", "---'")
_NEGATIVE = re.compile(r"^\W*(?:-|minus)\s*\d")
_SHORT_MULTIPLIER = {"thousand": "k", "million": "mn", "billion": "bn"}
_MULT_AHEAD = r"(?=\s+(?:and a half\s+)?(?:k|grand|mn|bn)\b)"
_REWRITES = (
    (r"\bno one\b", "nobody"),
    (r"(\d(?:\s*(?:k|mn|m|bn))?)\s*-?ish\b", r"\1"),  # "30ish", "5k-ish": about that many
    # Vague plurals are not counts; alpha2digit would read "hundreds" as 100.
    (r"\b(?:tens|hundreds|thousands|millions|billions|dozens)\b", "lots"),
    (r"\b(?:a\s+)?dozen\b", "12"),
    (r"\b(?<!and )(?:half an?|a half)\s+(thousand|million|billion|grand|k|m|mn|bn)\b", r"0.5 \1"),
    # Left alone, alpha2digit folds "thousand" into the number, so "ten to
    # twenty thousand" becomes "10 to 20000" and the shared multiplier is lost.
    *((rf"\b{word}\b(?!\s+{_NUMBER_WORD})", short) for word, short in _SHORT_MULTIPLIER.items()),
    # With a threshold, alpha2digit leaves "two" alone; "two grand" still counts.
    (rf"\b(?:an?|one)\b{_MULT_AHEAD}", "1"),
    (rf"\btwo\b{_MULT_AHEAD}", "2"),
    (rf"\bthree\b{_MULT_AHEAD}", "3"),
)


# "8 000 NOK", "12 500": thousands grouped with spaces, as much of Europe writes them.
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,])")


def _to_digits(text: str, threshold: float) -> str:
    """Lower-case ``text`` and rewrite spelled-out numbers as digits."""
    t = _SPACED_THOUSANDS.sub(lambda m: m.group().replace(" ", ""), text.lower())
    t = t.translate(_PUNCTUATION)
    if _NEGATIVE.match(t):
        return ""  # nobody has a negative budget or team; no figure beats a wrong one
    for pattern, replacement in _REWRITES:
        t = re.sub(pattern, replacement, t)
    t = str(alpha2digit(t, "en", threshold=threshold))
    return re.sub(r"(\d+(?:\.\d+)?) and a half\b", lambda m: str(float(m[1]) + 0.5), t)


@dataclass(frozen=True)
class _Amount:
    match: re.Match[str]
    value: float
    multiplier: float | None
    currency: str | None
    total: float  # value times multiplier

    @property
    def named(self) -> bool:
        """Whether a currency or multiplier marks this figure as money."""
        return bool(self.multiplier or self.currency)


def _amounts(text: str) -> list[_Amount]:
    found: list[_Amount] = []
    for m in _AMOUNT.finditer(text):
        mult = _MULTIPLIERS[m["mult"]] if m["mult"] else None
        marker = (m["pre"] or m["post"] or "").strip()
        num = m["num"].replace(",", "")
        # "15.000" is fifteen thousand the European way; nobody budgets 15.0.
        if mult is None and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
            num = num.replace(".", "")
        value = float(num)
        found.append(_Amount(m, value, mult, _CURRENCIES.get(marker), value * (mult or 1)))
    return found


def _pick(text: str, amounts: list[_Amount], strong: list[bool]) -> tuple[float, float] | None:
    """Choose the most telling amount and widen it to a range if one is typed."""
    if not amounts:
        return None
    i = strong.index(True) if any(strong) else 0
    pairs = [
        (amounts[a], amounts[b])
        for a, b in ((i, i + 1), (i - 1, i))
        if a >= 0
        and b < len(amounts)
        and _RANGE_JOIN.fullmatch(text[amounts[a].match.end() : amounts[b].match.start()])
        and (strong[a] or strong[b] or not any(strong))
    ]
    if not pairs:
        return amounts[i].total, amounts[i].total
    first, second = pairs[0]
    low, high = first.total, second.total
    # "10-20k": one multiplier serves both ends, unless that would invert the range ("500-2k").
    if first.multiplier is None and second.multiplier and first.value * second.multiplier <= high:
        low = first.value * second.multiplier
    if second.multiplier is None and first.multiplier and second.value * first.multiplier >= low:
        high = second.value * first.multiplier
    return min(low, high), max(low, high)


def parse_money(text: str, default_currency: str = "USD") -> Range | None:
    """Return the budget in ``text``, or ``None``; periods ("per month") are ignored.

    Open-ended answers ("up to 30k", "at least 10k") give the figure named as
    both ends (low == high == 30000): the direction of the bound is not kept.
    """
    t = _to_digits(text, threshold=3)
    # A bare "3" in "in 3 months" or "5 people" is not a budget.
    amounts = [a for a in _amounts(t) if a.named or not _NOT_MONEY_AFTER.match(t, a.match.end())]
    picked = _pick(t, amounts, [a.named for a in amounts])
    if picked is None:
        return None
    # "$800 AUD": the code says which dollars.
    named = sorted(_CURRENCY.findall(t), key=lambda spelling: spelling == "$")
    currency = _CURRENCIES[named[0]] if named else default_currency.upper()
    return Range(picked[0], picked[1], currency)


_ME_AND_ONE = re.compile(
    r"\b(?:me|myself|i)\s*(?:and|&|\+|plus|with)\s*(?:a|one|1|my)\s+(?:co-?founder|business partner"
    r"|partner|friend|colleague|co-?worker|assistant|employee|dev|developer|freelancer|contractor"
    r"|other person|wife|husband|spouse|brother|sister)\b|\bboth of us\b"
    r"|\b(?:a|my|one|1)\s+co-?founder\s+and\s+(?:me|i|myself)\b"
)
_ME_AND_N = re.compile(r"\b(?:me|myself|i)\s*(?:and|&|\+|plus|with)\s*(\d+)\s+[a-z-]+")
_SOLO = re.compile(
    r"\b(?:just|only)\s+(?:me|myself|i)\b|\bsolo\b|\bfreelanc\w*|\bmyself\b|\bsole (?:trader|"
    r"proprietor|founder)|\bone[- ](?:man|woman|person)\b|\b(?:on|by) my own\b|\balone\b|^\W*me\W*$"
)


def parse_headcount(text: str) -> Range | None:
    """Return the team size in ``text``, or ``None`` (also for counts <= 0 or > 10 million)."""
    t = _to_digits(text, threshold=0)
    if _ME_AND_ONE.search(t):
        return Range(2, 2, "people")
    amounts = [a for a in _amounts(t) if a.currency is None]
    picked = _pick(t, amounts, [bool(_PEOPLE_AFTER.match(t, a.match.end())) for a in amounts])
    if others := _ME_AND_N.search(t):
        picked = (int(others[1]) + 1, int(others[1]) + 1)
    if picked is None:
        return Range(1, 1, "people") if _SOLO.search(t) else None
    low, high = round(picked[0]), round(picked[1])
    if low <= 0 or high > MAX_HEADCOUNT:
        return None
    return Range(low, high, "people")


_UNSURE = re.compile(
    r"\b(?:do\s*n'?t|didn'?t|dnt|do not)\s+(?:really\s+)?(?:know|knw|kno|no|knwo"
    r"|have a clue|have an idea)\b|\bdunn?o\b|\bidk\b|\bidek\b|\bno\s+(?:idea|clue|cluse|ide)\b"
    r"|\bnot\s+(?:sure|shure|suer|sur|certain|decided|known|yet)\b|\bunsure\b|\buncertain\b"
    r"|\bundecided\b|\btb[cda]\b|\bto be (?:determined|decided|confirmed)\b"
    r"|\bhave\s*n'?t\s+(?:yet\s+)?(?:decided|figured|worked|set|thought|got)\b"
    r"|\bdepends\b|\bhard to say\b|\bcan'?t say\b|\bwho knows\b|\bnot\s+\S+\s+(?:sure|decided)\b"
    r"|\b(?:no|don'?t have an?y?) budget\b|^\W*\?+\W*$"
)


def is_unsure(text: str) -> bool:
    """Whether ``text`` means "don't know (yet)"; "not sure, maybe 10k" is not: the 10k wins."""
    t = text.lower().replace("’", "'")
    figures = re.sub(r"\d+\s*(?:%|percent)", "", _to_digits(t, threshold=3))
    return bool(_UNSURE.search(t)) and not re.search(r"\d", figures)
