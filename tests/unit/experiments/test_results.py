"""The results of A/B tests, from exposures and conversions to a readable verdict."""

from __future__ import annotations

import pytest

from bot.experiments import Arm, compare
from bot.experiments.results import (
    Experiment,
    Variant,
    experiment_arms,
    experiment_results,
    p_text,
    percent,
    verdict,
)

GREET = Experiment("utter_greet", (Variant("control", ("Hello.",)), Variant("friendly", ("Hi!",))))


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{number}" for number in range(count)]


@pytest.mark.parametrize(
    ("names", "arms"),
    [
        (["control", "control"], ()),
        ([], ()),
        (["friendly", "control", "bold"], ("control", "bold", "friendly")),
        (["b", "a", "b"], ("a", "b")),
    ],
)
def test_arms_are_control_then_the_others_sorted(names: list[str], arms: tuple[str, ...]) -> None:
    assert experiment_arms(names, control="control") == arms


def test_conversions_are_counted_over_each_variants_exposures() -> None:
    exposed = {"utter_greet": {"control": ids("c", 10), "friendly": ids("f", 8)}}
    converted = {"c1": {"qualified"}, "f1": {"qualified", "consent_given"}, "x": {"qualified"}}
    [result] = experiment_results([GREET], exposed, converted)
    control, friendly = result.variants
    assert (result.baseline, result.exposures) == ("control", 18)
    assert control.metric("qualified").arm == Arm("control", 10, 1)
    assert control.metric("qualified").comparison is None
    assert friendly.metric("consent_given").arm == Arm("friendly", 8, 1)
    assert friendly.texts == ("Hi!",)
    comparison = friendly.metric("qualified").comparison
    assert comparison == compare(Arm("control", 10, 1), Arm("friendly", 8, 1))


def test_a_variant_without_exposures_and_a_retired_one_are_both_listed() -> None:
    exposed = {"utter_greet": {"control": ids("c", 5), "shouty": ids("s", 3)}}
    [result] = experiment_results([GREET], exposed, {})
    assert [(v.name, v.exposures) for v in result.variants] == [
        ("control", 5),
        ("friendly", 0),
        ("shouty", 3),
    ]
    assert result.variants[1].metric("qualified").verdict == (
        "No verdict yet for friendly: no exposures yet in 'friendly'."
    )


def test_an_experiment_without_variants_or_exposures_is_left_out() -> None:
    assert experiment_results([Experiment("utter_gone", ())], {}, {}) == []


def test_a_significant_difference_reads_as_a_verdict() -> None:
    text = verdict(compare(Arm("control", 1000, 110), Arm("friendly", 1000, 180)))
    assert (
        text == "friendly converts better than control: 18% vs 11%, p < 0.001, significant at 95%."
    )
    worse = verdict(compare(Arm("control", 1000, 180), Arm("friendly", 1000, 110)))
    assert worse.startswith("friendly converts worse than control: 11% vs 18%")


def test_a_difference_not_yet_significant_says_how_many_more_are_needed() -> None:
    comparison = compare(Arm("control", 100, 11), Arm("friendly", 100, 18))
    assert comparison.additional_exposures_needed
    assert verdict(comparison) == (
        f"friendly vs control: not yet significant (18% vs 11%, "
        f"{p_text(comparison.p_value or 0)}); about "
        f"{comparison.additional_exposures_needed:,} more conversations per variant needed."
    )


def test_equal_rates_and_empty_arms() -> None:
    same = verdict(compare(Arm("control", 50, 10), Arm("friendly", 50, 10)))
    assert same == "friendly vs control: no difference so far (20% vs 20%, p = 1)."
    empty = verdict(compare(Arm("control", 50, 0), Arm("friendly", 50, 0)))
    assert empty == "No verdict yet for friendly: no conversions yet in either arm."


def test_enough_data_without_significance_says_the_difference_is_likely_smaller() -> None:
    # Fisher's exact test on tiny arms: 0 of 2 against 2 of 2.
    comparison = compare(Arm("control", 2, 0), Arm("friendly", 2, 2))
    assert comparison.additional_exposures_needed == 0 and not comparison.significant
    assert "any real difference is likely smaller" in verdict(comparison)


def test_numbers_are_written_for_people() -> None:
    assert [percent(rate) for rate in (None, 0, 0.034, 0.1, 0.18, 1)] == [
        "—",
        "0%",
        "3.4%",
        "10%",
        "18%",
        "100%",
    ]
    assert [p_text(p) for p in (0.0004, 0.0312, 0.5)] == ["p < 0.001", "p = 0.031", "p = 0.5"]
