"""The follow-up sequences editor in the console: the workflow files are listed, edited as
text and checked before they are saved (422 with file:line problems, nothing written);
a good edit is saved as submitted, without retraining. All on a copy of the project."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import desc, select

from bot.console import editing
from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from tests.api.conftest import Api
from tests.api.test_console import log_in
from tests.api.test_console_data import TEXTAREA, found, post_form, text_of
from tests.unit.editor.conftest import copy_project

FILE = "data/workflows/follow_ups.yml"
PAGE = "/console/data/workflows/follow_ups"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(editing, "PROJECT_ROOT", root)
    return root


@pytest.fixture
def console(api: Api, project: Path) -> Api:
    assert log_in(api).status_code == 303
    return api


def test_the_workflow_files_are_listed_and_open_in_the_editor(console: Api, project: Path) -> None:
    overview = console.client.get("/console/data")
    assert 'href="/console/data/workflows"' in overview.text
    assert "3 sequences" in overview.text

    listing = console.client.get("/console/data/workflows")

    assert listing.status_code == 200
    assert f'href="{PAGE}"' in listing.text
    assert "finish_the_form, nurture_later, handoff_waiting" in listing.text
    shown = console.client.get(PAGE)
    assert shown.status_code == 200
    assert html.unescape(found(TEXTAREA, shown.text)) == text_of(project, FILE)


def test_a_bad_workflow_is_refused_with_its_line_and_nothing_written(
    console: Api, project: Path
) -> None:
    before = text_of(project, FILE)
    bad = before.replace("utter_followup_handoff_delay", "utter_followup_handof_delay", 1)
    line = (
        bad.splitlines().index(
            "      - send: {channel: sms, response: utter_followup_handof_delay}"
        )
        + 1
    )

    refused = post_form(console, PAGE, PAGE, yaml=bad)

    assert refused.status_code == 422
    assert re.search(
        rf"data/workflows/follow_ups\.yml:{line}</code> unknown response "
        r"&#39;utter_followup_handof_delay&#39;; "
        r"did you mean &#39;utter_followup_handoff_delay&#39;\?",
        refused.text,
    ), refused.text
    assert text_of(project, FILE) == before


def test_a_good_workflow_edit_is_saved_as_submitted_and_audited(
    console: Api, project: Path
) -> None:
    before = text_of(project, FILE)
    edited = before.replace("handoff_unanswered: {after: 30m}", "handoff_unanswered: {after: 45m}")
    assert edited != before

    saved = post_form(console, PAGE, PAGE, yaml=edited.replace("\n", "\r\n"))

    assert saved.status_code == 200, saved.text
    assert "no retraining needed" in saved.text
    assert text_of(project, FILE) == edited
    with session_scope(console.engine) as session:
        entry = session.execute(select(AuditEntry).order_by(desc(AuditEntry.id))).scalars().first()
        assert entry is not None
        assert entry.details == {"file": FILE, "kind": "workflows.edited"}


@pytest.mark.parametrize(("method", "path"), [("GET", "/console/data/workflows"), ("POST", PAGE)])
def test_the_pages_redirect_to_login_when_logged_out(
    api: Api, project: Path, method: str, path: str
) -> None:
    response = api.client.request(method, path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


@pytest.mark.parametrize("name", ["passwords", "segments"])
def test_only_workflow_files_can_be_opened(console: Api, name: str) -> None:
    response = console.client.get(f"/console/data/workflows/{name}")
    assert response.status_code == 404
    assert "There is no workflow file" in response.text
