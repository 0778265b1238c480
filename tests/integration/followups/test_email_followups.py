"""A follow-up e-mail, on SQLite and PostgreSQL: it reaches a local SMTP server through the
delivery worker with the sender's postal address and a one-click unsubscribe (RFC 8058)
that works; an address nobody confirmed gets nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import bootstrap
from bot.api.app import create_app
from bot.crm import OutboxRow, current_consent, is_suppressed, session_scope
from bot.crm.tables import Contact
from bot.followups.enroll import enrol
from bot.settings import get_settings
from tests.fakes.smtp_server import SmtpServer
from tests.integration.followups.conftest import Followups, subscribed
from tests.security.test_confirmation_links import send_queued

pytestmark = pytest.mark.integration

BEA = "bea@harbor.example"
NUDGE = """
version: 1
sequences:
  - name: nurture_by_mail
    trigger:
      lead_grade: {grade: C, after: 1d}
    steps:
      - send:
          channel: email
          response: utter_followup_email_nurture
          subject: Planning your setup with Acme
"""


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        monkeypatch.setenv("PARLEY_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PARLEY_SMTP_PORT", str(server.port))
        monkeypatch.setenv("PARLEY_SMTP_SECURITY", "none")
        monkeypatch.setenv("PARLEY_MAIL_FROM", "Acme <hello@acme.test>")
        monkeypatch.setenv("PARLEY_API_PUBLIC_URL", "https://api.acme.test")
        monkeypatch.setenv("PARLEY_POSTAL_ADDRESS", "Acme Inc., 1 Main St, Springfield, IL 62701")
        get_settings.cache_clear()
        bootstrap.reset()
        yield server


def enrolled(followups: Followups, contact_id: str) -> None:
    followups.write(NUDGE)
    sequence = followups.runtime().sequences["nurture_by_mail"]
    with session_scope(followups.engine) as session:
        enrol(
            session,
            sequence,
            conversation_id="web-bea",
            now=followups.clock.now,
            contact_id=contact_id,
        )


async def test_the_mail_arrives_and_its_unsubscribe_link_works(
    followups: Followups, smtp: SmtpServer
) -> None:
    followups.clock.now = datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)  # mail has no curfew
    contact_id = subscribed(followups.engine, email=BEA)
    enrolled(followups, contact_id)
    followups.run()
    assert await send_queued(followups.engine) == 1
    [message] = smtp.wait_for(1)
    assert message["To"] == BEA and message["Subject"] == "Planning your setup with Acme"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    body = message.get_content()
    assert link in body and "Acme Inc., 1 Main St, Springfield, IL 62701" in body
    assert "Thanks again for talking to us" in body and "{brand_name}" not in body
    with session_scope(followups.engine) as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.sink == "followup_email")).one()
        assert row.status == "delivered"

    path = urlparse(link).path
    with TestClient(create_app()) as client:
        assert client.get(path).status_code == 200
        assert _email_consent(followups, contact_id) == "granted"  # a scanner's GET: nothing
        assert client.post(path[:-2] + "xx").status_code == 400  # altered: nothing
        assert _email_consent(followups, contact_id) == "granted"
        # What a mail client's own button sends (RFC 8058).
        clicked = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert clicked.status_code == 200 and "unsubscribed" in clicked.text
        assert client.post(path).status_code == 200  # a replay changes nothing more
    assert _email_consent(followups, contact_id) == "withdrawn"
    with session_scope(followups.engine) as session:
        pepper = bootstrap.suppression_pepper()
        assert is_suppressed(session, kind="email", value=BEA, pepper=pepper)


async def test_an_address_nobody_confirmed_gets_nothing(
    followups: Followups, smtp: SmtpServer
) -> None:
    followups.clock.now = datetime(2026, 12, 8, 15, 0, tzinfo=timezone.utc)
    contact_id = subscribed(followups.engine, email=BEA)
    with session_scope(followups.engine) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        contact.email_verified_at = None  # typed in chat, never confirmed
    enrolled(followups, contact_id)
    followups.run()
    assert await send_queued(followups.engine) == 0
    assert followups.log("skipped") == [("step_1", "e-mail address not confirmed")]


def _email_consent(followups: Followups, contact_id: str) -> str | None:
    with session_scope(followups.engine) as session:
        latest = current_consent(session, contact_id=contact_id).get("marketing_email")
        return None if latest is None else latest.answer
