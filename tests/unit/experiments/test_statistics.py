"""compare and sample_size_needed agree with textbook values and survive degenerate data."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact, norm

from bot.experiments import Arm, SignificanceTest, compare, sample_size_needed

# Worked with the stdlib rather than scipy, so the checks do not share the code under test.
Z_975 = NormalDist().inv_cdf(0.975)
Z_80 = NormalDist().inv_cdf(0.80)


def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


# --- the z-test -------------------------------------------------------------------------


def test_worked_example_1000_120_vs_1000_150() -> None:
    result = compare(Arm("control", 1000, 120), Arm("treatment", 1000, 150))

    pooled = 270 / 2000
    z = (0.15 - 0.12) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert z == pytest.approx(1.9630, abs=1e-4)
    assert result.test is SignificanceTest.Z_TEST
    assert result.z_score == pytest.approx(z, rel=1e-12)
    assert result.p_value == pytest.approx(two_sided_p(z), rel=1e-9)
    assert result.p_value == pytest.approx(0.04964, abs=1e-5)
    assert result.significant
    assert result.control_rate == pytest.approx(0.12)
    assert result.treatment_rate == pytest.approx(0.15)
    assert result.absolute_lift == pytest.approx(0.03)
    assert result.relative_lift == pytest.approx(0.25)


def test_pooled_z_test_matches_scipy_chi_square_without_correction() -> None:
    # z² of the pooled two-proportion test is the uncorrected chi-square statistic.
    result = compare(Arm("control", 1000, 120), Arm("treatment", 1000, 150))
    chi2, p_value, _, _ = chi2_contingency([[120, 880], [150, 850]], correction=False)
    assert result.z_score is not None
    assert result.z_score**2 == pytest.approx(chi2, rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.p_value == pytest.approx(2 * norm.sf(result.z_score), rel=1e-12)


def test_wald_interval_is_unpooled() -> None:
    result = compare(Arm("control", 1000, 120), Arm("treatment", 1000, 150))
    error = math.sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000)
    assert result.confidence_interval == pytest.approx(
        (0.03 - Z_975 * error, 0.03 + Z_975 * error), rel=1e-9
    )
    assert result.confidence_level == pytest.approx(0.95)


def test_significance_follows_alpha() -> None:
    stricter = compare(Arm("control", 1000, 120), Arm("treatment", 1000, 150), alpha=0.01)
    assert not stricter.significant
    assert stricter.p_value == pytest.approx(0.04964, abs=1e-5)
    low, high = stricter.confidence_interval or (0, 0)
    assert low < 0 < high  # a 99% interval crosses zero when p > 0.01


def test_a_treatment_worse_than_control_has_negative_lift() -> None:
    result = compare(Arm("control", 1000, 150), Arm("treatment", 1000, 120))
    assert result.absolute_lift == pytest.approx(-0.03)
    assert result.relative_lift == pytest.approx(-0.2)
    assert result.z_score == pytest.approx(-1.9630, abs=1e-4)


# --- Fisher's exact test ----------------------------------------------------------------


def test_small_counts_use_fisher_exact_lady_tasting_tea() -> None:
    # Fisher's 2×2 of 3/4 vs 1/4: the two-sided p-value is 17/35.
    result = compare(Arm("control", 4, 3), Arm("treatment", 4, 1))
    assert result.test is SignificanceTest.FISHER_EXACT
    assert result.p_value == pytest.approx(17 / 35, rel=1e-9)
    assert result.z_score is None
    assert "Fisher" in result.reason and "2.00" in result.reason
    assert not result.significant


def test_fisher_is_chosen_when_any_expected_cell_is_below_five() -> None:
    # 300 exposures each but only 8 conversions: 4 expected per arm.
    result = compare(Arm("control", 300, 1), Arm("treatment", 300, 7))
    _, expected_p = fisher_exact([[1, 299], [7, 293]])
    assert result.test is SignificanceTest.FISHER_EXACT
    assert result.p_value == pytest.approx(expected_p, rel=1e-9)


def test_expected_count_of_exactly_five_keeps_the_z_test() -> None:
    result = compare(Arm("control", 100, 3), Arm("treatment", 100, 7))
    assert result.test is SignificanceTest.Z_TEST


# --- degenerate data --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "treatment", "reason"),
    [
        (Arm("A", 0, 0), Arm("B", 0, 0), "no exposures yet in 'A' and 'B'"),
        (Arm("A", 0, 0), Arm("B", 50, 5), "no exposures yet in 'A'"),
        (Arm("A", 50, 5), Arm("B", 0, 0), "no exposures yet in 'B'"),
        (Arm("A", 50, 0), Arm("B", 60, 0), "no conversions yet in either arm"),
        (Arm("A", 50, 50), Arm("B", 60, 60), "every exposure converted in both arms"),
    ],
)
def test_degenerate_data_gives_no_p_value_and_says_why(
    control: Arm, treatment: Arm, reason: str
) -> None:
    result = compare(control, treatment)
    assert result.p_value is None
    assert result.test is None
    assert reason in result.reason
    assert not result.significant
    assert result.additional_exposures_needed is None
    assert result.confidence_interval is None


def test_one_empty_arm_still_reports_the_other_rate() -> None:
    result = compare(Arm("A", 0, 0), Arm("B", 50, 5))
    assert result.control_rate is None
    assert result.treatment_rate == pytest.approx(0.1)
    assert result.absolute_lift is None and result.relative_lift is None


def test_zero_control_rate_has_no_relative_lift() -> None:
    result = compare(Arm("A", 100, 0), Arm("B", 100, 10))
    assert result.absolute_lift == pytest.approx(0.1)
    assert result.relative_lift is None
    assert result.p_value is not None


def test_zero_against_hundred_percent_tests_but_has_no_wald_interval() -> None:
    result = compare(Arm("A", 10, 0), Arm("B", 10, 10))
    assert result.test is SignificanceTest.Z_TEST  # every expected count is exactly 5
    assert result.p_value == pytest.approx(two_sided_p(1 / math.sqrt(0.25 * 0.2)))
    assert result.confidence_interval is None  # both standard errors are zero
    assert result.significant


@pytest.mark.parametrize(
    ("exposures", "conversions", "message"),
    [(-1, 0, "exposures must be"), (5, -1, "conversions must be"), (5, 6, "exceed")],
)
def test_impossible_tallies_are_refused(exposures: int, conversions: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Arm("A", exposures, conversions)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5])
def test_alpha_must_be_a_probability(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        compare(Arm("A", 10, 1), Arm("B", 10, 2), alpha=alpha)


# --- sample sizes -----------------------------------------------------------------------


def test_sample_size_for_ten_percent_baseline_and_two_points() -> None:
    p1, p2 = 0.10, 0.12
    mean = (p1 + p2) / 2
    by_hand = (
        Z_975 * math.sqrt(2 * mean * (1 - mean)) + Z_80 * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / 0.02**2
    assert by_hand == pytest.approx(3840.85, abs=0.01)
    assert sample_size_needed(baseline_rate=0.10, minimum_detectable_effect=0.02) == 3841


def test_sample_size_does_not_depend_on_direction() -> None:
    up = sample_size_needed(baseline_rate=0.10, minimum_detectable_effect=0.02)
    down = sample_size_needed(baseline_rate=0.12, minimum_detectable_effect=-0.02)
    assert up == down == 3841


def test_sample_size_grows_with_power_and_strictness() -> None:
    base = sample_size_needed(baseline_rate=0.3, minimum_detectable_effect=0.05)
    assert sample_size_needed(baseline_rate=0.3, minimum_detectable_effect=0.05, power=0.9) > base
    assert sample_size_needed(baseline_rate=0.3, minimum_detectable_effect=0.05, alpha=0.01) > base


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"baseline_rate": 0.1, "minimum_detectable_effect": 0}, "other than 0"),
        ({"baseline_rate": 0.95, "minimum_detectable_effect": 0.1}, "outside \\[0, 1\\]"),
        ({"baseline_rate": -0.1, "minimum_detectable_effect": 0.1}, "baseline_rate"),
        ({"baseline_rate": 0.1, "minimum_detectable_effect": 0.1, "power": 1}, "power"),
        ({"baseline_rate": 0.1, "minimum_detectable_effect": 0.1, "alpha": 0}, "alpha"),
    ],
)
def test_sample_size_refuses_impossible_targets(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sample_size_needed(**arguments)


def test_comparison_says_how_many_more_exposures_are_needed() -> None:
    result = compare(Arm("control", 1000, 120), Arm("treatment", 900, 135))
    per_arm = sample_size_needed(baseline_rate=0.12, minimum_detectable_effect=0.03)
    assert result.additional_exposures_needed == per_arm - 900


def test_comparison_needs_nothing_more_once_both_arms_are_large_enough() -> None:
    result = compare(Arm("control", 20_000, 2_000), Arm("treatment", 20_000, 2_400))
    assert result.additional_exposures_needed == 0


def test_comparison_without_a_difference_needs_no_estimate() -> None:
    result = compare(Arm("control", 500, 50), Arm("treatment", 400, 40))
    assert result.absolute_lift == 0
    assert result.additional_exposures_needed is None
    assert result.p_value == pytest.approx(1.0)


# --- properties -------------------------------------------------------------------------


@st.composite
def arms(draw: st.DrawFn, name: str) -> Arm:
    exposures = draw(st.integers(min_value=0, max_value=5_000))
    return Arm(name, exposures, draw(st.integers(min_value=0, max_value=exposures)))


# No deadline: the first Fisher call imports scipy code and a loaded machine is slow.
@settings(deadline=None)
@given(arms("control"), arms("treatment"))
def test_p_value_is_a_probability_and_agrees_with_significant(control: Arm, treatment: Arm) -> None:
    result = compare(control, treatment)
    if result.p_value is None:
        assert not result.significant and result.test is None
    else:
        assert 0 <= result.p_value <= 1
        assert result.significant == (result.p_value < 0.05)
    if result.confidence_interval is not None:
        low, high = result.confidence_interval
        assert -1 <= low <= high <= 1
    if result.additional_exposures_needed is not None:
        assert result.additional_exposures_needed >= 0


# No deadline: the first Fisher call imports scipy code and a loaded machine is slow.
@settings(deadline=None)
@given(arms("control"), arms("treatment"))
def test_swapping_arms_mirrors_the_comparison(control: Arm, treatment: Arm) -> None:
    forward = compare(control, treatment)
    backward = compare(treatment, control)
    assert forward.test == backward.test
    assert forward.significant == backward.significant or forward.p_value == pytest.approx(0.05)
    if forward.p_value is None:
        assert backward.p_value is None
    else:
        assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9, abs=1e-12)
    if forward.absolute_lift is not None:
        assert backward.absolute_lift == pytest.approx(-forward.absolute_lift)
    if forward.confidence_interval is not None:
        low, high = forward.confidence_interval
        assert backward.confidence_interval == pytest.approx((-high, -low))
    assert forward.additional_exposures_needed == backward.additional_exposures_needed
