"""Many comparisons at once: which differences to call significant when a page tests
several (variants × metrics of an A/B test, groups × measures of the fairness audit).

At a 5% level each, some of many p-values fall under 5% by chance alone. The
Benjamini–Hochberg procedure bounds the false discovery rate instead: of the differences
it calls significant, at most `alpha` are expected to be chance (`benjamini_hochberg`).
`controlled` applies it over every comparison of an A/B test's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.experiments.results import ExperimentResult, MetricResult, p_text, percent, verdict
from bot.experiments.statistics import Comparison

__all__ = ["benjamini_hochberg", "comparisons_tested", "controlled"]


def benjamini_hochberg(p_values: Sequence[float | None], alpha: float = 0.05) -> list[bool]:
    """Which p-values are significant by the Benjamini–Hochberg procedure at false
    discovery rate `alpha`: with the m p-values sorted, the k smallest, for the largest k
    whose p-value is at most k/m · alpha. None (no test) is never significant and does
    not count in m."""
    tested = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    kept = max(
        (rank for rank, (p, _) in enumerate(tested, 1) if p <= rank / len(tested) * alpha),
        default=0,
    )
    significant = [False] * len(p_values)
    for _, index in tested[:kept]:
        significant[index] = True
    return significant


def _p_values(result: ExperimentResult) -> list[float | None]:
    """The p-value of each comparison with the baseline, variant by variant, metric by
    metric (None where there is no test yet)."""
    return [
        metric.comparison.p_value
        for variant in result.variants
        for metric in variant.metrics
        if metric.comparison is not None
    ]


def comparisons_tested(result: ExperimentResult) -> int:
    """How many of the result's comparisons have a p-value (what the procedure covers)."""
    return sum(p is not None for p in _p_values(result))


def controlled(result: ExperimentResult, *, alpha: float = 0.05) -> ExperimentResult:
    """`result` with each comparison significant only when the Benjamini–Hochberg
    procedure keeps it among all the result's comparisons, and its verdict said so."""
    kept = iter(benjamini_hochberg(_p_values(result), alpha))
    count = comparisons_tested(result)

    def decided(metric: MetricResult) -> MetricResult:
        if metric.comparison is None:
            return metric
        comparison = replace(metric.comparison, significant=next(kept))
        said = verdict(comparison)
        if metric.comparison.significant and not comparison.significant:
            said = _not_kept(comparison, count)
        return replace(metric, comparison=comparison, verdict=said)

    return replace(
        result,
        variants=tuple(
            replace(variant, metrics=tuple(decided(metric) for metric in variant.metrics))
            for variant in result.variants
        ),
    )


def _not_kept(comparison: Comparison, count: int) -> str:
    """The verdict on a p-value under `alpha` that the procedure did not keep."""
    rates = f"{percent(comparison.treatment_rate)} vs {percent(comparison.control_rate)}"
    p = p_text(comparison.p_value or 0)
    return (
        f"{comparison.treatment.name} vs {comparison.control.name}: not significant among "
        f"the {count} comparisons of this test ({rates}, {p}; Benjamini–Hochberg). Wait for "
        f"more conversations before deciding."
    )
