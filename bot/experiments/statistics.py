"""Compare the conversion rate of two arms of an A/B test ("qualified", "consent given").

`compare` reports both rates, the absolute lift (treatment − control) and the relative
lift (absolute lift ÷ control rate), a two-sided p-value, a Wald confidence interval for
the difference and how many more exposures each arm still needs. The formulas, with
p₁, n₁ for control, p₂, n₂ for treatment and z_q the standard normal quantile:

- Two-proportion z-test, pooled: p̂ = (x₁ + x₂) / (n₁ + n₂),
  z = (p₂ − p₁) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), p = 2·(1 − Φ(|z|)).
  When any expected cell of the 2×2 table (row total × column total ÷ N) is below 5 the
  normal approximation is poor, and Fisher's exact test (two-sided) is used instead.
- Confidence interval for p₂ − p₁ at level 1 − alpha (95% by default), Wald, unpooled:
  (p₂ − p₁) ± z_{1−alpha/2}·√(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂), clipped to [−1, 1].
- Sample size per arm to detect p₁ → p₂ = p₁ + d (two-sided, no continuity correction),
  with p̄ = (p₁ + p₂)/2:
  n = (z_{1−alpha/2}·√(2p̄(1 − p̄)) + z_{power}·√(p₁(1 − p₁) + p₂(1 − p₂)))² / d², rounded up.

Degenerate data (an arm without exposures, no conversions at all, every exposure
converted) gives ``p_value=None`` and a ``reason`` saying why, never an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from statistics import NormalDist

STANDARD_NORMAL = NormalDist()

# Below this expected count in any cell the z-test's normal approximation is unreliable.
MIN_EXPECTED_COUNT = 5.0
# Power used for "how many more exposures to detect the difference seen so far".
OBSERVED_EFFECT_POWER = 0.8


class SignificanceTest(str, Enum):
    """Which test produced a comparison's p-value."""

    Z_TEST = "two-proportion z-test (pooled)"
    FISHER_EXACT = "Fisher's exact test"


@dataclass(frozen=True)
class Arm:
    """One variant's tally: how many conversations saw it and how many converted."""

    name: str
    exposures: int
    conversions: int

    def __post_init__(self) -> None:
        for field, count in (("exposures", self.exposures), ("conversions", self.conversions)):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"arm {self.name!r}: {field} must be a whole number ≥ 0")
        if self.conversions > self.exposures:
            raise ValueError(
                f"arm {self.name!r}: {self.conversions} conversions exceed "
                f"{self.exposures} exposures"
            )

    @property
    def rate(self) -> float | None:
        """Conversions ÷ exposures, or None before the first exposure."""
        return self.conversions / self.exposures if self.exposures else None


@dataclass(frozen=True)
class Comparison:
    """The outcome of `compare`; lifts and intervals are treatment minus control."""

    control: Arm
    treatment: Arm
    alpha: float
    control_rate: float | None
    treatment_rate: float | None
    absolute_lift: float | None
    relative_lift: float | None
    test: SignificanceTest | None
    z_score: float | None
    p_value: float | None
    confidence_interval: tuple[float, float] | None
    significant: bool
    additional_exposures_needed: int | None
    """More exposures per arm (for the arm with fewer) to detect the observed difference
    with 80% power at ``alpha``; 0 when both arms have enough, None when there is no
    difference or no data yet. A result can be significant and still need more: 80% power
    asks for more data than crossing ``alpha`` once did."""
    reason: str
    """Why there is no p-value, or which test was used and why."""

    @property
    def confidence_level(self) -> float:
        return 1 - self.alpha


