"""Double opt-in by e-mail, attacked from outside: the request really goes out through
SMTP (a local aiosmtpd server), and only a POST from its own, unaltered, unexpired link
grants, once. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.api.app import create_app
from bot.consent import Purpose
from bot.crm import ConsentEvent, OutboxRow, current_consent, session_scope
from bot.crm.repository import conversation_contact
from bot.delivery.__main__ import make_worker
from bot.delivery.registry import build_sinks
from bot.settings import get_settings
from tests.fakes.smtp_server import SmtpServer
from tests.security.visits import finish_form

DANA = "dana@acme.io"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        monkeypatch.setenv("PARLEY_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PARLEY_SMTP_PORT", str(server.port))
        monkeypatch.setenv("PARLEY_SMTP_SECURITY", "none")
        monkeypatch.setenv("PARLEY_MAIL_FROM", "Acme <hello@acme.test>")
        monkeypatch.setenv("PARLEY_API_PUBLIC_URL", "https://api.acme.test")
        monkeypatch.setenv("PARLEY_BRAND_NAME", "Acme")
        yield server


async def send_queued(engine: Engine) -> int:
    """One round of the delivery worker, as `python -m bot.delivery` runs it."""
    settings = get_settings()
    async with httpx.AsyncClient() as client:
        worker = make_worker(settings, engine, build_sinks(settings, client))
        return await worker.run_once()


def answers(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        query = select(ConsentEvent.answer).order_by(ConsentEvent.id)
        return list(session.scalars(query))


def consent_of(engine: Engine, conversation_id: str) -> str | None:
    with session_scope(engine) as session:
        contact = conversation_contact(session, conversation_id=conversation_id)
        assert contact is not None
        latest = current_consent(session, contact_id=contact.id).get("marketing_email")
        return None if latest is None else latest.answer


async def mailed_link(smtp: SmtpServer, engine: Engine, conversation_id: str) -> str:
    with session_scope(engine) as session:
        finish_form(session, conversation_id, email=DANA, consent=(Purpose.MARKETING_EMAIL,))
    assert await send_queued(engine) == 1
    [message] = smtp.wait_for(1)
    link = next(
        word for word in message.get_content().split() if word.startswith("https://api.acme")
    )
    return urlparse(link).path


async def test_the_request_is_mailed_and_only_a_post_from_its_link_grants_once(
    smtp: SmtpServer, crm: Engine
) -> None:
    path = await mailed_link(smtp, crm, "web-dana")
    [message] = smtp.messages
    assert (message["To"], message["From"]) == (DANA, "Acme <hello@acme.test>")
    assert message["Subject"] == "Confirm your Acme subscription"
    assert message["Message-ID"].endswith("@acme.test>")
    assert smtp.envelopes == [("hello@acme.test", [DANA])]
    with session_scope(crm) as session:
        row = session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_email")).one()
        assert row.status == "delivered"

    with TestClient(create_app()) as client:
        shown = client.get(path)
        assert shown.status_code == 200 and "Confirm your subscription" in shown.text
        assert DANA in shown.text and 'method="post"' in shown.text
        assert consent_of(crm, "web-dana") == "pending"  # a scanner's GET grants nothing

        token = path.rsplit("/", 1)[1]
        # A letter inside the signature: the last base64 letter may carry only padding bits,
        # so changing it can leave the signature the same.
        at = len(token) - 5
        altered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        other_key = URLSafeTimedSerializer(b"x" * 40, salt="parley.consent-confirmation")
        for forged in (altered, other_key.dumps(token.split(".")[0]), "nonsense"):
            for method in ("GET", "POST"):
                refused = client.request(method, f"/consent/confirm/{forged}")
                assert refused.status_code == 400, (forged, method)
        assert answers(crm) == ["pending"]

        confirmed = client.post(path)
        assert confirmed.status_code == 200 and "you're subscribed" in confirmed.text
        assert consent_of(crm, "web-dana") == "granted"
        replayed = client.post(path)
        assert replayed.status_code == 200
        assert answers(crm) == ["pending", "granted"]


async def test_an_expired_link_is_refused_and_stores_nothing(
    smtp: SmtpServer, crm: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = await mailed_link(smtp, crm, "web-dana")
    later = int(time.time()) + 49 * 3600  # the default lifetime is 48 hours
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    with TestClient(create_app()) as client:
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410
    assert answers(crm) == ["pending"]


async def test_a_refused_address_fails_for_good_and_a_busy_server_is_retried(
    smtp: SmtpServer, crm: Engine
) -> None:
    smtp.refuse_next("550 5.1.1 no such user")
    with session_scope(crm) as session:
        finish_form(session, "web-1", email=DANA, consent=(Purpose.MARKETING_EMAIL,))
        finish_form(session, "web-2", email="eve@acme.io", consent=(Purpose.MARKETING_EMAIL,))
    smtp.refuse_next("451 4.7.1 greylisted, try later")
    await send_queued(crm)
    with session_scope(crm) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.sink == "confirm_email").order_by(OutboxRow.id)
        ).all()
        # The worker sends both at once: either may be the one the server refuses first.
        by_status = {row.status: row for row in rows}
        assert sorted(by_status) == ["failed", "pending"]
        assert [row.attempts for row in rows] == [1, 1]
        failed, pending = by_status["failed"].last_error, by_status["pending"].last_error
        assert failed is not None and "550" in failed
        assert pending is not None and "451" in pending
    assert smtp.messages == []
    assert bootstrap.confirmation_requests().senders == frozenset({"email"})
