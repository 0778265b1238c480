"""Unit tests for bot.scoring.rules: every kind of mistake is reported at its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.scoring import RulesError, load_scoring_rules, load_segments, validate_rule_files
from bot.scoring.__main__ import main

SHIPPED_RULES = Path("data/scoring/rules.yml")
SHIPPED_SEGMENTS = Path("data/scoring/segments.yml")

# Line numbers in the tests below refer to these files (the first line is line 1).
RULES = textwrap.dedent(
    """\
    version: 1
    company_size:
      bands:
        - name: small
          min: 1
          max: 10
          points: 0
        - name: mid-market
          min: 11
          max: 200
          points: 15
        - name: enterprise
          min: 201
          points: 25
    budget:
      currency: USD
      bands:
        - {name: starter, min: 0, max: 498, points: 5}
        - {name: growth, min: 499, points: 15}
    currency_rates:
      EUR: 1.08
    timeline:
      now: 20
      1_3_months: 15
    authority:
      decision_maker: 20
      student: -30
    email_domains:
      - name: competitor
        points: -50
        domains: [intercom.com, drift.com]
      - name: free_email
        points: -10
        domains:
          - gmail.com
          - yahoo.com
    grades:
      - {grade: A, min: 70}
      - {grade: B, min: 50}
      - {grade: D, min: 0}
    """
)
SEGMENTS = textwrap.dedent(
    """\
    segments:
      - name: hot_enterprise
        description: Grade A at a big company.
        when:
          all:
            - {field: grade, op: eq, value: A}
            - {field: company_size.low, op: gte, value: 200}
      - name: students
        when:
          field: authority
          op: eq
          value: student
    """
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_in(tmp_path: Path, text: str, name: str = "rules.yml") -> list[str]:
    return [str(error) for error in validate_rule_files([write(tmp_path, name, text)])]


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_templates_above_are_valid(tmp_path: Path) -> None:
    assert errors_in(tmp_path, RULES) == []
    assert errors_in(tmp_path, SEGMENTS, "segments.yml") == []


def test_the_shipped_files_load_without_error() -> None:
    assert validate_rule_files([SHIPPED_RULES, SHIPPED_SEGMENTS]) == []
    rules = load_scoring_rules(SHIPPED_RULES)
    assert [grade.name for grade in rules.grades] == ["A", "B", "C", "D"]
    names = [segment.name for segment in load_segments(SHIPPED_SEGMENTS)]
    assert names == ["hot_enterprise", "ready_to_buy", "nurture", "sms_reachable", "students"]


RULES_MISTAKES = [
    pytest.param(
        "min: 201\n      points: 25",
        "min: 500\n      max: 100\n      points: 25",
        "12: band 'enterprise' of company_size has min 500 greater than max 100",
        id="band min above max",
    ),
    pytest.param(
        "min: 11",
        "min: 5",
        "8: band 'mid-market' of company_size (5–200) overlaps band 'small' (1–10)",
        id="overlapping bands",
    ),
    pytest.param(
        "{name: growth,",
        "{name: starter,",
        "19: band 'starter' of budget is defined twice (first at line 18)",
        id="duplicate band name",
    ),
    pytest.param(
        "{grade: B, min: 50}",
        "{grade: B, min: 80}",
        "39: grade thresholds must be strictly descending: 'B' (min 80) comes after 'A' (min 70)",
        id="grades ascending",
    ),
    pytest.param(
        "{grade: B, min: 50}",
        "{grade: B, min: 70}",
        "39: grade thresholds must be strictly descending: 'B' (min 70) comes after 'A' (min 70)",
        id="grades equal",
    ),
    pytest.param(
        "{grade: D, min: 0}",
        "{grade: D, min: 10}",
        "40: the last grade 'D' must have min 0, so that every lead gets a grade",
        id="last grade above zero",
    ),
    pytest.param(
        "{grade: D, min: 0}",
        "{grade: A, min: 0}",
        "40: grade 'A' is listed twice",
        id="duplicate grade",
    ),
    pytest.param(
        "version: 1\n",
        "version: 1\nsignal:\n  asked_pricing: 5\n",
        "2: unknown field 'signal' in the file; did you mean 'signals'?",
        id="unknown top-level field",
    ),
    pytest.param(
        "  1_3_months: 15",
        "  1_3_month: 15",
        "24: unknown field '1_3_month' in timeline; did you mean '1_3_months'?",
        id="unknown timeline",
    ),
    pytest.param(
        "points: 15\n    - name: enterprise",
        "points: fifteen\n    - name: enterprise",
        "11: company_size.bands[1].points should be a whole number, not 'fifteen'",
        id="wrong type",
    ),
    pytest.param(
        "authority:\n  decision_maker: 20\n  student: -30\n",
        "",
        "1: the file is missing 'authority'",
        id="missing section",
    ),
    pytest.param(
        "- {name: starter, min: 0, max: 498, points: 5}",
        "- {name: starter, min: 0, max: 498}",
        "18: budget.bands[0] is missing 'points'",
        id="missing band points",
    ),
    pytest.param(
        "currency: USD",
        "currency: usd",
        "16: budget.currency is 'usd', which is not a three-letter currency code such as USD",
        id="currency code",
    ),
    pytest.param(
        "EUR: 1.08",
        "EUR: 0",
        "21: currency_rates.EUR is 0; it must be more than 0",
        id="rate not positive",
    ),
    pytest.param(
        "EUR: 1.08",
        "EUR: 1.08\n  USD: 1.1",
        "22: currency_rates gives USD, the budget bands' own currency, a rate other than 1; "
        "remove it",
        id="rate for own currency",
    ),
    pytest.param(
        "- yahoo.com",
        "- drift.com",
        "36: domain 'drift.com' is listed twice (also in 'competitor')",
        id="domain on two lists",
    ),
    pytest.param(
        "- gmail.com",
        "- Gmail.com",
        "35: email_domains[1].domains[0] is 'Gmail.com', which is not a lower-case domain "
        "such as gmail.com",
        id="domain spelling",
    ),
    pytest.param(
        "student: -30",
        "student: -300",
        "27: authority.student is -300; it can't be less than -100",
        id="points out of range",
    ),
    pytest.param(
        "  bands:\n    - name: small",
        "  match_on: middle\n  bands:\n    - name: small",
        "3: company_size.match_on is 'middle'; expected one of: low, midpoint, high",
        id="unknown match_on",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), RULES_MISTAKES)
def test_rules_mistakes_are_reported_at_their_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = write(tmp_path, "rules.yml", edited(RULES, old, new))
    assert [str(e) for e in validate_rule_files([path])] == [f"{path}:{expected}"]
    with pytest.raises(RulesError) as raised:
        load_scoring_rules(path)
    assert str(raised.value) == f"{path}:{expected}"
    assert (raised.value.file, raised.value.line) == (str(path), int(expected.split(":")[0]))


SEGMENT_MISTAKES = [
    pytest.param(
        "field: company_size.low,",
        "field: company_size.lo,",
        "7: unknown field 'company_size.lo'; did you mean 'company_size.low'?",
        id="unknown field",
    ),
    pytest.param(
        "op: gte,",
        "op: greater,",
        "7: unknown operator 'greater'; did you mean 'gte'?",
        id="unknown operator",
    ),
    pytest.param(
        "op: gte,",
        "op: bigger,",
        "7: unknown operator 'bigger'; expected one of: eq, ne, in, not_in, gte, lte, gt, lt, "
        "exists, missing, contains",
        id="unknown operator without a close match",
    ),
    pytest.param(
        "name: students",
        "name: hot_enterprise",
        "8: duplicate segment name 'hot_enterprise' (first defined at line 2)",
        id="duplicate segment",
    ),
    pytest.param(
        "name: students",
        "name: Students!",
        "8: segments[1].name is 'Students!', which is not a snake_case name such as hot_enterprise",
        id="segment name spelling",
    ),
    pytest.param(
        "value: student",
        "value: students",
        "12: authority is never 'students'; did you mean 'student'?",
        id="value the field never has",
    ),
    pytest.param(
        "op: gte, value: 200}",
        "op: exists, value: 200}",
        "7: 'exists' takes no value",
        id="exists with a value",
    ),
    pytest.param(
        "op: eq, value: A}",
        "op: eq}",
        "6: 'eq' needs a value",
        id="missing value",
    ),
    pytest.param(
        "op: eq, value: A}",
        "op: in, value: A}",
        "6: 'in' needs a list of values, not 'A'",
        id="in without a list",
    ),
    pytest.param(
        "op: eq, value: A}",
        "op: eq, value: [A, B]}",
        "6: 'eq' compares with one value, not ['A', 'B']; use 'in' for a list",
        id="eq with a list",
    ),
    pytest.param(
        "op: eq, value: A}",
        "op: gte, value: A}",
        "6: 'gte' only compares numbers, and grade is not one",
        id="gte on text",
    ),
    pytest.param(
        "value: 200}",
        "value: lots}",
        "7: company_size.low is a number, not 'lots'",
        id="number field with text",
    ),
    pytest.param(
        "field: authority\n      op: eq",
        "field: authority\n      op: contains",
        "12: 'contains' only looks inside text, and authority is not free text",
        id="contains on a choice",
    ),
    pytest.param(
        "field: authority\n      op: eq\n      value: student",
        "field: signals.asked_pricing\n      op: eq\n      value: 'yes'",
        "12: signals.asked_pricing is true or false, not 'yes'",
        id="yes-no field with text",
    ),
    pytest.param(
        "all:\n        - {field: grade, op: eq, value: A}\n"
        "        - {field: company_size.low, op: gte, value: 200}",
        "all: []",
        "5: segments[0].when.all is []; list at least 1 item(s)",
        id="empty all",
    ),
    pytest.param(
        "    when:\n      field: authority\n      op: eq\n      value: student\n",
        "",
        "8: segments[1] is missing 'when'",
        id="segment without condition",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), SEGMENT_MISTAKES)
def test_segment_mistakes_are_reported_at_their_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = write(tmp_path, "segments.yml", edited(SEGMENTS, old, new))
    errors = [str(e) for e in validate_rule_files([path])]
    assert errors[0] == f"{path}:{expected}"
    with pytest.raises(RulesError, match="^" + str(path)):
        load_segments(path)


def test_both_keys_in_one_condition_is_reported(tmp_path: Path) -> None:
    text = edited(
        SEGMENTS, "      all:\n", "      any: [{field: score, op: gt, value: 10}]\n      all:\n"
    )
    assert errors_in(tmp_path, text, "segments.yml") == [
        f"{tmp_path / 'segments.yml'}:5: unknown field 'any' in segments[0].when; "
        "expected one of: all"
    ]


def test_a_mistake_deep_in_a_nested_condition_is_placed_exactly(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        segments:
          - name: warm_not_student
            when:
              all:
                - {field: score, op: gte, value: 50}
                - any:
                    - {field: timeline, op: eq, value: now}
                    - not:
                        field: authority
                        op: eq
                        value: studnet
        """
    )
    assert errors_in(tmp_path, text, "segments.yml") == [
        f"{tmp_path / 'segments.yml'}:11: authority is never 'studnet'; did you mean 'student'?"
    ]


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\ncompany_size:\n  bands: [\n", "4: not valid YAML: expected the node content"),
        ("grades: []\nversion: 1\ngrades: []\n", '3: not valid YAML: found duplicate key "grades"'),
        ("", "1: the file is empty"),
        ("- just\n- a list\n", "1: the file should be a mapping of names to values"),
    ],
)
def test_unreadable_yaml_is_reported(tmp_path: Path, text: str, expected: str) -> None:
    (error,) = errors_in(tmp_path, text)
    assert error.startswith(f"{tmp_path / 'rules.yml'}:{expected}")


def test_a_missing_file_is_reported_without_a_line(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    (error,) = validate_rule_files([path])
    assert (str(error), error.line) == (
        f"{path}: cannot read the file: No such file or directory",
        None,
    )


def test_the_command_line_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SHIPPED_RULES), str(SHIPPED_SEGMENTS)]) == 0
    assert "2 scoring file(s) OK" in capsys.readouterr().out
    broken = write(tmp_path, "rules.yml", edited(RULES, "EUR: 1.08", "EUR: 0"))
    assert main([str(broken)]) == 1
    assert (
        capsys.readouterr().err == f"{broken}:21: currency_rates.EUR is 0; it must be more than 0\n"
    )
