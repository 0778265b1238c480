"""Contacts (identity claims, proven identifiers, merges) and lead versions, SQLite and PG."""

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
from bot.crm.engagement_tables import record_offer
from bot.crm.repository import is_verified
from tests.integration.crm.crm_helpers import count, lead_for, record

pytestmark = pytest.mark.integration


def test_a_proven_number_finds_its_owner_and_a_typed_one_is_only_a_claim(
    session: Session,
) -> None:
    web = upsert_contact(session, email="Jane@ACME.io", phone="+14155550123", name="Jane")
    assert web.email == "Jane@acme.io" and not is_verified(web, "phone")
    # The number's owner texts in: the proven number is theirs, the typed claim gives way.
    sms = upsert_contact(session, verified={"phone"}, phone="+1 (415) 555-0123")
    assert sms.id != web.id and sms.phone == "+14155550123" and is_verified(sms, "phone")
    assert web.phone is None and web.email == "Jane@acme.io"
    assert upsert_contact(session, verified={"phone"}, phone="+14155550123").id == sms.id
    telegram = upsert_contact(session, telegram_user_id=987654321)
    assert telegram.id not in {web.id, sms.id} and telegram.telegram_user_id == "987654321"
    assert count(session, Contact) == 3
    audit = session.execute(select(AuditEntry)).scalar_one()
    assert (audit.action, audit.details) == (
        "contact.claim_displaced",
        {"contact_id": web.id, "identifier": "phone"},
    )


def test_typed_identifiers_never_merge_rename_or_complete_anyone_else(session: Session) -> None:
    alice = upsert_contact(session, email="alice@acme.io", name="Alice")
    bob = upsert_contact(session, verified={"phone"}, phone="+14155550123", name="Bob")
    append_consent_events(session, contact=bob, records=[record(ConsentAnswer.GRANTED, "m1")])

    mallory = upsert_contact(
        session, email="alice@acme.io", phone="+14155550123", name="Mallory", company="Evil"
    )

    assert mallory.id not in {alice.id, bob.id}
    assert (mallory.email, mallory.phone, mallory.name) == (None, None, "Mallory")
    assert (alice.email, alice.name, alice.company) == ("alice@acme.io", "Alice", None)
    assert (bob.phone, bob.name) == ("+14155550123", "Bob")
    assert set(current_consent(session, contact_id=mallory.id)) == set()
    assert count(session, AuditEntry) == 0


def test_a_proven_identifier_joins_the_conversations_contact_to_its_owner(
    session: Session,
) -> None:
    owner = upsert_contact(session, verified={"phone"}, phone="+14155550123", name="Jane")
    web = upsert_contact(session, email="jane@acme.io", company="Acme")
    lead_for(session, owner, "sms-1", channel="sms")
    web_lead = lead_for(session, web, "web-1")
    append_consent_events(session, contact=web, records=[record(ConsentAnswer.GRANTED, "m1")])
    offer = record_offer(
        session,
        item_id="a-guide",
        strategy="content",
        conversation_id="web-1",
        lead_id=web_lead.id,
        contact_id=web.id,
    )
    merged_id = web.id

    # The web visitor's conversation goes on over SMS, from the proven number.
    contact = upsert_contact(session, known=web, verified={"phone"}, phone="+14155550123")

    assert contact.id == owner.id
    assert session.get(Contact, merged_id) is None
    assert (contact.email, contact.company, contact.name) == ("jane@acme.io", "Acme", "Jane")
    leads = session.execute(select(Lead.conversation_id, Lead.contact_id, Lead.version)).all()
    assert sorted(leads) == [("sms-1", contact.id, 1), ("web-1", contact.id, 2)]
    assert set(current_consent(session, contact_id=contact.id)) == {"marketing_email"}
    session.refresh(offer)  # the content offered to them stays theirs, not erased with `web`
    assert offer.contact_id == contact.id
    audit = session.execute(select(AuditEntry)).scalar_one()
    assert (audit.action, audit.details) == (
        "contact.merged",
        {"kept": contact.id, "merged": merged_id},
    )


def test_known_identifiers_are_never_blanked_or_replaced(session: Session) -> None:
    first = upsert_contact(session, email="jane@acme.io", phone="+14155550123", company="Acme")
    again = upsert_contact(
        session, known=first, email="jane@acme.io", phone="declined", company="Acme Inc"
    )
    upsert_contact(
        session, known=first, email="jane@acme.io", phone=None, company="unknown", name=" "
    )
    other_address = upsert_contact(
        session, known=first, phone="+14155550123", email="j.doe@other.io"
    )
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
