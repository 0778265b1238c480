"""A person asks for someone, a rep takes the conversation over, and hands it back:
through the running stack, on the web chat and over SMS. The rep's side is driven
through `bot.handoff` on the stack's database, as the console's inbox does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.bootstrap import handoff_config
from bot.crm import make_engine, session_scope
from bot.crm.handoff_tables import Handoff
from bot.handoff.hours import is_open
from bot.handoff.queue import claim, end, say
from bot.handoff.routing import seen
from bot.settings import Settings
from tests.e2e.channel_visitors import SmsVisitor, TelegramVisitor, WebChatVisitor
from tests.e2e.test_crm_flow import wait_for
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi

pytestmark = pytest.mark.e2e


@pytest.fixture
def crm(stack: Settings) -> Iterator[Engine]:
    engine = make_engine(stack.crm_database_url)
    yield engine
    engine.dispose()


def now() -> datetime:
    return datetime.now(timezone.utc)


def rep_online(crm: Engine, name: str = "ada") -> None:
    with session_scope(crm) as session:
        seen(session, name, now())


def handoff_of(crm: Engine, conversation_id: str | None = None) -> Handoff:
    """The conversation's open handoff (the newest one when `conversation_id` is None)."""

    def find() -> Handoff | None:
        with session_scope(crm) as session:
            query = select(Handoff).where(Handoff.status != "ended")
            if conversation_id is not None:
                query = query.where(Handoff.conversation_id == conversation_id)
            found = session.execute(query.order_by(Handoff.requested_at.desc())).scalars().first()
            if found is not None:
                session.expunge(found)
            return found

    return wait_for(find)


def as_rep(crm: Engine, action: str, handoff_id: str, text: str = "") -> None:
    with session_scope(crm) as session:
        if action == "claim":
            claim(session, handoff_id, agent="ada", now=now())
        elif action == "say":
            say(session, handoff_id, agent="ada", text=text, now=now())
        else:
            end(session, handoff_id, agent="ada", reason=action, now=now())


def expected_promise() -> str:
    """What the bot promises: a colleague in a moment during the team's hours (a rep is
    online), else when someone will reply."""
    return "in a moment" if is_open(handoff_config(), now()) else "The team is away right now"


def test_web_chat_a_rep_takes_over_the_bot_is_silent_and_hand_back_resumes_the_form(
    stack: Settings, crm: Engine
) -> None:
    rep_online(crm)
    visitor = WebChatVisitor(stack)
    visitor.say("hi")
    visitor.say("yes")  # into the lead form
    asked = visitor.said("can I talk to a real person please?")
    assert "sales team" in asked or "person" in asked
    assert expected_promise() in asked
    answer = visitor.post("hello?").json()
    handoff = handoff_of(crm)
    assert handoff.channel == "webchat" and handoff.reason == "asked"
    assert handoff.routed_to == "ada"
    assert answer["live"] is True
    cursor = max(m["timestamp"] for m in visitor.history() if m["sender"] == "bot")

    as_rep(crm, "claim", handoff.id)
    as_rep(crm, "say", handoff.id, "Hi, I'm Ada from sales. How can I help?")
    update = wait_for(lambda: visitor.updates(cursor)["messages"])
    assert [(m["text"], m.get("agent")) for m in update] == [
        ("Hi, I'm Ada from sales. How can I help?", "ada")
    ]
    cursor = update[-1]["timestamp"]

    answer = visitor.post("we need pricing for 40 seats").json()
    assert answer["replies"] == [] and answer["live"] is True  # the bot is silent
    time.sleep(1.5)
    assert visitor.updates(cursor)["messages"] == [] or False  # nothing from the bot

    as_rep(crm, "handed_back", handoff.id)
    update = wait_for(lambda: visitor.updates(cursor)["messages"])
    texts = [m["text"] for m in update]
    assert "I'm back" in texts[0]
    assert len(texts) == 2 and "?" in texts[1]  # the form's next question
    assert all("agent" not in m for m in update)
    history = [m["text"] for m in visitor.history()]
    assert "we need pricing for 40 seats" in history


def test_over_sms_the_reps_words_go_by_text_and_stop_still_works(
    stack: Settings, crm: Engine, twilio: FakeTwilioApi
) -> None:
    rep_online(crm)
    visitor = SmsVisitor(stack, twilio)
    visitor.say("hi")
    visitor.say("I'd like to speak to someone from sales")
    handoff = handoff_of(crm, f"sms:{visitor.phone}")
    as_rep(crm, "claim", handoff.id)
    as_rep(crm, "say", handoff.id, "Hi, Ada here. Got a minute for a call?")
    wait_for(lambda: "Hi, Ada here. Got a minute for a call?" in visitor.received())
    before = len(visitor.received())
    visitor.post("sure, after 3pm")
    time.sleep(3)
    assert len(visitor.received()) == before  # the bot says nothing while Ada holds on
    visitor.post("STOP")
    wait_for(lambda: len(visitor.received()) > before)
    assert "unsubscribed" in visitor.received()[-1].lower()
    with session_scope(crm) as session:
        ended = session.get(Handoff, handoff.id)
        assert ended is not None and (ended.status, ended.end_reason) == ("ended", "opted_out")
    visitor.say("START")
    assert visitor.say("hi again")  # the bot speaks again: the pause went with the handoff


def test_on_telegram_the_rep_writes_in_the_chat_and_hand_back_brings_the_bot_back(
    stack: Settings, crm: Engine, telegram: FakeTelegramApi
) -> None:
    rep_online(crm)
    visitor = TelegramVisitor(stack, telegram)
    visitor.say("hi")
    visitor.say("yes")  # into the lead form
    visitor.say("I want to talk to a human")
    handoff = handoff_of(crm, f"telegram:{visitor.chat_id}")
    assert handoff.channel == "telegram"
    as_rep(crm, "claim", handoff.id)
    as_rep(crm, "say", handoff.id, "Hello from Ada on the sales team!")
    wait_for(lambda: "Hello from Ada on the sales team!" in visitor.received())
    before = len(visitor.received())
    assert visitor.say("nice, thanks") == []  # the bot is silent
    as_rep(crm, "handed_back", handoff.id)
    wait_for(lambda: len(visitor.received()) >= before + 2)
    back, question = visitor.received()[before : before + 2]
    assert "I'm back" in back and "?" in question


def test_a_request_nobody_takes_in_time_gets_an_honest_word_from_the_bot(
    stack: Settings, crm: Engine, twilio: FakeTwilioApi
) -> None:
    visitor = SmsVisitor(stack, twilio)
    visitor.say("hi")
    visitor.say("can someone from sales call me?")
    handoff = handoff_of(crm, f"sms:{visitor.phone}")
    before = len(visitor.received())
    with session_scope(crm) as session:  # as if it had waited past `wait_for_rep`
        waited = session.get(Handoff, handoff.id)
        assert waited is not None
        waited.requested_at = now() - timedelta(minutes=10)
        waited.waiting_told_at = None
    wait_for(lambda: len(visitor.received()) > before, seconds=60)  # the worker's watch
    time.sleep(20)  # another round of the watch: told once (a text may come in parts)
    told = " ".join(visitor.received()[before:])
    assert told.count("Sorry for the wait") == 1 and told.count("reply here") == 1
