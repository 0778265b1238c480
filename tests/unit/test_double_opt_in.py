"""Double opt-in: a yes for a typed identifier is pending until its owner confirms it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.consent.confirmation import ConfirmationRequests, InvalidLink
from bot.crm import (
    ConsentConfirmation,
    ConsentEvent,
    Contact,
    OutboxRow,
    current_consent,
    is_suppressed,
    make_engine,
    session_scope,
    suppress,
    upgrade_to_head,
)
from bot.crm.database import utcnow
from bot.double_opt_in import (
    Outcome,
    awaiting_confirmation,
    confirm,
    open_confirmations,
    proven_identifiers,
)
from bot.lead_capture import capture_lead, capture_opt_out

PEPPER = b"pepper"
REQUESTS = ConfirmationRequests(
    brand="Acme",
    notice_version="2026-11",
    confirm_url="https://api.acme.test/consent/confirm",
    ttl=timedelta(hours=48),
    signer=URLSafeTimedSerializer(b"k" * 32, salt="test"),
    senders=frozenset({"email", "phone"}),
)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    upgrade_to_head(url)
    with session_scope(make_engine(url)) as open_session:
        yield open_session


def granted(purpose: Purpose, conversation_id: str, message_id: str = "m-1") -> Any:
    return consent_record(
        purpose=purpose,
        answer=ConsentAnswer.GRANTED,
        wording="May we send you marketing?",
        notice_version="2026-11",
        reply_text="yes",
        message_id=message_id,
        channel=conversation_id.partition(":")[0] if ":" in conversation_id else "webchat",
        conversation_id=conversation_id,
    )


def capture(
    session: Session,
    conversation_id: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    purposes: tuple[Purpose, ...] = (Purpose.MARKETING_EMAIL,),
    requests: ConfirmationRequests | None = REQUESTS,
) -> Any:
    slots = {
        "name": "Dana",
        "email": email or "declined",
        "phone": phone or "declined",
        "consent_records": [granted(p, conversation_id) for p in purposes],
    }
    return capture_lead(
        session,
        slots=slots,
        conversation_id=conversation_id,
        channel=conversation_id.partition(":")[0] if ":" in conversation_id else "webchat",
        signals={},
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        pepper=PEPPER,
        sinks=("webhook",),
        confirmations=requests,
    )


def answers(session: Session) -> list[tuple[str, str]]:
    events = session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))
    return [(event.purpose, event.answer) for event in events]


def confirm_now(session: Session, confirmation_id: str, kind: str, **overrides: Any) -> Outcome:
    arguments: dict[str, Any] = {
        "reply_text": "YES",
        "message_id": "SM-reply",
        "channel": "sms" if kind == "phone" else "email",
        "wording": "Yes, send me Acme marketing.",
        "notice_version": "2026-11",
        "pepper": PEPPER,
        "sinks": ("webhook",),
        "now": utcnow(),
        "kind": kind,
    }
    return confirm(session, confirmation_id, **(arguments | overrides))


def test_only_an_sms_conversation_proves_a_number() -> None:
    assert proven_identifiers("sms:+14155550100") == {"phone": "+14155550100"}
    assert proven_identifiers("webchat-abc") == {}
    assert proven_identifiers("telegram:42") == {}
    assert proven_identifiers("sms:not-a-number") == {}


def test_a_typed_address_is_pending_and_its_owner_is_asked_once(session: Session) -> None:
    capture(session, "web-1", email="dana@acme.io")
    assert answers(session) == [("marketing_email", "pending")]
    [row] = session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_email"))
    assert row.payload["to"] == "dana@acme.io" and row.lead_id is None
    assert REQUESTS.confirm_url in row.payload["text"]
    lead_row = session.scalars(select(OutboxRow).where(OutboxRow.sink == "webhook")).one()
    assert lead_row.payload["consent"]["marketing_email"]["granted"] is False
    assert awaiting_confirmation(session, conversation_id="web-1") == {
        Purpose.MARKETING_EMAIL: True
    }
    # The same conversation captured again, and another one typing the same address while
    # the first request is open: no second e-mail.
    capture(session, "web-1", email="dana@acme.io")
    capture(session, "web-2", email="dana@acme.io")
    assert (
        len(session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_email")).all()) == 1
    )
    assert awaiting_confirmation(session, conversation_id="web-2") == {
        Purpose.MARKETING_EMAIL: False
    }


def test_an_sms_conversation_grants_for_its_own_number_only(session: Session) -> None:
    capture(
        session,
        "sms:+14155550100",
        email="dana@acme.io",
        phone="+14155550100",
        purposes=(Purpose.MARKETING_SMS, Purpose.MARKETING_EMAIL),
    )
    assert answers(session) == [("marketing_sms", "granted"), ("marketing_email", "pending")]
    contact = session.scalars(select(Contact)).one()
    assert contact.phone_verified_at is not None and contact.email_verified_at is None
    kinds = {c.kind for c in session.scalars(select(ConsentConfirmation))}
    assert kinds == {"email"}


def test_sms_consent_typed_elsewhere_is_texted_for_unless_the_number_stopped(
    session: Session,
) -> None:
    capture(session, "web-1", phone="+14155550100", purposes=(Purpose.MARKETING_SMS,))
    [text] = session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_sms"))
    assert text.payload["to"] == "+14155550100" and "reply YES" in text.payload["text"]

    suppress(session, kind="phone", value="+14155550111", reason="stop", pepper=PEPPER)
    capture(session, "web-2", phone="+14155550111", purposes=(Purpose.MARKETING_SMS,))
    assert len(session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_sms")).all()) == 1
    # Even the number's own SMS conversation can't lift a STOP with a yes: START does.
    capture(session, "sms:+14155550111", phone="+14155550111", purposes=(Purpose.MARKETING_SMS,))
    assert ("marketing_sms", "granted") not in answers(session)


def test_without_a_sender_the_request_stays_open_and_nothing_is_queued(session: Session) -> None:
    capture(session, "web-1", email="dana@acme.io", requests=None)
    assert session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_email")).all() == []
    assert awaiting_confirmation(session, conversation_id="web-1") == {
        Purpose.MARKETING_EMAIL: False
    }


def test_confirming_grants_once_and_resends_the_lead(session: Session) -> None:
    capture(session, "web-1", email="dana@acme.io")
    [confirmation] = session.scalars(select(ConsentConfirmation))
    assert confirm_now(session, confirmation.id, "email") is Outcome.CONFIRMED
    contact = session.scalars(select(Contact)).one()
    assert current_consent(session, contact_id=contact.id)["marketing_email"].answer == "granted"
    assert contact.email_verified_at is not None
    latest = session.scalars(
        select(OutboxRow).where(OutboxRow.sink == "webhook").order_by(OutboxRow.id.desc())
    ).first()
    assert latest is not None and latest.payload["consent"]["marketing_email"]["granted"] is True
    grants = [a for a in answers(session) if a == ("marketing_email", "granted")]
    assert len(grants) == 1
    assert confirm_now(session, confirmation.id, "email") is Outcome.ALREADY_CONFIRMED
    assert len([a for a in answers(session) if a[1] == "granted"]) == 1
    assert awaiting_confirmation(session, conversation_id="web-1") == {}


def test_a_link_never_confirms_a_text_and_old_or_withdrawn_requests_grant_nothing(
    session: Session,
) -> None:
    capture(
        session,
        "web-1",
        email="dana@acme.io",
        phone="+14155550100",
        purposes=(Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS),
    )
    by_kind = {c.kind: c for c in session.scalars(select(ConsentConfirmation))}
    assert confirm_now(session, by_kind["phone"].id, "email") is Outcome.UNKNOWN
    later = utcnow() + timedelta(hours=49)
    assert confirm_now(session, by_kind["email"].id, "email", now=later) is Outcome.EXPIRED
    capture_opt_out(
        session,
        slots={"phone": "+14155550100"},
        conversation_id="web-1",
        records=[
            consent_record(
                purpose=Purpose.MARKETING_SMS,
                answer=ConsentAnswer.WITHDRAWN,
                wording=None,
                notice_version="2026-11",
                reply_text="stop texting me",
                message_id="m-2",
                channel="webchat",
                conversation_id="web-1",
            )
        ],
        pepper=PEPPER,
        sinks=(),
    )
    assert confirm_now(session, by_kind["phone"].id, "phone") is Outcome.WITHDRAWN
    assert open_confirmations(session, kind="phone", identifier="+14155550100", now=utcnow())
    assert ("marketing_sms", "granted") not in answers(session)
    assert is_suppressed(session, kind="phone", value="+14155550100", pepper=PEPPER)


def test_the_owners_click_lifts_an_older_unsubscribe(session: Session) -> None:
    suppress(session, kind="email", value="dana@acme.io", reason="unsubscribe", pepper=PEPPER)
    capture(session, "web-1", email="dana@acme.io")
    [confirmation] = session.scalars(select(ConsentConfirmation))
    assert confirm_now(session, confirmation.id, "email") is Outcome.CONFIRMED
    assert not is_suppressed(session, kind="email", value="dana@acme.io", pepper=PEPPER)


def test_links_are_signed_and_expire() -> None:
    link = REQUESTS.link("abc")
    token = link.rsplit("/", 1)[1]
    assert REQUESTS.confirmation_id(token) == "abc"
    with pytest.raises(InvalidLink) as forged:
        REQUESTS.confirmation_id(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert not forged.value.expired
    stale = ConfirmationRequests(**{**REQUESTS.__dict__, "ttl": timedelta(seconds=-1)})
    with pytest.raises(InvalidLink) as expired:
        stale.confirmation_id(token)
    assert expired.value.expired
