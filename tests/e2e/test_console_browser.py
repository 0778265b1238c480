"""A marketer's day in the console, in headless Chromium against the whole running stack.

They log in, find a lead that came from a conversation, read the funnel, add an intent
example and an A/B variant of the greeting, find a visitor's message the bot fell back on
in the review queue and file it as an example of what the visitor meant, are stopped by a
validation error when they break a story, retrain and watch the progress, then see the
live bot read both new examples in the try-it panel, answer with the new variant, and the
A/B page count it. Screenshots of every page go to results/screenshots/.

The stack serves the repository's own data files, so every edit is undone byte for byte
afterwards, the server gets its original model back and the new archive is removed: the
tests that follow see the model they expect.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bot.crm import make_engine, session_scope
from bot.crm.tokens import create_token
from bot.model_archive import current_model_path, model_inputs
from bot.settings import PROJECT_ROOT, Settings
from bot.training.servers import rasa_servers
from tests.e2e.rest_client import Conversation
from tests.e2e.test_conversations import ANSWERS, ORDER, start_form

pytestmark = pytest.mark.e2e

SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
INTENT = "ask_pricing"
EXAMPLE = "could you tell me what the subscription fee would come to"
# A visitor's pricing question the trained model falls back on.
FELL_BACK = "what would i be shelling out yearly"
VARIANT = "warm"
VARIANT_TEXT = (
    "Hello and welcome! I'm the {brand_name} assistant: ask me about pricing, the product, "
    "or our sales team. How we use your data: {privacy_notice_url}"
)
STORY = "visitor asks about pricing, then qualifies"
STORIES_FILE = "data/stories/qualification.yml"
RETRAIN_TIMEOUT_MS = 900_000  # a loaded 2-core machine; two to four minutes is usual


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def project_restored(stack: Settings) -> Iterator[None]:
    """Undo the console's edits, and give Rasa its original model back."""
    original = current_model_path(stack.models_dir)
    before = {path: path.read_bytes() for path in model_inputs()}
    try:
        yield
    finally:
        edited = current_model_path(stack.models_dir)
        for path in model_inputs():
            if path not in before:
                path.unlink()
        for path, content in before.items():
            if path.read_bytes() != content:
                path.write_bytes(content)
        assert current_model_path(stack.models_dir) == original
        for server in rasa_servers(stack):
            server.load(original)
        if edited != original:
            edited.unlink(missing_ok=True)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), full_page=True)


def log_in(page: Page, stack: Settings) -> None:
    with session_scope(make_engine(stack.crm_database_url)) as session:
        _, token = create_token(session, name=f"e2e-{uuid.uuid4().hex[:6]}", role="marketer")
    page.goto(f"http://{stack.host}:{stack.api_port}/console")
    page.get_by_label("API token").fill(token)
    shot(page, "login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()


def qualify_a_lead(stack: Settings) -> str:
    """A lead conversation over the REST channel; the lead's e-mail address.

    Its e-mail and phone are its own: a contact is matched on either, so the lead of an
    earlier test with the same number would be found under that test's address.
    """
    conversation = Conversation(f"http://{stack.host}:{stack.rasa_port}")
    email = f"grace.{uuid.uuid4().hex[:8]}@contoso.io"
    own = {"email": email, "phone": f"(628) 555-01{uuid.uuid4().int % 60 + 40}"}
    start_form(conversation)
    for question in ORDER:
        conversation.say(own.get(question, ANSWERS[question]))
    conversation.say("yes please")
    conversation.say("no thanks")
    return email


def find_the_lead(page: Page, email: str) -> None:
    page.get_by_label("Search name, e-mail or company").fill(email)
    page.get_by_role("button", name="Search").click()
    assert email not in page.url
    page.get_by_role("link", name="Sam Lee").first.click()
    expect(page.get_by_text(email).first).to_be_visible()
    expect(page.get_by_text("between 10 and 20 thousand dollars")).to_be_visible()
    shot(page, "lead")


def read_the_funnel(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Funnel").click()
    expect(page.get_by_role("img", name="All conversations")).to_be_visible()
    started = page.get_by_role("row", name=re.compile(r"^All ")).get_by_role("cell").first
    assert int(started.inner_text().split()[0]) >= 1
    shot(page, "funnel")


def add_an_example(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training data").click()
    shot(page, "training-data")
    page.get_by_role("link", name="Intents").click()
    page.get_by_role("link", name=INTENT, exact=True).click()
    page.get_by_label("New example").fill(EXAMPLE)
    page.get_by_role("button", name="Add example").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("pre.diff")).to_contain_text(EXAMPLE)
    shot(page, "example-saved")


def add_a_variant(page: Page, stack: Settings) -> None:
    page.goto(f"http://{stack.host}:{stack.api_port}/console/data/responses/utter_greet")
    page.get_by_label("New variation").fill(VARIANT_TEXT)
    page.get_by_label("A/B variant name").fill(VARIANT)
    page.get_by_role("button", name="Add variation").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    shot(page, "variant-saved")


def review_a_fallback(page: Page, stack: Settings) -> None:
    """A visitor's message the bot fell back on waits in the review queue; the marketer
    files it as an example of the intent the visitor meant."""
    visitor = Conversation(f"http://{stack.host}:{stack.rasa_port}")
    assert "not sure I understood" in visitor.said(FELL_BACK)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Review")
    ).click()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    page.get_by_label("Fell back").check()
    page.get_by_role("button", name="Apply filters").click()
    shot(page, "review")
    page.get_by_role("row").filter(has_text="Fell back").first.get_by_role("link").first.click()
    message = page.get_by_role("article").filter(has_text=FELL_BACK)
    expect(message).to_contain_text("Needs a review")
    expect(message).to_contain_text("nlu_fallback")
    shot(page, "review-conversation")
    message.get_by_label("Intent", exact=True).select_option(INTENT)
    message.get_by_role("button", name="File as an example").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("pre.diff")).to_contain_text(FELL_BACK)
    shot(page, "review-filed")


