"""The REST channel speaks for no one: no token, no turn; no other channel's conversation;
no claimed channel or metadata (channels/rest.py)."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import httpx
import pytest

from bot.settings import Settings
from tests.e2e.rest_client import API_TOKEN, Conversation


def rest(stack: Settings, body: object, **kwargs: object) -> httpx.Response:
    return httpx.post(
        f"http://{stack.host}:{stack.rasa_port}/webhooks/rest/webhook",
        json=body,
        timeout=60,
        **kwargs,  # type: ignore[arg-type]
    )


def tracker(stack: Settings, sender: str) -> dict:
    response = httpx.get(
        f"http://{stack.host}:{stack.rasa_port}/conversations/{quote(sender, safe='')}/tracker",
        params={"token": API_TOKEN},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def said_anything(stack: Settings, sender: str) -> bool:
    return any(e["event"] == "user" for e in tracker(stack, sender)["events"] or [])


@pytest.mark.parametrize(
    ("params", "status"), [({}, 401), ({"token": "guess"}, 403)], ids=["no token", "wrong token"]
)
def test_no_turn_without_the_api_token(stack: Settings, params: dict, status: int) -> None:
    sender = f"outsider-{uuid.uuid4().hex}"
    refused = rest(stack, {"sender": sender, "message": "hi"}, params=params)
    assert refused.status_code == status
    assert not said_anything(stack, sender)


@pytest.mark.parametrize("sender", ["sms:+14155550100", "telegram:4242", "webchat-abc.def"])
def test_no_rest_call_reaches_another_channels_conversation(stack: Settings, sender: str) -> None:
    body = {"sender": sender, "message": "yes", "input_channel": "sms"}
    refused = rest(stack, body, params={"token": API_TOKEN})
    assert refused.status_code == 400
    assert "sender" in refused.json()["error"]
    assert not said_anything(stack, sender)


def test_a_rest_message_claims_no_channel_and_no_metadata(stack: Settings) -> None:
    visitor = Conversation(f"http://{stack.host}:{stack.rasa_port}")
    body = {
        "sender": visitor.sender,
        "message": "hi",
        "input_channel": "sms",
        "metadata": {"phone": "+14155550100", "page_url": "https://forged.example/"},
    }
    assert rest(stack, body, params={"token": API_TOKEN}).status_code == 200
    [said] = [e for e in tracker(stack, visitor.sender)["events"] if e["event"] == "user"]
    assert said["input_channel"] == "rest"
    assert not {"phone", "page_url"} & set(said.get("metadata") or {})
    assert visitor.slots()["phone"] is None
