"""Retraining from the console on the running stack: a marketer adds one example, presses
Retrain, and the running Rasa server answers with the new model once the stories pass.

The stack serves the repository's own data files, so the edit is undone byte for byte
afterwards, the server is given its original model back and the new archive is removed:
the tests that follow see the model they expect.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx

from bot.crm import make_engine, session_scope
from bot.crm.tokens import create_token
from bot.editor import add_example
from bot.model_archive import current_model_path, model_inputs
from bot.settings import Settings
from tests.e2e.rest_client import API_TOKEN

INTENT = "ask_pricing"
EXAMPLE = "could you tell me what the subscription fee would come to"
RUN_TIMEOUT_S = 900  # a loaded 2-core machine; about 3 minutes is usual
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
STATUS_URL = re.compile(r'data-status-url="(/console/training/runs/[0-9a-f-]+)"')


def csrf_of(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    assert found, response.text
    return found.group(1)


def console(stack: Settings) -> httpx.Client:
    with session_scope(make_engine(stack.crm_database_url)) as session:
        _, token = create_token(session, name="e2e-retrain", role="marketer")
    client = httpx.Client(
        base_url=f"http://{stack.host}:{stack.api_port}", timeout=30, follow_redirects=True
    )
    form = client.get("/console/login")
    client.post("/console/login", data={"token": token, "csrf": csrf_of(form)})
    return client


def rasa(stack: Settings, method: str, path: str, **kwargs: Any) -> httpx.Response:
    url = f"http://{stack.host}:{stack.rasa_port}{path}"
    return httpx.request(method, url, params={"token": API_TOKEN}, timeout=300, **kwargs)


def wait_for_the_end(client: httpx.Client, status_url: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(status_url).json()
        if not status["active"]:
            return status
        time.sleep(1)
    raise AssertionError(f"the run did not end within {RUN_TIMEOUT_S} s")


def test_a_new_example_goes_live_after_retraining(stack: Settings) -> None:
    original = current_model_path(stack.models_dir)
    before = {path: path.read_bytes() for path in model_inputs()}
    new_model: Path | None = None
    try:
        add_example(intent=INTENT, text=EXAMPLE)
        new_model = current_model_path(stack.models_dir)
        assert new_model != original
        client = console(stack)
        page = client.get("/console/training")
        assert "The training data changed since the live model was trained" in page.text
        started = client.post("/console/training/runs", data={"csrf": csrf_of(page)})
        found = STATUS_URL.search(started.text)
        assert found, started.text

        status = wait_for_the_end(client, found.group(1))

        assert status["state"] == "live", status
        record = client.get("/console/training").text
        assert "The live model was trained on the current training data." in record
        served = rasa(stack, "GET", "/status").json()["model_file"]
        assert Path(served).name == new_model.name
        parsed = rasa(stack, "POST", "/model/parse", json={"text": EXAMPLE}).json()
        assert parsed["intent"]["name"] == INTENT
    finally:
        for path, content in before.items():
            if path.read_bytes() != content:
                path.write_bytes(content)
        assert current_model_path(stack.models_dir) == original
        rasa(stack, "PUT", "/model", json={"model_file": str(original)})
        if new_model is not None and new_model != original:
            new_model.unlink(missing_ok=True)
