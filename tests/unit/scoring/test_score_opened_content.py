"""Unit tests for the scoring rules' engagement section: recommended content the lead
opened scores per item by its buying stage, up to a cap, each item with its sentence;
its mistakes are reported at their line; points from outside the rules are carried."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import (
    Contribution,
    LeadFacts,
    OpenedContent,
    ScoringRules,
    load_scoring_rules,
    score_lead,
)
from tests.unit.scoring.scoring_builders import DANA, RULES_YAML, lead
from tests.unit.scoring.validation_builders import RULES, errors_in

ENGAGEMENT = """\
engagement:
  opened_content:
    awareness: 2
    consideration: 4
    decision: 8
  cap: 12
"""
GUIDE = OpenedContent("sms-guide", "Guide: SMS for clinics", "awareness")
CASE = OpenedContent("acme-case", "Case study: Acme Retail", "consideration")
PLAN = OpenedContent("growth-plan", "The Growth plan", "decision")
PLAN_TOO = OpenedContent("enterprise-plan", "The Enterprise plan", "decision")


@pytest.fixture
def rules(tmp_path: Path) -> ScoringRules:
    path = tmp_path / "rules.yml"
    path.write_text(RULES_YAML + ENGAGEMENT, encoding="utf-8")
    return load_scoring_rules(path)


def opened(facts: LeadFacts, rules: ScoringRules) -> list[tuple[int, str]]:
    return [
        (c.points, c.reason)
        for c in score_lead(facts, rules).breakdown
        if c.rule == "engagement.opened_content"
    ]


def with_opened(*items: OpenedContent) -> LeadFacts:
    return LeadFacts.from_slots(DANA, channel="webchat", signals={}, opened=items)


def test_each_item_opened_scores_by_its_stage_with_its_title(rules: ScoringRules) -> None:
    assert opened(with_opened(CASE, GUIDE), rules) == [
        (4, "Opened 'Case study: Acme Retail' (consideration stage): +4"),
        (2, "Opened 'Guide: SMS for clinics' (awareness stage): +2"),
    ]
    before = score_lead(with_opened(), rules).total
    assert score_lead(with_opened(CASE, GUIDE), rules).total == before + 6


def test_nothing_opened_says_so(rules: ScoringRules) -> None:
    assert opened(with_opened(), rules) == [(0, "Opened none of the content recommended: +0")]


def test_the_cap_limits_what_the_items_add_together(rules: ScoringRules) -> None:
    assert opened(with_opened(PLAN, PLAN_TOO, GUIDE), rules) == [
        (8, "Opened 'The Growth plan' (decision stage): +8"),
        (
            4,
            "Opened 'The Enterprise plan' (decision stage), beyond the cap of 12 for content "
            "opened: +4",
        ),
        (
            0,
            "Opened 'Guide: SMS for clinics' (awareness stage), beyond the cap of 12 for "
            "content opened: +0",
        ),
    ]


def test_an_item_gone_from_the_catalogue_scores_nothing(rules: ScoringRules) -> None:
    gone = OpenedContent("old-webinar")
    assert opened(with_opened(gone), rules) == [
        (0, "Opened 'old-webinar', no longer in the catalogue: +0")
    ]


def test_rules_without_the_section_score_no_content(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(RULES_YAML, encoding="utf-8")
    assert opened(with_opened(PLAN), load_scoring_rules(path)) == []


def test_opened_content_is_kept_with_the_facts() -> None:
    facts = with_opened(CASE, OpenedContent("old-webinar"))
    stored = facts.as_dict()
    assert stored["opened"][0] == {
        "item_id": "acme-case",
        "title": "Case study: Acme Retail",
        "stage": "consideration",
    }
    assert LeadFacts.from_dict(stored) == facts
    del stored["opened"]  # facts stored before content was scored
    assert LeadFacts.from_dict(stored).opened == ()


def test_a_stored_item_of_an_unknown_stage_is_refused() -> None:
    stored = with_opened(CASE).as_dict()
    stored["opened"][0]["stage"] = "purchase"
    with pytest.raises(ValueError, match="unknown stage 'purchase'"):
        LeadFacts.from_dict(stored)


def test_carried_points_count_and_are_explained(rules: ScoringRules) -> None:
    facts = lead(**DANA)
    nudge = Contribution("followup.nurture", 5, "Follow-up sequence nurture adjusted the score")
    plain, carried = score_lead(facts, rules), score_lead(facts, rules, carried=[nudge])
    assert carried.total == plain.total + 5
    assert carried.breakdown[-1] == nudge


# Mistakes in the section, each at its line (RULES is 40 lines long).


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        pytest.param(
            ENGAGEMENT.replace("cap: 12", "cap: 6"),
            "46: the cap of 6 for content opened is less than the points of one decision (8) "
            "item; raise the cap or lower the points",
            id="cap below a stage",
        ),
        pytest.param(
            ENGAGEMENT.replace("awareness: 2", "awareness: -2"),
            "43: engagement.opened_content.awareness is -2; it can't be less than 0",
            id="negative points",
        ),
        pytest.param(
            ENGAGEMENT.replace("decision: 8", "purchase: 8"),
            "45: unknown field 'purchase' in engagement.opened_content; expected one of: "
            "awareness, consideration, decision",
            id="unknown stage",
        ),
        pytest.param(
            ENGAGEMENT.replace("  cap: 12\n", ""),
            "41: engagement is missing 'cap'",
            id="missing cap",
        ),
    ],
)
def test_engagement_mistakes_are_reported_at_their_line(
    tmp_path: Path, section: str, expected: str
) -> None:
    found = errors_in(tmp_path, RULES + section)
    assert any(error.endswith(expected) for error in found), found
    assert len(found) == 1, found
