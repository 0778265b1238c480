"""The handoff settings file: the shipped one loads, mistakes are named with their line,
and business hours give honest openings."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.bootstrap import HANDOFF
from bot.handoff.config import load_handoff_config, validate_handoff_file
from bot.handoff.hours import describe_opening, is_open, next_opening
from bot.handoff.service import matching_rule, territory_of, when_someone_replies
from bot.scoring import LeadFacts, score_lead
from bot.scoring.rules import load_scoring_rules

GOOD = """\
version: 1
time_zone: Europe/Berlin
hours:
  mon: "09:00-17:00"
  sat: "10:00-14:00"
wait_for_rep: 90s
hand_over_when:
  - name: big
    when: {field: company_size.low, op: gte, value: 200}
reps:
  dieter: {territories: [DE], languages: [de]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handoff.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads() -> None:
    assert validate_handoff_file(HANDOFF) == []
    config = load_handoff_config(HANDOFF)
    assert {rule.name for rule in config.rules} == {"top_grade", "enterprise"}


def test_a_file_loads_with_its_reps_and_rules(tmp_path: Path) -> None:
    config = load_handoff_config(write(tmp_path, GOOD))
    assert config.wait_for_rep.total_seconds() == 90
    assert config.reps["dieter"].territories == {"DE"} and not config.reps["dieter"].segments
    assert set(config.hours) == {0, 5}


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        ("time_zone: Europe/Berlin", 2, "unknown time zone 'Mars/Olympus'"),
        ('  mon: "09:00-17:00"', 4, "the closing time must come after the opening"),
        ("wait_for_rep: 90s", 6, "a duration such as 90s, 3m or 1h"),
        ("    when: {field: company_size.low, op: gte, value: 200}", 9, "company_sise"),
    ],
)
def test_mistakes_are_named_with_their_line(
    tmp_path: Path, change: str, line: int, message: str
) -> None:
    broken = {
        "time_zone: Europe/Berlin": "time_zone: Mars/Olympus",
        '  mon: "09:00-17:00"': '  mon: "17:00-09:00"',
        "wait_for_rep: 90s": "wait_for_rep: soon",
        "    when: {field: company_size.low, op: gte, value: 200}": (
            "    when: {field: company_sise.low, op: gte, value: 200}"
        ),
    }[change]
    errors = validate_handoff_file(write(tmp_path, GOOD.replace(change, broken)))
    assert errors, "the mistake was not noticed"
    assert errors[0].line == line
    assert message in str(errors[0])


def test_hours_and_openings(tmp_path: Path) -> None:
    config = load_handoff_config(write(tmp_path, GOOD))
    monday_noon = datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)  # 12:00 in Berlin
    assert is_open(config, monday_noon)
    assert next_opening(config, monday_noon) == monday_noon
    evening = datetime(2026, 12, 7, 18, 0, tzinfo=timezone.utc)
    opening = next_opening(config, evening)
    assert opening is not None and opening.isoformat() == "2026-12-12T10:00:00+01:00"
    assert describe_opening(config, opening, evening) == "Saturday at 10 AM Berlin time"
    friday = datetime(2026, 12, 11, 9, 0, tzinfo=timezone.utc)
    assert when_someone_replies(config, friday) == "tomorrow at 10 AM Berlin time"
    assert when_someone_replies(config, monday_noon) == "as soon as someone is free"


def test_rules_match_leads(tmp_path: Path) -> None:
    config = load_handoff_config(write(tmp_path, GOOD))
    rules = load_scoring_rules(Path("data/scoring/rules.yml"))
    big = LeadFacts.from_slots(
        {"company_size": {"low": 250, "high": 250, "unit": "people"}}, channel="webchat", signals={}
    )
    small = LeadFacts.from_slots(
        {"company_size": {"low": 5, "high": 5, "unit": "people"}}, channel="webchat", signals={}
    )
    assert matching_rule(config, big, score_lead(big, rules), []) == "rule:big"
    assert matching_rule(config, small, score_lead(small, rules), []) is None


@pytest.mark.parametrize(
    ("conversation", "phone", "territory"),
    [
        ("sms:+4915112345678", None, "DE"),
        ("sms:+14155550100", "+4915112345678", "US"),  # the channel's own number wins
        ("web-1", "+44 20 7946 0958", "GB"),
        ("web-1", "not a number", None),
        ("telegram:42", None, None),
    ],
)
def test_territory_comes_from_the_number(
    conversation: str, phone: str | None, territory: str | None
) -> None:
    assert territory_of(conversation, phone) == territory


def test_rules_and_reps_must_name_segments_and_grades_that_exist(tmp_path: Path) -> None:
    text = GOOD + "  - name: vip\n    segment: hot_enterprize\n  - name: best\n    grade: Z\n"
    text = text.replace("reps:\n  dieter: {territories: [DE], languages: [de]}\n", "")
    text += "reps:\n  dieter: {segments: [ready_to_bye]}\n"
    errors = validate_handoff_file(
        write(tmp_path, text), segments={"hot_enterprise", "ready_to_buy"}, grades={"A", "B"}
    )
    assert [str(error).split(": ", 1)[1] for error in errors] == [
        "unknown segment 'hot_enterprize'; did you mean 'hot_enterprise'?",
        "unknown grade 'Z'; expected one of: A, B",
        "unknown segment 'ready_to_bye'; did you mean 'ready_to_buy'?",
    ]
