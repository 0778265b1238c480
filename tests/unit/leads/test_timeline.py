"""Unit tests for bot.leads.timeline: free-text buying horizons to buckets."""

from __future__ import annotations

import pytest

from bot.leads import Timeline, is_unsure, parse_timeline

NOW = Timeline.NOW
MONTH = Timeline.WITHIN_1_MONTH
ONE_3 = Timeline.ONE_TO_3_MONTHS
THREE_6 = Timeline.THREE_TO_6_MONTHS
SIX_12 = Timeline.SIX_TO_12_MONTHS
YEAR_PLUS = Timeline.MORE_THAN_12_MONTHS
NONE_SET = Timeline.NO_TIMELINE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Right away
        ("asap", NOW),
        ("ASAP!!", NOW),
        ("a.s.a.p.", NOW),
        ("as soon as possible please", NOW),
        ("immediately", NOW),
        ("this week", NOW),
        ("urgent", NOW),
        ("it's urgent tbh", NOW),
        ("yesterday", NOW),
        ("we needed it yesterday lol", NOW),
        ("right now", NOW),
        ("today if possible", NOW),
        ("tomorrow", NOW),
        ("we're ready to go", NOW),
        # Within a month
        ("this month", MONTH),
        ("next month", MONTH),
        ("by the end of the month", MONTH),
        ("next week", MONTH),
        ("in 2 weeks", MONTH),
        ("in two weeks", MONTH),
        ("2wks", MONTH),
        ("in a couple of weeks", MONTH),
        ("within 30 days", MONTH),
        ("within a week", MONTH),
        ("a fortnight", MONTH),
        ("next few weeks", MONTH),
        ("within the next two weeks", MONTH),
        ("within 1 month", MONTH),
        ("in a month", MONTH),
        ("soon", MONTH),
        # 1-3 months
        ("next quarter", ONE_3),
        ("this quarter", ONE_3),
        ("end of this quarter", ONE_3),
        ("in 2 months", ONE_3),
        ("in two months", ONE_3),
        ("1-3 months", ONE_3),
        ("1 to 3 months", ONE_3),
        ("one to three months", ONE_3),
        ("3 months", ONE_3),
        ("within 90 days", ONE_3),
        ("in six weeks", ONE_3),
        ("4-6 weeks", ONE_3),
        ("in a few months", ONE_3),
        ("next couple of months", ONE_3),
        ("in the coming months", ONE_3),
        ("no rush, maybe in 2 months", ONE_3),
        ("not now, maybe next quarter", ONE_3),
        # 3-6 months
        ("in 4 months", THREE_6),
        ("3-6 months", THREE_6),
        ("3–6 months", THREE_6),
        ("three to six months", THREE_6),
        ("between 3 and 6 months", THREE_6),
        ("half a year", THREE_6),
        ("in half a year", THREE_6),
        ("6m", THREE_6),
        ("within 6 mos", THREE_6),
        ("end of next quarter", THREE_6),
        # 6-12 months
        ("later this year", SIX_12),
        ("sometime this year", SIX_12),
        ("within a year", SIX_12),
        ("6-12 months", SIX_12),
        ("in the next 6-12 months", SIX_12),
        ("next year", SIX_12),
        ("sometime next year", SIX_12),
        ("in 9 months", SIX_12),
        ("by the end of the year", SIX_12),
        ("eoy", SIX_12),
        ("more than 6 months", SIX_12),
        ("12 months", SIX_12),
        ("in 1 yr", SIX_12),
        # More than a year
        ("in 2 years", YEAR_PLUS),
        ("in two years", YEAR_PLUS),
        ("next year or later", YEAR_PLUS),
        ("18 months", YEAR_PLUS),
        ("in 1.5 years", YEAR_PLUS),
        ("a year and a half", YEAR_PLUS),
        ("more than a year", YEAR_PLUS),
        ("long term", YEAR_PLUS),
        ("a couple of years from now", YEAR_PLUS),
        # No timeline
        ("just exploring", NONE_SET),
        ("Just looking 🙂", NONE_SET),
        ("just browsing", NONE_SET),
        ("no rush", NONE_SET),
        ("no hurry at all", NONE_SET),
        ("no timeline", NONE_SET),
        ("no deadline yet", NONE_SET),
        ("researching options", NONE_SET),
        ("we're in the research phase", NONE_SET),
        ("not urgent", NONE_SET),
        ("not right now, just looking", NONE_SET),
        ("whenever", NONE_SET),
        ("someday", NONE_SET),
    ],
)
def test_parse_timeline(text: str, expected: Timeline) -> None:
    assert parse_timeline(text) is expected


@pytest.mark.parametrize(
    "text",
    ["", "not sure", "not sure yet", "depends", "idk", "by march", "q3", "blue", "later"],
)
def test_parse_timeline_returns_none_when_no_time_is_named(text: str) -> None:
    assert parse_timeline(text) is None


@pytest.mark.parametrize("text", ["not sure", "not sure yet", "depends", "idk"])
def test_uncertain_timelines_are_left_to_is_unsure(text: str) -> None:
    assert parse_timeline(text) is None
    assert is_unsure(text)


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0.5, MONTH),
        (1, MONTH),
        (2, ONE_3),
        (3, ONE_3),
        (4, THREE_6),
        (6, THREE_6),
        (7, SIX_12),
        (12, SIX_12),
        (13, YEAR_PLUS),
        (36, YEAR_PLUS),
    ],
)
def test_durations_are_bucketed_by_months(months: float, expected: Timeline) -> None:
    assert parse_timeline(f"in {months} months") is expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [(7, MONTH), (30, MONTH), (31, ONE_3), (90, ONE_3), (120, THREE_6), (365, SIX_12)],
)
def test_days_are_converted_to_months(days: int, expected: Timeline) -> None:
    assert parse_timeline(f"within {days} days") is expected


def test_ranges_use_their_upper_bound() -> None:
    assert parse_timeline("2 to 4 months") is THREE_6
    assert parse_timeline("1 or 2 weeks") is MONTH


def test_timeline_values_are_stable_slot_keys() -> None:
    assert [member.value for member in Timeline] == [
        "now",
        "within_1_month",
        "1_3_months",
        "3_6_months",
        "6_12_months",
        "12_plus_months",
        "no_timeline",
    ]
    assert Timeline("1_3_months") is ONE_3
    assert Timeline.NOW == "now"


@pytest.mark.parametrize(
    ("member", "label"),
    [
        (NOW, "right away"),
        (MONTH, "within a month"),
        (ONE_3, "1–3 months"),
        (THREE_6, "3–6 months"),
        (SIX_12, "6–12 months"),
        (YEAR_PLUS, "more than a year"),
        (NONE_SET, "no set timeline"),
    ],
)
def test_every_member_has_a_label(member: Timeline, label: str) -> None:
    assert member.label == label
