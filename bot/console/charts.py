"""Numbers for the console's bar charts, drawn as inline SVG by templates/charts.html.

SVG attributes, not inline styles, set the bar lengths: the pages' Content-Security-Policy
allows no inline CSS. Every chart is followed by a table with the same numbers, for
screen readers and for copying into a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.crm.funnel import FunnelRow

STAGE_LABELS = {
    "started": "Conversations started",
    "form_started": "Lead form started",
    "qualified": "Qualified",
    "consent_given": "Consent given",
    "pushed": "Pushed to CRM",
}


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    share: float | None  # of the chart's whole (e.g. of started), None if that is empty


def stage_bars(row: FunnelRow) -> list[Bar]:
    return [
        Bar(STAGE_LABELS.get(stage.stage, stage.stage), stage.count, stage.from_started)
        for stage in row.stages
    ]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"
