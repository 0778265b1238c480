"""Going live on the Rasa servers: the model-swap endpoint, then `GET /status`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.training import servers
from bot.training.servers import SWAP_PATH, RasaServer, SwapFailed, go_live

MODEL = Path("/srv/models/parley-abc.tar.gz")
Handler = Callable[[str, str, dict[str, Any]], httpx.Response]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Callable[[Handler], list[tuple[str, str]]]:
    def install(handler: Handler) -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []

        def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
            seen.append((method, url))
            return handler(method, url, kwargs)

        monkeypatch.setattr(servers.httpx, "request", request)
        return seen

    return install


def rasa(serves: str = MODEL.name, swap_status: int = 200) -> Handler:
    def handle(method: str, url: str, kwargs: dict[str, Any]) -> httpx.Response:
        assert kwargs["params"] == {"token": "t"}
        if url.endswith(SWAP_PATH) and method == "PUT":
            if swap_status != 200:
                return httpx.Response(swap_status, json={"error": "no such archive"})
            assert kwargs["json"] == {"model_file": str(MODEL)}
            return httpx.Response(200, json={"model_file": serves, "model_id": "m"})
        if url.endswith("/status"):
            return httpx.Response(200, json={"model_file": f"/srv/models/{serves}"})
        return httpx.Response(404)

    return handle


def test_each_server_loads_through_the_swap_endpoint_and_is_confirmed(calls: Any) -> None:
    seen = calls(rasa())
    go_live([RasaServer("http://a", "t"), RasaServer("http://b", "t")], MODEL)
    assert seen == [
        ("PUT", f"http://a{SWAP_PATH}"),
        ("GET", "http://a/status"),
        ("PUT", f"http://b{SWAP_PATH}"),
        ("GET", "http://b/status"),
    ]


def test_a_refused_load_says_why(calls: Any) -> None:
    calls(rasa(swap_status=400))
    with pytest.raises(SwapFailed, match="HTTP 400: no such archive"):
        go_live([RasaServer("http://a", "t")], MODEL)


def test_a_server_without_the_endpoint_asks_for_a_restart(calls: Any) -> None:
    calls(rasa(swap_status=404))
    with pytest.raises(SwapFailed, match="restart it"):
        go_live([RasaServer("http://a", "t")], MODEL)


def test_a_server_still_serving_another_model_fails_the_swap(calls: Any) -> None:
    calls(rasa(serves="parley-old.tar.gz"))
    with pytest.raises(SwapFailed, match=r"loaded parley-old\.tar\.gz instead"):
        go_live([RasaServer("http://a", "t")], MODEL)


def test_a_status_naming_another_model_fails_the_swap(calls: Any) -> None:
    confirmed = rasa()
    stale = rasa(serves="parley-old.tar.gz")
    calls(
        lambda method, url, kwargs: (stale if method == "GET" else confirmed)(method, url, kwargs)
    )
    with pytest.raises(SwapFailed, match=r"serves parley-old\.tar\.gz instead"):
        go_live([RasaServer("http://a", "t")], MODEL)


def test_a_refused_token_and_an_unreachable_server_fail_the_swap(calls: Any) -> None:
    calls(lambda method, url, kwargs: httpx.Response(403))
    with pytest.raises(SwapFailed, match="API token"):
        go_live([RasaServer("http://a", "t")], MODEL)

    def unreachable(method: str, url: str, kwargs: dict[str, Any]) -> httpx.Response:
        raise httpx.ConnectError("refused")

    calls(unreachable)
    with pytest.raises(SwapFailed, match="could not be reached"):
        go_live([RasaServer("http://a", "t")], MODEL)
