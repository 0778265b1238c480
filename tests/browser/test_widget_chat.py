"""The web chat widget in Chromium: chatting, markup shown as text, reloads, and
what it does when the channel refuses, stalls or loses an answer."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Route, expect

from tests.browser.conftest import Watch
from tests.browser.fake_webchat import BOOKING_URL, XSS, FakeWebchat, scripted_replies
from tests.browser.widget_page import Chat, open_chat, tab_to


def test_the_assets_and_the_demo_page(api_url: str, fake_webchat: FakeWebchat) -> None:
    for path, media_type in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
        response = httpx.get(f"{api_url}/webchat/{path}", headers={"Origin": "https://shop.test"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["access-control-allow-origin"] == "*"
    page = httpx.get(f"{api_url}/").text
    snippet = (
        f'<script src="{api_url}/webchat/widget.js" data-server="{fake_webchat.url}" defer>'
        "</script>"
    )
    assert snippet in page  # the page embeds the widget with the very tag it shows
    shown = snippet.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert f"<pre><code>{shown}</code></pre>" in page
    assert 'href="/privacy"' in page and 'href="/docs"' in page
    assert "<h1>" in page and "Parley" in page


def test_a_keyboard_user_chats_and_picks_a_button(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat, screenshots: Path
) -> None:
    fake_webchat.reply_delay_s = 0.8
    page = watch.page
    url = f"{api_url}/?utm_source=newsletter&utm_campaign=spring&ref=partner"
    page.goto(url)
    chat = Chat(page, fake_webchat)
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    expect(chat.launcher).to_have_attribute("aria-controls", "parley-panel")

    tab_to(chat, "launcher")
    outline = page.evaluate(
        "() => getComputedStyle(document.querySelector('parley-chat').shadowRoot"
        ".activeElement).outlineStyle"
    )
    assert outline == "solid"  # a visible focus ring
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.log).to_have_attribute("aria-live", "polite")
    expect(chat.bot).to_have_text([fake_webchat.greeting])
    assert chat.focused() == "parley-input"
    page.wait_for_timeout(300)  # the opening animation
    box = chat.panel.bounding_box()
    assert box is not None
    size = (round(box["width"]), round(box["height"]))
    corner = (round(box["x"] + box["width"]), round(box["y"] + box["height"]))
    assert size == (380, 560) and corner == (1260, 714)  # bottom right, above the launcher

    # Tab order within the panel, then on to the launcher.
    order = []
    page.keyboard.press("Shift+Tab")
    order.append(chat.focused())
    page.keyboard.press("Shift+Tab")
    order.append(chat.focused())
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(chat.focused())
    assert order == ["log", "close", "log", "parley-input", "send", "launcher"]
    assert fake_webchat.sent("conversations") == []  # opening the chat creates nothing

    chat.input.focus()
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    expect(chat.user).to_have_text(["hi"])
    expect(chat.input).to_have_value("")
    expect(chat.typing).to_be_visible()
    expect(chat.typing).to_have_text("Assistant is typing")
    chat.panel.screenshot(path=screenshots / "desktop-typing.png")
    expect(chat.bot.nth(1)).to_have_text("Hi there!\nWhat brings you here today?")
    expect(chat.typing).to_have_count(0)
    assert chat.bot.nth(1).evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert chat.bot.nth(1).evaluate("e => e.innerText") == "Hi there!\nWhat brings you here today?"

    [first] = fake_webchat.sent()
    assert first.status == 200
    assert first.conversation == chat.stored_conversation()
    assert uuid.UUID(first.body["message_id"]).version == 4
    assert first.body["text"] == "hi"
    assert first.body["metadata"] == {
        "page_url": url,
        "referrer": "",
        "utm": {"utm_source": "newsletter", "utm_campaign": "spring"},
    }

    expect(chat.choices()).to_have_text(["Book a demo", "See pricing"])
    chat.choices().get_by_text("See pricing").click()
    expect(chat.user).to_have_text(["hi", "See pricing"])
    expect(chat.choices(0).first).to_be_disabled()
    expect(chat.choices(0).last).to_be_disabled()
    expect(chat.bot.nth(2)).to_have_text(f"Plans start at $49 a month. {XSS}")
    assert [r.body["text"] for r in fake_webchat.sent()] == ["hi", "/pricing"]
    assert len({r.body["message_id"] for r in fake_webchat.sent()}) == 2
    assert len(fake_webchat.sent("conversations")) == 1
    assert chat.focused() == "parley-input"

    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    assert chat.focused() == "launcher"

    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # the opening animation
    page.screenshot(path=screenshots / "desktop-open.png")


def test_markup_from_either_side_shows_as_text(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    chat = open_chat(watch, api_url, fake_webchat)
    chat.say(XSS)
    expect(chat.user).to_have_text([XSS])
    expect(chat.bot.nth(1)).to_have_text(f"You said: {XSS}")
    chat.say("/pricing")
    expect(chat.bot.nth(2)).to_have_text(f"Plans start at $49 a month. {XSS}")
    chat.say("/book_demo")
    expect(chat.bot.nth(3)).to_have_text(
        f"Great, let's find a time.\nPick a slot here: {BOOKING_URL}."
    )

    link = chat.bot.nth(3).get_by_role("link")
    expect(link).to_have_text(BOOKING_URL)  # the full stop after it is not part of it
    expect(link).to_have_attribute("href", BOOKING_URL)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    watch.page.wait_for_timeout(200)  # an onerror handler would have run by now
    images = watch.page.evaluate(
        "() => document.querySelectorAll('img').length"
        " + document.querySelector('parley-chat').shadowRoot.querySelectorAll('img').length"
    )
    assert images == 0
    assert watch.dialogs == []


def test_the_conversation_comes_back_after_a_reload(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    chat = open_chat(watch, api_url, fake_webchat)
    chat.say("hi")
    chat.choices().get_by_text("See pricing").click()
    expect(chat.bot).to_have_count(3)
    chat.say("hi")
    expect(chat.bot).to_have_count(4)
    conversation = chat.stored_conversation()
    assert conversation

    watch.page.reload()
    expect(chat.panel).to_be_visible()  # it was open: it stays open from page to page
    expect(chat.user).to_have_text(["hi", "See pricing", "hi"])  # a payload shows as its title
    expect(chat.bot).to_have_count(3)  # the stored history, without the local greeting
    expect(chat.choices(0).first).to_be_disabled()
    expect(chat.choices(0).last).to_be_disabled()
    expect(chat.choices(-1).first).to_be_enabled()  # only the last bot message's buttons
    assert chat.stored_conversation() == conversation

    chat.choices().get_by_text("Book a demo").click()
    expect(chat.bot.last).to_contain_text("Great, let's find a time.")
    assert {r.conversation for r in fake_webchat.sent()} == {conversation}
    assert len(fake_webchat.sent("conversations")) == 1


def test_an_unknown_conversation_is_replaced_and_the_message_resent(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    watch.expect_console_error("status of 403")
    chat = open_chat(watch, api_url, fake_webchat)
    chat.say("hi")
    expect(chat.bot).to_have_count(2)
    first = chat.stored_conversation()

    fake_webchat.forget_conversations()
    chat.say("thanks")
    expect(chat.bot.last).to_have_text("You said: thanks")
    second = chat.stored_conversation()
    assert second and second != first

    sent = fake_webchat.sent()
    assert [(r.conversation, r.status) for r in sent] == [
        (first, 200),
        (first, 403),
        (second, 200),
    ]
    assert sent[1].body["message_id"] == sent[2].body["message_id"]
    expect(chat.user).to_have_text(["hi", "thanks"])
    expect(watch.page.locator(".retry")).to_have_count(0)


def test_a_forged_stored_id_is_dropped(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    watch.expect_console_error("status of 403")
    page = watch.page
    page.goto(f"{api_url}/")
    chat = Chat(page, fake_webchat)
    page.evaluate("key => localStorage.setItem(key, 'forged-id')", chat.storage_key)
    page.reload()
    chat.launcher.click()
    expect(chat.bot).to_have_text([fake_webchat.greeting])  # history refused: a fresh start
    assert chat.stored_conversation() is None
    chat.say("hi")
    expect(chat.bot).to_have_count(2)
    [sent] = fake_webchat.sent()
    assert sent.conversation == chat.stored_conversation() != "forged-id"


def test_a_slow_turn_is_polled_from_the_history(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    fake_webchat.slow_texts = {"hi"}
    fake_webchat.pending_delay_s = 1.0
    chat = open_chat(watch, api_url, fake_webchat)
    chat.say("hi")
    expect(chat.typing).to_be_visible()
    expect(chat.bot.nth(1)).to_have_text("Hi there!\nWhat brings you here today?", timeout=8000)
    expect(chat.typing).to_have_count(0)
    assert [r.status for r in fake_webchat.sent()] == [202]
    assert fake_webchat.sent("history")

    chat.say("thanks")  # and the next turn, answered at once, follows on
    expect(chat.bot.nth(2)).to_have_text("You said: thanks")
    expect(chat.bot).to_have_count(3)
    expect(chat.choices()).to_have_count(2)


def test_a_lost_answer_is_retried_with_the_same_message_id(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat, screenshots: Path
) -> None:
    watch.expect_console_error("net::ERR_FAILED")
    chat = open_chat(watch, api_url, fake_webchat)
    attempts: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        attempts.append(route.request.post_data_json["message_id"])
        if len(attempts) == 1:
            route.fetch()  # the server gets the message and answers...
            route.abort()  # ...but the answer never reaches the browser
        else:
            route.continue_()

    watch.page.route(f"{fake_webchat.url}/webhooks/webchat/messages", lose_the_first_answer)
    chat.say("hi")
    retry = watch.page.get_by_role("button", name="Couldn't send — retry")
    expect(retry).to_be_visible()
    expect(chat.typing).to_have_count(0)
    expect(chat.bot).to_have_count(1)
    chat.panel.screenshot(path=screenshots / "desktop-retry.png")

    retry.click()
    expect(chat.bot.nth(1)).to_have_text("Hi there!\nWhat brings you here today?")
    expect(retry).to_have_count(0)
    assert len(attempts) == 2 and attempts[0] == attempts[1]
    conversation = chat.stored_conversation()
    assert conversation
    senders = [m["sender"] for m in fake_webchat.history_of(conversation)]
    assert senders == ["user", "bot"]  # the server dropped the repeat
    expect(chat.user).to_have_text(["hi"])


def test_a_reply_that_takes_too_long_can_be_checked_again(
    watch: Watch, api_url: str, fake_webchat: FakeWebchat
) -> None:
    fake_webchat.slow_texts = {"hi"}
    fake_webchat.pending_delay_s = 3600  # the reply is added by hand below
    page = watch.page
    page.clock.install()  # the widget's 30 s of polling pass at once
    chat = open_chat(watch, api_url, fake_webchat)
    with page.expect_response(lambda r: r.url.endswith("/messages") and r.status == 202):
        chat.say("hi")
    page.clock.run_for(31_000)
    notice = page.get_by_text("The reply is taking longer than usual.")
    expect(notice).to_be_visible()
    expect(chat.typing).to_have_count(0)

    conversation = chat.stored_conversation()
    assert conversation
    fake_webchat.add_replies(fake_webchat.conversations[conversation], scripted_replies("hi"))
    page.get_by_role("button", name="Check again").click()
    page.clock.run_for(1_600)
    expect(chat.bot.nth(1)).to_have_text("Hi there!\nWhat brings you here today?")
    expect(notice).to_have_count(0)
