"""Visitors on each channel, talking to the running stack exactly as the vendor would.

Each `say` sends one message and returns the bot's replies once the inbox shows the
message processed (the webhooks answer before the turn runs). SMS and Telegram call the
ingress, the web chat the Rasa server.
"""

from __future__ import annotations

import html
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from bot.crm import InboundMessage, make_engine, session_scope
from bot.settings import Settings
from channels.enabled import INGRESS_PATHS, SMS, TELEGRAM
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.telegram_updates import callback_update, contact_update, text_update
from tests.fakes.twilio_api import FakeTwilioApi
from tests.fakes.twilio_signing import inbound_sms_params, new_sid, sign


def wait_processed(stack: Settings, channel: str, external_id: str, seconds: float = 60) -> str:
    """The inbox status of a message once it is no longer waiting or in progress."""
    engine = make_engine(stack.crm_database_url)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with session_scope(engine) as session:
                status = session.scalar(
                    select(InboundMessage.status).filter_by(
                        channel=channel, external_id=external_id
                    )
                )
            if status in ("processed", "failed"):
                return str(status)
            time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError(f"{channel} message {external_id} was not processed in time")


@dataclass
class SmsVisitor:
    """A phone texting the Twilio number; replies are read off the fake Twilio API."""

    stack: Settings
    twilio: FakeTwilioApi
    phone: str = field(default_factory=lambda: f"+1415555{uuid.uuid4().int % 10000:04d}")
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.stack.host}:{self.stack.ingress_port}{INGRESS_PATHS[SMS]}"

    def post(
        self, body: str, *, sid: str | None = None, signature: str | None = None
    ) -> httpx.Response:
        settings = self.stack
        params = inbound_sms_params(
            message_sid=sid or new_sid("SM"),
            from_=self.phone,
            to=str(settings.twilio_from_number),
            body=body,
            account_sid=str(settings.twilio_account_sid),
        )
        if signature is None:
            signature = sign(self.url, params, str(settings.twilio_auth_token))
        return httpx.post(
            self.url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
        )

    def received(self) -> list[str]:
        return [m["body"] for m in self.twilio.sent if m["to"] == self.phone]

    def say(self, text: str) -> list[str]:
        before = len(self.received())
        sid = new_sid("SM")
        answer = self.post(text, sid=sid)
        assert answer.status_code == 200, answer.text
        wait_processed(self.stack, "sms", sid)
        replies = self.received()[before:]
        self.transcript.append((text, replies))
        return replies

    def said(self, text: str) -> str:
        return "\n".join(self.say(text))


@dataclass
class WebChatVisitor:
    """A browser's widget talking to the web chat channel (what widget.js sends)."""

    stack: Settings
    page_url: str = "https://acme.example/pricing?utm_source=newsletter&utm_campaign=spring"
    conversation_id: str = ""
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.stack.host}:{self.stack.ingress_port}/webhooks/webchat"

    def start(self) -> None:
        answer = httpx.post(f"{self.base}/conversations", json={}, timeout=30)
        assert answer.status_code == 201
        self.conversation_id = answer.json()["conversation_id"]

    def post(self, text: str, message_id: str | None = None) -> httpx.Response:
        if not self.conversation_id:
            self.start()
        body = {
            "message_id": message_id or uuid.uuid4().hex,
            "text": text,
            "metadata": {
                "page_url": self.page_url,
                "referrer": "https://www.google.com/",
                "utm": {"utm_source": "newsletter", "utm_campaign": "spring"},
            },
        }
        headers = {"X-Parley-Conversation": self.conversation_id}
        return httpx.post(f"{self.base}/messages", json=body, headers=headers, timeout=60)

    def say(self, text: str) -> list[str]:
        answer = self.post(text)
        assert answer.status_code == 200, answer.text
        replies = [reply["text"] for reply in answer.json()["replies"]]
        self.transcript.append((text, replies))
        return replies

    def said(self, text: str) -> str:
        return "\n".join(self.say(text))

    def history(self) -> list[dict]:
        headers = {"X-Parley-Conversation": self.conversation_id}
        answer = httpx.get(f"{self.base}/history", headers=headers, timeout=30)
        assert answer.status_code == 200
        return list(answer.json()["messages"])

    def updates(self, after: float) -> dict[str, Any]:
        """What the widget's watch gets: bot and team messages after `after`, and `live`."""
        headers = {"X-Parley-Conversation": self.conversation_id}
        answer = httpx.get(
            f"{self.base}/updates", params={"after": after}, headers=headers, timeout=60
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


UPDATE_IDS = itertools.count(random.randrange(10**6, 10**8))


@dataclass
class TelegramVisitor:
    """A Telegram user in a chat with the bot; replies are read off the fake Bot API.

    Saying what a button of the bot's last message offers presses that button, as a
    person would (a callback query, not a typed message)."""

    stack: Settings
    telegram: FakeTelegramApi
    chat_id: int = field(default_factory=lambda: random.randrange(10**8, 10**9))
    user_id: int = 0
    chat_type: str = "private"
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.user_id = self.user_id or abs(self.chat_id)

    @property
    def url(self) -> str:
        return f"http://{self.stack.host}:{self.stack.ingress_port}{INGRESS_PATHS[TELEGRAM]}"

    def post(self, update: dict, secret: str | None = None) -> httpx.Response:
        token = str(self.stack.telegram_webhook_secret) if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        return httpx.post(self.url, json=update, headers=headers, timeout=30)

    def sent_to_me(self) -> list[dict]:
        return [m for m in self.telegram.messages() if int(m["chat_id"]) == self.chat_id]

    def received(self) -> list[str]:
        return [html.unescape(str(m["text"])) for m in self.sent_to_me()]

    def deliver(self, update: dict) -> list[str]:
        before = len(self.received())
        answer = self.post(update)
        assert answer.status_code == 200, answer.text
        wait_processed(self.stack, "telegram", str(update["update_id"]))
        return self.received()[before:]

    def _button(self, text: str) -> tuple[int, str] | None:
        sent = self.sent_to_me()
        if not sent:
            return None
        last = sent[-1]
        for row in (last.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button.get("callback_data") == text:
                    return int(last["message_id"]), text
        return None

    def say(self, text: str) -> list[str]:
        update_id = next(UPDATE_IDS)
        button = self._button(text)
        if button:
            update = callback_update(update_id, self.chat_id, self.user_id, button[1], button[0])
        else:
            update = text_update(update_id, self.chat_id, self.user_id, text, self.chat_type)
        replies = self.deliver(update)
        self.transcript.append((text, replies))
        return replies

    def said(self, text: str) -> str:
        return "\n".join(self.say(text))

    def share_phone(self, phone: str) -> list[str]:
        return self.deliver(contact_update(next(UPDATE_IDS), self.chat_id, self.user_id, phone))
