"""A visitor asks for a person in the web chat and a rep answers from the console's inbox,
each in their own headless Chromium context against the whole running stack.

The rep's inbox shows the request without a reload; the rep claims it and replies; the
visitor sees the reply in the widget, marked as the team's; while the rep holds the
conversation the bot says nothing; hand-back brings the bot back with the form's next
question. Screenshots go to results/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from bot.crm import make_engine, session_scope
from bot.crm.database import utcnow
from bot.crm.handoff_tables import Handoff
from bot.crm.tokens import create_token
from bot.settings import PROJECT_ROOT, Settings
from tests.e2e.test_conversations import QUESTIONS

pytestmark = pytest.mark.e2e

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
REPLY = "Hi, I'm Rosa from sales. Happy to help with pricing for 40 seats."


def new_page(browser: Browser) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
    visitor, visitor_errors = new_page(browser)
    rep, rep_errors = new_page(browser)
    yield visitor, rep
    visitor.context.close()
    rep.context.close()
    assert visitor_errors == [] and rep_errors == []


@pytest.fixture
def rep_token(stack: Settings) -> str:
    """Rosa's agent token, on an inbox other tests' handoffs no longer crowd."""
    engine = make_engine(stack.crm_database_url)
    with session_scope(engine) as session:
        _, raw = create_token(session, name="rosa", role="agent")
        session.execute(
            update(Handoff)
            .where(Handoff.status != "ended")
            .values(status="ended", end_reason="closed", ended_at=utcnow(), changed_at=utcnow())
        )
    engine.dispose()
    return raw


def type_answer(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def bot_says(page: Page, text: str) -> None:
    expect(page.locator(".msg-bot:not(.typing) .bubble").last).to_contain_text(text, timeout=60_000)


def test_a_rep_takes_over_a_web_chat_from_the_inbox_and_hands_it_back(
    pages: tuple[Page, Page], stack: Settings, rep_token: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visitor, rep = pages
    console = f"http://{stack.host}:{stack.api_port}/console"

    rep.goto(console)
    rep.get_by_label("API token").fill(rep_token)
    rep.get_by_role("button", name="Log in").click()
    expect(rep).to_have_url(f"{console}/inbox")
    expect(rep.get_by_text("Nobody is waiting.")).to_be_visible()

    visitor.goto(f"http://{stack.host}:{stack.api_port}/")
    visitor.get_by_role("button", name="Chat with us").click()
    type_answer(visitor, "hi there")
    bot_says(visitor, "fits your team")
    visitor.get_by_role("button", name="Yes, let's go").click()
    bot_says(visitor, QUESTIONS["name"])
    type_answer(visitor, "can I talk to a real person?")
    bot_says(visitor, QUESTIONS["name"])  # the form goes on while someone is found
    messages = visitor.locator(".msg-bot .bubble")
    expect(visitor.locator(".msg-bot .bubble", has_text="talk to a person")).to_be_visible()

    waiting = rep.get_by_role("row").filter(has_text="asked for a person")
    expect(waiting).to_be_visible(timeout=15_000)  # no reload: the stream said so
    rep.screenshot(path=str(SCREENSHOTS / "e2e-handoff-inbox-waiting.png"))
    waiting.get_by_role("button", name="Claim").click()
    expect(rep.get_by_text("Held by you: the bot is silent.")).to_be_visible()
    rep.get_by_label("Your message").fill(REPLY)
    rep.get_by_role("button", name="Send").click()

    expect(visitor.locator(".msg-agent .bubble")).to_have_text(REPLY, timeout=30_000)
    expect(visitor.locator(".msg-agent .msg-from")).to_have_text("rosa from the team")
    before = messages.count()
    type_answer(visitor, "great, what does it cost per seat?")
    expect(rep.locator(".transcript .visitor").last).to_contain_text(
        "what does it cost per seat",
        timeout=30_000,  # a turn of its own, then the stream
    )
    visitor.wait_for_timeout(2_000)
    assert messages.count() == before  # the bot said nothing
    visitor.screenshot(path=str(SCREENSHOTS / "e2e-handoff-visitor.png"))
    rep.screenshot(path=str(SCREENSHOTS / "e2e-handoff-rep.png"))

    rep.get_by_role("button", name="Hand back to the bot").click()
    expect(rep.get_by_text("the bot is back")).to_be_visible()
    bot_says(visitor, QUESTIONS["name"])
    expect(visitor.locator(".msg-bot .bubble", has_text="I'm back")).to_be_visible()
