"""Typing someone else's e-mail or phone number in chat: the takeover attempts of an
outsider, on SQLite and PostgreSQL. A typed identifier is a claim: it never merges two
people, never renames or completes another's record, never grants or re-grants marketing
consent for an identifier its owner has not confirmed, and never lifts a suppression."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.crm import (
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    Lead,
    OutboxRow,
    current_consent,
    is_suppressed,
    session_scope,
)
from bot.crm.database import utcnow
from bot.double_opt_in import Outcome, confirm
from bot.lead_capture import capture_opt_out
from tests.security.visits import SINKS, finish_form

ALICE, BOB_PHONE, CAROL = "alice@acme.io", "+14155550100", "carol@acme.io"


def click_link(session: Session, conversation_id: str) -> Outcome:
    confirmation = session.scalars(
        select(ConsentConfirmation).where(ConsentConfirmation.conversation_id == conversation_id)
    ).one()
    return confirm(
        session,
        confirmation.id,
        reply_text="Yes, confirm",
        message_id=f"confirmation-link:{confirmation.id}",
        channel="email",
        wording="Yes, send me marketing e-mails.",
        notice_version="2026-11",
        pepper=bootstrap.suppression_pepper(),
        sinks=SINKS,
        now=utcnow(),
        kind="email",
    )


def snapshot(session: Session, contact: Contact) -> dict[str, Any]:
    consent = current_consent(session, contact_id=contact.id)
    return {
        "row": (contact.name, contact.company, contact.email, contact.phone),
        "verified": (contact.email_verified_at, contact.phone_verified_at),
        "consent": {purpose: event.answer for purpose, event in consent.items()},
        "leads": sorted(session.scalars(select(Lead.id).where(Lead.contact_id == contact.id))),
    }


def lead_rows(session: Session, lead_ids: list[str]) -> int:
    """How many lead versions went to the sinks for these leads."""
    query = select(func.count()).select_from(OutboxRow).where(OutboxRow.lead_id.in_(lead_ids))
    return int(session.scalar(query) or 0)


def owner(session: Session, **identifier: str) -> Contact:
    [(field, value)] = identifier.items()
    return session.scalars(select(Contact).where(getattr(Contact, field) == value)).one()


def test_typing_two_peoples_details_takes_over_neither(crm: Engine) -> None:
    with session_scope(crm) as session:
        finish_form(
            session,
            "web-alice",
            name="Alice",
            company="Acme",
            email=ALICE,
            consent=(Purpose.MARKETING_EMAIL,),
        )
        assert click_link(session, "web-alice") is Outcome.CONFIRMED
        finish_form(
            session,
            f"sms:{BOB_PHONE}",
            name="Bob",
            phone=BOB_PHONE,
            consent=(Purpose.MARKETING_SMS,),
        )
    with session_scope(crm) as session:
        alice, bob = owner(session, email=ALICE), owner(session, phone=BOB_PHONE)
        before = {"alice": snapshot(session, alice), "bob": snapshot(session, bob)}
        assert before["alice"]["consent"] == {"marketing_email": "granted"}
        assert before["bob"]["consent"] == {"marketing_sms": "granted"}
        requests_before = session.scalar(select(func.count()).select_from(ConsentConfirmation))
        theirs = [*before["alice"]["leads"], *before["bob"]["leads"]]
        rows_before = lead_rows(session, theirs)

    with session_scope(crm) as session:
        finish_form(
            session,
            "web-mallory",
            name="Mallory",
            company="Evil Corp",
            email=ALICE,
            phone=BOB_PHONE,
            consent=(Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS),
        )

    with session_scope(crm) as session:
        alice, bob = owner(session, email=ALICE), owner(session, phone=BOB_PHONE)
        assert {"alice": snapshot(session, alice), "bob": snapshot(session, bob)} == before
        mallory_id = session.scalar(
            select(Lead.contact_id).where(Lead.conversation_id == "web-mallory")
        )
        mallory = session.get(Contact, mallory_id)
        assert mallory is not None and mallory.id not in {alice.id, bob.id}
        assert (mallory.email, mallory.phone, mallory.name) == (None, None, "Mallory")
        events = session.scalars(
            select(ConsentEvent.answer).where(ConsentEvent.conversation_id == "web-mallory")
        ).all()
        assert sorted(events) == ["pending", "pending"]
        assert session.scalar(select(func.count()).select_from(Contact)) == 3
        # Alice and Bob already confirmed: nobody is asked again, their leads don't move.
        assert (
            session.scalar(select(func.count()).select_from(ConsentConfirmation)) == requests_before
        )
        assert lead_rows(session, theirs) == rows_before


def test_a_suppressed_address_cannot_be_regranted_by_typing_it(crm: Engine) -> None:
    with session_scope(crm) as session:
        finish_form(session, "web-carol", name="Carol", email=CAROL)
        capture_opt_out(
            session,
            slots={"email": CAROL},
            conversation_id="web-carol",
            records=[
                consent_record(
                    purpose=Purpose.MARKETING_EMAIL,
                    answer=ConsentAnswer.WITHDRAWN,
                    wording=None,
                    notice_version="2026-11",
                    reply_text="unsubscribe me",
                    message_id="web-carol-unsub",
                    channel="webchat",
                    conversation_id="web-carol",
                )
            ],
            pepper=bootstrap.suppression_pepper(),
            sinks=SINKS,
        )
    pepper = bootstrap.suppression_pepper()
    with session_scope(crm) as session:
        finish_form(session, "web-mallory", email=CAROL, consent=(Purpose.MARKETING_EMAIL,))
        finish_form(
            session, "web-carol", name="Carol", email=CAROL, consent=(Purpose.MARKETING_EMAIL,)
        )
    with session_scope(crm) as session:
        carol = owner(session, email=CAROL)
        assert current_consent(session, contact_id=carol.id)["marketing_email"].answer in {
            "withdrawn",
            "pending",
        }
        assert is_suppressed(session, kind="email", value=CAROL, pepper=pepper)
        granted = session.scalars(
            select(ConsentEvent).where(ConsentEvent.answer == "granted")
        ).all()
        assert granted == []
        for row in session.scalars(select(OutboxRow).where(OutboxRow.sink == "webhook")):
            assert row.payload["consent"]["marketing_email"]["granted"] is False
