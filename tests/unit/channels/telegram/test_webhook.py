"""The Telegram webhook's decision on an update, as the ingress serves it: refused without
the secret (403), explained when it is not an Update (400), acknowledged otherwise, with
the message to record when it is one Parley answers."""

from __future__ import annotations

import json

from channels.inbound import Verdict
from channels.telegram.webhook import SECRET_HEADER, read_update
from tests.fakes.telegram_updates import (
    callback_update,
    edited_update,
    sticker_update,
    text_update,
)

SECRET = "telegram-webhook-secret"
CHAT, USER = 4242, 4242


def post(update: object, secret: str | None = SECRET) -> Verdict:
    return read_update(body=json.dumps(update).encode(), given_secret=secret, secret=SECRET)


def test_a_text_is_acknowledged_and_recorded_by_its_update_id() -> None:
    verdict = post(text_update(501, CHAT, USER, "hi there", "supergroup"))
    assert (verdict.status, verdict.body) == (200, {"ok": True})
    assert verdict.inbound is not None
    assert verdict.inbound.external_id == "501"
    assert verdict.inbound.conversation_id == f"telegram:{CHAT}"
    assert verdict.inbound.address == str(CHAT)
    assert verdict.inbound.metadata == {
        "source": {"channel": "telegram", "chat_type": "supergroup"},
        "telegram_user_id": USER,
    }


def test_a_button_press_carries_its_callback_query_for_the_spinner() -> None:
    verdict = post(callback_update(502, CHAT, USER, "yes", message_id=77))
    assert verdict.inbound is not None and verdict.inbound.text == "yes"
    assert verdict.inbound.extra["callback_query_id"]


def test_a_missing_or_wrong_secret_is_refused_with_nothing_to_record() -> None:
    for secret in (None, "", "wrong"):
        verdict = post(text_update(503, CHAT, USER, "hi"), secret=secret)
        assert (verdict.status, verdict.inbound) == (403, None)
        assert verdict.body == {"error": f"invalid or missing {SECRET_HEADER}"}


def test_a_body_that_is_no_update_gets_400_with_the_reason() -> None:
    verdict = post({"message": {"text": "hi"}})
    assert verdict.status == 400 and "update_id" in str(verdict.body)
    not_json = read_update(body=b"{", given_secret=SECRET, secret=SECRET)
    assert not_json.status == 400 and "JSON" in str(not_json.body)


def test_edits_and_stickers_are_acknowledged_and_left_alone() -> None:
    for update in (edited_update(504, CHAT, USER, "edited"), sticker_update(505, CHAT, USER)):
        verdict = post(update)
        assert (verdict.status, verdict.inbound) == (200, None)
