"""Sort a visitor's "when do you need this?" answer into a buying-timeline bucket.

Sales only acts on the rough horizon, so free text ("asap", "in two months",
"3-6 months", "just exploring") is mapped to a small fixed set of buckets
that the CRM and lead scoring understand.
"""

from __future__ import annotations

import enum
import re

from text_to_num import alpha2digit  # type: ignore[import-untyped, unused-ignore]

__all__ = ["Timeline", "parse_timeline"]


class Timeline(str, enum.Enum):
    """When the visitor expects to start; values are stable slot/CRM keys."""

    NOW = "now"
    WITHIN_1_MONTH = "within_1_month"
    ONE_TO_3_MONTHS = "1_3_months"
    THREE_TO_6_MONTHS = "3_6_months"
    SIX_TO_12_MONTHS = "6_12_months"
    MORE_THAN_12_MONTHS = "12_plus_months"
    NO_TIMELINE = "no_timeline"

    @property
    def label(self) -> str:
        """A short human label, e.g. for a summary shown to the visitor."""
        return _LABELS[self]


_LABELS = {
    Timeline.NOW: "right away",
    Timeline.WITHIN_1_MONTH: "within a month",
    Timeline.ONE_TO_3_MONTHS: "1–3 months",
    Timeline.THREE_TO_6_MONTHS: "3–6 months",
    Timeline.SIX_TO_12_MONTHS: "6–12 months",
    Timeline.MORE_THAN_12_MONTHS: "more than a year",
    Timeline.NO_TIMELINE: "no set timeline",
}

_MONTHS_PER_UNIT = {"d": 12 / 365, "w": 12 / 52, "f": 24 / 52, "m": 1.0, "q": 3.0, "y": 12.0}
_DURATION = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*(?:-|to|or|and)\s*(\d+(?:\.\d+)?))?\s*\+?\s*"
    r"(days?|d|weeks?|wks?|w|fortnights?|months?|mos?|mths?|mnths?|m|quarters?|years?|yrs?|y)\b"
)
# "more than 6 months" is past the 3–6 bucket; nudging the figure up puts it in the next one.
_OPEN_ENDED = re.compile(r"(?:more than|over|after|beyond|at least|longer than|not for)\s*$")
_REWRITES = (
    (r"\b(?:a\s+)?couple(?:\s+of)?\b", "2"),
    (r"\b(?:a\s+)?few\b", "3"),
    (r"\bseveral\b", "4"),
    (r"\bhalf (?:a )?year\b", "6 months"),
    (r"\b(?:a|an|one) (day|week|fortnight|month|quarter|year) and a half\b", "1.5 \\1s"),
    (r"\b(?:a|an|one)\s+(day|week|fortnight|month|quarter|year)\b", "1 \\1"),
)
# Checked in order, so specific horizons win over "no rush" and "now", and
# negated urgency ("not urgent", "not right now") is caught before "now".
_PHRASES: tuple[tuple[Timeline, re.Pattern[str]], ...] = tuple(
    (bucket, re.compile(pattern))
    for bucket, pattern in (
        (
            Timeline.MORE_THAN_12_MONTHS,
            r"\bnext year or (?:later|after)\b|\byears? from now\b|\blong[- ]term\b"
            r"|\b(?:the )?year after next\b",
        ),
        (
            Timeline.SIX_TO_12_MONTHS,
            r"\b(?:later )?this year\b|\bnext (?:fiscal |financial )?year\b|\bnext fy\b"
            r"|\bend of (?:the )?year\b|\byear[- ]end\b|\beoy\b|\bwithin the year\b",
        ),
        (Timeline.THREE_TO_6_MONTHS, r"\bend of next quarter\b"),
        (
            Timeline.ONE_TO_3_MONTHS,
            r"\b(?:next|this|the coming|coming|end of(?: the| this)?) quarter\b|\beoq\b"
            r"|\bcoming months\b",
        ),
        (
            Timeline.WITHIN_1_MONTH,
            r"\b(?:this|next|within the|end of(?: the| this)?) month\b|\bnext week\b|\beom\b"
            r"|\b(?:coming|next) weeks\b|\b(?<!as )soon(?:ish)?\b",
        ),
        (
            Timeline.NO_TIMELINE,
            r"\bjust (?:exploring|looking|browsing|curious|researching|checking)\b|\bexploring\b"
            r"|\bresearch(?:ing)?\b|\bbrowsing\b|\bno (?:rush|hurry|timeline|deadline|time ?frame"
            r"|set date|specific date|plans?)\b|\bnot (?:urgent|in a (?:rush|hurry)|right now|now"
            r"|a priority)\b|\bwhenever\b|\bsome ?day\b|\beventually\b|\bwindow shopping\b",
        ),
        (
            Timeline.NOW,
            r"\basap\b|\ba\.s\.a\.p\b|\bas soon as possible\b|\bimmediate(?:ly)?\b"
            r"|\burgent(?:ly)?\b|\bright (?:now|away)\b|\bstraight away\b|\bnow\b|\btoday\b"
            r"|\btomorrow\b|\byesterday\b|\bthis week\b|\bready to (?:go|start)\b",
        ),
    )
)


def _bucket(months: float) -> Timeline:
    for limit, bucket in (
        (1, Timeline.WITHIN_1_MONTH),
        (3, Timeline.ONE_TO_3_MONTHS),
        (6, Timeline.THREE_TO_6_MONTHS),
        (12, Timeline.SIX_TO_12_MONTHS),
    ):
        if months <= limit:
            return bucket
    return Timeline.MORE_THAN_12_MONTHS


def _prepare(text: str) -> str:
    t = text.lower().translate(str.maketrans("–—’", "--'"))
    for pattern, replacement in _REWRITES:
        t = re.sub(pattern, replacement, t)
    return re.sub(r"(\d+) and a half\b", r"\1.5", str(alpha2digit(t, "en", threshold=0)))


def _months_mentioned(text: str) -> float | None:
    match = _DURATION.search(text)
    if match is None:
        return None
    # For a range ("3 to 6 months") sales cares about the latest date given.
    figure = float(match[2] or match[1])
    unit = "f" if match[3].startswith("fortnight") else match[3][0]
    months = figure * _MONTHS_PER_UNIT[unit]
    return months + 0.01 if _OPEN_ENDED.search(text[: match.start()]) else months


def parse_timeline(text: str) -> Timeline | None:
    """Return the bucket ``text`` falls in, or ``None`` if it names no time.

    Explicit durations are converted to months and bucketed by their upper
    bound (≤1, ≤3, ≤6, ≤12, more). Uncertain answers ("not sure yet") give
    ``None``; use :func:`bot.leads.quantities.is_unsure` to tell those apart.
    Month names ("by March") are not understood.
    """
    t = _prepare(text)
    months = _months_mentioned(t)
    if months is not None:
        return _bucket(months)
    for bucket, pattern in _PHRASES:
        if pattern.search(t):
            return bucket
    return None
