"""The training-data editor in the console: intents, responses, stories and rules, scoring
files. Every save is validated first (422 with file:line problems, nothing written), shown
as a diff, audited, refused when stale or without CSRF. All on a copy of the project."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import desc, select

from bot.console import editing
from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from bot.editor import add_example, stories
from tests.api.conftest import Api
from tests.api.test_console import csrf_of, log_in
from tests.unit.editor.conftest import changed_lines, copy_project

VERSION = re.compile(r'name="version" value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', re.S)
ADDED = re.compile(r'<span class="added">([^<]*)</span>')
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(editing, "PROJECT_ROOT", root)
    return root


@pytest.fixture
def console(api: Api, project: Path) -> Api:
    assert log_in(api).status_code == 303
    return api


def text_of(project: Path, file: str) -> str:
    return (project / file).read_text(encoding="utf-8")


def found(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    assert match, text
    return match.group(1)


def post_form(api: Api, page: str, action: str, **fields: str) -> httpx.Response:
    """Open `page`, then post its form's CSRF token and version with `fields` to `action`."""
    shown = api.client.get(page)
    assert shown.status_code == 200, shown.text
    data = {"csrf": csrf_of(shown), "version": found(VERSION, shown.text)} | fields
    return api.client.post(action, data=data, follow_redirects=False)


def story_url(name: str) -> str:
    return f"/console/data/stories/{quote(name, safe='')}"


def test_overview_links_to_the_four_editors(console: Api) -> None:
    page = console.client.get("/console/data")
    assert page.status_code == 200
    for href in ("intents", "responses", "conversations", "scoring"):
        assert f'href="/console/data/{href}"' in page.text
    assert re.search(r"\d+ intents, \d+ examples", page.text)
    assert 'href="/console/data" aria-current="page"' in page.text


def test_intents_are_listed_with_counts_and_filtered(console: Api) -> None:
    page = console.client.get("/console/data/intents", params={"name": "pric"})
    assert 'href="/console/data/intents/ask_pricing"' in page.text
    assert 'href="/console/data/intents/greet"' not in page.text


def test_an_added_example_is_one_line_shown_as_a_diff_and_audited(
    console: Api, project: Path
) -> None:
    before = text_of(project, "data/nlu/lead.yml")
    page = "/console/data/intents/express_interest"

    saved = post_form(console, page, f"{page}/examples", example="we would love a demo")

    assert saved.status_code == 200, saved.text
    assert "Saved — " in saved.text and 'href="/console/training"' in saved.text
    assert ADDED.findall(saved.text) == ["+    - we would love a demo"]
    after = text_of(project, "data/nlu/lead.yml")
    assert changed_lines(before, after) == ([], ["    - we would love a demo"])
    with session_scope(console.engine) as session:
        entry = session.execute(select(AuditEntry).order_by(desc(AuditEntry.id))).scalars().first()
        assert entry is not None
        assert (entry.actor, entry.action) == ("marketer-token", "training_data.edited")
        assert entry.details == {"file": "data/nlu/lead.yml", "kind": "intent.example_added"}


def test_a_removed_example_leaves_the_file(console: Api, project: Path) -> None:
    page = "/console/data/intents/express_interest"
    saved = post_form(console, page, f"{page}/examples/remove", example="im intrested")
    assert saved.status_code == 200, saved.text
    assert "    - im intrested\n" not in text_of(project, "data/nlu/lead.yml")


def test_a_duplicate_example_is_refused_and_nothing_written(console: Api, project: Path) -> None:
    before = text_of(project, "data/nlu/lead.yml")
    page = "/console/data/intents/express_interest"

    refused = post_form(console, page, f"{page}/examples", example="HELLO")

    assert refused.status_code == 422
    assert 'role="alert"' in refused.text and 'href="#example"' in refused.text
    assert "already an example of intent &#39;greet&#39;" in refused.text
    assert 'value="HELLO"' in refused.text  # the marketer's input is kept
    assert text_of(project, "data/nlu/lead.yml") == before


def test_a_new_intent_goes_to_the_nlu_file_the_domain_and_a_rule(
    console: Api, project: Path
) -> None:
    saved = post_form(
        console,
        "/console/data/intents",
        "/console/data/intents",
        intent="ask_demo",
        example="could you walk me through a product tour",
        nlu_file="data/nlu/lead.yml",
        answer="utter_pricing",
    )

    assert saved.status_code == 200, saved.text
    assert (
        "- intent: ask_demo\n  examples: |\n    - could you walk me through a product tour\n"
        in text_of(project, "data/nlu/lead.yml")
    )
    assert "  - call_off\n  - ask_demo\n" in text_of(project, "bot/domain/lead.yml")
    assert "- intent: ask_demo" in text_of(project, "data/rules/conversation.yml")
    assert console.client.get("/console/data/intents/ask_demo").status_code == 200