def compare(control: Arm, treatment: Arm, *, alpha: float = 0.05) -> Comparison:
    """Compare the treatment arm's conversion rate with the control arm's."""
    _check_probability("alpha", alpha)
    p1, p2 = control.rate, treatment.rate
    lift = None if p1 is None or p2 is None else p2 - p1
    relative = None if lift is None or not p1 else lift / p1

    test: SignificanceTest | None = None
    z_score: float | None = None
    p_value: float | None = None
    interval: tuple[float, float] | None = None
    needed: int | None = None

    empty = [arm for arm in (control, treatment) if arm.exposures == 0]
    conversions = control.conversions + treatment.conversions
    exposures = control.exposures + treatment.exposures
    if empty:
        names = " and ".join(f"{arm.name!r}" for arm in empty)
        reason = f"no exposures yet in {names}"
    elif conversions == 0:
        reason = "no conversions yet in either arm"
    elif conversions == exposures:
        reason = "every exposure converted in both arms; there is no difference to test"
    else:
        assert p1 is not None and p2 is not None and lift is not None
        smallest = _smallest_expected_count(control, treatment)
        if smallest < MIN_EXPECTED_COUNT:
            test = SignificanceTest.FISHER_EXACT
            p_value = _fisher_p_value(control, treatment)
            reason = (
                f"Fisher's exact test: the smallest expected count is {smallest:.2f}, "
                f"below {MIN_EXPECTED_COUNT:g}"
            )
        else:
            test = SignificanceTest.Z_TEST
            z_score = _pooled_z(control, treatment)
            p_value = min(1.0, 2 * STANDARD_NORMAL.cdf(-abs(z_score)))
            reason = f"two-proportion z-test: every expected count is at least {smallest:.2f}"
        interval = _wald_interval(control, treatment, alpha)
        if lift != 0:
            per_arm = sample_size_needed(
                baseline_rate=p1,
                minimum_detectable_effect=lift,
                alpha=alpha,
                power=OBSERVED_EFFECT_POWER,
            )
            needed = max(0, per_arm - min(control.exposures, treatment.exposures))

    return Comparison(
        control=control,
        treatment=treatment,
        alpha=alpha,
        control_rate=p1,
        treatment_rate=p2,
        absolute_lift=lift,
        relative_lift=relative,
        test=test,
        z_score=z_score,
        p_value=p_value,
        confidence_interval=interval,
        significant=p_value is not None and p_value < alpha,
        additional_exposures_needed=needed,
        reason=reason,
    )


def sample_size_needed(
    *,
    baseline_rate: float,
    minimum_detectable_effect: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Exposures per arm for a two-sided test to detect ``baseline_rate`` → ``+ effect``.

    The effect is absolute (0.02 is two percentage points) and may be negative; the
    target rate ``baseline_rate + minimum_detectable_effect`` must lie in [0, 1].
    """
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    p1 = baseline_rate
    p2 = baseline_rate + minimum_detectable_effect
    if not 0 <= p1 <= 1:
        raise ValueError(f"baseline_rate must lie in [0, 1], got {baseline_rate!r}")
    if minimum_detectable_effect == 0 or not math.isfinite(minimum_detectable_effect):
        raise ValueError("minimum_detectable_effect must be a finite number other than 0")
    if not 0 <= p2 <= 1:
        raise ValueError(f"baseline_rate + minimum_detectable_effect = {p2:g} lies outside [0, 1]")
    mean = (p1 + p2) / 2
    z_alpha = STANDARD_NORMAL.inv_cdf(1 - alpha / 2)
    z_power = STANDARD_NORMAL.inv_cdf(power)
    root = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    # The tiny tolerance keeps float noise above a whole-number result from adding one.
    return math.ceil(root**2 / minimum_detectable_effect**2 - 1e-9)


def _check_probability(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")


def _smallest_expected_count(control: Arm, treatment: Arm) -> float:
    total = control.exposures + treatment.exposures
    converted = control.conversions + treatment.conversions
    return min(
        arm.exposures * column / total
        for arm in (control, treatment)
        for column in (converted, total - converted)
    )


def _pooled_z(control: Arm, treatment: Arm) -> float:
    pooled = (control.conversions + treatment.conversions) / (
        control.exposures + treatment.exposures
    )
    spread = pooled * (1 - pooled) * (1 / control.exposures + 1 / treatment.exposures)
    return (
        treatment.conversions / treatment.exposures - control.conversions / control.exposures
    ) / (math.sqrt(spread))


def _fisher_p_value(control: Arm, treatment: Arm) -> float:
    table = [[arm.conversions, arm.exposures - arm.conversions] for arm in (control, treatment)]
    # scipy is imported here, for small samples only: it weighs ~100 MB in the API process.
    from scipy.stats import fisher_exact

    _, p_value = fisher_exact(table, alternative="two-sided")
    return min(1.0, float(p_value))


def _wald_interval(control: Arm, treatment: Arm, alpha: float) -> tuple[float, float] | None:
    """None when both rates are 0 or 1: the Wald standard error is then 0 and meaningless."""
    p1 = control.conversions / control.exposures
    p2 = treatment.conversions / treatment.exposures
    error = math.sqrt(p1 * (1 - p1) / control.exposures + p2 * (1 - p2) / treatment.exposures)
    if error == 0:
        return None
    margin = STANDARD_NORMAL.inv_cdf(1 - alpha / 2) * error
    return max(-1.0, p2 - p1 - margin), min(1.0, p2 - p1 + margin)
