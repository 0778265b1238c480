"""Bodies far beyond any real message are refused (413) by the servers themselves, before
they are read: the Rasa server's REST channel, the ingress's web chat and webhooks."""

from __future__ import annotations

import httpx

from bot.settings import Settings
from bot.stack import RASA_MAX_BODY_BYTES
from channels.ingress.app import MAX_BODY_BYTES


def test_the_rasa_server_refuses_a_huge_body(stack: Settings) -> None:
    url = f"http://{stack.host}:{stack.rasa_port}/webhooks/rest/webhook"
    huge = b"x" * (RASA_MAX_BODY_BYTES + 1)
    answer = httpx.post(url, content=huge, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


def test_the_ingress_refuses_a_huge_webhook(stack: Settings) -> None:
    url = f"http://{stack.host}:{stack.ingress_port}/webhooks/sms/webhook"
    huge = b"Body=" + b"x" * MAX_BODY_BYTES
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert httpx.post(url, content=huge, headers=headers).status_code == 413


def test_the_ingress_refuses_a_huge_web_chat_message(stack: Settings) -> None:
    url = f"http://{stack.host}:{stack.ingress_port}/webhooks/webchat/messages"
    huge = b"x" * (MAX_BODY_BYTES + 1)
    answer = httpx.post(url, content=huge, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
