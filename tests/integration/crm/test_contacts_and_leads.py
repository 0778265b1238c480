"""Contacts merged across channels and lead versioning, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.consent.proof import ConsentAnswer
from bot.crm import (
    AuditEntry,
    Contact,
    Lead,
    append_consent_events,
    current_consent,
    make_session,
    upsert_contact,
)
from tests.integration.crm.crm_helpers import count, lead_for, record

pytestmark = pytest.mark.integration


def test_one_contact_across_channels(session: Session) -> None:
    web = upsert_contact(session, email="Jane@ACME.io", phone="+14155550123", name="Jane")
    assert web.email == "Jane@acme.io"
    sms = upsert_contact(session, phone="+1 (415) 555-0123")
    telegram = upsert_contact(session, telegram_user_id=987654321)
    assert sms.id == web.id
    assert telegram.id != web.id and telegram.telegram_user_id == "987654321"
    assert count(session, Contact) == 2


def test_contacts_matched_by_different_identifiers_are_merged(session: Session) -> None:
    by_email = upsert_contact(session, email="jane@acme.io", name="Jane")
    by_phone = upsert_contact(session, phone="+14155550123", telegram_user_id="42")
    lead_for(session, by_email, "web-1")
    lead_for(session, by_phone, "sms-1", channel="sms")
    append_consent_events(session, contact=by_phone, records=[record(ConsentAnswer.GRANTED, "m1")])
    merged_id = by_phone.id

    contact = upsert_contact(session, email="jane@acme.io", phone="+14155550123")

    assert contact.id == by_email.id
    assert session.get(Contact, merged_id) is None
    assert (contact.phone, contact.telegram_user_id, contact.name) == ("+14155550123", "42", "Jane")
    leads = session.execute(select(Lead.conversation_id, Lead.contact_id, Lead.version)).all()
    assert sorted(leads) == [("sms-1", contact.id, 2), ("web-1", contact.id, 1)]
    assert set(current_consent(session, contact_id=contact.id)) == {"marketing_email"}
    audit = session.execute(select(AuditEntry)).scalar_one()
    assert (audit.action, audit.details) == (
        "contact.merged",
        {"kept": contact.id, "merged": merged_id},
    )


def test_known_identifiers_are_never_blanked_or_replaced(session: Session) -> None:
    first = upsert_contact(session, email="jane@acme.io", phone="+14155550123", company="Acme")
    again = upsert_contact(session, email="jane@acme.io", phone="declined", company="Acme Inc")
    upsert_contact(session, email="jane@acme.io", phone=None, company="unknown", name=" ")
    other_address = upsert_contact(session, phone="+14155550123", email="j.doe@other.io")
    assert first.id == again.id == other_address.id
    assert (first.email, first.phone, first.company) == ("jane@acme.io", "+14155550123", "Acme Inc")


def test_no_answer_markers_never_identify_anyone(session: Session) -> None:
    one = upsert_contact(session, email="unknown", phone="declined")
    two = upsert_contact(session, email="unknown", phone="declined")
    assert one.id != two.id and one.email is None and one.phone is None
    with pytest.raises(ValueError):
        upsert_contact(session, phone="call me maybe")


# Leads


def test_lead_version_moves_only_on_change(session: Session) -> None:
    contact = upsert_contact(session, email="jane@acme.io")
    lead = lead_for(session, contact, "conv-1")
    created = lead.updated_at
    assert lead.version == 1
    # Tuples are lists once stored: not a change.
    again = lead_for(session, contact, "conv-1", segments=("mid_market",))
    assert (again.id, again.version) == (lead.id, 1)
    changed = lead_for(session, contact, "conv-1", score=80, grade="A", status="qualified")
    assert (changed.id, changed.version, changed.score) == (lead.id, 2, 80)
    assert changed.updated_at >= created
    assert count(session, Lead) == 1
    with pytest.raises(ValueError):
        lead_for(session, contact, "conv-1", status="hot")


def test_concurrent_lead_change_is_refused(session: Session, crm_engine: Engine) -> None:
    lead_for(session, upsert_contact(session, email="jane@acme.io"), "conv-1")
    session.commit()
    with make_session(crm_engine) as other:
        stale = other.execute(select(Lead)).scalar_one()
        other.commit()  # loaded in one request, saved in a later one
        lead_for(session, session.get(Contact, stale.contact_id), "conv-1", score=70)
        session.commit()
        with pytest.raises(StaleDataError):
            lead_for(other, other.get(Contact, stale.contact_id), "conv-1", score=90)


# Consent
