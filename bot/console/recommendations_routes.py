"""The recommendations page: over the last 7, 30 or 90 days, per catalogue item and per
ranking strategy, the content offered, clicked and what became of the leads offered it,
with the two strategies' click rates compared.

Items are named from the catalogue as it is now (`bot.bootstrap.content`): an item never
offered shows zeros, one offered but since removed shows its id. The page shows counts
and rates only, nothing about a person, so it needs no audit entry.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.pages import page
from bot.console.periods import CHOICES, RecentDays
from bot.crm.engagement_reports import offers_made
from bot.experiments.results import percent
from bot.insights.recommendations import recommendation_report
from bot.recommend.catalogue import Item

router = APIRouter(prefix="/console", include_in_schema=False)


def catalogue_items() -> tuple[tuple[Item, ...], str | None]:
    """The catalogue's items, or none and why when the catalogue does not load."""
    try:
        catalogue, _ = bootstrap.content()
    except ValueError as error:  # a RulesError names the file and line
        return (), f"The content catalogue does not load ({error}), so items show by id."
    return catalogue.items, None


@router.get("/recommendations")
def recommendations_page(
    request: Request, session: SessionDep, user: Marketer, days: str | None = None
) -> Response:
    period = RecentDays.of(days)
    start, end = period.bounds
    items, problem = catalogue_items()
    return page(
        request,
        user,
        "recommendations.html",
        section="/console/recommendations",
        title="Recommendations",
        period=period,
        choices=CHOICES,
        report=recommendation_report(offers_made(session, start=start, end=end), items),
        catalogue_problem=problem,
        percent=percent,
    )
