"""Unit tests for bot.scoring.segments: operators, nested conditions, missing answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.scoring import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    LeadFacts,
    LeadScore,
    Not,
    Segment,
    load_segments,
    segments_for,
)
from bot.scoring.segments import FIELDS, OPERATORS

# Head of Support at a 250–400 person retailer who asked for a demo over web chat.
MARCO = LeadFacts.from_slots(
    {
        "name": "Marco Rossi",
        "email": "marco.rossi@shopline.eu",
        "company": "Shopline Retail",
        "role": "Head of Customer Support",
        "authority": "decision_maker",
        "company_size": {"low": 250, "high": 400, "unit": "people"},
        "budget": {"low": 10000, "high": 20000, "unit": "EUR"},
        "timeline": "within_1_month",
        "use_case": "Answer order-status questions in Italian and English",
        "phone": "+393471234567",
        "consent": {"marketing_email": "granted", "marketing_sms": "denied"},
    },
    channel="webchat",
    signals={"asked_pricing": True, "handoff_requested": True},
)
MARCO_SCORE = LeadScore(total=88, grade="A", breakdown=[])

# A student who would not say much, on SMS.
ELLA = LeadFacts.from_slots(
    {
        "email": "ella.k@gmail.com",
        "role": "student",
        "authority": "student",
        "company_size": "declined",
        "budget": "unknown",
        "timeline": "unknown",
        "phone": "declined",
    },
    channel="sms",
    signals={},
)
ELLA_SCORE = LeadScore(total=0, grade="D", breakdown=[])


def holds(condition: Condition, facts: LeadFacts = MARCO, score: LeadScore = MARCO_SCORE) -> bool:
    return Segment("test", "", condition).matches(facts, score)


OPERATOR_CASES: list[tuple[str, str, Any, bool]] = [
    ("grade", "eq", "A", True),
    ("grade", "eq", "a", True),  # text compares ignoring case
    ("grade", "eq", "B", False),
    ("channel", "ne", "sms", True),
    ("channel", "ne", "webchat", False),
    ("timeline", "in", ("now", "within_1_month"), True),
    ("timeline", "in", ("3_6_months",), False),
    ("authority", "not_in", ("student", "other"), True),
    ("authority", "not_in", ("decision_maker",), False),
    ("score", "gte", 88, True),
    ("score", "gte", 89, False),
    ("score", "gt", 87, True),
    ("score", "gt", 88, False),
    ("company_size.low", "lte", 250, True),
    ("company_size.low", "lte", 249, False),
    ("company_size.high", "lt", 401, True),
    ("company_size.high", "lt", 400, False),
    ("budget.low", "gte", 10000, True),
    ("budget.high", "lte", 15000, False),
    ("budget.unit", "eq", "EUR", True),
    ("phone", "exists", None, True),
    ("phone", "missing", None, False),
    ("use_case", "contains", "ORDER-STATUS", True),
    ("use_case", "contains", "refund", False),
    ("email_domain", "eq", "shopline.eu", True),
    ("email_domain", "contains", "shopline", True),
    ("consent.marketing_email", "eq", "granted", True),
    ("consent.marketing_sms", "eq", "granted", False),
    ("signals.asked_pricing", "eq", True, True),
    ("signals.asked_product", "eq", False, True),
    ("signals.handoff_requested", "ne", True, False),
]


@pytest.mark.parametrize(("field", "op", "value", "expected"), OPERATOR_CASES)
def test_each_operator(field: str, op: str, value: Any, expected: bool) -> None:
    assert holds(Comparison(field, op, value)) is expected


def test_every_operator_is_tested_above() -> None:
    assert {op for _, op, _, _ in OPERATOR_CASES} == set(OPERATORS)


def test_a_yes_no_signal_is_never_the_number_one() -> None:
    assert holds(Comparison("signals.asked_pricing", "eq", 1)) is False
    assert holds(Comparison("signals.asked_pricing", "in", (1, 0))) is False


@pytest.mark.parametrize(
    ("field", "op", "value"),
    [
        ("company_size.low", "gte", 0),
        ("company_size.low", "lt", 1_000_000),
        ("company_size.high", "ne", 5),
        ("budget.low", "gt", 0),
        ("budget.unit", "eq", "USD"),
        ("budget.unit", "ne", "USD"),
        ("timeline", "ne", "now"),
        ("timeline", "not_in", ("now",)),
        ("timeline", "in", ("unknown",)),
        ("phone", "contains", "+"),
        ("company", "exists", None),
        ("consent.marketing_email", "ne", "granted"),
        ("use_case", "eq", "declined"),
    ],
)
def test_comparisons_on_missing_unknown_or_declined_answers_are_false(
    field: str, op: str, value: Any
) -> None:
    assert holds(Comparison(field, op, value), ELLA, ELLA_SCORE) is False


@pytest.mark.parametrize(
    "field",
    ["company_size.low", "budget.high", "timeline", "phone", "company", "consent.marketing_sms"],
)
def test_missing_holds_for_unknown_declined_and_never_given(field: str) -> None:
    assert holds(Comparison(field, "missing"), ELLA, ELLA_SCORE) is True


def test_not_turns_a_false_comparison_on_a_missing_answer_true() -> None:
    # Spelled out for marketers: not(ne) is not eq when the answer is missing.
    condition = Not(Comparison("timeline", "ne", "now"))
    assert holds(condition, ELLA, ELLA_SCORE) is True


def test_nested_all_any_not() -> None:
    # Big company, and either asked for a demo or wants to start now, and not a student.
    condition = AllOf(
        (
            Comparison("company_size.low", "gte", 200),
            AnyOf(
                (
                    Comparison("signals.handoff_requested", "eq", True),
                    Comparison("timeline", "eq", "now"),
                )
            ),
            Not(Comparison("authority", "eq", "student")),
        )
    )
    assert holds(condition) is True
    assert holds(condition, ELLA, ELLA_SCORE) is False
    without_demo = AnyOf((Comparison("signals.asked_product", "eq", True), Not(condition)))
    assert holds(without_demo) is False


def test_segments_for_lists_matches_in_file_order() -> None:
    segments = [
        Segment("b_grade_a", "", Comparison("grade", "eq", "A")),
        Segment("a_students", "", Comparison("authority", "eq", "student")),
        Segment("c_webchat", "", Comparison("channel", "eq", "webchat")),
    ]
    assert segments_for(MARCO, MARCO_SCORE, segments) == ["b_grade_a", "c_webchat"]
    assert segments_for(ELLA, ELLA_SCORE, segments) == ["a_students"]
    assert segments_for(MARCO, MARCO_SCORE, []) == []


def test_every_field_reads_without_error() -> None:
    for name, field in FIELDS.items():
        field.read(MARCO, MARCO_SCORE)
        field.read(ELLA, ELLA_SCORE)
        assert field.kind in ("number", "text", "bool", "choice"), name


@pytest.fixture(scope="module")
def shipped() -> list[Segment]:
    return load_segments(Path("data/scoring/segments.yml"))


def test_shipped_segments_for_an_enterprise_buyer(shipped: list[Segment]) -> None:
    assert segments_for(MARCO, MARCO_SCORE, shipped) == ["hot_enterprise", "ready_to_buy"]


def test_shipped_segments_for_a_student(shipped: list[Segment]) -> None:
    assert segments_for(ELLA, ELLA_SCORE, shipped) == ["students"]


def test_shipped_segments_for_a_small_team_to_nurture(shipped: list[Segment]) -> None:
    # Grade C, said yes to e-mails and texts, budget undecided.
    facts = LeadFacts.from_slots(
        {
            "email": "tom@bakery-bros.co.uk",
            "authority": "decision_maker",
            "company_size": {"low": 4, "high": 4, "unit": "people"},
            "budget": "unknown",
            "timeline": "1_3_months",
            "phone": "+447700900123",
            "consent": {"marketing_email": "granted", "marketing_sms": "granted"},
        },
        channel="sms",
        signals={},
    )
    score = LeadScore(total=40, grade="C", breakdown=[])
    assert segments_for(facts, score, shipped) == ["nurture", "sms_reachable"]


def test_a_large_b_lead_is_not_hot_enterprise(shipped: list[Segment]) -> None:
    score = LeadScore(total=65, grade="B", breakdown=[])
    assert "hot_enterprise" not in segments_for(MARCO, score, shipped)


def test_scoring_knows_every_timeline_the_form_produces() -> None:
    from bot.leads.timeline import Timeline
    from bot.scoring.facts import TIMELINES

    assert tuple(t.value for t in Timeline) == TIMELINES
