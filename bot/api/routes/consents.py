"""The consent ledger of one person, found by e-mail or phone. Marketers only, audited."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from bot.api.deps import IdentifierDep, Marketer, SessionDep, audit
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.schemas import ConsentLedger
from bot.api.views import consent_event_out, consent_states
from bot.crm.queries import consent_events_of
from bot.crm.tables import Contact

router = APIRouter(prefix="/consents", tags=["consent"])


@router.get(
    "",
    response_model=ConsentLedger,
    responses=NOT_FOUND,
    summary="A person's consent answers, newest first, with the current state per purpose",
)
def get_consents(person: IdentifierDep, caller: Marketer, session: SessionDep) -> ConsentLedger:
    column = Contact.email if person.kind == "email" else Contact.phone
    # E-mail is matched case-insensitively, as the suppression list does.
    match = func.lower(column) == person.value if person.kind == "email" else column == person.value
    contact_ids = list(session.execute(select(Contact.id).where(match)).scalars())
    if not contact_ids:
        raise ApiError(404, "no contact with that identifier")
    events = consent_events_of(session, contact_ids)
    audit(session, caller, "consents.read", subject_hash=person.hash(), events=len(events))
    return ConsentLedger(
        current=consent_states(events), events=[consent_event_out(event) for event in events]
    )
