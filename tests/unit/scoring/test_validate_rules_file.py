"""Unit tests for bot.scoring.rules: mistakes in a rules file are reported at their line.

Covers mistakes in the rules themselves (bands, grades, currencies, domains, unknown or
missing fields), YAML that cannot be read, and a file that does not exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import RulesError, load_scoring_rules, validate_rule_files
from tests.unit.scoring.validation_builders import RULES, edited, errors_in, write

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
