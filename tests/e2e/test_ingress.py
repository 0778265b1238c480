"""The ingress takes the SMS and Telegram webhooks whatever the Rasa server is doing: what
it acknowledged while the Rasa server was down is processed, once, when it is back. The
Rasa server no longer serves those webhooks itself: one public place for them.
"""

from __future__ import annotations

import time

import httpx
import pytest

from bot.settings import Settings
from bot.stack import Stack
from channels.enabled import INGRESS_PATHS
from tests.e2e.channel_visitors import UPDATE_IDS, SmsVisitor, TelegramVisitor, wait_processed
from tests.e2e.test_channels import inbox_row
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import text_update
from tests.fakes.twilio_api import FakeTwilioApi
from tests.fakes.twilio_signing import new_sid

pytestmark = pytest.mark.e2e


def test_the_rasa_server_serves_no_sms_or_telegram_webhook(stack: Settings) -> None:
    for path in INGRESS_PATHS.values():
        answer = httpx.post(f"http://{stack.host}:{stack.rasa_port}{path}", content=b"", timeout=30)
        assert answer.status_code == 404


def test_messages_acknowledged_while_rasa_is_down_are_processed_once_it_is_back(
    processes: Stack, twilio: FakeTwilioApi, telegram: FakeTelegramApi
) -> None:
    stack = processes.settings
    sms = SmsVisitor(stack, twilio)
    chat = TelegramVisitor(stack, telegram)
    sid = new_sid("SM")
    update = text_update(next(UPDATE_IDS), chat.chat_id, chat.user_id, "hi there")
    processes.stop(only=["rasa"])
    try:
        assert sms.post("hi there", sid=sid).status_code == 200
        assert sms.post("hi there", sid=sid).status_code == 200  # Twilio retrying
        assert chat.post(update).status_code == 200
        time.sleep(1)
        for channel, external_id in (("sms", sid), ("telegram", str(update["update_id"]))):
            row = inbox_row(stack, channel, external_id)
            assert row is not None and row.status == "received"  # stored, nobody on it
        assert sms.received() == [] and chat.received() == []
    finally:
        processes.start(only=["rasa"])
        processes.wait_until_ready()
    assert wait_processed(stack, "sms", sid) == "processed"
    assert wait_processed(stack, "telegram", str(update["update_id"])) == "processed"
    assert sum("privacy" in body.lower() for body in sms.received()) == 1
    assert sum("privacy" in text.lower() for text in chat.received()) == 1
