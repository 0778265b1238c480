"""Read-side queries over the CRM store: filtered, paged lists and counts.

Portable SQL only (the same statements on SQLite and PostgreSQL): JSON columns are
searched as text, and "current consent" is "an event with no later event for the same
contact and purpose" rather than a window function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import Text, and_, cast, desc, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from bot.crm.tables import ConsentEvent, Contact, Lead, OutboxRow
from bot.stores.conversation_events import like_pattern

NO_CONSENT_ANSWER = "none"


@dataclass(frozen=True)
class LeadFilters:
    segment: str | None = None
    grade: str | None = None
    channel: str | None = None
    # (purpose, answer): the contact's current answer for the purpose; answer "none"
    # means they were never asked.
    consent: tuple[str, str] | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = None


def _text_search(q: str, *columns: Any) -> Any:
    pattern = like_pattern(q.lower())
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def in_segment(name: str) -> Any:
    """Leads whose segment list holds `name`: the quotes make it match a whole element."""
    return cast(Lead.segments, Text).like(like_pattern(f'"{name}"'), escape="\\")


def _current_consent_is(purpose: str, answer: str) -> Any:
    if answer == NO_CONSENT_ANSWER:
        return not_(
            exists().where(
                ConsentEvent.contact_id == Lead.contact_id, ConsentEvent.purpose == purpose
            )
        )
    later = aliased(ConsentEvent)
    superseded = exists().where(
        later.contact_id == ConsentEvent.contact_id,
        later.purpose == ConsentEvent.purpose,
        or_(
            later.recorded_at > ConsentEvent.recorded_at,
            and_(later.recorded_at == ConsentEvent.recorded_at, later.id > ConsentEvent.id),
        ),
    )
    return exists().where(
        ConsentEvent.contact_id == Lead.contact_id,
        ConsentEvent.purpose == purpose,
        ConsentEvent.answer == answer,
        not_(superseded),
    )


def _lead_conditions(filters: LeadFilters) -> list[Any]:
    conditions: list[Any] = []
    if filters.segment:
        conditions.append(in_segment(filters.segment))
    if filters.grade:
        conditions.append(Lead.grade == filters.grade)
    if filters.channel:
        conditions.append(Lead.channel == filters.channel)
    if filters.consent:
        conditions.append(_current_consent_is(*filters.consent))
    if filters.created_from:
        start = datetime.combine(filters.created_from, time.min, timezone.utc)
        conditions.append(Lead.created_at >= start)
    if filters.created_to:
        # Inclusive of the whole last day (and safe for date.max, unlike "next day").
        conditions.append(
            Lead.created_at <= datetime.combine(filters.created_to, time.max, timezone.utc)
        )
    if filters.q:
        conditions.append(_text_search(filters.q, Contact.name, Contact.email, Contact.company))
    return conditions


def _count(session: Session, query: Select) -> int:
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def search_leads(
    session: Session, *, filters: LeadFilters, limit: int, offset: int
) -> tuple[list[tuple[Lead, Contact]], int]:
    """One page of leads with their contacts, newest first, and the total matching."""
    query = (
        select(Lead, Contact)
        .join(Contact, Contact.id == Lead.contact_id)
        .where(*_lead_conditions(filters))
    )
    total = _count(session, query.with_only_columns(Lead.id))
    page = session.execute(
        query.order_by(desc(Lead.created_at), Lead.id).limit(limit).offset(offset)
    ).all()
    return [(row.Lead, row.Contact) for row in page], total


def search_contacts(
    session: Session, *, q: str | None, limit: int, offset: int
) -> tuple[list[Contact], int]:
    query = select(Contact)
    if q:
        query = query.where(
            _text_search(q, Contact.name, Contact.email, Contact.company, Contact.phone)
        )
    total = _count(session, query.with_only_columns(Contact.id))
    page = session.execute(
        query.order_by(desc(Contact.created_at), Contact.id).limit(limit).offset(offset)
    ).scalars()
    return list(page), total


def search_outbox(
    session: Session, *, status: str | None, limit: int, offset: int
) -> tuple[list[OutboxRow], int]:
    query = select(OutboxRow)
    if status:
        query = query.where(OutboxRow.status == status)
    total = _count(session, query.with_only_columns(OutboxRow.id))
    page = session.execute(query.order_by(desc(OutboxRow.id)).limit(limit).offset(offset)).scalars()
    return list(page), total


def outbox_counts(session: Session) -> dict[str, int]:
    """Rows per status: what the delivery dashboard shows, without any personal data."""
    rows = session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
    return {status: int(count) for status, count in rows}


def segment_lead_count(session: Session, name: str) -> int:
    return _count(session, select(Lead.id).where(in_segment(name)))


def leads_of_contact(session: Session, contact_id: str) -> list[Lead]:
    query = select(Lead).where(Lead.contact_id == contact_id).order_by(desc(Lead.created_at))
    return list(session.execute(query).scalars())


def consent_events_of(session: Session, contact_ids: list[str]) -> list[ConsentEvent]:
    """The contacts' consent ledger, newest first."""
    query = (
        select(ConsentEvent)
        .where(ConsentEvent.__table__.c.contact_id.in_(contact_ids))
        .order_by(desc(ConsentEvent.recorded_at), desc(ConsentEvent.id))
    )
    return list(session.execute(query).scalars())


def lead_of_conversation(session: Session, conversation_id: str) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.conversation_id == conversation_id))


def lead_segments(session: Session, conversation_id: str) -> list[str]:
    """The segments of the lead a conversation became; [] if it became none."""
    segments = session.scalar(select(Lead.segments).where(Lead.conversation_id == conversation_id))
    return list(segments or [])