def test_a_response_variant_is_added_with_its_ab_name(console: Api, project: Path) -> None:
    page = "/console/data/responses/utter_pricing"
    before = text_of(project, "bot/domain/core.yml")

    saved = post_form(
        console, page, f"{page}/variations", text="Plans start small; ask me!", variant="friendly"
    )

    assert saved.status_code == 200, saved.text
    removed, added = changed_lines(before, text_of(project, "bot/domain/core.yml"))
    assert removed == [] and any("variant: friendly" in line for line in added)
    shown = console.client.get(page)
    assert "A/B variant <strong>friendly</strong>" in shown.text
    assert "Plans start small; ask me!" in shown.text


def test_a_variation_is_reworded_keeping_its_placeholders(console: Api, project: Path) -> None:
    page = "/console/data/responses/utter_no_problem"

    refused = post_form(console, page, f"{page}/variations/1", text="No problem at all!")
    saved = post_form(
        console, page, f"{page}/variations/1", text="Sure! Ask me about {brand_name}."
    )

    assert refused.status_code == 422 and "{brand_name}" in refused.text
    assert 'href="#text-1"' in refused.text and "No problem at all!</textarea>" in refused.text
    assert saved.status_code == 200, saved.text
    lines = text_of(project, "bot/domain/core.yml").splitlines()
    assert (
        lines[lines.index("  utter_no_problem:") + 2] == "        Sure! Ask me about {brand_name}."
    )


def first_story(project: Path) -> tuple[str, str]:
    story = stories(project)[0]
    page = story_url(story.name)
    return story.name, page


def shown_yaml(api: Api, page: str) -> str:
    return html.unescape(found(TEXTAREA, api.client.get(page).text))


def test_a_broken_story_shows_file_and_line_and_writes_nothing(console: Api, project: Path) -> None:
    before = text_of(project, "data/stories/qualification.yml")
    _, page = first_story(project)
    edited = shown_yaml(console, page).replace("- intent: affirm", "- intent: say_yes_please")

    refused = post_form(console, page, page, yaml=edited)

    assert refused.status_code == 422, refused.text
    assert re.search(r"data/stories/qualification\.yml:\d+</code>", refused.text)
    assert "say_yes_please" in refused.text and 'href="#yaml"' in refused.text
    assert found(TEXTAREA, refused.text).count("say_yes_please") == 1
    assert text_of(project, "data/stories/qualification.yml") == before


def test_a_story_that_is_not_yaml_is_refused_with_its_line(console: Api, project: Path) -> None:
    before = text_of(project, "data/stories/qualification.yml")
    name, page = first_story(project)

    refused = post_form(console, page, page, yaml=f"- story: {name}\n  steps: [oops\n")

    assert refused.status_code == 422
    assert re.search(
        r"data/stories/qualification\.yml:\d+</code> This is not valid YAML", refused.text
    )
    assert text_of(project, "data/stories/qualification.yml") == before


def test_a_valid_story_edit_replaces_only_that_story(console: Api, project: Path) -> None:
    before = text_of(project, "data/stories/qualification.yml")
    name, page = first_story(project)
    edited = shown_yaml(console, page).replace(name, "visitor says hello and qualifies", 1)

    saved = post_form(console, page, page, yaml=edited.replace("\n", "\r\n"))

    assert saved.status_code == 200, saved.text
    after = text_of(project, "data/stories/qualification.yml")
    assert changed_lines(before, after) == (
        [f"  - story: {name}"],
        ["  - story: visitor says hello and qualifies"],
    )


def test_story_links_are_percent_encoded(console: Api, project: Path) -> None:
    name, page = first_story(project)
    listing = console.client.get("/console/data/conversations")
    assert f'href="{page}"' in listing.text and " " not in page
    assert f"Story: {name}" in console.client.get(page).text


def test_scoring_rules_errors_name_the_line(console: Api, project: Path) -> None:
    before = text_of(project, "data/scoring/rules.yml")
    page = "/console/data/scoring/rules"

    refused = post_form(console, page, page, yaml=before.replace("grades:", "gradez:", 1))

    assert refused.status_code == 422
    assert re.search(
        r"data/scoring/rules\.yml:\d+</code> unknown field &#39;gradez&#39;", refused.text
    )
    assert text_of(project, "data/scoring/rules.yml") == before


