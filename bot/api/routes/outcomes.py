"""Won/lost outcomes from the sales CRM, and the predictive score learned from them.

POST /outcomes imports outcomes (marketers; all or nothing, audited); GET /predictive shows
what the fitted model says matters, or why there is none yet (any role: coefficients are
not personal data). The model is fitted on request: at this scale that is cheap, and it
never serves a model older than the outcomes it was given.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from fastapi import APIRouter
from pydantic import Field, conlist, constr
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.deps import TEXT_PATTERN, Marketer, SessionDep, Viewer, audit
from bot.api.errors import ApiError
from bot.api.schemas import ApiModel, LeadPrediction, NoPrediction
from bot.crm.outcomes import labelled_facts, record_outcome, unknown_leads
from bot.crm.tables import Lead
from bot.scoring.facts import LeadFacts
from bot.scoring.predictive import PredictiveModel, TooLittleData, fit

router = APIRouter(tags=["predictive score"])

MAX_IMPORT = 1000


class OutcomeIn(ApiModel):
    lead_id: constr(min_length=1, max_length=64, regex=TEXT_PATTERN)  # type: ignore[valid-type]
    outcome: Literal["won", "lost"]
    source: constr(min_length=1, max_length=64, regex=TEXT_PATTERN) = Field(  # type: ignore[valid-type]
        ..., description="Where the outcome comes from, e.g. salesforce."
    )


class OutcomeImport(ApiModel):
    outcomes: conlist(OutcomeIn, min_items=1, max_items=MAX_IMPORT)  # type: ignore[valid-type]


class OutcomeImported(ApiModel):
    imported: int
    created: int = Field(..., description="Leads that had no outcome before.")
    updated: int = Field(..., description="Leads whose outcome was replaced.")


class TooLittleDataOut(ApiModel):
    status: Literal["too_little_data"]
    reason: str
    labelled: int
    won: int
    lost: int


class FittedOut(ApiModel):
    status: Literal["fitted"]
    labelled: int
    coefficients: dict[str, float] = Field(
        ..., description="Weight per standardised feature: comparable with each other."
    )
    intercept: float


def predictive_model(session: Session) -> PredictiveModel | TooLittleData:
    """The predictive score fitted on every lead with an outcome (and stored facts)."""
    return fit(labelled_facts(session), bootstrap.scoring_rules())


def lead_prediction(session: Session, lead: Lead) -> LeadPrediction | NoPrediction:
    """The lead's predicted chance of a win, or why there is none."""
    if not lead.facts:
        reason = "This lead was captured before its facts were kept for the predictive score."
        return NoPrediction(status="no_facts", reason=reason)
    model = predictive_model(session)
    if isinstance(model, TooLittleData):
        return NoPrediction(status="too_little_data", reason=model.reason)
    facts = LeadFacts.from_dict(lead.facts)
    return LeadPrediction(probability=model.probability(facts, bootstrap.scoring_rules()))


@router.post(
    "/outcomes",
    response_model=OutcomeImported,
    summary="Import won/lost outcomes (one current outcome per lead; all or nothing)",
)
def import_outcomes(body: OutcomeImport, caller: Marketer, session: SessionDep) -> OutcomeImported:
    ids = [item.lead_id for item in body.outcomes]
    repeated = sorted(lead_id for lead_id, times in Counter(ids).items() if times > 1)
    if repeated:
        raise ApiError(422, {"repeated_lead_ids": repeated})
    unknown = unknown_leads(session, ids)
    if unknown:
        raise ApiError(422, {"unknown_lead_ids": unknown})
    created = sum(
        record_outcome(
            session,
            lead_id=item.lead_id,
            outcome=item.outcome,
            source=item.source,
            actor=caller.name,
        )
        for item in body.outcomes
    )
    result = OutcomeImported(imported=len(ids), created=created, updated=len(ids) - created)
    won = sum(1 for item in body.outcomes if item.outcome == "won")
    audit(session, caller, "outcomes.imported", **result.dict(), won=won, lost=len(ids) - won)
    return result


@router.get(
    "/predictive",
    response_model=FittedOut | TooLittleDataOut,
    summary="The predictive score's coefficients, or why it cannot be fitted yet",
)
def get_predictive(_: Viewer, session: SessionDep) -> FittedOut | TooLittleDataOut:
    model = predictive_model(session)
    if isinstance(model, TooLittleData):
        return TooLittleDataOut(
            status="too_little_data",
            reason=model.reason,
            labelled=model.labelled,
            won=model.won,
            lost=model.lost,
        )
    return FittedOut(
        status="fitted",
        labelled=model.labelled,
        coefficients=model.coefficients,
        intercept=model.intercept,
    )
