"""Compare the means of two groups of numbers (lead scores, predicted chances) with
Welch's t-test, which does not assume the groups vary alike.

With means m₁, m₂, sample variances s₁², s₂² and sizes n₁, n₂:
t = (m₂ − m₁) / √(s₁²/n₁ + s₂²/n₂), its degrees of freedom by the Welch–Satterthwaite
equation, ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)), and the
two-sided p = 2·P(T_ν > |t|). As in `bot.experiments.statistics`, degenerate data (fewer
than two values in a group, no spread at all) gives ``p_value=None`` and a ``reason``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean, variance


@dataclass(frozen=True)
class MeanComparison:
    """`compare_means`' outcome; the difference is the second group's mean minus the first's."""

    first_mean: float | None
    second_mean: float | None
    difference: float | None
    t_score: float | None
    degrees_of_freedom: float | None
    p_value: float | None
    significant: bool
    reason: str


def compare_means(
    first: Sequence[float], second: Sequence[float], *, alpha: float = 0.05
) -> MeanComparison:
    """Welch's two-sided t-test of `second`'s mean against `first`'s."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    means = [fmean(values) if values else None for values in (first, second)]
    difference = None if None in means else means[1] - means[0]  # type: ignore[operator]
    few = [name for name, values in (("first", first), ("second", second)) if len(values) < 2]
    if few:
        return _untested(means, difference, f"fewer than two values in the {' and '.join(few)}")
    spread = [variance(values) / len(values) for values in (first, second)]
    error = sum(spread)
    if error == 0:
        return _untested(means, difference, "every value is the same in both groups")
    assert difference is not None
    t = difference / math.sqrt(error)
    freedom = error**2 / sum(
        part**2 / (len(values) - 1) for part, values in zip(spread, (first, second), strict=True)
    )
    # SciPy is imported here, for this test only: it weighs ~100 MB in the API process.
    from scipy.stats import t as student_t

    p_value = min(1.0, float(2 * student_t.sf(abs(t), freedom)))
    return MeanComparison(
        first_mean=means[0],
        second_mean=means[1],
        difference=difference,
        t_score=t,
        degrees_of_freedom=freedom,
        p_value=p_value,
        significant=p_value < alpha,
        reason=f"Welch's t-test, {freedom:.1f} degrees of freedom",
    )


def _untested(means: list[float | None], difference: float | None, reason: str) -> MeanComparison:
    return MeanComparison(
        first_mean=means[0],
        second_mean=means[1],
        difference=difference,
        t_score=None,
        degrees_of_freedom=None,
        p_value=None,
        significant=False,
        reason=reason,
    )
