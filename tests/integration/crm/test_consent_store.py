"""The consent ledger and the suppression list, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.consent.proof import ConsentAnswer
from bot.consent.purposes import Purpose
from bot.crm import (
    ConsentEvent,
    Contact,
    Lead,
    Suppression,
    append_consent_events,
    current_consent,
    is_suppressed,
    suppress,
    unsuppress,
    upsert_contact,
)
from bot.crm import repository as repository_module
from tests.integration.crm.crm_helpers import T0, count, lead_for, record

pytestmark = pytest.mark.integration


def test_consent_proof_is_appended_once_and_current_state_derived(session: Session) -> None:
    contact = upsert_contact(session, email="jane@acme.io")
    first = [
        record(ConsentAnswer.GRANTED, "m1"),
        record(ConsentAnswer.DENIED, "m2", purpose=Purpose.MARKETING_SMS, minutes=1),
    ]
    assert len(append_consent_events(session, contact=contact, records=first)) == 2
    assert append_consent_events(session, contact=contact, records=first) == []
    later = [*first, record(ConsentAnswer.WITHDRAWN, "m9", minutes=5)]
    assert len(append_consent_events(session, contact=contact, records=later)) == 1
    assert count(session, ConsentEvent) == 3

    state = current_consent(session, contact_id=contact.id)
    assert {p: e.answer for p, e in state.items()} == {
        "marketing_email": "withdrawn",
        "marketing_sms": "denied",
    }
    proof = state["marketing_email"]
    assert (proof.reply_text, proof.notice_version, proof.granted) == (
        "yes please",
        "2026-11",
        False,
    )
    assert proof.recorded_at == T0 + timedelta(minutes=5)


def test_answers_without_message_ids_are_told_apart_by_time(session: Session) -> None:
    contact = upsert_contact(session, email="jane@acme.io")
    yes, no = record(ConsentAnswer.GRANTED, None), record(ConsentAnswer.DENIED, None, minutes=1)
    yes_again = record(ConsentAnswer.GRANTED, None, minutes=2)
    records = [yes, no, yes, yes_again]
    assert len(append_consent_events(session, contact=contact, records=records)) == 3
    assert current_consent(session, contact_id=contact.id)["marketing_email"].granted is True


def test_consent_ledger_offers_no_way_to_rewrite_proof() -> None:
    consent_functions = {name for name in vars(repository_module) if "consent" in name}
    assert consent_functions == {"append_consent_events", "current_consent"}


def test_erasing_a_contact_keeps_detached_proof(session: Session) -> None:
    contact = upsert_contact(session, email="jane@acme.io")
    lead_for(session, contact, "conv-1")
    append_consent_events(session, contact=contact, records=[record(ConsentAnswer.GRANTED, "m1")])
    session.delete(contact)
    session.flush()
    session.expire_all()
    assert count(session, Lead) == 0  # ON DELETE CASCADE (SQLite too: foreign keys are on)
    assert session.execute(select(ConsentEvent.contact_id)).scalars().all() == [None]


# Suppression


def test_suppression_matches_however_the_identifier_is_typed(
    session: Session, pepper: bytes
) -> None:
    suppress(session, kind="email", value="Jane@Acme.io", reason="STOP", pepper=pepper)
    suppress(session, kind="phone", value="+44 20 7946 0958", reason="STOP", pepper=pepper)
    suppress(session, kind="email", value="jane@acme.io", reason="again", pepper=pepper)
    assert count(session, Suppression) == 2
    assert is_suppressed(session, kind="email", value=" jane@ACME.IO ", pepper=pepper)
    assert is_suppressed(session, kind="phone", value="+442079460958", pepper=pepper)
    assert not is_suppressed(session, kind="email", value="jane@acme.io", pepper=b"other key")
    assert not is_suppressed(session, kind="phone", value="+14155550123", pepper=pepper)


def test_suppression_stores_no_raw_identifier_and_survives_erasure(
    session: Session, pepper: bytes
) -> None:
    upsert_contact(session, email="jane@acme.io", phone="+14155550123")
    suppress(session, kind="email", value="jane@acme.io", reason="unsubscribe", pepper=pepper)
    suppress(session, kind="phone", value="+14155550123", reason="STOP", pepper=pepper)
    session.execute(Contact.__table__.delete())
    session.commit()
    rows = session.execute(text("SELECT * FROM suppressions")).all()
    stored = " ".join(str(value) for row in rows for value in row).lower()
    for raw in ("jane", "acme", "14155550123", "5550123"):
        assert raw not in stored
    assert all(len(row.identifier_hash) == 64 for row in rows)
    assert is_suppressed(session, kind="email", value="jane@acme.io", pepper=pepper)


def test_start_unsuppresses(session: Session, pepper: bytes) -> None:
    suppress(session, kind="telegram", value=42, reason="/stop", pepper=pepper)
    assert unsuppress(session, kind="telegram", value="42", pepper=pepper) is True
    assert not is_suppressed(session, kind="telegram", value=42, pepper=pepper)
    assert unsuppress(session, kind="telegram", value="42", pepper=pepper) is False


# Outbox
