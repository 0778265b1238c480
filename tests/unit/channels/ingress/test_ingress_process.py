"""`python -m channels.ingress` on its own, with no Rasa server anywhere: it verifies,
parses, records and acknowledges the SMS and Telegram webhooks, and serves /health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from bot.crm import InboundMessage, make_engine, session_scope, upgrade_to_head
from bot.settings import PROJECT_ROOT
from tests.fakes.telegram_updates import text_update
from tests.fakes.twilio_signing import inbound_sms_params, new_sid, sign

TWILIO_TOKEN = "ingress-process-token"
TELEGRAM_SECRET = "ingress-process-secret"
START_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Ingress:
    def __init__(self, url: str, database_url: str) -> None:
        self.url = url
        self.database_url = database_url

    def rows(self) -> list[tuple[str, str, str]]:
        engine = make_engine(self.database_url)
        try:
            with session_scope(engine) as session:
                query = select(
                    InboundMessage.channel, InboundMessage.external_id, InboundMessage.status
                ).order_by(InboundMessage.id)
                return [
                    (channel, external_id, status)
                    for channel, external_id, status in session.execute(query)
                ]
        finally:
            engine.dispose()


def start(tmp_path: Path, **secrets: str) -> Iterator[Ingress]:
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'crm.db'}"
    upgrade_to_head(database_url)
    unset = ("TWILIO_", "TELEGRAM_", "DATABASE_URL", "PARLEY_PUBLIC_URL")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    environment.update(PARLEY_VAR_DIR=str(tmp_path), PARLEY_INGRESS_PORT=str(port), **secrets)
    process = subprocess.Popen(
        [sys.executable, "-m", "channels.ingress"], cwd=PROJECT_ROOT, env=environment
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the ingress exited"
            assert time.monotonic() < deadline, "the ingress did not answer"
            time.sleep(0.1)
        yield Ingress(url, database_url)
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture
def ingress(tmp_path: Path) -> Iterator[Ingress]:
    yield from start(
        tmp_path,
        TWILIO_ACCOUNT_SID="AC" + "e" * 32,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM_NUMBER="+15005550006",
        TELEGRAM_BOT_TOKEN="123:ingress",
        TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
    )


def post_sms(ingress: Ingress, sid: str, *, signature: str | None = None) -> httpx.Response:
    url = f"{ingress.url}/webhooks/sms/webhook"
    params = inbound_sms_params(
        message_sid=sid,
        from_="+14155550100",
        to="+15005550006",
        body="hi there",
        account_sid="AC" + "e" * 32,
    )
    signature = sign(url, params, TWILIO_TOKEN) if signature is None else signature
    return httpx.post(
        url,
        content=urlencode(params),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


def test_health_names_the_webhooks_it_serves(ingress: Ingress) -> None:
    health = httpx.get(f"{ingress.url}/health").json()
    assert health == {
        "status": "ok",
        "webhooks": ["/webhooks/sms/webhook", "/webhooks/telegram/webhook"],
        "webchat": "/webhooks/webchat",
    }


def test_sms_is_recorded_once_and_a_forged_one_not_at_all(ingress: Ingress) -> None:
    sid = new_sid("SM")
    first, again = post_sms(ingress, sid), post_sms(ingress, sid)
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"].startswith("text/xml") and "<Response>" in first.text
    forged = post_sms(ingress, new_sid("SM"), signature="forged")
    assert forged.status_code == 403 and "Traceback" not in forged.text
    assert ingress.rows() == [("sms", sid, "received")]  # waits for a Rasa server


def test_telegram_is_refused_without_the_secret_and_recorded_with_it(ingress: Ingress) -> None:
    url = f"{ingress.url}/webhooks/telegram/webhook"
    update = text_update(7001, 42, 42, "hi")
    assert httpx.post(url, json=update).status_code == 403
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    malformed = httpx.post(url, json={"message": {}}, headers=headers)
    assert malformed.status_code == 400 and "update_id" in malformed.json()["error"]
    assert httpx.post(url, json=update, headers=headers).json() == {"ok": True}
    assert ingress.rows() == [("telegram", "7001", "received")]


def test_a_channel_without_its_secrets_has_no_webhook(tmp_path: Path) -> None:
    for ingress in start(tmp_path, TELEGRAM_BOT_TOKEN="123:ingress", TELEGRAM_WEBHOOK_SECRET="s"):
        assert httpx.post(f"{ingress.url}/webhooks/sms/webhook").status_code == 404
        assert httpx.get(f"{ingress.url}/health").json()["webhooks"] == [
            "/webhooks/telegram/webhook"
        ]
