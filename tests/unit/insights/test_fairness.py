"""The fairness audit, computed from leads: each group against all the other leads,
the Benjamini–Hochberg procedure over every comparison, too-small groups left uncompared, and the
callouts in words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.insights.fairness import MIN_GROUP, NO_SEGMENT, AuditedLead, audit

LEAD = AuditedLead(
    channel="webchat",
    region="na",
    segments=frozenset(),
    score=50,
    predicted=None,
    top_grade=False,
    qualified=False,
    offered=False,
    clicked=False,
)


def leads(count: int, channel: str = "webchat", **first: int) -> list[AuditedLead]:
    """`count` leads from `channel`; `qualified=30` makes the first 30 of them qualified."""
    return [
        replace(LEAD, channel=channel, **{flag: number < n for flag, n in first.items()})
        for number in range(count)
    ]


def test_a_channel_qualified_far_less_often_is_called_out() -> None:
    web = leads(60, "webchat", qualified=30)
    sms = leads(40, "sms", qualified=2)

    result = audit(
        [*web, *sms], top_grades="A or B", describe=lambda row: f"Leads from {row.label}"
    )

    sms_row = next(row for row in result.groups["channel"] if row.name == "sms")
    figure = sms_row.figure("qualified")
    assert (figure.n, figure.value, figure.rest_n, figure.rest_value) == (40, 0.05, 60, 0.5)
    assert figure.significant and figure.direction == "lower"
    assert (
        "Leads from sms are qualified at 5.0% against 50% for all other leads "
        "(significant, p < 0.001, n = 40)." in result.callouts
    )


def test_groups_too_small_are_not_compared() -> None:
    web = leads(60, "webchat", qualified=30)
    telegram = leads(MIN_GROUP - 1, "telegram", qualified=0)

    result = audit([*web, *telegram], top_grades="A or B")

    small = next(row for row in result.groups["channel"] if row.name == "telegram")
    assert small.too_few and small.n == MIN_GROUP - 1
    assert all(figure.p_value is None and not figure.significant for figure in small.figures)
    assert small in result.too_few
    assert not any("telegram" in callout for callout in result.callouts)


def test_clicks_are_compared_among_the_leads_offered_only() -> None:
    offered_often = leads(60, "webchat", offered=60, clicked=30)
    offered_rarely = leads(40, "sms", offered=10, clicked=1)

    result = audit([*offered_often, *offered_rarely], top_grades="A or B")

    sms = next(row for row in result.groups["channel"] if row.name == "sms")
    assert sms.figure("offered").significant
    clicked = sms.figure("clicked")
    assert (clicked.n, clicked.rest_n, clicked.too_few, clicked.p_value) == (10, 60, True, None)


def test_a_lead_counts_in_each_of_its_segments_and_no_segment_is_a_group() -> None:
    group = [
        replace(LEAD, segments=frozenset({"hot", "sms_reachable"})),
        replace(LEAD, segments=frozenset({"hot"})),
        LEAD,
    ]

    result = audit(group, top_grades="A")

    assert {row.name: row.n for row in result.groups["segment"]} == {
        "hot": 2,
        "sms_reachable": 1,
        NO_SEGMENT: 1,
    }


def test_mean_scores_are_compared_with_welchs_test() -> None:
    high = [replace(LEAD, channel="webchat", score=60 + number % 5) for number in range(40)]
    low = [replace(LEAD, channel="sms", score=30 + number % 5) for number in range(40)]

    result = audit(
        [*high, *low], top_grades="A or B", describe=lambda row: f"Leads from {row.label}"
    )

    assert "Leads from sms have a mean lead score of 32 against 62 for all other leads" in " ".join(
        result.callouts
    )
    assert result.total.figure("score").value == 47


def test_the_predicted_chance_is_measured_only_when_there_is_one() -> None:
    without = audit(leads(3), top_grades="A")
    with_some = audit([replace(LEAD, predicted=0.25), LEAD], top_grades="A")

    assert [figure.measure.key for figure in without.total.figures] == [
        "score",
        "top_grade",
        "qualified",
        "offered",
        "clicked",
    ]
    predicted = with_some.total.figure("predicted")
    assert (predicted.n, predicted.value) == (1, 0.25)


def test_no_leads_no_groups() -> None:
    result = audit([], top_grades="A or B")

    assert result.total.n == 0 and result.callouts == () and result.comparisons == 0
    assert all(rows == () for rows in result.groups.values())


@pytest.mark.parametrize("key", ["top_grade", "qualified", "offered"])
def test_no_difference_no_callout(key: str) -> None:
    same = [*leads(40, "webchat", **{key: 20}), *leads(40, "sms", **{key: 20})]

    assert audit(same, top_grades="A").callouts == ()
