"""Many comparisons at once: the Benjamini–Hochberg procedure, alone and over every
comparison of an A/B test's result."""

from __future__ import annotations

from bot.experiments.false_discovery import benjamini_hochberg, comparisons_tested, controlled
from bot.experiments.results import Experiment, Variant, experiment_results


def test_benjamini_hochberg_keeps_the_smallest_up_to_the_last_under_its_line() -> None:
    # m = 5 tested; lines k/5 · 0.05: 0.01, 0.02, 0.03, 0.04, 0.05. The 2nd smallest,
    # 0.021, is above its line (0.02), but the 4th, 0.035, is under its line (0.04), so
    # the four smallest are kept; 0.06 is not. None is untested.
    assert benjamini_hochberg([0.035, 0.005, None, 0.025, 0.06, 0.021]) == [
        True,
        True,
        False,
        True,
        False,
        True,
    ]
    assert benjamini_hochberg([0.02, 0.03]) == [True, True]  # lines 0.025 and 0.05
    assert benjamini_hochberg([0.04, 0.06]) == [False, False]  # lines 0.025 and 0.05
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([None]) == [False]


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{number}" for number in range(count)]


def test_a_test_with_many_comparisons_calls_only_what_the_procedure_keeps() -> None:
    # b differs strongly on "clicked" (p < 0.001), c a little (p ≈ 0.035): alone at 5% that
    # is significant, but not as the second smallest of four (its line is 2/4 · 5%).
    experiment = Experiment("ranking", (Variant("a"), Variant("b"), Variant("c")))
    exposed = {"ranking": {"a": ids("a", 60), "b": ids("b", 60), "c": ids("c", 60)}}
    converted: dict[str, set[str]] = {}
    for key in ids("a", 10):
        converted[key] = {"clicked", "qualified"}
    for key in ids("b", 32):
        converted[key] = {"clicked"}
    for key in ids("b", 10):
        converted[key].add("qualified")
    for key in ids("c", 20):
        converted[key] = {"clicked"}
    for key in ids("c", 10):
        converted[key].add("qualified")
    [raw] = experiment_results([experiment], exposed, converted, metrics=("clicked", "qualified"))
    c_clicked = raw.variants[2].metric("clicked").comparison
    assert c_clicked is not None and c_clicked.p_value is not None
    assert 0.025 < c_clicked.p_value < 0.05 and c_clicked.significant

    result = controlled(raw)

    assert comparisons_tested(result) == 4
    b, c = result.variants[1], result.variants[2]
    assert b.metric("clicked").comparison.significant  # type: ignore[union-attr]
    assert b.metric("clicked").verdict.startswith("b converts better than a: 53% vs 17%")
    assert not c.metric("clicked").comparison.significant  # type: ignore[union-attr]
    assert c.metric("clicked").verdict == (
        "c vs a: not significant among the 4 comparisons of this test (33% vs 17%, "
        "p = 0.035; Benjamini–Hochberg). Wait for more conversations before deciding."
    )
    assert result.variants[0] == raw.variants[0]  # the baseline has nothing to decide
