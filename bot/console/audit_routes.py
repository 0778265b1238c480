"""The fairness audit page: over the last 7, 30 or 90 days, the leads grouped by segment,
channel and region, their scores, grades, qualification and content exposure, each group
against all the other leads, with the significant differences said in sentences.

The predictive score is fitted on request, as the API's `/api/predictive` does; while
there are too few won/lost outcomes the page says why it is missing. The page shows
counts, means and rates of groups only, never a person, so it needs no audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import bootstrap
from bot.api.deps import SessionDep
from bot.api.routes.outcomes import predictive_model
from bot.console.access import Marketer
from bot.console.pages import page
from bot.console.periods import CHOICES, RecentDays
from bot.crm.engagement_reports import LeadExposure, leads_created
from bot.insights.fairness import MIN_GROUP, NO_SEGMENT, AuditedLead, GroupRow, audit
from bot.insights.regions import REGION_LABELS, UNKNOWN, region_of
from bot.scoring.facts import LeadFacts
from bot.scoring.model import ScoringRules
from bot.scoring.predictive import PredictiveModel, TooLittleData

router = APIRouter(prefix="/console", include_in_schema=False)
TOP_GRADES = 2  # how many of the rules' grades, from the top, count as "top grades"
GROUPING_TITLES = {"segment": "Per segment", "channel": "Per channel", "region": "Per region"}
CHANNEL_LABELS = {"webchat": "web chat", "sms": "SMS", "telegram": "Telegram", "rest": "REST"}


def label(grouping: str, name: str) -> str:
    if grouping == "channel":
        return CHANNEL_LABELS.get(name, name)
    if grouping == "region":
        return REGION_LABELS.get(name, name)
    return name


def describe(row: GroupRow) -> str:
    """How a callout begins: "Leads from SMS", "Leads in the segment students"."""
    if row.grouping == "channel":
        return f"Leads from {row.label}"
    if row.grouping == "segment":
        return "Leads in no segment" if row.name == NO_SEGMENT else f"Leads in segment {row.label}"
    if row.name == UNKNOWN:
        return "Leads whose region is unknown"
    return f"Leads in {row.label}"


def audited(
    lead: LeadExposure, top: Sequence[str], rules: ScoringRules, model: PredictiveModel | None
) -> AuditedLead:
    predicted = None
    if model is not None and lead.facts:
        predicted = model.probability(LeadFacts.from_dict(lead.facts), rules)
    return AuditedLead(
        channel=lead.channel,
        region=region_of(lead.conversation_id, lead.phones, lead.emails),
        segments=frozenset(lead.segments),
        score=lead.score,
        predicted=predicted,
        top_grade=lead.grade in top,
        qualified=lead.qualified,
        offered=lead.offered,
        clicked=lead.clicked,
    )


@router.get("/audit")
def audit_page(
    request: Request, session: SessionDep, user: Marketer, days: str | None = None
) -> Response:
    period = RecentDays.of(days)
    start, end = period.bounds
    rules = bootstrap.scoring_rules()
    top = [grade.name for grade in rules.grades[:TOP_GRADES]]
    top_grades = " or ".join(top)
    leads = leads_created(session, start=start, end=end)
    model = predictive_model(session) if leads else None
    fitted = model if isinstance(model, PredictiveModel) else None
    report = audit(
        [audited(lead, top, rules, fitted) for lead in leads],
        top_grades=top_grades,
        label=label,
        describe=describe,
    )
    return page(
        request,
        user,
        "audit.html",
        section="/console/audit",
        title="Fairness audit",
        period=period,
        choices=CHOICES,
        report=report,
        titles=GROUPING_TITLES,
        min_group=MIN_GROUP,
        top_grades=top_grades,
        no_prediction=model.reason if isinstance(model, TooLittleData) else None,
    )
