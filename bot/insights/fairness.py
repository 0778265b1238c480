"""The fairness audit: how leads fare across segments, channels and regions, each group
compared with all the other leads, and the differences that are real enough to say.

Per group: how many leads, their mean rule score and mean predicted chance of a win (the
predictive score, when one can be fitted), the share graded in the top grades, the share
qualified (status qualified or handed off, as the funnel says), the share offered content
and, of those offered, the share who clicked. A group is compared only when it and the
other leads each hold at least `MIN_GROUP` (for clicks: leads offered content). Shares
are compared with the A/B tests' two-proportion test (`bot.experiments.statistics`),
means with Welch's t-test (`bot.experiments.welch`). With six measures over many groups
some p-values fall under 5% by chance alone, so the differences called significant are
those the Benjamini–Hochberg procedure keeps over every comparison made on the page: of
the differences it calls out, at most 5% are expected to be chance
(`bot.experiments.false_discovery.benjamini_hochberg`, as the A/B tests of strategies use).
An audit is a screen for what to look into, so it bounds the share of false alarms
rather than the chance of any one (Holm's correction), which would hide real gaps when
many groups are compared.

A lead in several segments counts in each; "in no segment" is a group of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import fmean

from bot.experiments.false_discovery import benjamini_hochberg
from bot.experiments.results import p_text, percent
from bot.experiments.statistics import Arm, compare
from bot.experiments.welch import compare_means

MIN_GROUP = 30
ALPHA = 0.05
NO_SEGMENT = "(no segment)"
GROUPINGS = ("segment", "channel", "region")
Labeller = Callable[[str, str], str]  # (grouping, name) → the group's name on the page


@dataclass(frozen=True)
class AuditedLead:
    """What the audit reads of one lead."""

    channel: str
    region: str
    segments: frozenset[str]
    score: int
    predicted: float | None  # the predictive score's chance of a win; None: none
    top_grade: bool
    qualified: bool
    offered: bool  # offered content at least once
    clicked: bool  # clicked offered content at least once


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # "mean" (of a number) or "share" (of leads)
    # Which leads it is measured over (None: all), and the number or yes/no it reads.
    among: Callable[[AuditedLead], bool] | None
    value: Callable[[AuditedLead], float | bool | None]
    phrase: str  # "{group} {phrase} {value} against {rest} for all other leads"


def measures(top_grades: str) -> tuple[Measure, ...]:
    """The audit's measures; `top_grades` names the top grades ("A or B")."""
    return (
        Measure("score", "Mean lead score", "mean", None, lambda lead: lead.score,
                "have a mean lead score of"),
        Measure("predicted", "Mean predicted chance of a win", "mean",
                lambda lead: lead.predicted is not None, lambda lead: lead.predicted,
                "have a mean predicted chance of a win of"),
        Measure("top_grade", f"Graded {top_grades}", "share", None,
                lambda lead: lead.top_grade, f"are graded {top_grades} at"),
        Measure("qualified", "Qualified", "share", None, lambda lead: lead.qualified,
                "are qualified at"),
        Measure("offered", "Offered content", "share", None, lambda lead: lead.offered,
                "are offered content at"),
        Measure("clicked", "Clicked (of those offered)", "share", lambda lead: lead.offered,
                lambda lead: lead.clicked, "click offered content at"),
    )  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One measure of one group, against the other leads."""

    measure: Measure
    n: int  # leads measured in the group
    value: float | None
    rest_n: int
    rest_value: float | None
    p_value: float | None  # None: not compared (too few, or nothing to test)
    too_few: bool
    significant: bool = False  # kept by the Benjamini–Hochberg procedure

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        return f"{value:.0f}" if self.measure.key == "score" else percent(value)

    @property
    def direction(self) -> str:
        higher = (self.value or 0) > (self.rest_value or 0)
        return "higher" if higher else "lower"


@dataclass(frozen=True)
class GroupRow:
    grouping: str
    name: str
    label: str
    n: int
    figures: tuple[Figure, ...]

    @property
    def too_few(self) -> bool:
        return self.figures[0].too_few

    def figure(self, key: str) -> Figure:
        return next(figure for figure in self.figures if figure.measure.key == key)


@dataclass(frozen=True)
class Audit:
    total: GroupRow
    groups: dict[str, tuple[GroupRow, ...]]  # by grouping, largest group first
    callouts: tuple[str, ...]
    comparisons: int  # how many comparisons the false discovery rate covers

    @property
    def too_few(self) -> list[GroupRow]:
        return [row for rows in self.groups.values() for row in rows if row.too_few]


def _values(leads: Iterable[AuditedLead], measure: Measure) -> list[float]:
    among = measure.among
    return [float(measure.value(lead) or 0) for lead in leads if among is None or among(lead)]


def _figure(measure: Measure, group: list[AuditedLead], rest: list[AuditedLead]) -> Figure:
    mine, others = _values(group, measure), _values(rest, measure)
    value = fmean(mine) if mine else None
    rest_value = fmean(others) if others else None
    too_few = min(len(mine), len(others)) < MIN_GROUP
    p_value = None
    if not too_few and measure.kind == "mean":
        p_value = compare_means(others, mine).p_value
    elif not too_few:
        arms = [
            Arm(name, len(values), int(sum(values)))
            for name, values in (("rest", others), ("group", mine))
        ]
        p_value = compare(*arms).p_value
    return Figure(measure, len(mine), value, len(others), rest_value, p_value, too_few)


def _row(
    grouping: str,
    name: str,
    label: str,
    group: list[AuditedLead],
    rest: list[AuditedLead],
    kept: Sequence[Measure],
) -> GroupRow:
    return GroupRow(grouping, name, label, len(group), tuple(_figure(m, group, rest) for m in kept))


def _members(leads: Sequence[AuditedLead], grouping: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, lead in enumerate(leads):
        if grouping == "segment":
            names = sorted(lead.segments) or [NO_SEGMENT]
        else:
            names = [getattr(lead, grouping)]
        for name in names:
            found.setdefault(name, []).append(index)
    return found


def _sentence(row: GroupRow, figure: Figure, describe: Callable[[GroupRow], str]) -> str:
    measured = f"n = {figure.n}" if figure.measure.among is None else f"n = {figure.n} offered"
    return (
        f"{describe(row)} {figure.measure.phrase} {figure.shown(figure.value)} against "
        f"{figure.shown(figure.rest_value)} for all other leads (significant, "
        f"{p_text(figure.p_value or 0)}, {measured})."
    )


def _group_rows(
    leads: Sequence[AuditedLead], grouping: str, kept: Sequence[Measure], label: Labeller
) -> list[GroupRow]:
    rows = []
    for name, indexes in _members(leads, grouping).items():
        inside = set(indexes)
        group = [leads[index] for index in indexes]
        rest = [lead for index, lead in enumerate(leads) if index not in inside]
        rows.append(_row(grouping, name, label(grouping, name), group, rest, kept))
    return sorted(rows, key=lambda row: (-row.n, row.label))


def audit(
    leads: Sequence[AuditedLead],
    *,
    top_grades: str,
    label: Labeller = lambda grouping, name: name,
    describe: Callable[[GroupRow], str] = lambda row: f"Leads in {row.label}",
) -> Audit:
    """The audit of `leads`; `label(grouping, name)` names a group on the page and
    `describe(row)` begins a sentence about it ("Leads from SMS")."""
    kept = [
        measure
        for measure in measures(top_grades)
        if measure.key != "predicted" or any(lead.predicted is not None for lead in leads)
    ]
    found = {grouping: _group_rows(leads, grouping, kept, label) for grouping in GROUPINGS}
    p_values = [f.p_value for rows in found.values() for row in rows for f in row.figures]
    verdicts = iter(benjamini_hochberg(p_values, ALPHA))
    groups = {
        grouping: tuple(
            replace(row, figures=tuple(replace(f, significant=next(verdicts)) for f in row.figures))
            for row in rows
        )
        for grouping, rows in found.items()
    }
    callouts = tuple(
        _sentence(row, figure, describe)
        for rows in groups.values()
        for row in rows
        for figure in row.figures
        if figure.significant
    )
    total = _row("all", "all", "All leads", list(leads), [], kept)
    compared = sum(p is not None for p in p_values)
    return Audit(total, groups, callouts, compared)