def break_a_story(page: Page, stack: Settings) -> None:
    before = (PROJECT_ROOT / STORIES_FILE).read_bytes()
    page.goto(f"http://{stack.host}:{stack.api_port}/console/data/conversations")
    page.get_by_role("link", name=STORY).click()
    box = page.locator("textarea")
    box.fill(box.input_value().replace(f"intent: {INTENT}", "intent: ask_pricing_typo"))
    page.get_by_role("button", name="Check and save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert).to_contain_text(re.compile(rf"{re.escape(STORIES_FILE)}:\d+"))
    expect(alert).to_contain_text("ask_pricing_typo")
    shot(page, "story-refused")
    assert (PROJECT_ROOT / STORIES_FILE).read_bytes() == before


def retrain(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Retrain").click()
    expect(page.get_by_text("The training data changed since")).to_be_visible()
    page.get_by_role("button", name="Retrain").click()
    progress = page.get_by_role("progressbar")
    expect(progress).to_be_visible()
    expect(page.locator("#run-status")).not_to_be_empty()
    # The bar moves as Rasa trains (or the run is over and the page reloaded).
    page.wait_for_function(
        "() => { const bar = document.querySelector('#run-progress');"
        " return !bar || Number(bar.value) > 0; }",
        timeout=300_000,
    )
    shot(page, "retraining")
    live = page.get_by_text("The live model was trained on the current training data.")
    expect(live).to_be_visible(timeout=RETRAIN_TIMEOUT_MS)
    shot(page, "retrained")


def try_the_example(page: Page, example: str, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Try it").click()
    page.get_by_label("Your message").fill(example)
    page.get_by_role("button", name="Send").click()
    latest = page.locator("#latest")
    expect(latest).to_contain_text(example)
    expect(latest.locator(".intent")).to_have_text(INTENT)
    shot(page, name)


def meet_the_variant(page: Page, stack: Settings) -> None:
    """New conversations until one is assigned the variant (each has an even chance)."""
    greeting = "Hello and welcome!"
    for _ in range(12):
        page.goto(f"http://{stack.host}:{stack.api_port}/console/try")
        page.get_by_label("Your message").fill("hi")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#turns .bot").first).to_be_visible()
        if greeting in page.locator("#turns").inner_text():
            shot(page, "try-it-variant")
            return
    raise AssertionError(f"no new conversation was greeted with the '{VARIANT}' variant")


def read_the_ab_test(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="A/B tests").click()
    expect(page.get_by_role("heading", name="Response utter_greet")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(rf"^{VARIANT}\b")).first).to_be_visible()
    shot(page, "ab-tests")


def test_a_marketer_edits_retrains_and_reads_the_results_in_the_browser(
    page: Page, stack: Settings, project_restored: None
) -> None:
    email = qualify_a_lead(stack)
    log_in(page, stack)
    find_the_lead(page, email)
    read_the_funnel(page)
    add_an_example(page)
    add_a_variant(page, stack)
    review_a_fallback(page, stack)
    break_a_story(page, stack)
    retrain(page)
    served = httpx.get(
        f"http://{stack.host}:{stack.rasa_port}/status",
        params={"token": rasa_servers(stack)[0].token},
    ).json()["model_file"]
    assert Path(served).name == current_model_path(stack.models_dir).name
    try_the_example(page, EXAMPLE, "try-it")
    try_the_example(page, FELL_BACK, "try-it-reviewed")
    meet_the_variant(page, stack)
    read_the_ab_test(page)
