"""The web chat widget on the page: the proactive greeting, phones, hostile host pages,
reduced motion."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import Watch
from tests.browser.fake_webchat import FakeWebchat
from tests.browser.widget_page import Chat, open_chat


def test_the_proactive_greeting_waits_then_opens_the_chat(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat, screenshots: Path
) -> None:
    fake_webchat.greeting_delay_s = 1.5
    page = watch.page
    started = time.monotonic()  # before the widget's script starts counting
    page.goto(f"{api_url}/")
    chat = Chat(page, fake_webchat)
    expect(chat.launcher).to_be_visible()
    expect(chat.greeting).to_be_hidden()
    expect(chat.greeting).to_be_visible()
    assert time.monotonic() - started >= 1.5
    expect(chat.greeting).to_have_text(fake_webchat.greeting)
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots / "desktop-greeting.png")
    # Shown locally: the server has no conversation for a visitor who has not written.
    assert fake_webchat.sent("conversations") == [] and fake_webchat.sent("messages") == []

    chat.greeting.get_by_text(fake_webchat.greeting).click()
    expect(chat.panel).to_be_visible()
    expect(chat.greeting).to_be_hidden()
    expect(chat.bot).to_have_text([fake_webchat.greeting])
    assert chat.focused() == "parley-input"
    assert fake_webchat.sent("conversations") == []


def test_a_dismissed_greeting_stays_away(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    fake_webchat.greeting_delay_s = 0.3
    page = watch.page
    page.goto(f"{api_url}/")
    chat = Chat(page, fake_webchat)
    expect(chat.greeting).to_be_visible()
    page.get_by_role("button", name="Dismiss").click()
    expect(chat.greeting).to_be_hidden()
    assert chat.focused() == "launcher"
    expect(chat.panel).to_be_hidden()

    page.reload()
    page.wait_for_timeout(800)
    expect(chat.greeting).to_be_hidden()  # once per visit
    assert fake_webchat.sent("conversations") == []


def test_on_a_phone_the_panel_fills_the_screen(
    phone: Watch, api_url: str, fake_webchat: FakeWebchat, screenshots: Path
) -> None:
    page = phone.page
    page.goto(f"{api_url}/")
    chat = Chat(page, fake_webchat)
    expect(chat.launcher).to_be_visible()
    page.screenshot(path=screenshots / "phone-closed.png")
    chat.launcher.tap()
    expect(chat.panel).to_be_visible()
    assert chat.panel.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    expect(chat.launcher).to_be_hidden()

    chat.say("hi")
    expect(chat.choices()).to_have_count(2)
    chat.choices().get_by_text("Book a demo").tap()
    expect(chat.bot.nth(2)).to_contain_text("Great, let's find a time.")
    page.wait_for_timeout(300)
    page.screenshot(path=screenshots / "phone-open.png")

    chat.input.focus()  # the panel covers the page, so Tab goes round inside it
    page.keyboard.press("Tab")
    assert chat.focused() == "send"
    page.keyboard.press("Tab")
    assert chat.focused() == "close"
    page.keyboard.press("Shift+Tab")
    assert chat.focused() == "send"

    page.get_by_role("button", name="Close chat").tap()
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_visible()


def test_one_widget_whatever_the_host_page_does(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    page = watch.page
    page.add_init_script(
        "Object.defineProperty(window, '__namesBefore',"
        " {value: Object.getOwnPropertyNames(window), enumerable: false})"
    )
    page.goto(f"{api_url}/")
    chat = Chat(page, fake_webchat)
    page.get_by_role("button", name="Talk to our assistant").click()  # ParleyChat.open()
    expect(chat.panel).to_be_visible()
    page.evaluate("() => window.ParleyChat.close()")
    expect(chat.panel).to_be_hidden()

    leaked = page.evaluate(
        "() => Object.getOwnPropertyNames(window)"
        ".filter(n => !window.__namesBefore.includes(n) && n !== '__namesBefore')"
    )
    assert leaked == ["ParleyChat"]

    page.add_script_tag(url=f"{api_url}/webchat/widget.js")  # included a second time
    page.add_style_tag(
        content="parley-chat, div, button { display: none !important; }"
        " * { font: 40px/1 serif !important; color: red !important; }"
    )
    assert page.evaluate("() => document.querySelectorAll('parley-chat').length") == 1
    expect(chat.launcher).to_be_visible()
    style = chat.launcher.evaluate(
        "e => { const s = getComputedStyle(e); return [s.fontFamily, s.fontSize, s.color]; }"
    )
    assert style[0].startswith("system-ui") and style[1:] == ["15px", "rgb(255, 255, 255)"]
    chat.launcher.click()
    chat.say("hi")
    expect(chat.bot).to_have_count(2)


def test_reduced_motion_stops_the_animations(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    fake_webchat.reply_delay_s = 1.0
    watch.page.emulate_media(reduced_motion="reduce")
    chat = open_chat(watch, api_url, fake_webchat)
    chat.say("hi")
    dot = watch.page.locator(".typing .dot").first
    expect(dot).to_be_attached()
    assert dot.evaluate("e => getComputedStyle(e).animationName") == "none"
    assert re.fullmatch(r"0s", chat.panel.evaluate("e => getComputedStyle(e).animationDuration"))
    expect(chat.bot).to_have_count(2)


def test_a_returning_visitor_is_counted_and_gets_the_greeting_a_trigger_chose(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat, screenshots: Path
) -> None:
    page = watch.page
    chat = open_chat(watch, api_url, fake_webchat, "?utm_campaign=Spring&utm_source=news&gclid=x")
    chat.say("hi")
    expect(chat.bot.last).to_contain_text("Hi there!")
    page.get_by_role("button", name="Close chat").click()
    (first,) = fake_webchat.config_queries
    assert first["visits"] == "1" and first["utm_campaign"] == "Spring"
    assert first["path"] == "/" and "gclid" not in first

    # A new tab is a new visit; without a trigger, a visitor who already has a
    # conversation gets no proactive greeting.
    fake_webchat.greeting_delay_s = 0.2
    second = page.context.new_page()
    second.goto(f"{api_url}/")
    second.wait_for_timeout(800)
    expect(Chat(second, fake_webchat).greeting).to_be_hidden()
    assert fake_webchat.config_queries[-1]["visits"] == "2"
    second.close()

    fake_webchat.trigger = "returning-visitor"
    fake_webchat.greeting = "Welcome back! Want to pick up where you left off?"
    fake_webchat.offer = {"title": "Growth plan", "url": "https://example.com/growth"}
    third = page.context.new_page()
    third.goto(f"{api_url}/")
    returning = Chat(third, fake_webchat)
    expect(returning.greeting).to_be_visible()
    expect(returning.greeting).to_contain_text("Welcome back!")
    link = returning.greeting.get_by_role("link", name="Growth plan")
    expect(link).to_have_attribute("href", "https://example.com/growth")
    expect(link).to_have_attribute("target", "_blank")
    assert fake_webchat.config_queries[-1]["visits"] == "3"
    third.wait_for_timeout(300)
    third.screenshot(path=screenshots / "desktop-returning-greeting.png")
    # Its conversation travels with the config request, for the lead's segments.
    returning.greeting.get_by_text("Welcome back!").click()
    expect(returning.user).to_have_text(["hi"])  # the history, not a fresh chat
    third.close()
