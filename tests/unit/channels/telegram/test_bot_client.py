"""The PTB Bot against the fake Bot API: URL shape, sending, and errors mapped to ours."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from channels.telegram.bot_client import (
    READ_TIMEOUT_S,
    TelegramSendError,
    answer_callback,
    as_send_error,
    make_bot,
    send_message,
)
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with make_bot(TOKEN, api.url) as telegram_bot:
        yield telegram_bot


def test_the_api_url_gets_telegrams_path_shape() -> None:
    bot = make_bot(TOKEN, "http://127.0.0.1:8081/")

    assert bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"


def test_without_an_api_url_the_bot_talks_to_telegram() -> None:
    assert make_bot(TOKEN, None).base_url == f"https://api.telegram.org/bot{TOKEN}"


def test_requests_have_short_timeouts() -> None:
    bot = make_bot(TOKEN, None)

    assert bot.request.read_timeout == READ_TIMEOUT_S
    assert bot.request is not bot._request[0]  # getUpdates' long poll has its own connection


async def test_initializing_calls_get_me_on_the_fake(bot: Bot, api: FakeTelegramApi) -> None:
    assert bot.username == "ParleyBot"
    assert len(api.calls("getMe")) == 1


async def test_send_message_posts_form_fields_and_returns_the_message_id(
    bot: Bot, api: FakeTelegramApi
) -> None:
    first = await send_message(bot, 42, {"text": "Hello", "parse_mode": "HTML"})
    second = await send_message(bot, 42, {"text": "Again"})

    assert (first, second) == (1, 2)
    [sent, _] = api.wait_for_messages(2)
    assert sent == {"chat_id": 42, "text": "Hello", "parse_mode": "HTML", "message_id": 1}
    # PTB 22 sends url-encoded fields, JSON-encoding the non-string ones.
    assert ("sendMessage", "application/x-www-form-urlencoded") in api.content_types


async def test_answer_callback(bot: Bot, api: FakeTelegramApi) -> None:
    await answer_callback(bot, "5550001000000014")

    assert api.calls("answerCallbackQuery") == [{"callback_query_id": "5550001000000014"}]


async def test_flood_control_is_retryable_after_the_given_delay(
    bot: Bot, api: FakeTelegramApi
) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)

    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "Hello"})

    error = raised.value
    assert (error.retryable, error.reason, error.retry_after) == (True, "rate_limited", 7.0)
    assert isinstance(error.__cause__, RetryAfter)


async def test_a_user_who_blocked_the_bot_is_not_retried(bot: Bot, api: FakeTelegramApi) -> None:
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "Hello"})

    assert (raised.value.retryable, raised.value.reason) == (False, "blocked")
    assert "blocked by the user" in raised.value.message


async def test_a_message_telegram_refuses_is_a_bad_request(bot: Bot) -> None:
    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "<script>", "parse_mode": "HTML"})

    assert (raised.value.retryable, raised.value.reason) == (False, "bad_request")


async def test_server_errors_are_retryable(bot: Bot, api: FakeTelegramApi) -> None:
    api.fail_next("sendMessage", 502, "Bad Gateway")

    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "Hello"})

    assert (raised.value.retryable, raised.value.reason) == (True, "network")


async def test_an_unreachable_api_is_a_retryable_network_error() -> None:
    with FakeTelegramApi(TOKEN) as gone:
        url = gone.url
    bot = make_bot(TOKEN, url)

    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "Hello"})
    await bot.shutdown()

    assert (raised.value.retryable, raised.value.reason) == (True, "network")


async def test_a_wrong_token_is_reported_without_the_token(api: FakeTelegramApi) -> None:
    bot = make_bot("987654321:wrong-token", api.url)

    with pytest.raises(TelegramSendError) as raised:
        await send_message(bot, 42, {"text": "Hello"})
    await bot.shutdown()

    assert (raised.value.retryable, raised.value.reason) == (False, "unauthorized")
    assert "wrong-token" not in str(raised.value)


@pytest.mark.parametrize(
    ("error", "retryable", "reason"),
    [
        (RetryAfter(3), True, "rate_limited"),
        (TimedOut(), True, "timeout"),
        (NetworkError("connection reset"), True, "network"),
        (Forbidden("Forbidden: user is deactivated"), False, "blocked"),
        (BadRequest("Bad Request: chat not found"), False, "bad_request"),
        (InvalidToken("The token `1:x` was rejected"), False, "unauthorized"),
        (Conflict("terminated by other getUpdates request"), False, "other"),
        (ChatMigrated(-1001234), False, "other"),
    ],
)
def test_every_ptb_error_maps_to_a_send_error(
    error: TelegramError, retryable: bool, reason: str
) -> None:
    mapped = as_send_error(error)

    assert (mapped.retryable, mapped.reason) == (retryable, reason)


async def test_logs_never_show_the_token(
    bot: Bot, api: FakeTelegramApi, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await send_message(bot, 42, {"text": "Hello"})

    assert "getMe" in caplog.text or "sendMessage" in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert "/bot<token>/sendMessage" in caplog.text
