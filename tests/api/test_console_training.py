"""The console's retraining page: who may start a run, CSRF, one run at a time, the audit
entry, and how the page and its JSON status show running, failed and interrupted runs.

The run's process is replaced by a fake that only holds the run lock, as the real one does.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot.console import training_routes
from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from bot.settings import get_settings
from bot.training import launch
from bot.training.runs import Run, RunStore
from tests.api.conftest import Api
from tests.api.test_console import csrf_of, log_in

LIVE_MODEL = "parley-000000000000.tar.gz"


class FakeProcess:
    """Starts nothing; keeps a copy of the inherited lock as the run's process would."""

    def __init__(self) -> None:
        self.commands: list[list[str]] = []
        self.held: list[int] = []

    def __call__(self, command: list[str], lock: int, store: RunStore, run: Run) -> None:
        self.commands.append(command)
        self.held.append(os.dup(lock))

    def exit(self) -> None:
        for descriptor in self.held:
            os.close(descriptor)
        self.held.clear()


@pytest.fixture
def process(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProcess]:
    fake = FakeProcess()
    monkeypatch.setattr(
        training_routes, "start_run", functools.partial(launch.start_run, spawn=fake)
    )
    monkeypatch.setattr(training_routes, "live_model", lambda: (LIVE_MODEL, None))
    yield fake
    fake.exit()


def retrain(api: Api, csrf: str | None = None) -> httpx.Response:
    page = api.client.get("/console/training")
    token = csrf_of(page) if csrf is None else csrf
    return api.client.post("/console/training/runs", data={"csrf": token}, follow_redirects=False)


def store() -> RunStore:
    return launch.store_of(get_settings())


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/console/training"), ("POST", "/console/training/runs")],
)
def test_pages_send_a_logged_out_visitor_to_login(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"


def test_the_status_needs_a_login(api: Api) -> None:
    response = api.client.get("/console/training/runs/20261123-024144-49c70e")
    assert response.status_code == 401


def test_the_page_shows_the_live_model_and_that_a_retrain_is_needed(
    api: Api, process: FakeProcess
) -> None:
    log_in(api)
    page = api.client.get("/console/training")
    assert page.status_code == 200
    assert LIVE_MODEL in page.text
    assert "The training data changed since the live model was trained" in page.text
    assert 'action="/console/training/runs"' in page.text and "No retraining yet." in page.text
    assert 'aria-current="page">Retrain' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("csrf", ["", "forged"])
def test_retrain_without_the_csrf_token_is_refused(
    api: Api, process: FakeProcess, csrf: str
) -> None:
    log_in(api)
    response = retrain(api, csrf)
    assert response.status_code == 403
    assert process.commands == [] and store().recent() == []


def test_retrain_starts_one_run_audited_and_shows_its_progress(
    api: Api, process: FakeProcess
) -> None:
    log_in(api)
    response = retrain(api)
    assert response.status_code == 303
    [run] = store().recent()
    [command] = process.commands
    assert command[-4:-2] == ["bot.training", run.id] and command[-2] == "--lock-fd"
    with session_scope(api.engine) as session:
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.action == "model.retrain_started")
        ).scalars()
        assert [(e.actor, e.details) for e in entries] == [("marketer-token", {"run_id": run.id})]

    page = api.client.get("/console/training")
    assert f'data-status-url="/console/training/runs/{run.id}"' in page.text
    assert '<progress id="run-progress" max="100" value="0">' in page.text
    assert '<label for="run-progress"' in page.text
    assert 'aria-live="polite">Starting (0 %)<' in page.text
    assert '<script src="/console/static/training.js" defer></script>' in page.text
    assert 'action="/console/training/runs"' not in page.text  # no second button

    status = api.client.get(f"/console/training/runs/{run.id}").json()
    assert status == {
        "id": run.id,
        "state": "queued",
        "active": True,
        "percent": 0,
        "text": "Starting (0 %)",
        "reason": None,
        "failed_stories": [],
    }

    second = retrain(api)
    assert second.status_code == 409
    assert "A retraining is already running" in second.text
    assert len(store().recent()) == 1


def test_a_run_whose_process_died_shows_as_interrupted(api: Api, process: FakeProcess) -> None:
    log_in(api)
    retrain(api)
    [run] = store().recent()
    process.exit()
    status = api.client.get(f"/console/training/runs/{run.id}").json()
    assert status["state"] == "failed" and "stopped before it finished" in status["reason"]
    assert retrain(api).status_code == 303


def test_a_failed_gate_names_the_stories_escaped(api: Api, process: FakeProcess) -> None:
    runs = store()
    run = runs.create(user="<b>ann</b>")
    story = "<script>alert(1)</script> (tests/stories/test_small_talk.yml)"
    runs.save(
        run.entering("training", run.created + 1)
        .entering("testing", run.created + 40)
        .ended("failed", run.created + 50, reason="The stories failed.", stories=[story])
    )
    log_in(api)
    page = api.client.get("/console/training")
    assert "The last retraining failed" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (tests/stories/test_small_talk.yml)" in page.text
    assert "<script>alert" not in page.text and "&lt;b&gt;ann&lt;/b&gt;" in page.text
    assert '<td class="num">39 s</td><td class="num">10 s</td><td class="num">—</td>' in page.text


@pytest.mark.parametrize("run_id", ["20261123-024144-49c70e", "..%2F..%2Fsecret_key", "x" * 200])
def test_unknown_runs_are_404(api: Api, process: FakeProcess, run_id: str) -> None:
    log_in(api)
    assert api.client.get(f"/console/training/runs/{run_id}").status_code == 404


def test_the_script_is_served_as_our_own_static_file(api: Api) -> None:
    response = api.client.get("/console/static/training.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
