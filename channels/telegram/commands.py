"""`parley telegram set-webhook|delete-webhook|poll`: connect the bot to Telegram.

In production Telegram POSTs updates to the ingress process's webhook, which
`set-webhook` registers together with the secret Telegram echoes in
X-Telegram-Bot-Api-Secret-Token. A developer without a public HTTPS URL runs `poll`
instead: it long-polls getUpdates and forwards each update to the local webhook exactly
as Telegram would, confirming an update to Telegram only once the webhook has answered
2xx, so nothing is lost while the ingress is down or restarting (what it acknowledged
waits in the inbox while the Rasa server is).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram import Bot, Update
from telegram.error import TelegramError

from bot.settings import Settings
from channels.enabled import INGRESS_PATHS, TELEGRAM
from channels.telegram.bot_client import TelegramSendError, make_bot, telegram_errors
from channels.telegram.webhook import SECRET_HEADER

logger = logging.getLogger(__name__)

WEBHOOK_PATH = INGRESS_PATHS[TELEGRAM]
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
POLL_TIMEOUT_S = 25
MAX_RETRY_DELAY_S = 30.0
# The webhook rejected the update itself: sending it again cannot help.
_UNPROCESSABLE = frozenset({400, 413, 422})


class TelegramSetupError(Exception):
    """A command refused to run (missing setting, unusable URL); the message says why."""


def register(subparsers: Any) -> None:
    """Add `telegram` to the `parley` subcommands (`subparsers` is argparse's subparsers)."""
    telegram = subparsers.add_parser("telegram", help="connect the bot to Telegram")
    actions = telegram.add_subparsers(dest="telegram_command", required=True)
    actions.add_parser("set-webhook", help="have Telegram POST updates to the ingress")
    actions.add_parser("delete-webhook", help="stop Telegram's webhook deliveries")
    poll_parser = actions.add_parser(
        "poll", help="development: long-poll Telegram and forward updates to the local webhook"
    )
    poll_parser.add_argument(
        "--forward-url", help="webhook to forward to (default: the local ingress)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the `telegram` subcommand `args` names; the process exit status."""
    command = args.telegram_command
    try:
        if command == "set-webhook":
            asyncio.run(set_webhook(settings))
        elif command == "delete-webhook":
            asyncio.run(delete_webhook(settings))
        else:
            logging.basicConfig(level=settings.log_level.upper())
            asyncio.run(_poll_until_interrupted(settings, args.forward_url))
    except (TelegramSetupError, TelegramSendError) as error:
        print(f"parley telegram {command}: {error}", file=sys.stderr)
        return 1
    return 0


def webhook_url(settings: Settings) -> str:
    """Where Telegram must POST updates: the ingress's Telegram webhook."""
    return f"{settings.ingress_url}{WEBHOOK_PATH}"


async def set_webhook(settings: Settings) -> None:
    """Register the webhook URL, its secret and the update types Parley handles."""
    url = webhook_url(settings)
    secret = _required(settings.telegram_webhook_secret, "TELEGRAM_WEBHOOK_SECRET")
    split = urlsplit(url)
    if split.scheme != "https" and not (split.scheme == "http" and _is_loopback(split.hostname)):
        raise TelegramSetupError(
            f"Telegram only delivers to https URLs, not {url}; set PARLEY_PUBLIC_URL to the "
            "public https address of the webhooks (or use `parley telegram poll`)"
        )
    async with _connected(settings) as bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
    print(f"Telegram will POST {', '.join(ALLOWED_UPDATES)} updates to {url} (with the secret).")


async def delete_webhook(settings: Settings) -> None:
    """Remove the webhook; pending updates stay queued for getUpdates."""
    async with _connected(settings) as bot:
        await bot.delete_webhook()
    print("Telegram webhook removed; updates now wait for getUpdates (`parley telegram poll`).")


async def poll(
    settings: Settings,
    *,
    forward_url: str | None = None,
    stop: asyncio.Event | None = None,
    retry_delay_s: float = 1.0,
    poll_timeout_s: int = POLL_TIMEOUT_S,
) -> None:
    """Forward Telegram's updates to the local webhook until `stop` is set."""
    secret = _required(settings.telegram_webhook_secret, "TELEGRAM_WEBHOOK_SECRET")
    url = forward_url or f"http://{settings.host}:{settings.ingress_port}{WEBHOOK_PATH}"
    stop = stop or asyncio.Event()
    headers = {SECRET_HEADER: secret}
    async with _connected(settings) as bot, httpx.AsyncClient(headers=headers) as client:
        registered = (await bot.get_webhook_info()).url
        await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        if registered:
            logger.warning(
                "Removed the webhook %s; `parley telegram set-webhook` restores it", registered
            )
        logger.info("Polling Telegram; forwarding updates to %s", url)
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            fetch = bot.get_updates(
                offset=offset, timeout=poll_timeout_s, allowed_updates=list(ALLOWED_UPDATES)
            )
            try:
                with telegram_errors():
                    updates = await _until_stopped(fetch, stop)
            except TelegramSendError as error:
                if not error.retryable:
                    raise
                failures += 1
                wait_s = error.retry_after or _backoff_s(retry_delay_s, failures)
                logger.warning("getUpdates failed (%s); retrying in %.1fs", error, wait_s)
                await _until_stopped(asyncio.sleep(wait_s), stop)
                continue
            failures = 0
            for update in updates or ():
                if not await _forward(client, url, update, stop, retry_delay_s):
                    break
                offset = update.update_id + 1
        if offset is not None:
            await _confirm(bot, offset)
    logger.info("Stopped polling Telegram")


CONFIRM_ATTEMPTS = 3


async def _confirm(bot: Bot, offset: int) -> None:
    # getUpdates confirms every update below its offset; without this call Telegram would
    # send the last batch again on the next run (harmless: the webhook dedupes them).
    for attempt in range(1, CONFIRM_ATTEMPTS + 1):
        try:
            await bot.get_updates(offset=offset, timeout=0, limit=1)
            return
        except TelegramError as error:
            if attempt == CONFIRM_ATTEMPTS:
                logger.warning(
                    "Could not confirm updates below %s (%s); they may come again",
                    offset,
                    error,
                )
            else:
                await asyncio.sleep(0.2 * attempt)


def _backoff_s(base_s: float, failures: int) -> float:
    return float(min(MAX_RETRY_DELAY_S, base_s * 2 ** (failures - 1)))


async def _forward(
    client: httpx.AsyncClient, url: str, update: Update, stop: asyncio.Event, delay_s: float
) -> bool:
    """POST one update until the webhook takes it; False if stopped first."""
    attempt = 0
    while not stop.is_set():
        try:
            response = await client.post(url, json=update.to_dict())
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            if response.is_success:
                return True
            if response.status_code in _UNPROCESSABLE:
                logger.error(
                    "Webhook refused update %s with HTTP %s (%s); skipping it",
                    update.update_id,
                    response.status_code,
                    response.text[:200],
                )
                return True
            problem = f"HTTP {response.status_code}"
        attempt += 1
        wait_s = _backoff_s(delay_s, attempt)
        logger.warning(
            "Could not forward update %s to %s (%s); retrying in %.1fs",
            update.update_id,
            url,
            problem,
            wait_s,
        )
        await _until_stopped(asyncio.sleep(wait_s), stop)
    return False


async def _until_stopped(work: Any, stop: asyncio.Event) -> Any:
    """The result of awaitable `work`, or None if `stop` was set first (work is cancelled)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopped):
        pending.cancel()
    # Let the cancelled request unwind before the caller closes its HTTP client.
    await asyncio.wait({task, stopped})
    return None if task.cancelled() else task.result()


async def _poll_until_interrupted(settings: Settings, forward_url: str | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print("Polling Telegram for updates; Ctrl-C to stop.", file=sys.stderr)
    await poll(settings, forward_url=forward_url, stop=stop)


@asynccontextmanager
async def _connected(settings: Settings) -> AsyncIterator[Bot]:
    """An initialized bot; PTB errors inside the block surface as `TelegramSendError`."""
    token = _required(settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN")
    api_url = str(settings.telegram_api_url) if settings.telegram_api_url else None
    with telegram_errors():
        async with make_bot(token, api_url) as bot:
            yield bot


def _required(value: str | None, variable: str) -> str:
    if not value:
        raise TelegramSetupError(f"{variable} is not set")
    return value


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
