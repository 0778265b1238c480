"""The try-it panel's pages: a fresh conversation per visit, CSRF and sender checks, and a
plain message when Rasa cannot be reached. Talking to the live model is covered end to
end in tests/e2e/test_console_browser.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.crm import InboundMessage, make_engine, session_scope
from bot.crm.database import NO_WAIT
from bot.rasa_server import RasaConversations
from bot.settings import get_settings
from tests.api.conftest import Api
from tests.api.test_console import csrf_of, log_in
from tests.e2e.conftest import free_port

SENDER = re.compile(r'name="sender" value="(console-try-[0-9a-f]{16})"')


@pytest.fixture
def signed_in(api: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setenv("PARLEY_RASA_API_TOKEN", "try-token")
    monkeypatch.setenv("PARLEY_RASA_PORT", str(free_port()))  # nothing listens there
    get_settings.cache_clear()
    log_in(api)
    return api


def test_each_visit_starts_a_new_conversation(signed_in: Api) -> None:
    first = signed_in.client.get("/console/try")
    second = signed_in.client.get("/console/try")

    assert first.status_code == 200
    assert 'aria-current="page">Try it' in first.text
    assert SENDER.findall(first.text) != SENDER.findall(second.text)
    assert '<script src="/console/static/try.js" defer></script>' in first.text


def test_an_unreachable_rasa_is_said_plainly(signed_in: Api) -> None:
    page = signed_in.client.get("/console/try")
    sender = SENDER.findall(page.text)[0]

    response = signed_in.client.post(
        "/console/try", data={"csrf": csrf_of(page), "sender": sender, "message": "hi"}
    )

    assert response.status_code == 502
    assert "did not answer" in response.text
    assert "Traceback" not in response.text


def test_a_sender_the_console_did_not_start_is_refused(signed_in: Api) -> None:
    page = signed_in.client.get("/console/try")

    response = signed_in.client.post(
        "/console/try", data={"csrf": csrf_of(page), "sender": "visitor-42", "message": "hi"}
    )

    assert response.status_code == 400


def test_a_message_without_the_csrf_token_is_forbidden(signed_in: Api) -> None:
    page = signed_in.client.get("/console/try")
    sender = SENDER.findall(page.text)[0]

    response = signed_in.client.post("/console/try", data={"sender": sender, "message": "hi"})

    assert response.status_code == 403


def test_the_panel_needs_a_login(api: Api) -> None:
    response = api.client.get("/console/try", follow_redirects=False)

    assert response.headers["location"] == "/console/login"


def test_the_script_is_served(api: Api) -> None:
    response = api.client.get("/console/static/try.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert api.client.get("/console/static/..%2Fauth.py").status_code == 404


def test_waiting_for_rasa_holds_no_lock_on_the_crm(
    signed_in: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Rasa server records the message in the inbox, in the CRM's database, while the
    # console waits for its answer: on SQLite a console request holding the one write lock
    # meanwhile would leave both waiting until one gives up.
    took_the_lock: list[int] = []

    async def send(self: RasaConversations, sender: str, text: str) -> list[dict[str, Any]]:
        engine = make_engine(get_settings().crm_database_url)
        try:
            with session_scope(engine.execution_options(**{NO_WAIT: True})) as session:
                took_the_lock.append(
                    int(session.scalar(select(func.count()).select_from(InboundMessage)) or 0)
                )
        finally:
            engine.dispose()
        return []

    async def events(self: RasaConversations, sender: str) -> list[dict[str, Any]]:
        return []

    monkeypatch.setattr(RasaConversations, "send", send)
    monkeypatch.setattr(RasaConversations, "events", events)
    page = signed_in.client.get("/console/try")
    sender = SENDER.findall(page.text)[0]

    response = signed_in.client.post(
        "/console/try", data={"csrf": csrf_of(page), "sender": sender, "message": "hi"}
    )

    assert response.status_code == 200  # the panel, after the redirect
    assert took_the_lock == [0]