def test_scoring_rules_are_saved_as_submitted(console: Api, project: Path) -> None:
    before = text_of(project, "data/scoring/rules.yml")
    page = "/console/data/scoring/rules"
    edited = before.replace("# Lead scoring rules for Parley.", "# Lead scoring rules, edited.")

    saved = post_form(console, page, page, yaml=edited.replace("\n", "\r\n"))

    assert saved.status_code == 200, saved.text
    assert "no retraining needed" in saved.text
    assert text_of(project, "data/scoring/rules.yml") == edited


def test_a_stale_form_is_refused_instead_of_overwriting(console: Api, project: Path) -> None:
    page = "/console/data/intents/express_interest"
    shown = console.client.get(page)
    add_example(project, intent="express_interest", text="someone else's example")
    changed = text_of(project, "data/nlu/lead.yml")

    refused = console.client.post(
        f"{page}/examples",
        data={
            "csrf": csrf_of(shown),
            "version": found(VERSION, shown.text),
            "example": "my example",
        },
    )

    assert refused.status_code == 409
    assert "Someone else saved a change" in refused.text
    assert text_of(project, "data/nlu/lead.yml") == changed


def test_a_post_without_the_csrf_token_is_refused(console: Api, project: Path) -> None:
    before = text_of(project, "data/nlu/lead.yml")
    page = "/console/data/intents/express_interest"
    refused = post_form(console, page, f"{page}/examples", example="forged one", csrf="forged")
    assert refused.status_code == 403
    assert text_of(project, "data/nlu/lead.yml") == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/console/data"),
        ("GET", "/console/data/intents"),
        ("POST", "/console/data/intents/greet/examples"),
        ("GET", "/console/data/responses/utter_greet"),
        ("POST", "/console/data/stories/anything"),
        ("GET", "/console/data/scoring/rules"),
    ],
)
def test_pages_redirect_to_login_when_logged_out(
    api: Api, project: Path, method: str, path: str
) -> None:
    response = api.client.request(method, path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


def test_markup_typed_as_an_example_is_shown_as_text(console: Api, project: Path) -> None:
    page = "/console/data/intents/express_interest"

    saved = post_form(console, page, f"{page}/examples", example=XSS)

    assert saved.status_code == 200, saved.text
    assert XSS not in saved.text and "&lt;img src=x onerror=alert(1)&gt;" in saved.text
    assert f"    - {XSS}\n" in text_of(project, "data/nlu/lead.yml")
    shown = console.client.get(page)
    assert XSS not in shown.text and "&lt;img src=x onerror=alert(1)&gt;" in shown.text


@pytest.mark.parametrize(
    "path",
    [
        "/console/data/intents/no_such_intent",
        "/console/data/responses/utter_no_such_response",
        "/console/data/stories/no%20such%20story",
        "/console/data/rules/no%20such%20rule",
        "/console/data/scoring/passwords",
    ],
)
def test_unknown_names_are_not_found(console: Api, path: str) -> None:
    response = console.client.get(path)
    assert response.status_code == 404
    assert "There is no" in response.text


def test_a_bad_new_intent_name_is_refused_keeping_the_form(console: Api, project: Path) -> None:
    before = text_of(project, "bot/domain/core.yml")
    refused = post_form(
        console,
        "/console/data/intents",
        "/console/data/intents",
        intent="Ask Demo",
        example="a tour of the product",
        nlu_file="data/nlu/answers.yml",
        answer="utter_product",
    )
    assert refused.status_code == 422
    assert "not a valid intent name" in refused.text and 'href="#new_intent"' in refused.text
    assert 'value="a tour of the product"' in refused.text
    assert "<option selected>utter_product</option>" in refused.text
    assert text_of(project, "bot/domain/core.yml") == before


def test_the_handoff_settings_are_edited_beside_the_segments(console: Api, project: Path) -> None:
    before = text_of(project, "data/scoring/handoff.yml")
    page = "/console/data/scoring/handoff"
    assert "Handoff to the team" in console.client.get("/console/data/scoring").text

    refused = post_form(
        console,
        page,
        page,
        yaml=before.replace("segment: hot_enterprise", "segment: hot_enterprize"),
    )
    assert refused.status_code == 422
    assert "did you mean &#39;hot_enterprise&#39;?" in refused.text
    assert text_of(project, "data/scoring/handoff.yml") == before

    edited = before.replace("wait_for_rep: 3m", "wait_for_rep: 90s")
    saved = post_form(console, page, page, yaml=edited)
    assert saved.status_code == 200, saved.text
    assert text_of(project, "data/scoring/handoff.yml") == edited
