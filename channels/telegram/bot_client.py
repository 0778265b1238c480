"""The Telegram Bot API client Parley uses, and the one error its callers handle.

`make_bot` builds a python-telegram-bot `Bot` pointed at Telegram, a local Bot API
server or a test fake. PTB joins `base_url + token` and then `/<method>`, so an API URL
of `http://127.0.0.1:8081` gives `http://127.0.0.1:8081/bot<token>/sendMessage`, the
shape Telegram itself uses.

Every `telegram.error.TelegramError` becomes a `TelegramSendError` at this boundary:

    TelegramSendError(message, retryable)
      reason "rate_limited"  RetryAfter (HTTP 429); retry_after says how long to wait
      reason "timeout"       TimedOut; the message may have been delivered anyway
      reason "network"       NetworkError: connection failures, 5xx answers
      reason "blocked"       Forbidden (403): the user blocked the bot or left the chat
      reason "bad_request"   BadRequest (400): the message itself is wrong
      reason "unauthorized"  InvalidToken (401/404): TELEGRAM_BOT_TOKEN is wrong
      reason "other"         anything else PTB raises (Conflict, ChatMigrated, …)
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

# Replies are short JSON posts; a turn should fail fast rather than hold Rasa's handler.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
WRITE_TIMEOUT_S = 10.0
# Waiting for a free connection under a burst of turns is better than failing the send.
POOL_TIMEOUT_S = 5.0
# Telegram accepts about 30 messages a second per bot; more connections would only queue.
CONNECTION_POOL_SIZE = 32


# The Bot API puts the token in every URL, and httpx logs each request URL at INFO.
_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_LOGGERS_NAMING_URLS = ("httpx", "telegram.Bot")


class _RedactBotToken(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_IN_URL.search(message):
            record.msg, record.args = _TOKEN_IN_URL.sub("/bot<token>", message), ()
        return True


class TelegramSendError(Exception):
    """A Bot API call failed; `retryable` says whether trying again later can succeed."""

    def __init__(
        self,
        message: str,
        retryable: bool,
        *,
        reason: str = "other",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.reason = reason
        self.retry_after = retry_after


def make_bot(token: str, api_url: str | None) -> Bot:
    """A PTB `Bot` for `token`, talking to `api_url` (Telegram's own API when None).

    Sending works at once; `await bot.initialize()` (one getMe call) is needed only to
    read `bot.username`. `await bot.shutdown()` closes its connections
    (`async with make_bot(...) as bot:` does both).
    """
    _redact_tokens_in_logs()
    urls: dict[str, Any] = {}
    if api_url:
        root = str(api_url).rstrip("/")
        urls = {"base_url": f"{root}/bot", "base_file_url": f"{root}/file/bot"}
    # Two connections for getUpdates: a long poll cancelled at shutdown can hold its
    # connection a while, and the final call confirming the offset must not wait for it.
    return Bot(token, request=_request(), get_updates_request=_request(pool_size=2), **urls)


def _redact_tokens_in_logs() -> None:
    for name in _LOGGERS_NAMING_URLS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactBotToken) for f in logger.filters):
            logger.addFilter(_RedactBotToken())


def _request(pool_size: int = CONNECTION_POOL_SIZE) -> HTTPXRequest:
    # PTB adds getUpdates' long-poll timeout to the read timeout itself.
    return HTTPXRequest(
        connection_pool_size=pool_size,
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        write_timeout=WRITE_TIMEOUT_S,
        pool_timeout=POOL_TIMEOUT_S,
    )


def as_send_error(error: TelegramError) -> TelegramSendError:
    """The project error for a PTB error (see the module docstring for the mapping)."""
    message = error.message
    if isinstance(error, RetryAfter):
        return TelegramSendError(
            message, True, reason="rate_limited", retry_after=_retry_after_s(error)
        )
    if isinstance(error, TimedOut):
        return TelegramSendError(message, True, reason="timeout")
    if isinstance(error, BadRequest):  # before NetworkError: PTB derives it from that
        return TelegramSendError(message, False, reason="bad_request")
    if isinstance(error, NetworkError):
        return TelegramSendError(message, True, reason="network")
    if isinstance(error, Forbidden):
        return TelegramSendError(message, False, reason="blocked")
    if isinstance(error, InvalidToken):
        # PTB's own message quotes the token, which must not reach logs or a terminal.
        return TelegramSendError(
            "Telegram rejected the bot token (TELEGRAM_BOT_TOKEN)", False, reason="unauthorized"
        )
    return TelegramSendError(message, False)


@contextmanager
def telegram_errors() -> Iterator[None]:
    """Re-raise any PTB error raised inside the block as a `TelegramSendError`."""
    try:
        yield
    except TelegramError as error:
        raise as_send_error(error) from error


async def send_message(bot: Bot, chat_id: int, message: dict[str, Any]) -> int:
    """Send one rendered part (see `render.render_message`); the new message's id."""
    with telegram_errors():
        sent = await bot.send_message(chat_id=chat_id, **message)
    return sent.message_id


async def answer_callback(bot: Bot, callback_query_id: str) -> None:
    """Stop the button's loading spinner (Telegram shows it until the query is answered)."""
    with telegram_errors():
        await bot.answer_callback_query(callback_query_id)


def _retry_after_s(error: RetryAfter) -> float:
    # PTB 22 is moving retry_after from int seconds to timedelta and warns on every read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
