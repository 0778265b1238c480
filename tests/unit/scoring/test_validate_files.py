"""Unit tests for bot.scoring.rules across whole files: the shipped files and the command line.

Covers the templates and the shipped rules and segments loading cleanly, segments checked
against the grades of the rules, every mistake in every file collected in line order, and
the `python -m bot.scoring` check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import load_scoring_rules, load_segments, validate_rule_files
from bot.scoring.__main__ import main
from tests.unit.scoring.validation_builders import (
    RULES,
    SEGMENTS,
    SHIPPED_RULES,
    SHIPPED_SEGMENTS,
    edited,
    errors_in,
    write,
)


# The templates are RULES and SEGMENTS in validation_builders.
def test_the_templates_above_are_valid(tmp_path: Path) -> None:
    assert errors_in(tmp_path, RULES) == []
    assert errors_in(tmp_path, SEGMENTS, "segments.yml") == []


def test_the_shipped_files_load_without_error() -> None:
    assert validate_rule_files([SHIPPED_RULES, SHIPPED_SEGMENTS]) == []
    rules = load_scoring_rules(SHIPPED_RULES)
    assert [grade.name for grade in rules.grades] == ["A", "B", "C", "D"]
    names = [segment.name for segment in load_segments(SHIPPED_SEGMENTS)]
    assert names == ["hot_enterprise", "ready_to_buy", "nurture", "sms_reachable", "students"]


def test_segments_are_checked_against_the_grades_of_the_rules(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.yml", RULES)
    segments = write(tmp_path, "segments.yml", edited(SEGMENTS, "value: A}", "value: C}"))
    assert [str(e) for e in validate_rule_files([rules, segments])] == [
        f"{segments}:6: 'C' is not a grade in the rules (A, B, D)"
    ]
    # On their own, segments cannot know which grades exist.
    assert validate_rule_files([segments]) == []


def test_all_mistakes_in_all_files_are_collected_in_line_order(tmp_path: Path) -> None:
    rules_text = edited(RULES, "EUR: 1.08", "EUR: 0")
    rules_text = edited(rules_text, "min: 201\n", "min: 201\n      max: 100\n")
    rules_text = edited(rules_text, "{grade: B, min: 50}", "{grade: B, min: 90}")
    rules = write(tmp_path, "rules.yml", rules_text)
    segments_text = edited(SEGMENTS, "op: gte,", "op: gtee,")
    segments_text = edited(segments_text, "name: students", "name: hot_enterprise")
    segments = write(tmp_path, "segments.yml", segments_text)
    assert [str(e) for e in validate_rule_files([rules, segments])] == [
        f"{rules}:12: band 'enterprise' of company_size has min 201 greater than max 100",
        f"{rules}:22: currency_rates.EUR is 0; it must be more than 0",
        f"{rules}:40: grade thresholds must be strictly descending: 'B' (min 90) comes after "
        "'A' (min 70)",
        f"{segments}:7: unknown operator 'gtee'; did you mean 'gte'?",
        f"{segments}:8: duplicate segment name 'hot_enterprise' (first defined at line 2)",
    ]


def test_the_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SHIPPED_RULES), str(SHIPPED_SEGMENTS)]) == 0
    assert "2 scoring file(s) OK" in capsys.readouterr().out
    broken = write(tmp_path, "rules.yml", edited(RULES, "EUR: 1.08", "EUR: 0"))
    assert main([str(broken)]) == 1
    assert (
        capsys.readouterr().err == f"{broken}:21: currency_rates.EUR is 0; it must be more than 0\n"
    )
