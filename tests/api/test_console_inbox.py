"""The handoff inbox in the console: a rep sees who waits, claims, replies, hands back;
every step audited, refusals explained, the live stream answering changes."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import select

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.handoff_tables import AgentPresence, Handoff
from bot.crm.inbox import InboundMessage
from bot.crm.tables import AuditEntry
from bot.handoff.queue import request
from tests.api.conftest import Api
from tests.api.console_session import csrf_of, log_in


def asked(api: Api, conversation_id: str = "web-visitor-1") -> str:
    with session_scope(api.engine) as session:
        handoff = request(
            session,
            bootstrap.handoff_config(),
            conversation_id=conversation_id,
            channel="webchat",
            reason="asked",
            now=utcnow(),
        ).handoff
        return handoff.id


def post(api: Api, path: str, page: httpx.Response, **data: str) -> httpx.Response:
    return api.client.post(path, data={"csrf": csrf_of(page), **data}, follow_redirects=False)


def audited(api: Api) -> list[str]:
    with session_scope(api.engine) as session:
        return list(
            session.execute(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("handoff.%"))
                .order_by(AuditEntry.id)
            ).scalars()
        )


def test_an_agent_lands_on_the_inbox_and_counts_as_online(api: Api) -> None:
    signed_in = log_in(api, "agent")
    assert signed_in.headers["location"] == "/console/inbox"
    handoff_id = asked(api)
    inbox = api.client.get("/console/inbox")
    assert inbox.status_code == 200
    assert f'href="/console/inbox/{handoff_id}"' in inbox.text
    assert "asked for a person" in inbox.text
    with session_scope(api.engine) as session:
        assert session.get(AgentPresence, "agent-token") is not None
    assert api.client.get("/console/leads", follow_redirects=False).status_code == 403


def test_claim_reply_and_hand_back_are_audited_and_reach_the_conversation(api: Api) -> None:
    log_in(api, "agent")
    handoff_id = asked(api)
    path = f"/console/inbox/{handoff_id}"
    page = api.client.get(path)
    assert "Claim this conversation" in page.text
    assert post(api, f"{path}/claim", page).status_code == 303
    page = api.client.get(path)
    assert "Held by you: the bot is silent." in page.text and 'name="text"' in page.text
    assert post(api, f"{path}/reply", page, text="Hi, Ada here!").status_code == 303
    assert post(api, f"{path}/hand-back", page).status_code == 303
    with session_scope(api.engine) as session:
        rows = session.execute(
            select(InboundMessage.payload).where(InboundMessage.conversation_id == "web-visitor-1")
        ).scalars()
        kinds = [(row["agent"]["kind"], row["agent"].get("text")) for row in rows]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff.end_reason == "handed_back"
    assert kinds == [("reply", "Hi, Ada here!"), ("resume", None)]
    assert audited(api) == ["handoff.claimed", "handoff.replied", "handoff.handed_back"]
    assert "Ended (handed back) by agent-token: the bot is back." in api.client.get(path).text


def test_refusals_are_explained_and_change_nothing(api: Api) -> None:
    log_in(api, "marketer")  # marketers may act as agents
    handoff_id = asked(api)
    path = f"/console/inbox/{handoff_id}"
    page = api.client.get(path)
    assert post(api, f"{path}/reply", page, text="hello").status_code == 409  # not claimed
    post(api, f"{path}/claim", page)
    too_long = post(api, f"{path}/reply", page, text="x" * 1601)
    assert too_long.status_code == 409 and "longer than 1600 characters" in too_long.text
    with session_scope(api.engine) as session:
        session.execute(select(Handoff)).scalar_one().agent = "someone-else"
    taken = post(api, f"{path}/claim", page)
    assert taken.status_code == 409 and "taken by someone-else" in taken.text
    assert audited(api) == ["handoff.claimed"]
    missing = api.client.get("/console/inbox/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_a_post_without_the_csrf_token_is_refused(api: Api) -> None:
    log_in(api, "agent")
    handoff_id = asked(api)
    response = api.client.post(f"/console/inbox/{handoff_id}/claim", follow_redirects=False)
    assert response.status_code == 403
    assert audited(api) == []


def test_the_live_stream_says_changed_when_someone_asks(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.console.inbox_routes.CHECK_EVERY_S", 0.1)
    monkeypatch.setattr("bot.console.inbox_routes.STREAM_FOR_S", 1.5)
    log_in(api, "agent")
    later = threading.Timer(0.5, asked, args=(api,))
    later.start()
    started = time.monotonic()
    response = api.client.get("/console/inbox/events", headers={"Accept": "text/event-stream"})
    later.join()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text.startswith("retry: 2000")
    assert "event: changed" in response.text
    assert time.monotonic() - started < 10


def test_signed_out_the_stream_answers_401(api: Api) -> None:
    response = api.client.get("/console/inbox/events")
    assert response.status_code == 401 and response.json() == {"error": "unauthorized"}
