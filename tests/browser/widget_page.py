"""The widget as a visitor sees it: locators into its shadow root and a few moves."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Watch
from tests.browser.fake_webchat import FakeWebchat

FOCUSED_IN_WIDGET = """() => {
  const host = document.querySelector("parley-chat");
  if (document.activeElement !== host) return "page:" + document.activeElement.tagName;
  const inner = host.shadowRoot.activeElement;
  return inner ? inner.id || inner.classList[inner.classList.length - 1] : null;
}"""


class Chat:
    """The widget as a visitor sees it (Playwright's locators reach into its shadow root)."""

    def __init__(self, page: Page, fake: FakeWebchat) -> None:
        self.page = page
        self.storage_key = f"parley:conversation:{fake.url}"
        self.launcher = page.get_by_role("button", name="Chat with us")
        self.panel = page.get_by_role("dialog", name=fake.title)
        self.log = page.get_by_role("log")
        self.input = page.get_by_role("textbox", name="Your message")
        self.send_button = page.get_by_role("button", name="Send", exact=True)
        self.bot = page.locator(".msg-bot:not(.typing) .bubble")
        self.user = page.locator(".msg-user .bubble")
        self.typing = page.locator(".typing")
        self.greeting = page.locator(".greeting")

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def focused(self) -> str:
        return str(self.page.evaluate(FOCUSED_IN_WIDGET))

    def stored_conversation(self) -> str | None:
        value = self.page.evaluate("key => localStorage.getItem(key)", self.storage_key)
        return None if value is None else str(value)

    def choices(self, index: int = -1) -> Locator:
        return self.page.locator(".choices").nth(index).get_by_role("button")


def tab_to(chat: Chat, target: str, limit: int = 40) -> None:
    for _ in range(limit):
        chat.page.keyboard.press("Tab")
        if chat.focused() == target:
            return
    raise AssertionError(f"Tab never reached {target}")


def open_chat(watch: Watch, api_url: str, fake: FakeWebchat, query: str = "") -> Chat:
    watch.page.goto(f"{api_url}/{query}")
    chat = Chat(watch.page, fake)
    chat.launcher.click()
    expect(chat.panel).to_be_visible()
    expect(chat.bot).to_have_text([fake.greeting])
    return chat
