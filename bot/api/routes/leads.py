"""Leads: the filtered list, one lead with its score breakdown and consent proof, and the
conversation it came from. Marketers only: all of it is personal data, and audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from bot.api.deps import TEXT_PATTERN, ConversationsDep, Marketer, PagingDep, SessionDep, audit
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.routes.outcomes import lead_prediction
from bot.api.schemas import LeadDetail, LeadPage, Transcript, TranscriptLine
from bot.api.views import lead_detail, lead_summary
from bot.consent.proof import ConsentAnswer
from bot.consent.purposes import Purpose
from bot.crm.queries import NO_CONSENT_ANSWER, LeadFilters, search_leads
from bot.crm.tables import Contact, Lead

router = APIRouter(prefix="/leads", tags=["leads"])

CONSENT_VALUES = [
    f"{purpose.value}:{answer}"
    for purpose in Purpose
    for answer in [*(a.value for a in ConsentAnswer), NO_CONSENT_ANSWER]
]
CONSENT_PATTERN = "^({}):({})$".format(
    "|".join(p.value for p in Purpose),
    "|".join([*(a.value for a in ConsentAnswer), NO_CONSENT_ANSWER]),
)
Text = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)]
Id = Annotated[str, Path(max_length=64, pattern=TEXT_PATTERN)]


def _consent_filter(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    if value not in CONSENT_VALUES:
        raise ApiError(422, {"consent": f"one of {', '.join(CONSENT_VALUES)}"})
    purpose, _, answer = value.partition(":")
    return purpose, answer


@router.get("", response_model=LeadPage, summary="Leads, newest first")
def list_leads(
    caller: Marketer,
    session: SessionDep,
    page: PagingDep,
    segment: Text = None,
    grade: Text = None,
    channel: Text = None,
    consent: Annotated[
        str | None,
        Query(
            pattern=CONSENT_PATTERN,
            description="The current answer for a purpose, e.g. marketing_email:granted "
            "(`none`: never asked).",
        ),
    ] = None,
    created_from: Annotated[date | None, Query(description="Created on or after (UTC).")] = None,
    created_to: Annotated[date | None, Query(description="Created on or before (UTC).")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=TEXT_PATTERN, description="Name, e-mail or company contains"),
    ] = None,
) -> LeadPage:
    filters = LeadFilters(
        segment=segment,
        grade=grade,
        channel=channel,
        consent=_consent_filter(consent),
        created_from=created_from,
        created_to=created_to,
        q=q,
    )
    rows, total = search_leads(session, filters=filters, limit=page.limit, offset=page.offset)
    audit(session, caller, "leads.listed", returned=len(rows), total=total)
    items = [lead_summary(lead, contact) for lead, contact in rows]
    return LeadPage(items=items, total=total, limit=page.limit, offset=page.offset)


def _lead(session: Session, lead_id: str) -> tuple[Lead, Contact]:
    lead = session.get(Lead, lead_id)
    contact = None if lead is None else session.get(Contact, lead.contact_id)
    if lead is None or contact is None:
        raise ApiError(404, "no such lead")
    return lead, contact


@router.get("/{lead_id}", response_model=LeadDetail, responses=NOT_FOUND, summary="One lead")
def get_lead(lead_id: Id, caller: Marketer, session: SessionDep) -> LeadDetail:
    lead, contact = _lead(session, lead_id)
    audit(session, caller, "lead.read", lead_id=lead.id)
    return lead_detail(session, lead, contact).copy(
        update={"predictive": lead_prediction(session, lead)}
    )


@router.get(
    "/{lead_id}/transcript",
    response_model=Transcript,
    responses=NOT_FOUND,
    summary="What the visitor and the bot said in the lead's conversation",
)
def get_transcript(
    lead_id: Id, caller: Marketer, session: SessionDep, conversations: ConversationsDep
) -> Transcript:
    lead, _ = _lead(session, lead_id)
    lines = conversations.transcript(lead.conversation_id)
    audit(session, caller, "lead.transcript_read", lead_id=lead.id)
    messages = [TranscriptLine.parse_obj(line) for line in lines]
    return Transcript(lead_id=lead.id, conversation_id=lead.conversation_id, messages=messages)
