"""The web chat widget in headless Chromium against the whole running stack.

A visitor lands on the demo page from a campaign link, completes a lead conversation by
clicking and typing, opens a recommended item, reloads and finds the conversation still
there; the lead reaches the CRM with the page and campaign it came from, and the click
with it. Screenshots go to results/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.crm import Lead, make_engine, session_scope
from bot.crm.engagement_tables import ContentEngagement
from bot.settings import PROJECT_ROOT, Settings
from tests.e2e.test_conversations import ANSWERS, ORDER, QUESTIONS

pytestmark = pytest.mark.e2e

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
CAMPAIGN = "?utm_source=e2e&utm_medium=browser&utm_campaign=launch"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    yield page
    context.close()
    assert errors == []


def bot_says(page: Page, text: str) -> None:
    expect(page.locator(".msg-bot:not(.typing) .bubble").last).to_contain_text(text, timeout=60_000)


def type_answer(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def test_a_visitor_qualifies_in_the_browser_and_the_chat_survives_a_reload(
    page: Page, stack: Settings
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"http://{stack.host}:{stack.api_port}/{CAMPAIGN}")
    page.get_by_role("button", name="Chat with us").click()
    type_answer(page, "hi there")
    bot_says(page, "fits your team")
    page.get_by_role("button", name="Yes, let's go").click()
    bot_says(page, QUESTIONS["name"])
    email = f"ada.{uuid.uuid4().hex[:8]}@northwind.io"
    for number, question in enumerate(ORDER):
        type_answer(page, email if question == "email" else ANSWERS[question])
        if number + 1 < len(ORDER):
            bot_says(page, QUESTIONS[ORDER[number + 1]])
    bot_says(page, "marketing e-mails")
    page.get_by_role("button", name="Yes, e-mail me").click()
    bot_says(page, "marketing text messages")
    page.locator(".choices").last.get_by_role("button").first.click()
    expect(page.locator(".msg-bot .bubble", has_text="that's everything I need")).to_be_visible(
        timeout=60_000
    )
    # The wrap-up's recommended content: the visitor opens the first item. Its link is the
    # signed redirect; the catalogue's own site is answered here (no network).
    page.context.route(
        re.compile(r"^https://"),
        lambda route: route.fulfill(content_type="text/html", body="<h1>Case study</h1>"),
    )
    recommended = page.locator('.msg-bot a[href*="/r/"]').first
    expect(recommended).to_be_visible(timeout=60_000)
    with page.context.expect_page() as opened:
        recommended.click()
    expect(opened.value.locator("h1")).to_have_text("Case study")
    opened.value.close()
    type_answer(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(".msg-user .bubble").last).to_have_text("<img src=x onerror=alert(1)>")
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-conversation.png"))

    user_messages = page.locator(".msg-user .bubble").count()
    page.reload()
    launcher = page.get_by_role("button", name="Chat with us")
    if launcher.get_attribute("aria-expanded") != "true":  # it reopens as it was left
        launcher.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".msg-user .bubble")).to_have_count(user_messages, timeout=30_000)
    expect(page.locator(".msg-user .bubble").first).to_have_text("hi there")
    assert page.locator(".msg-bot img, .msg-user img").count() == 0
    page.wait_for_timeout(800)  # the panel fades in and the log scrolls to the newest
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-after-reload.png"))

    engine = make_engine(stack.crm_database_url)
    try:
        with session_scope(engine) as session:
            lead = session.scalars(
                select(Lead)
                .where(Lead.conversation_id.like("webchat-%"))
                .order_by(Lead.created_at.desc())
            ).first()
            assert lead is not None and lead.answers["email"] == email
            assert lead.source["utm_campaign"] == "launch"
            assert lead.source["page_url"].endswith(CAMPAIGN)
            clicked = session.scalars(
                select(ContentEngagement.item_id).where(
                    ContentEngagement.lead_id == lead.id, ContentEngagement.kind == "clicked"
                )
            ).all()
    finally:
        engine.dispose()
    assert len(clicked) == 1  # the item opened, counted against the lead
