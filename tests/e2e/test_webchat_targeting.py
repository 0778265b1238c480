"""The web chat opens with the greeting the triggers choose for the visit
(data/targeting/triggers.yml), against the whole running stack.

The ingress's ``/webhooks/webchat/config`` chooses by path, campaign and returning
visit; in headless Chromium the pricing page (the API's demo page, requested as /pricing)
shows the pricing greeting and its offer (a signed click link) after 20 s on the page,
and the visitor's first message carries the trigger's name into the conversation's
source (the tracker's metadata, which becomes the lead's source). Screenshots go to
results/screenshots/.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from bot.secret_key import secret_key
from bot.settings import PROJECT_ROOT, Settings
from channels.webchat import conversation_ids
from tests.e2e.rest_client import Conversation
from tests.e2e.test_webchat_browser import page  # noqa: F401

pytestmark = pytest.mark.e2e

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
PRICING_GREETING = "Comparing plans?"
DEFAULT_GREETING = "Looking for the right plan?"


def config(stack: Settings, headers: dict[str, str] | None = None, **query: str) -> dict:
    url = f"http://{stack.host}:{stack.ingress_port}/webhooks/webchat/config"
    answer = httpx.get(url, params=query, headers=headers or {}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_config_chooses_the_greeting_by_page_campaign_and_visit(stack: Settings) -> None:
    pricing = config(stack, path="/pricing/", visits="1")
    assert pricing["trigger"] == "pricing-page" and pricing["greeting_delay_s"] == 20
    assert pricing["greeting"].startswith(PRICING_GREETING)
    # The offer is served through the signed click redirect, which records the click.
    link = pricing["offer"]["url"]
    assert re.fullmatch(rf"{re.escape(stack.api_url)}/r/[\w.-]+", link), link
    followed = httpx.get(link, follow_redirects=False, timeout=30)
    assert followed.status_code == 302
    assert followed.headers["location"] == "https://parley.example/pricing/growth"

    # The campaign comes first in the file, so it wins on the pricing page too.
    webinar = config(stack, path="/pricing", utm_campaign="Webinar-Dec")
    assert webinar["trigger"] == "webinar-december" and "webinar" in webinar["greeting"]

    assert config(stack, path="/blog/post", visits="3")["trigger"] == "returning-visitor"
    default = config(stack, path="/blog/post", visits="1")
    assert default["trigger"] is None and default["offer"] is None
    assert DEFAULT_GREETING in default["greeting"]
    # What the widget sends is a claim about an anonymous visit: nonsense is read as
    # nothing, and a conversation header that is not ours is ignored, never an error.
    odd = config(stack, {"X-Parley-Conversation": "forged"}, path="x" * 5000, visits="lots")
    assert odd["trigger"] is None


def test_the_pricing_page_opens_with_its_own_greeting_and_offer(
    page: Page,  # noqa: F811
    stack: Settings,
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site = f"http://{stack.host}:{stack.api_port}"

    def pricing_page(route: Route) -> None:
        route.continue_(url=f"{site}/")  # the demo page, served from the API, at /pricing

    page.route(f"{site}/pricing", pricing_page)
    page.clock.install()
    with page.expect_response(lambda r: "/webhooks/webchat/config" in r.url) as answered:
        page.goto(f"{site}/pricing")
    assert answered.value.json()["trigger"] == "pricing-page"

    greeting = page.locator("parley-chat .greeting")
    page.clock.run_for(15_000)
    expect(greeting).to_be_hidden()  # not before 20 s on the page
    page.clock.run_for(6_000)
    expect(greeting).to_be_visible()
    expect(greeting).to_contain_text(PRICING_GREETING)
    offer = greeting.get_by_role("link", name="Parley Growth")
    expect(offer).to_have_attribute("href", re.compile(r"/r/[\w.-]+$"))
    page.wait_for_timeout(400)  # the bubble's rise animation runs on real time
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-pricing-greeting.png"))

    greeting.get_by_text(PRICING_GREETING).click()
    first = page.locator(".msg-bot .bubble").first
    expect(first).to_contain_text(PRICING_GREETING)
    expect(first.get_by_role("link", name="Parley Growth")).to_be_visible()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("we're about 40 people, mostly want SMS follow-ups")
    box.press("Enter")
    expect(page.locator(".msg-bot:not(.typing) .bubble").nth(1)).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "e2e-webchat-pricing-chat.png"))

    token = page.evaluate(
        "() => Object.entries(localStorage).find(([k]) => k.startsWith('parley:conversation:'))[1]"
    )
    sender = conversation_ids.sender_id(secret_key(stack), token)
    tracker = Conversation(f"http://{stack.host}:{stack.rasa_port}", sender=str(sender)).tracker()
    sources = [e["metadata"]["source"] for e in tracker["events"] if e["event"] == "user"]
    assert [source.get("trigger") for source in sources] == ["pricing-page"]
    assert sources[0]["page_url"].endswith("/pricing")
