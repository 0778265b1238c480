"""Welch's t-test: the same t, degrees of freedom and p-value as SciPy's own, and a reason
instead of a p-value when there is nothing to test."""

from __future__ import annotations

import pytest
from scipy.stats import ttest_ind

from bot.experiments.welch import compare_means


def test_agrees_with_scipys_welch_test() -> None:
    first, second = [1.0, 2.0, 3.0, 4.0, 5.5], [2.0, 4.0, 6.0, 8.0, 9.0, 10.0]

    result = compare_means(first, second)
    expected = ttest_ind(second, first, equal_var=False)

    assert result.difference == pytest.approx(3.4)
    assert result.t_score == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.degrees_of_freedom == pytest.approx(8.0932, abs=1e-4)
    assert not result.significant  # p ≈ 0.0504
    assert compare_means(first, second, alpha=0.1).significant


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ([1.0], [2.0, 3.0], "fewer than two values in the first"),
        ([], [], "fewer than two values in the first and second"),
        ([4.0, 4.0], [4.0, 4.0, 4.0], "every value is the same in both groups"),
    ],
)
def test_nothing_to_test_gives_a_reason(
    first: list[float], second: list[float], reason: str
) -> None:
    result = compare_means(first, second)

    assert result.p_value is None and not result.significant
    assert result.reason == reason


def test_alpha_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="alpha"):
        compare_means([1.0, 2.0], [3.0, 4.0], alpha=1.0)
