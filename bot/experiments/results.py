"""The results of A/B tests of messages: per variant, exposures and conversions, each
variant compared with the baseline, and a verdict a marketer can read.

An experiment is a response whose variations name variants (`metadata: {variant: …}`);
its arms are `experiment_arms`, the same order the dialogue assigns from. A conversation
counts in the arm it was first shown, and converts on a metric when its lead reached it:
`qualified` or `consent_given`. The baseline is the unnamed variations' arm (control), or
the first arm when every variation names a variant. Pure: callers bring the domain's
experiments, the recorded exposures and the conversations' conversions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.experiments.statistics import Arm, Comparison, compare

METRICS = ("qualified", "consent_given")
METRIC_LABELS = {"qualified": "Qualified", "consent_given": "Consent given"}


def experiment_arms(variant_names: Iterable[str], *, control: str) -> tuple[str, ...]:
    """The arms of a response's variations: control first, the others sorted by name.

    Empty when no variation names a variant other than `control`: not an experiment.
    Sorting keeps the arms (and so every assignment) unchanged when variations are
    reordered in the file.
    """
    names = set(variant_names)
    others = sorted(names - {control})
    if not others:
        return ()
    return (control, *others) if control in names else tuple(others)


@dataclass(frozen=True)
class Variant:
    """One arm as the domain defines it: its name and the texts it may show."""

    name: str
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Experiment:
    """A response with variants; the first variant is the baseline."""

    name: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class MetricResult:
    """One variant's tally on one metric and, except for the baseline, its comparison."""

    metric: str
    arm: Arm
    comparison: Comparison | None
    verdict: str


@dataclass(frozen=True)
class VariantResult:
    name: str
    texts: tuple[str, ...]
    exposures: int
    metrics: tuple[MetricResult, ...]

    def metric(self, name: str) -> MetricResult:
        return next(result for result in self.metrics if result.metric == name)


@dataclass(frozen=True)
class ExperimentResult:
    name: str
    baseline: str
    variants: tuple[VariantResult, ...]

    @property
    def exposures(self) -> int:
        return sum(variant.exposures for variant in self.variants)


def experiment_results(
    experiments: Sequence[Experiment],
    exposed: Mapping[str, Mapping[str, Sequence[str]]],
    converted: Mapping[str, Collection[str]],
    *,
    alpha: float = 0.05,
    metrics: Sequence[str] = METRICS,
) -> list[ExperimentResult]:
    """Each experiment's results on `metrics`, in the order given.

    `exposed` maps experiment → variant → the conversations first shown it; `converted`
    maps a conversation to the metrics it reached. Exposures of a variant the domain no
    longer has are still counted, after the domain's variants.
    """
    results = []
    for experiment in experiments:
        recorded = exposed.get(experiment.name, {})
        known = {variant.name for variant in experiment.variants}
        variants = (
            *experiment.variants,
            *(Variant(name) for name in sorted(recorded) if name not in known),
        )
        if not variants:
            continue
        tallies = [
            (variant, _arms(variant.name, recorded.get(variant.name, ()), converted, metrics))
            for variant in variants
        ]
        baseline = tallies[0][1]
        results.append(
            ExperimentResult(
                name=experiment.name,
                baseline=variants[0].name,
                variants=tuple(
                    VariantResult(
                        name=variant.name,
                        texts=variant.texts,
                        exposures=len(recorded.get(variant.name, ())),
                        metrics=tuple(
                            _metric_result(metric, baseline[metric], arms[metric], alpha, index)
                            for metric in metrics
                        ),
                    )
                    for index, (variant, arms) in enumerate(tallies)
                ),
            )
        )
    return results


def _arms(
    variant: str,
    conversation_ids: Sequence[str],
    converted: Mapping[str, Collection[str]],
    metrics: Sequence[str],
) -> dict[str, Arm]:
    return {
        metric: Arm(
            name=variant,
            exposures=len(conversation_ids),
            conversions=sum(1 for key in conversation_ids if metric in converted.get(key, ())),
        )
        for metric in metrics
    }


def _metric_result(metric: str, baseline: Arm, arm: Arm, alpha: float, index: int) -> MetricResult:
    if index == 0:
        return MetricResult(metric, arm, None, "the baseline the other variants are compared with")
    comparison = compare(baseline, arm, alpha=alpha)
    return MetricResult(metric, arm, comparison, verdict(comparison))


def percent(rate: float | None) -> str:
    """A rate as a percentage: whole numbers from 10%, one decimal below."""
    if rate is None:
        return "—"
    digits = 0 if rate >= 0.1 or rate == 0 else 1
    return f"{rate * 100:.{digits}f}%"


def p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"


def _points(share: float) -> str:
    return f"{share * 100:+.1f}".replace("-", "−")


def difference_text(comparison: Comparison) -> str:
    """The difference from the baseline in percentage points, with its confidence
    interval when there is one: "+12.0 points (95% CI +3.1 to +20.9)"."""
    if comparison.absolute_lift is None:
        return "—"
    lift = f"{_points(comparison.absolute_lift)} points"
    if comparison.confidence_interval is None:
        return lift
    low, high = comparison.confidence_interval
    level = f"{comparison.confidence_level * 100:g}%"
    return f"{lift} ({level} CI {_points(low)} to {_points(high)})"


def verdict(comparison: Comparison) -> str:
    """What a comparison says, in a sentence a marketer can act on."""
    treatment, control = comparison.treatment.name, comparison.control.name
    if comparison.p_value is None:
        return f"No verdict yet for {treatment}: {comparison.reason}."
    rates = f"{percent(comparison.treatment_rate)} vs {percent(comparison.control_rate)}"
    p = p_text(comparison.p_value)
    level = f"{comparison.confidence_level * 100:g}%"
    lift = comparison.absolute_lift or 0.0
    if comparison.significant:
        direction = "better" if lift > 0 else "worse"
        return (
            f"{treatment} converts {direction} than {control}: {rates}, {p}, "
            f"significant at {level}."
        )
    versus = f"{treatment} vs {control}"
    needed = comparison.additional_exposures_needed
    if lift == 0 or needed is None:
        return f"{versus}: no difference so far ({rates}, {p})."
    if needed == 0:
        return (
            f"{versus}: not significant ({rates}, {p}). Both have enough conversations to "
            f"show a difference this size, so any real difference is likely smaller."
        )
    return (
        f"{versus}: not yet significant ({rates}, {p}); about {needed:,} more "
        f"conversations per variant needed."
    )
