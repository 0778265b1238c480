"""The CRM refusing the actions' writes mid-conversation: the turn that needed it is not
lost. It stays in the inbox, is tried again with back-off, and once the CRM takes writes
again the lead and the opt-out reach it once each, and the visitor hears each answer once.

The refusal is an SQLite trigger on the table the turn writes: the inbox, in the same
database, goes on recording and handing out messages as it would with a CRM that is up
while one of its tables is not.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from bot.crm import ConsentEvent, InboundMessage, Lead, is_suppressed, make_engine, session_scope
from bot.secret_key import secret_key
from bot.settings import Settings
from tests.e2e.channel_visitors import SmsVisitor, wait_processed
from tests.e2e.test_conversations import ANSWERS, EMAIL_CONSENT, ORDER, QUESTIONS, SMS_CONSENT
from tests.fakes.twilio_api import FakeTwilioApi
from tests.fakes.twilio_signing import new_sid

pytestmark = pytest.mark.e2e


def inbox(stack: Settings, external_id: str) -> tuple[str, int]:
    engine = make_engine(stack.crm_database_url)
    try:
        with session_scope(engine) as session:
            row = session.scalars(select(InboundMessage).filter_by(external_id=external_id)).one()
            return row.status, row.attempts
    finally:
        engine.dispose()


def crm_count(stack: Settings, query: object) -> int:
    engine = make_engine(stack.crm_database_url)
    try:
        with session_scope(engine) as session:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]
    finally:
        engine.dispose()


@contextmanager
def crm_refusing(stack: Settings, table: str) -> Iterator[None]:
    """Every write to `table` fails while inside, as the CRM's would when it is down."""
    engine = make_engine(stack.crm_database_url)
    trigger = f"crm_down_{table}"
    try:
        with engine.begin() as connection:
            for write in ("INSERT", "UPDATE"):
                connection.exec_driver_sql(
                    f"CREATE TRIGGER {trigger}_{write.lower()} BEFORE {write} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'the CRM is down'); END"
                )
        yield
    finally:
        with engine.begin() as connection:
            for write in ("insert", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}_{write}")
        engine.dispose()


def fails_while_the_crm_refuses(stack: Settings, visitor: SmsVisitor, text: str, table: str) -> str:
    """Sends `text` while the CRM refuses writes to `table`; it fails at least once, stays
    in the inbox, and is processed once the CRM takes writes again. Its SID."""
    sid = new_sid("SM")
    before = len(visitor.received())
    with crm_refusing(stack, table):
        assert visitor.post(text, sid=sid).status_code == 200
        deadline = time.monotonic() + 30
        while inbox(stack, sid)[1] < 1 or inbox(stack, sid)[0] == "processing":
            assert time.monotonic() < deadline, inbox(stack, sid)
            time.sleep(0.1)
        status, attempts = inbox(stack, sid)
        assert (status, attempts) == ("received", 1)  # waiting for its retry
        assert visitor.received()[before:] == []  # the failed try said nothing
    assert wait_processed(stack, "sms", sid, seconds=90) == "processed"
    return sid


def test_the_last_answer_survives_the_crm_refusing_the_lead(
    stack: Settings, twilio: FakeTwilioApi
) -> None:
    visitor = SmsVisitor(stack, twilio)
    assert "privacy" in visitor.said("hi there").lower()
    assert QUESTIONS["name"] in visitor.said("yeah sure")
    email = f"kim.{uuid.uuid4().hex[:8]}@northwind.io"
    questions = [q for q in ORDER if q != "phone"]  # the number texting is the phone
    reply = ""
    for question in questions:
        reply = visitor.said(email if question == "email" else ANSWERS[question])
    assert EMAIL_CONSENT in reply
    assert SMS_CONSENT in visitor.said("yes")

    fails_while_the_crm_refuses(stack, visitor, "yes", "leads")

    conversation = f"sms:{visitor.phone}"
    assert (
        crm_count(
            stack, select(func.count()).select_from(Lead).filter_by(conversation_id=conversation)
        )
        == 1
    )
    assert sum("that's everything" in body for body in visitor.received()) == 1
    sms_grants = (
        select(func.count())
        .select_from(ConsentEvent)
        .filter_by(conversation_id=conversation, purpose="marketing_sms", answer="granted")
    )
    assert crm_count(stack, sms_grants) == 1


def test_an_opt_out_survives_the_crm_refusing_it(stack: Settings, twilio: FakeTwilioApi) -> None:
    visitor = SmsVisitor(stack, twilio)
    assert "privacy" in visitor.said("hi there").lower()

    fails_while_the_crm_refuses(stack, visitor, "please stop texting me", "consent_events")

    engine = make_engine(stack.crm_database_url)
    try:
        with session_scope(engine) as session:
            assert is_suppressed(
                session, kind="phone", value=visitor.phone, pepper=secret_key(stack)
            )
            withdrawals = session.scalar(
                select(func.count())
                .select_from(ConsentEvent)
                .filter_by(conversation_id=f"sms:{visitor.phone}", answer="withdrawn")
            )
            assert withdrawals == 1
    finally:
        engine.dispose()
    assert sum("won't" in body for body in visitor.received()) == 1
