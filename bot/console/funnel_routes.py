"""The funnel page: how far conversations got, per channel, campaign or the web chat
trigger that greeted the visitor, and where people gave up in the lead form.

A period is chosen with two dates (inclusive, UTC) in the query string: they are not
personal data, so a report can be bookmarked and shared. The page shows counts only, so
nothing on it is audited as a read of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import cast

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import ConversationsDep, SessionDep
from bot.console.access import Marketer
from bot.console.charts import Bar, stage_bars
from bot.console.pages import clean_text, page
from bot.crm.funnel import NO_VALUE, GroupBy, form_drop_off, funnel
from bot.crm.tables import NOT_RECORDED

router = APIRouter(prefix="/console", include_in_schema=False)
DEFAULT_DAYS = 30
MAX_DAYS = 366
GROUPINGS: dict[str, str] = {
    "channel": "Channel",
    "utm_campaign": "UTM campaign",
    "trigger": "Web chat trigger",
}
# "Per …" above the groups' charts.
GROUPED_PER = {"channel": "channel", "utm_campaign": "UTM campaign", "trigger": "web chat trigger"}
QUESTION_LABELS = {
    "name": "Name",
    "email": "E-mail",
    "company": "Company",
    "role": "Role",
    "company_size": "Company size",
    "use_case": "Use case",
    "budget": "Budget",
    "timeline": "Timeline",
    "phone": "Phone",
}


@dataclass(frozen=True)
class Period:
    """The report's first and last day (inclusive), and what was wrong with the input."""

    first: date
    last: date
    group_by: GroupBy
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, first: str | None, last: str | None, group_by: str | None) -> Period:
        today = datetime.now(timezone.utc).date()
        problems: list[str] = []
        days: list[date] = []
        for label, text, default in (
            ("from", first, today - timedelta(days=DEFAULT_DAYS - 1)),
            ("to", last, today),
        ):
            try:
                days.append(date.fromisoformat(clean_text(text)) if text else default)
            except ValueError:
                problems.append(f"The date '{label}' is not a date (YYYY-MM-DD); using {default}.")
                days.append(default)
        start, end = days
        if end < start:
            problems.append("The period ended before it began; the dates were swapped.")
            start, end = end, start
        if (end - start).days >= MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
            problems.append(f"A report covers at most {MAX_DAYS} days; it starts on {start}.")
        grouping = cast(GroupBy, group_by if group_by in GROUPINGS else "channel")
        return cls(start, end, grouping, tuple(problems))

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first, time.min, tzinfo=timezone.utc)
        return start, datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=timezone.utc)


@router.get("/funnel")
def funnel_page(
    request: Request,
    session: SessionDep,
    user: Marketer,
    conversations: ConversationsDep,
    first: str | None = None,
    last: str | None = None,
    group_by: str | None = None,
) -> Response:
    period = Period.of(first, last, group_by)
    start, end = period.bounds
    report = funnel(session, conversations, start=start, end=end, group_by=period.group_by)
    drop_off = form_drop_off(session, conversations, start=start, end=end)
    form_starts = report.total.counts["form_started"]
    return page(
        request,
        user,
        "funnel.html",
        section="/console/funnel",
        period=period,
        groupings=GROUPINGS,
        grouped_per=GROUPED_PER,
        no_value=NO_VALUE,
        not_recorded=NOT_RECORDED,
        report=report,
        total_bars=stage_bars(report.total),
        group_bars=[(row, stage_bars(row)) for row in report.groups],
        form_starts=form_starts,
        drop_off=[
            Bar(QUESTION_LABELS.get(item.question, item.question), item.count, item.share)
            for item in drop_off
        ],
    )
