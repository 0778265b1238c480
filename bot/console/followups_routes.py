"""The follow-ups page: what each sequence of `data/workflows/` did in a period.

Per sequence: entered, sent, replied, resumed the form, converted, opted out, erased,
finished; per step: sent, and deferred or skipped with each reason counted. The period is
chosen as on the funnel page. Counts only: nothing on it is personal data.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.funnel_routes import Period
from bot.console.pages import page
from bot.followups.report import OUTCOMES, followup_report

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "/console/followups"
OUTCOME_LABELS = {
    "entered": "Entered",
    "sent": "Sent",
    "replied": "Replied",
    "resumed": "Resumed the form",
    "converted": "Converted",
    "opted_out": "Opted out",
    "erased": "Erased",
    "completed": "Finished",
}


@router.get("/followups")
def followups_page(
    request: Request,
    session: SessionDep,
    user: Marketer,
    first: str | None = None,
    last: str | None = None,
) -> Response:
    period = Period.of(first, last, None)
    start, end = period.bounds
    sequences = bootstrap.workflows().values()
    return page(
        request,
        user,
        "followups.html",
        section=SECTION,
        period=period,
        outcomes=[(kind, OUTCOME_LABELS[kind]) for kind in OUTCOMES],
        report=followup_report(session, sequences, start=start, end=end),
    )
