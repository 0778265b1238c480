"""The Rasa server's port answers nothing but its API behind the token: every channel is
the ingress's (the web chat, SMS, Telegram) and the REST channel wants the token too. Only
Rasa's liveness answers (`/`, `/version`) say anything without it, and they say only the
version."""

from __future__ import annotations

import httpx
import pytest

from bot.settings import Settings
from tests.e2e.rest_client import API_TOKEN

CHANNEL_ROUTES = [
    ("GET", "/webhooks/webchat/config"),
    ("POST", "/webhooks/webchat/conversations"),
    ("POST", "/webhooks/webchat/messages"),
    ("GET", "/webhooks/webchat/history"),
    ("GET", "/webhooks/webchat/updates"),
    ("POST", "/webhooks/sms/webhook"),
    ("POST", "/webhooks/telegram/webhook"),
]
BEHIND_THE_TOKEN = [
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/conversations/webchat-someone/tracker"),
    ("POST", "/conversations/webchat-someone/messages"),
    ("PUT", "/model"),
    ("POST", "/webhooks/rest/webhook"),
    ("GET", "/webhooks/rest/"),
]


def call(stack: Settings, method: str, path: str, **kwargs: object) -> httpx.Response:
    url = f"http://{stack.host}:{stack.rasa_port}{path}"
    return httpx.request(method, url, json={}, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "path"), CHANNEL_ROUTES)
def test_no_channel_is_served_on_the_rasa_port(stack: Settings, method: str, path: str) -> None:
    assert call(stack, method, path).status_code == 404
    ingress = f"http://{stack.host}:{stack.ingress_port}{path}"
    assert httpx.request(method, ingress, json={}, timeout=30).status_code != 404


@pytest.mark.parametrize(("method", "path"), BEHIND_THE_TOKEN)
def test_the_api_wants_the_token(stack: Settings, method: str, path: str) -> None:
    assert call(stack, method, path).status_code == 401
    assert call(stack, method, path, params={"token": "guess"}).status_code in (401, 403)


def test_with_the_token_the_api_answers(stack: Settings) -> None:
    assert call(stack, "GET", "/status", params={"token": API_TOKEN}).status_code == 200


def test_the_liveness_answers_say_only_the_version(stack: Settings) -> None:
    assert call(stack, "GET", "/").text.startswith("Hello from Rasa: 3.6")
    assert set(call(stack, "GET", "/version").json()) == {
        "version",
        "minimum_compatible_version",
    }
