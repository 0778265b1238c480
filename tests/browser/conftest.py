"""Browser tests: the widget in Chromium, on the real API's demo page, against a fake channel.

    fake_webchat   FakeWebchat on a loopback port, started once, reset before each test
    api_url        the real API (`bot.api.app.create_app`) under uvicorn on a loopback port,
                   started once, its settings pointing the page's widget at the fake
                   (PARLEY_PUBLIC_URL); the fake allows the API's origin (CORS)
    browser        Debian's Chromium via Playwright (tests/conftest.py), shared by the session
    watch / page   a fresh browser context per test (clean localStorage), a context-wide
                   guard that aborts any request leaving the machine, and the page's console
                   errors, uncaught exceptions and dialogs; any of those fails the test unless
                   the test declared it expected (`watch.expect_console_error("status of 403")`)

For a real-stack test, start the Rasa server with the web chat channel instead of the fake,
build the API the same way with PARLEY_PUBLIC_URL (or PARLEY_RASA_PORT) set to it and
PARLEY_WEBCHAT_ORIGINS to the API's origin, and reuse `browser` and `watch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

from bot import bootstrap
from bot.api.app import create_app
from bot.settings import PROJECT_ROOT, get_settings
from tests.browser.fake_webchat import FakeWebchat, ServerThread

DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
LOOPBACK = ("http://127.0.0.1:", "http://localhost:")


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """The servers' settings are fixed for the whole session (overrides tests/conftest.py)."""
    yield


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeWebchat]:
    fake = FakeWebchat()
    server = ServerThread().start(fake.app)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def fake_webchat(fake_server: FakeWebchat) -> FakeWebchat:
    fake_server.reset()
    return fake_server


@pytest.fixture(scope="session")
def api_url(fake_server: FakeWebchat, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ServerThread()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PARLEY_VAR_DIR", str(tmp_path_factory.mktemp("var")))
        env.delenv("DATABASE_URL", raising=False)
        env.setenv("PARLEY_HOST", "127.0.0.1")
        env.setenv("PARLEY_API_PORT", str(server.port))
        env.setenv("PARLEY_PUBLIC_URL", fake_server.url)
        env.setenv("PARLEY_BRAND_NAME", "Parley")
        get_settings.cache_clear()
        bootstrap.reset()
        # Built and started (its lifespan included) while these settings are in force.
        server.start(create_app())
    get_settings.cache_clear()
    bootstrap.reset()
    fake_server.allowed_origins.add(server.url)
    try:
        yield server.url
    finally:
        server.stop()


@dataclass
class Watch:
    """A page and what went wrong on it."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect_console_error(self, fragment: str) -> None:
        """Chromium logs failed requests (403, aborted) as console errors: some are on purpose."""
        self.expected.append(fragment)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def problems(self) -> list[str]:
        unexpected = [e for e in self.console_errors if not any(x in e for x in self.expected)]
        return unexpected + self.page_errors + self.dialogs


def open_page(browser: Browser, **context_options: object) -> Watch:
    context = browser.new_context(**context_options)  # type: ignore[arg-type]
    # No test reaches the internet: anything but loopback is refused.
    context.route(lambda url: not url.startswith(LOOPBACK), lambda route: route.abort())
    page = context.new_page()
    watch = Watch(page)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("dialog", watch.on_dialog)
    return watch


@pytest.fixture
def pages_opened(browser: Browser) -> Iterator[list[Watch]]:
    opened: list[Watch] = []
    yield opened
    for watch in opened:
        watch.page.context.close()
    problems = [p for watch in opened for p in watch.problems()]
    assert not problems, f"console errors, page errors or dialogs: {problems}"


@pytest.fixture
def watch(browser: Browser, pages_opened: list[Watch], fake_webchat: FakeWebchat) -> Watch:
    """A desktop-sized page; the fake is reset for it."""
    opened = open_page(browser, viewport=DESKTOP)
    pages_opened.append(opened)
    return opened


@pytest.fixture
def phone(browser: Browser, pages_opened: list[Watch], fake_webchat: FakeWebchat) -> Watch:
    """A phone-sized page (390×844, touch)."""
    opened = open_page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    pages_opened.append(opened)
    return opened


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
