"""Shared builders for the rules-validation tests: template files and ways to break them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.scoring import validate_rule_files

SHIPPED_RULES = Path("data/scoring/rules.yml")
SHIPPED_SEGMENTS = Path("data/scoring/segments.yml")

# Line numbers in the validation tests refer to these files (the first line is line 1).
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
