"""The sender talks to Twilio's API as the SDK does, and turns every failure into SmsSendError."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Iterator

import pytest

from channels.sms.twilio_sender import SmsSendError, TwilioSender
from tests.fakes.twilio_api import FakeTwilioApi

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "5e8f1c2d3b4a69788796a5b4c3d2e1f0"
FROM = "+14155550100"
TO = "+14155550199"


@pytest.fixture
def twilio() -> Iterator[FakeTwilioApi]:
    with FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
async def sender(twilio: FakeTwilioApi) -> AsyncIterator[TwilioSender]:
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM, api_base_url=twilio.url, timeout=2)
    yield sender
    await sender.close()


async def test_an_sms_is_posted_to_the_messages_api_and_its_sid_returned(
    twilio: FakeTwilioApi, sender: TwilioSender
) -> None:
    sid = await sender.send(TO, "Thanks! Here is the guide: https://example.com/g 📘")

    assert re.fullmatch(r"SM[0-9a-f]{32}", sid)
    assert twilio.sent == [
        {"to": TO, "from_": FROM, "body": "Thanks! Here is the guide: https://example.com/g 📘"}
    ]
    assert twilio.requests[0]["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


async def test_messages_go_out_concurrently_over_one_session(
    twilio: FakeTwilioApi, sender: TwilioSender
) -> None:
    sids = await asyncio.gather(*(sender.send(TO, f"part {n}") for n in range(5)))

    assert len(set(sids)) == 5
    assert sorted(message["body"] for message in twilio.wait_for(5, timeout=2)) == [
        f"part {n}" for n in range(5)
    ]


async def test_a_trailing_slash_on_the_base_url_is_harmless(twilio: FakeTwilioApi) -> None:
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM, api_base_url=f"{twilio.url}/")
    try:
        await sender.send(TO, "hi")
    finally:
        await sender.close()
    assert len(twilio.sent) == 1


async def test_twilio_environment_variables_do_not_move_the_api_host(
    twilio: FakeTwilioApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM, api_base_url=twilio.url)
    try:
        await sender.send(TO, "hi")
    finally:
        await sender.close()
    assert len(twilio.sent) == 1


@pytest.mark.parametrize(
    ("status", "retryable", "code"),
    [(400, False, 21211), (404, False, 20404), (429, True, 20429), (500, True, 20500)],
)
async def test_twilio_errors_say_whether_a_retry_may_help(
    twilio: FakeTwilioApi, sender: TwilioSender, status: int, retryable: bool, code: int
) -> None:
    twilio.fail_next(status)

    with pytest.raises(SmsSendError) as raised:
        await sender.send(TO, "hi")

    assert (raised.value.retryable, raised.value.status, raised.value.code) == (
        retryable,
        status,
        code,
    )
    assert twilio.sent == []
    await sender.send(TO, "hi")  # only the next request failed
    assert len(twilio.sent) == 1


async def test_wrong_credentials_are_not_retryable(twilio: FakeTwilioApi) -> None:
    sender = TwilioSender(ACCOUNT_SID, "0" * 32, FROM, api_base_url=twilio.url)
    try:
        with pytest.raises(SmsSendError) as raised:
            await sender.send(TO, "hi")
    finally:
        await sender.close()
    assert (raised.value.retryable, raised.value.status, raised.value.code) == (False, 401, 20003)
    assert AUTH_TOKEN not in str(raised.value) and "0" * 32 not in str(raised.value)


async def test_an_unreachable_api_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM, f"http://127.0.0.1:{closed_port}")
    try:
        with pytest.raises(SmsSendError, match="could not reach Twilio") as raised:
            await sender.send(TO, "hi")
    finally:
        await sender.close()
    assert raised.value.retryable
    assert raised.value.status is None


async def test_a_slow_api_times_out_as_retryable(twilio: FakeTwilioApi) -> None:
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM, api_base_url=twilio.url, timeout=0.2)
    twilio.stall_next(5)
    try:
        with pytest.raises(SmsSendError, match="no answer from Twilio") as raised:
            await sender.send(TO, "hi")
    finally:
        await sender.close()
    assert raised.value.retryable


async def test_sending_after_close_opens_a_new_session(
    twilio: FakeTwilioApi, sender: TwilioSender
) -> None:
    await sender.send(TO, "one")
    await sender.close()
    await sender.send(TO, "two")
    assert [message["body"] for message in twilio.sent] == ["one", "two"]


@pytest.mark.parametrize(
    "credentials", [("", AUTH_TOKEN, FROM), (ACCOUNT_SID, "", FROM), (ACCOUNT_SID, AUTH_TOKEN, "")]
)
def test_missing_credentials_are_refused_up_front(credentials: tuple[str, str, str]) -> None:
    with pytest.raises(ValueError, match="required"):
        TwilioSender(*credentials)
