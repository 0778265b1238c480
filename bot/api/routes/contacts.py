"""Contacts: the people behind the leads. Marketers only, every read audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from bot.api.deps import TEXT_PATTERN, Marketer, PagingDep, SessionDep, audit
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.schemas import ContactDetail, ContactPage
from bot.api.views import consent_states, contact_out, lead_summary
from bot.crm.queries import consent_events_of, leads_of_contact, search_contacts
from bot.crm.tables import Contact

router = APIRouter(prefix="/contacts", tags=["contacts"])
Id = Annotated[str, Path(max_length=64, pattern=TEXT_PATTERN)]


@router.get("", response_model=ContactPage, summary="Contacts, newest first")
def list_contacts(
    caller: Marketer,
    session: SessionDep,
    page: PagingDep,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=TEXT_PATTERN, description="Name, e-mail, company or phone"),
    ] = None,
) -> ContactPage:
    contacts, total = search_contacts(session, q=q, limit=page.limit, offset=page.offset)
    audit(session, caller, "contacts.listed", returned=len(contacts), total=total)
    items = [contact_out(contact) for contact in contacts]
    return ContactPage(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/{contact_id}", response_model=ContactDetail, responses=NOT_FOUND, summary="One contact"
)
def get_contact(contact_id: Id, caller: Marketer, session: SessionDep) -> ContactDetail:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise ApiError(404, "no such contact")
    audit(session, caller, "contact.read", contact_id=contact.id)
    return ContactDetail(
        **contact_out(contact).dict(),
        leads=[lead_summary(lead, contact) for lead in leads_of_contact(session, contact.id)],
        consent=consent_states(consent_events_of(session, [contact.id])),
    )
