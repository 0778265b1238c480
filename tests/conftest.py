"""Shared test setup: settings isolated from the developer's environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot import bootstrap
from bot.settings import get_settings

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # needed as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def fresh_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Each test reads settings anew, with var/ in a temporary folder."""
    monkeypatch.setenv("PARLEY_VAR_DIR", str(tmp_path_factory.mktemp("var")))
    # bot/endpoints.yml names it; `parley run` always sets it.
    monkeypatch.setenv("PARLEY_ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    get_settings.cache_clear()
    bootstrap.reset()
    yield
    get_settings.cache_clear()
    bootstrap.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (Playwright's sync API allows one)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
