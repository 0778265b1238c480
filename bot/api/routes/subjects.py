"""Data-subject rights: export everything held about a person, or erase it.

Export is for marketers (it answers a person's access request); erasure is for admins.
Both are audited with the person's identifier hash, never the identifier.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.api.deps import (
    Admin,
    ConversationsDep,
    Identifier,
    IdentifierDep,
    Marketer,
    SessionDep,
    audit,
)
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.schemas import ErasureReport, SubjectExport
from bot.crm.subjects import (
    Subject,
    erase_subject,
    export_subject,
    find_subject,
    pending_erasure_requests,
)
from bot.stores.conversation_events import ConversationEvents

router = APIRouter(prefix="/subjects", tags=["data-subject rights"])


class ErasureRequest(BaseModel):
    requested_at: datetime
    contact_id: str
    name: str | None
    email: str | None
    phone: str | None


@router.get(
    "/requests",
    response_model=list[ErasureRequest],
    summary="Erasure requests made in chat, waiting for an admin to erase",
)
def erasure_requests(caller: Admin, session: SessionDep) -> list[ErasureRequest]:
    pending = [ErasureRequest.parse_obj(item) for item in pending_erasure_requests(session)]
    audit(session, caller, "erasure_requests.listed", count=len(pending))
    return pending


def _subject(session: Session, person: Identifier, conversations: ConversationEvents) -> Subject:
    subject = find_subject(
        session, kind=person.kind, value=person.value, conversations=conversations
    )
    if subject is None:
        raise ApiError(404, "no contact with that identifier")
    return subject


@router.get(
    "/export",
    response_model=SubjectExport,
    responses=NOT_FOUND,
    summary="Everything held about a person, as JSON",
)
def export(
    person: IdentifierDep, caller: Marketer, session: SessionDep, conversations: ConversationsDep
) -> SubjectExport:
    subject = _subject(session, person, conversations)
    pepper = bootstrap.suppression_pepper()
    data = export_subject(session, subject, conversations=conversations, pepper=pepper)
    audit(session, caller, "subject.exported", subject_hash=person.hash())
    return SubjectExport.parse_obj(data)


@router.delete(
    "",
    response_model=ErasureReport,
    responses=NOT_FOUND,
    summary="Erase a person's data everywhere, keeping only the suppression hash and audit",
)
def erase(
    person: IdentifierDep, caller: Admin, session: SessionDep, conversations: ConversationsDep
) -> ErasureReport:
    subject = _subject(session, person, conversations)
    erased, notified = erase_subject(
        session,
        subject,
        conversations=conversations,
        pepper=bootstrap.suppression_pepper(),
        actor=caller.name,
        sinks=bootstrap.sink_names(),
    )
    kinds = sorted({kind for kind, _ in subject.identifiers()})
    return ErasureReport(erased=erased, suppressed=kinds, notified=notified)
