"""PARLEY_ACTIONS=server: the custom actions run in rasa_sdk's action server, as Rasa's
stock setup runs them, and `make run` starts it. A stack of its own, on embedded defaults.

The answers are validated there (a stopped action server fails the turn that needs it);
the turn waits in the inbox, is tried again with back-off, and once the action server is
back the visitor hears the answer once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.crm import InboundMessage, make_engine, session_scope
from bot.settings import Settings
from bot.stack import Stack, started_services
from tests.e2e.conftest import free_ports, running_stack
from tests.e2e.rest_client import API_TOKEN, Conversation
from tests.e2e.test_conversations import ANSWERS, QUESTIONS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = Settings(  # type: ignore[call-arg]
        var_dir=tmp_path_factory.mktemp("var-actions-server"),
        **free_ports(),
        actions="server",
        rasa_api_token=API_TOKEN,
        database_url=None,
        redis_url=None,
        sinks="none",
    )
    started = [service.name for service in started_services(settings, Path("model.tar.gz"))]
    assert started[0] == "actions"  # `make run` starts it, before the Rasa server
    yield from running_stack(settings)


def visitor(stack: Stack) -> Conversation:
    return Conversation(f"http://{stack.settings.host}:{stack.settings.rasa_port}")


def attempts(stack: Stack, sender: str) -> list[tuple[str, int]]:
    engine = make_engine(stack.settings.crm_database_url)
    try:
        with session_scope(engine) as session:
            query = select(InboundMessage.status, InboundMessage.attempts).where(
                InboundMessage.conversation_id == sender
            )
            return [(status, n) for status, n in session.execute(query.order_by(InboundMessage.id))]
    finally:
        engine.dispose()


def test_the_form_is_validated_by_the_action_server(server_mode: Stack) -> None:
    conversation = visitor(server_mode)
    conversation.said("hi there")
    assert QUESTIONS["name"] in conversation.said("yeah sure")
    assert QUESTIONS["email"] in conversation.said(ANSWERS["name"])
    assert "couldn't" in conversation.said("no idea").lower()  # refused: not an e-mail
    assert conversation.slots()["name"] == "Sam Lee"


def test_an_answer_waits_for_the_action_server_and_is_answered_once(server_mode: Stack) -> None:
    conversation = visitor(server_mode)
    conversation.said("hi there")
    assert QUESTIONS["name"] in conversation.said("yeah sure")
    server_mode.stop(only=["actions"])
    replies: list[str] = []
    answering = threading.Thread(target=lambda: replies.append(conversation.said(ANSWERS["name"])))
    answering.start()
    try:
        time.sleep(4)  # the first try fails (the action server is down); the next is at 5 s
        assert attempts(server_mode, conversation.sender)[-1] == ("received", 1)
    finally:
        server_mode.start(only=["actions"])
        server_mode.wait_until_ready()
    answering.join(timeout=90)
    assert replies and QUESTIONS["email"] in replies[0]
    status, tries = attempts(server_mode, conversation.sender)[-1]
    assert status == "processed" and tries >= 2
    said = [e["text"] for e in conversation.tracker()["events"] if e["event"] == "user"]
    assert said.count(ANSWERS["name"]) == 1
