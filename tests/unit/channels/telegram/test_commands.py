"""`parley telegram …` against the fake Bot API, and `poll` forwarding to a local receiver."""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.settings import Settings, get_settings
from channels.telegram import commands
from channels.telegram.commands import TelegramSetupError, poll, set_webhook
from channels.telegram.updates import parse_update
from tests.fakes.telegram_api import TOKEN, FakeTelegramApi
from tests.fakes.telegram_updates import text_update

SECRET = "s3cret_Webhook-token"
WEBHOOK = "/webhooks/telegram/webhook"


class Receiver:
    """A stand-in for the ingress's Telegram webhook: records each POST, answers `statuses`
    in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "status": status,
                    }
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{WEBHOOK}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def accepted(self) -> list[dict[str, Any]]:
        return [request for request in self.requests if 200 <= request["status"] < 300]


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    with FakeTelegramApi(TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(api: FakeTelegramApi, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("PARLEY_TELEGRAM_API_URL", api.url)
    monkeypatch.delenv("PARLEY_PUBLIC_URL", raising=False)
    return get_settings()


def _with(settings: Settings, **changes: Any) -> Settings:
    return settings.copy(update=changes)


async def _wait_until(condition: Any, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="parley")
    commands.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


async def test_set_webhook_registers_url_secret_and_update_types(
    settings: Settings, api: FakeTelegramApi, capsys: pytest.CaptureFixture[str]
) -> None:
    public = _with(settings, public_url="https://bot.example.com/")

    await set_webhook(public)

    assert api.webhook == {
        "url": f"https://bot.example.com{WEBHOOK}",
        "secret_token": SECRET,
        "allowed_updates": ["message", "edited_message", "callback_query"],
    }
    assert f"https://bot.example.com{WEBHOOK}" in capsys.readouterr().out


async def test_set_webhook_allows_http_on_loopback(
    settings: Settings, api: FakeTelegramApi
) -> None:
    await set_webhook(settings)

    assert api.webhook["url"] == f"http://127.0.0.1:5007{WEBHOOK}"  # the ingress


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"public_url": "http://bot.example.com"}, "https"),
        ({"telegram_webhook_secret": None}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"telegram_bot_token": None}, "TELEGRAM_BOT_TOKEN"),
    ],
)
async def test_set_webhook_refuses_without_what_telegram_needs(
    settings: Settings, api: FakeTelegramApi, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(TelegramSetupError, match=message):
        await set_webhook(_with(settings, **changes))

    assert api.calls("setWebhook") == []


def test_the_cli_exits_non_zero_with_a_clear_message(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status = commands.run(
        _cli(["telegram", "set-webhook"]), _with(settings, public_url="http://x.io")
    )

    assert status == 1
    assert (
        "parley telegram set-webhook: Telegram only delivers to https URLs"
        in capsys.readouterr().err
    )


def test_the_cli_sets_and_deletes_the_webhook(settings: Settings, api: FakeTelegramApi) -> None:
    assert commands.run(_cli(["telegram", "set-webhook"]), settings) == 0
    assert api.webhook["secret_token"] == SECRET

    assert commands.run(_cli(["telegram", "delete-webhook"]), settings) == 0
    assert api.webhook == {}


def test_a_token_telegram_rejects_fails_the_command(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = _with(settings, telegram_bot_token="111:not-the-token")

    assert commands.run(_cli(["telegram", "delete-webhook"]), wrong) == 1
    err = capsys.readouterr().err
    assert "rejected the bot token" in err
    assert "not-the-token" not in err


async def test_poll_forwards_updates_with_the_secret_and_confirms_them(
    settings: Settings, api: FakeTelegramApi, caplog: pytest.LogCaptureFixture
) -> None:
    api.webhook = {"url": "https://old.example.com/hook"}  # poll must delete it first
    updates = [text_update(901, 42, 42, "hello"), text_update(902, 42, 42, "/start")]
    for update in updates:
        api.queue_update(update)
    stop = asyncio.Event()

    with Receiver([200]) as receiver:
        task = asyncio.create_task(
            poll(settings, forward_url=receiver.url, stop=stop, poll_timeout_s=1)
        )
        await _wait_until(lambda: len(receiver.accepted()) == 2)
        stop.set()
        await asyncio.wait_for(task, 5)

    assert [r["path"] for r in receiver.requests] == [WEBHOOK, WEBHOOK]
    assert all(r["headers"]["X-Telegram-Bot-Api-Secret-Token"] == SECRET for r in receiver.requests)
    assert [parse_update(r["body"]) for r in receiver.requests] == [
        parse_update(u) for u in updates
    ]
    assert api.webhook == {}
    assert "Removed the webhook https://old.example.com/hook" in caplog.text
    assert api.pending_updates == []  # confirmed to Telegram before poll returned


async def test_poll_keeps_an_update_until_the_webhook_takes_it(
    settings: Settings, api: FakeTelegramApi
) -> None:
    api.queue_update(text_update(911, 42, 42, "first"))
    api.queue_update(text_update(912, 42, 42, "second"))
    stop = asyncio.Event()

    with Receiver([503, 503, 200]) as receiver:
        task = asyncio.create_task(
            poll(
                settings, forward_url=receiver.url, stop=stop, retry_delay_s=0.01, poll_timeout_s=1
            )
        )
        await _wait_until(lambda: len(receiver.accepted()) == 2)
        stop.set()
        await asyncio.wait_for(task, 5)

    forwarded = [(r["body"]["update_id"], r["status"]) for r in receiver.requests]
    assert forwarded == [(911, 503), (911, 503), (911, 200), (912, 200)]


async def test_poll_stopped_while_rasa_is_down_loses_nothing(
    settings: Settings, api: FakeTelegramApi
) -> None:
    update = text_update(921, 42, 42, "anyone there?")
    api.queue_update(update)
    stop = asyncio.Event()

    with Receiver([500]) as receiver:
        task = asyncio.create_task(
            poll(
                settings, forward_url=receiver.url, stop=stop, retry_delay_s=0.01, poll_timeout_s=1
            )
        )
        await _wait_until(lambda: len(receiver.requests) >= 3)
        stop.set()
        await asyncio.wait_for(task, 5)

    assert all(call.get("offset") in (None, 0) for call in api.calls("getUpdates"))
    assert api.pending_updates == [update]


async def test_poll_skips_an_update_the_webhook_rejects_as_malformed(
    settings: Settings, api: FakeTelegramApi
) -> None:
    api.queue_update(text_update(931, 42, 42, "odd"))
    api.queue_update(text_update(932, 42, 42, "fine"))
    stop = asyncio.Event()

    with Receiver([400, 200]) as receiver:
        task = asyncio.create_task(
            poll(settings, forward_url=receiver.url, stop=stop, poll_timeout_s=1)
        )
        await _wait_until(lambda: len(receiver.accepted()) == 1)
        stop.set()
        await asyncio.wait_for(task, 5)

    assert [(r["body"]["update_id"], r["status"]) for r in receiver.requests] == [
        (931, 400),
        (932, 200),
    ]
    assert api.pending_updates == []


async def test_poll_survives_a_failed_get_updates(settings: Settings, api: FakeTelegramApi) -> None:
    api.fail_next("getUpdates", 502, "Bad Gateway")
    api.queue_update(text_update(941, 42, 42, "hi"))
    stop = asyncio.Event()

    with Receiver([200]) as receiver:
        task = asyncio.create_task(
            poll(
                settings, forward_url=receiver.url, stop=stop, retry_delay_s=0.01, poll_timeout_s=1
            )
        )
        await _wait_until(lambda: len(receiver.accepted()) == 1)
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_poll_stops_promptly_during_a_long_poll(
    settings: Settings, api: FakeTelegramApi
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(poll(settings, forward_url="http://127.0.0.1:9/", stop=stop))
    await _wait_until(lambda: len(api.calls("getUpdates")) >= 1)

    stop.set()

    await asyncio.wait_for(task, 2)  # well inside the 25 s long-poll timeout


async def test_poll_defaults_to_the_local_ingress_webhook(
    settings: Settings, api: FakeTelegramApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Receiver([200]) as receiver:
        port = receiver.server.server_address[1]
        local = _with(settings, host="127.0.0.1", ingress_port=port)
        api.queue_update(text_update(951, 42, 42, "hi"))
        stop = asyncio.Event()
        task = asyncio.create_task(poll(local, stop=stop, poll_timeout_s=1))
        await _wait_until(lambda: len(receiver.accepted()) == 1)
        stop.set()
        await asyncio.wait_for(task, 5)

    assert receiver.requests[0]["path"] == WEBHOOK


async def test_poll_refuses_without_the_webhook_secret(
    settings: Settings, api: FakeTelegramApi
) -> None:
    with pytest.raises(TelegramSetupError, match="TELEGRAM_WEBHOOK_SECRET"):
        await poll(_with(settings, telegram_webhook_secret=None), stop=asyncio.Event())

    assert api.calls("getUpdates") == []
