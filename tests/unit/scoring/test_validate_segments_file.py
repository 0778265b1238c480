"""Unit tests for bot.scoring.rules: mistakes in a segments file are reported at their line.

Covers unknown fields and operators, duplicate or misspelt segment names, values and
operators that do not suit the field, and mistakes inside nested conditions.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.scoring import RulesError, load_segments, validate_rule_files
from tests.unit.scoring.validation_builders import SEGMENTS, edited, errors_in, write

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
