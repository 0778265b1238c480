"""The conversation review in the console: real conversations listed and filtered, each
visitor message as NLU read it, marked as fine or filed as a training example with its
personal data replaced (on a copy of the project), refusals explained with the input
kept, the navigation's count of what waits, and who may use it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
from sqlalchemy import select

from bot.console import editing, review_badge, review_routes
from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from bot.editor import intents
from bot.review import unreviewed_count
from tests.api.conftest import Api
from tests.api.console_session import csrf_of, log_in
from tests.api.seed import capture, priya_slots
from tests.integration.review.conversations import T0, Conversation, everyone, save
from tests.unit.editor.conftest import copy_project

PERIOD = {"first": "2026-11-01", "last": "2026-11-30"}
DANA = "please email dana.kim@initech.io or call (415) 555-0177 about the enterprise plan"
DANA_SAFE = "please email alex@example.com or call +1 415 555 0100 about the enterprise plan"
ROW = re.compile(r'<th scope="row"><a href="/console/review/([^"]+)">')
BADGE = re.compile(r'Review <span class="badge" title="(\d+) unreviewed messages">')
ADDED = re.compile(r'<span class="added">([^<]*)</span>')


def dana() -> Conversation:
    """A visitor whose question, with her address and number in it, the bot did not get."""
    talk = Conversation("conv-dana", T0 + timedelta(hours=6)).begin()
    talk.says(DANA, "nlu_fallback", 0.4)
    talk.runs("action_fallback", "Sorry, I'm not sure I understood.", response="utter_fallback")
    return talk.listens()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(editing, "PROJECT_ROOT", root)
    return root


@pytest.fixture
def stored(api: Api, database_url: str) -> Iterator[Api]:
    """Everyone's conversations (tests.integration.review) and Dana's, saved by Rasa's
    tracker store in the API's database; Priya's became a lead."""
    save(database_url, *everyone(), dana())
    capture(api.engine, priya_slots(), "conv-priya", "webchat", T0)
    review_badge.forget()
    yield api
    review_badge.forget()


@pytest.fixture
def console(stored: Api, project: Path) -> Api:
    assert log_in(stored).status_code == 303
    return stored


def listed(api: Api, **params: str | list[str]) -> list[str]:
    response = api.client.get("/console/review", params={**PERIOD, **params})
    assert response.status_code == 200, response.text
    return [unquote(html.unescape(found)) for found in ROW.findall(response.text)]


def url(conversation_id: str) -> str:
    return f"/console/review/{quote(conversation_id, safe='')}"


def badge(response: httpx.Response) -> int:
    """The number beside "Review" in the navigation."""
    found = BADGE.search(response.text)
    assert found, response.text
    return int(found.group(1))


def post(api: Api, path: str, shown: httpx.Response, **data: str) -> httpx.Response:
    return api.client.post(path, data={"csrf": csrf_of(shown), **data}, follow_redirects=False)


def waiting(api: Api) -> int:
    with session_scope(api.engine) as session:
        return unreviewed_count(session, api.engine)


def nlu(project: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(project.glob("data/nlu/*.yml")))


def audits(api: Api) -> list[tuple[str, str, dict[str, object]]]:
    with session_scope(api.engine) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.actor, row.action, row.details) for row in rows]


def test_the_list_shows_real_conversations_newest_first_with_what_happened(
    console: Api,
) -> None:
    response = console.client.get("/console/review", params=PERIOD)

    assert 'href="/console/review" aria-current="page">Review' in response.text
    assert listed(console) == [
        "conv-dana",
        "conv-stop",
        "sms:+14155550199",
        "conv-misread",
        "conv-unsure",
        "conv-priya",
        "conv-hello-0",
        "conv-hello-1",
        "conv-hello-2",
    ]  # the try-it panel's conversation is not a visitor's
    assert "9 conversations · page 1 of 1" in response.text
    text = response.text
    for words in (
        "Fell back",
        "Low intent confidence (under 45%)",
        "Left the form at: Company",
        "Opted out",
        "Handed off",
    ):
        assert f">{words}</span>" in text, words
    lead = re.search(r'<a href="/console/leads/([^"]+)">Became a lead</a>', text)
    assert lead is not None
    # How many of each conversation's messages wait for a review.
    row = text[text.index(url("conv-unsure")) :]
    assert re.search(r'<td class="num"><strong>2</strong></td>', row[: row.index("</tr>")])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"channel": "telegram"}, ["conv-misread"]),
        ({"tag": "fell_back"}, ["conv-dana", "conv-misread", "conv-unsure"]),
        ({"tag": ["fell_back", "low_confidence"]}, ["conv-dana", "conv-unsure"]),
        ({"tag": "left_form"}, ["sms:+14155550199"]),
        ({"tag": "became_lead"}, ["conv-priya"]),
        ({"tag": "opted_out"}, ["conv-stop"]),
        ({"tag": "handed_off"}, ["sms:+14155550199"]),
        ({"first": "2026-11-19", "last": "2026-11-19"}, ["conv-hello-0"]),
    ],
)
def test_the_list_is_filtered(
    console: Api, params: dict[str, str | list[str]], expected: list[str]
) -> None:
    assert listed(console, **params) == expected


def test_filters_are_kept_across_pages_and_bad_ones_explained(
    console: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_routes, "PAGE_SIZE", 2)
    first = console.client.get("/console/review", params={**PERIOD, "tag": "fell_back"})
    assert "3 conversations · page 1 of 2" in first.text
    assert 'value="fell_back" checked' in first.text
    [following] = re.findall(r'<a rel="next" href="([^"]+)">', first.text)
    assert "tag=fell_back" in html.unescape(following)
    second = console.client.get(html.unescape(following))
    assert ROW.findall(second.text) == [quote("conv-unsure", safe="")]

    odd = console.client.get(
        "/console/review", params={"first": "soon", "last": "2026-11-30", "tag": "grumpy"}
    )
    assert odd.status_code == 200
    assert "The date &#39;from&#39; is not a date" in odd.text
    assert "not understood and is ignored" in odd.text


def test_a_fallback_message_shows_how_nlu_read_it(console: Api) -> None:
    page = console.client.get(url("conv-unsure"))

    assert page.status_code == 200
    text = page.text
    first = text[text.index('id="m1"') : text.index('id="m2"')]
    assert "does it plug into zapier for www.globex.io?" in first
    assert "<code>nlu_fallback</code>, 45% sure" in first
    assert "<code>ask_product</code> 31%" in first  # the runners-up
    assert "Needs a review: the bot fell back" in first
    # The example proposed: the address replaced, and the page says what was replaced.
    assert 'value="does it plug into zapier for https://example.com?"' in first
    assert "<del>www.globex.io</del> → <ins>https://example.com</ins>" in first
    assert "Personal data is replaced." in first
    assert "<option selected>ask_product</option>" in first  # the classifier's guess
    third = text[text.index('id="m3"') :]
    assert "NLU was only 21% sure of the intent (under 45%)" in third
    second = text[text.index('id="m2"') : text.index('id="m3"')]
    assert "No review needed" in second
    # Entities, on a message that has some.
    dana_page = console.client.get(url("conv-dana")).text
    assert '<span class="entity">email</span> = “dana.kim@initech.io”' in dana_page


def test_filing_saves_the_placeholder_text_and_shows_the_diff(console: Api, project: Path) -> None:
    before = waiting(console)
    page = console.client.get(url("conv-dana"))
    assert f'value="{DANA_SAFE}"' in page.text

    filed = post(
        console,
        url("conv-dana") + "/file",
        page,
        message_id="conv-dana-m1",
        example=DANA_SAFE,
        kind="existing",
        intent="ask_pricing",
    )

    assert filed.status_code == 200, filed.text
    assert 'href="/console/training">Retrain to put it live</a>' in filed.text
    assert ADDED.findall(filed.text) == [f"+    - {DANA_SAFE}"]
    saved = nlu(project)
    assert DANA_SAFE in saved
    assert "dana.kim@initech.io" not in saved and "555-0177" not in saved
    [ask_pricing] = [i for i in intents(project) if i.name == "ask_pricing"]
    assert DANA_SAFE in ask_pricing.examples
    # Audited once, by the filing itself (bot.review.filing), as the data editor audits.
    assert [a for a in audits(console) if a[1] != "console.login"] == [
        (
            "marketer-token",
            "training_data.edited",
            {"file": ask_pricing.file, "kind": "review.example_filed"},
        )
    ]
    assert waiting(console) == before - 1
    again = console.client.get(url("conv-dana")).text
    assert "Reviewed: filed as an example of" in again and "<code>ask_pricing</code>" in again


def test_the_reviewers_edit_is_made_safe_too(console: Api, project: Path) -> None:
    page = console.client.get(url("conv-dana"))
    filed = post(
        console,
        url("conv-dana") + "/file",
        page,
        message_id="conv-dana-m1",
        example="mail me at dana.kim@initech.io about the enterprise plan",
        intent="ask_pricing",
    )
    assert filed.status_code == 200, filed.text
    assert "dana.kim@initech.io" not in nlu(project)
    assert "mail me at alex@example.com about the enterprise plan" in nlu(project)


def test_a_message_is_filed_as_the_first_example_of_a_new_intent(
    console: Api, project: Path
) -> None:
    page = console.client.get(url("conv-misread"))
    filed = post(
        console,
        url("conv-misread") + "/file",
        page,
        message_id="conv-misread-m1",
        example="blorp the widgets",
        kind="new",
        intent="greet",  # the select's value, ignored for a new intent
        new_intent="ask_widgets",
        nlu_file="data/nlu/answers.yml",
        answer="utter_product",
    )

    assert filed.status_code == 200, filed.text
    assert "the new intent <code>ask_widgets</code>" in filed.text
    assert "+    - blorp the widgets" in ADDED.findall(filed.text)
    assert filed.text.count("<h2>What changed in") == 3  # NLU, domain, rule
    [created] = [i for i in intents(project) if i.name == "ask_widgets"]
    assert (created.file, created.examples) == ("data/nlu/answers.yml", ["blorp the widgets"])


def test_a_refused_example_keeps_the_input_and_shows_the_problem(
    console: Api, project: Path
) -> None:
    before = nlu(project)
    page = console.client.get(url("conv-dana"))
    # "about [50](headcount) people" is an example of `inform` already.
    refused = post(
        console,
        url("conv-dana") + "/file",
        page,
        message_id="conv-dana-m1",
        example="about 50 people",
        intent="ask_pricing",
    )

    assert refused.status_code == 422
    assert "Nothing was saved" in refused.text and 'href="#m1-example"' in refused.text
    assert re.search(r'<code class="where">data/nlu/\w+\.yml:\d+</code>', refused.text)
    assert 'value="about 50 people"' in refused.text
    assert "<option selected>ask_pricing</option>" in refused.text
    assert nlu(project) == before

    new = post(
        console,
        url("conv-dana") + "/file",
        page,
        message_id="conv-dana-m1",
        example=DANA_SAFE,
        kind="new",
        new_intent="ask_enterprise",
        nlu_file="data/nlu/answers.yml",
        answer="utter_nothing_such",
    )
    assert new.status_code == 422
    assert "There is no response" in html.unescape(new.text)
    assert 'value="ask_enterprise"' in new.text and 'value="new" checked' in new.text
    assert nlu(project) == before


def test_marking_fine_takes_the_message_off_the_count(console: Api) -> None:
    before = waiting(console)
    page = console.client.get(url("conv-unsure"))
    assert badge(page) == before

    marked = post(console, url("conv-unsure") + "/fine", page, message_id="conv-unsure-m3")

    assert marked.status_code == 303
    assert marked.headers["location"] == url("conv-unsure") + "#m3"
    assert waiting(console) == before - 1
    shown = console.client.get(marked.headers["location"])
    third = shown.text[shown.text.index('id="m3"') :]
    assert "Reviewed: marked as fine by marketer-token" in third
    assert "Mark as fine" not in third
    # The navigation's count follows at once, without counting again.
    assert badge(shown) == before - 1
    [(actor, _, details)] = [a for a in audits(console) if a[1] == "review.marked_fine"]
    assert actor == "marketer-token" and set(details) == {"review"}


def test_a_filed_message_cannot_be_marked_fine_or_filed_again(console: Api) -> None:
    page = console.client.get(url("conv-dana"))
    fields = {"message_id": "conv-dana-m1", "example": DANA_SAFE, "intent": "ask_pricing"}
    assert post(console, url("conv-dana") + "/file", page, **fields).status_code == 200
    again = post(console, url("conv-dana") + "/file", page, **fields)
    assert again.status_code == 422 and "filed already" in again.text
    fine = post(console, url("conv-dana") + "/fine", page, message_id="conv-dana-m1")
    assert fine.status_code == 422 and "filed already" in fine.text


def test_an_unknown_conversation_or_message_is_not_found(console: Api) -> None:
    assert console.client.get(url("conv-nobody")).status_code == 404
    page = console.client.get(url("conv-unsure"))
    missing = post(console, url("conv-unsure") + "/fine", page, message_id="conv-unsure-m9")
    assert missing.status_code == 404 and "No such message" in missing.text


def test_the_navigation_counts_what_waits_at_most_once_a_minute(
    console: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[int] = []
    real = review_badge.unreviewed_count

    def counting(*args: object, **kwargs: object) -> int:
        counted.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return counted[-1]

    monkeypatch.setattr(review_badge, "unreviewed_count", counting)
    expected = waiting(console)
    assert expected == 4  # Dana's, two of conv-unsure, conv-misread's

    for path in ("/console/leads", "/console/funnel", "/console/review"):
        assert badge(console.client.get(path)) == expected
    assert counted == [expected]

    save(database_url, Conversation("conv-late", T0).begin().says("zzz", "nlu_fallback", 0.3))
    assert badge(console.client.get("/console/leads")) == expected  # counted under a minute ago
    monkeypatch.setattr(review_badge, "EVERY_S", 0.0)
    assert badge(console.client.get("/console/leads")) == expected + 1
    assert (
        '<span class="visually-hidden"> unreviewed messages</span>'
        in console.client.get("/console/leads").text
    )


def test_nothing_waiting_shows_no_number(api: Api, project: Path) -> None:
    review_badge.forget()
    assert log_in(api).status_code == 303
    page = api.client.get("/console/review")
    assert page.status_code == 200 and "No conversation matches." in page.text
    assert 'class="badge"' not in page.text and ">Review</a>" in page.text


def test_an_agent_is_refused_and_a_visitor_sent_to_log_in(stored: Api) -> None:
    signed_out = stored.client.get("/console/review", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/console/login"
    assert log_in(stored, "agent").status_code == 303
    inbox = stored.client.get("/console/inbox")
    assert 'href="/console/review"' not in inbox.text
    for path in ("/console/review", url("conv-unsure")):
        refused = stored.client.get(path)
        assert refused.status_code == 403
        assert "This page is for marketers and admins; your role is agent." in refused.text
    before = waiting(stored)
    tried = post(stored, url("conv-unsure") + "/fine", inbox, message_id="conv-unsure-m3")
    assert tried.status_code == 403 and waiting(stored) == before
