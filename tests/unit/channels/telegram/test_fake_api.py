"""The fake Bot API itself: Telegram's URL shape, envelopes and the encodings it accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.fakes.telegram_updates import text_update


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


def _call(api: FakeTelegramApi, method: str, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{api.url}/bot{TOKEN}/{method}", **kwargs)  # type: ignore[arg-type]


def test_a_wrong_token_is_unauthorized(api: FakeTelegramApi) -> None:
    response = httpx.post(f"{api.url}/bot1:wrong/getMe")

    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_an_unknown_method_is_not_found(api: FakeTelegramApi) -> None:
    assert _call(api, "sendTelepathy").json()["error_code"] == 404


@pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
def test_every_encoding_decodes_to_the_same_parameters(api: FakeTelegramApi, encoding: str) -> None:
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "/affirm"}]]}
    if encoding == "json":
        kwargs: dict[str, object] = {"json": {"chat_id": 7, "text": "42", "reply_markup": markup}}
    else:
        fields = {"chat_id": "7", "text": "42", "reply_markup": json.dumps(markup)}
        kwargs = {"data": fields}
        if encoding == "multipart":
            kwargs["files"] = {"thumbnail": ("t.jpg", b"\xff\xd8", "image/jpeg")}

    answer = _call(api, "sendMessage", **kwargs).json()

    assert answer["ok"] is True
    assert answer["result"]["chat"] == {"id": 7, "first_name": "Test", "type": "private"}
    [call] = api.calls("sendMessage")
    assert (call["chat_id"], call["text"], call["reply_markup"]) == (7, "42", markup)


def test_get_updates_honours_the_offset(api: FakeTelegramApi) -> None:
    for update_id in (1, 2, 3):
        api.queue_update(text_update(update_id, 7, 7, "hi"))

    first = _call(api, "getUpdates", data={"offset": "2"}).json()["result"]

    assert [u["update_id"] for u in first] == [2, 3]
    assert [u["update_id"] for u in api.pending_updates] == [2, 3]


def test_get_updates_conflicts_with_a_webhook(api: FakeTelegramApi) -> None:
    _call(api, "setWebhook", data={"url": "https://bot.example.com/hook"})

    answer = _call(api, "getUpdates").json()

    assert answer["error_code"] == 409
    assert "webhook is active" in answer["description"]


def test_set_webhook_refuses_a_secret_telegram_would_refuse(api: FakeTelegramApi) -> None:
    answer = _call(
        api, "setWebhook", data={"url": "https://x.io", "secret_token": "no spaces"}
    ).json()

    assert answer["error_code"] == 400
    assert api.webhook == {}
