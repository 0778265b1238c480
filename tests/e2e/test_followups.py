"""A follow-up text through the running stack: a visitor who stopped at the budget question
is texted by the follow-up engine once the wait is over, the Rasa server says it
as a turn of their SMS conversation with the budget question again, and their answer goes
straight into the form, which carries on; the engine then sees the reply and the resumed
form."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.crm import make_engine
from bot.settings import Settings
from bot.stores.conversation_events import EVENTS
from tests.e2e.channel_visitors import SmsVisitor
from tests.e2e.test_conversations import ANSWERS, ORDER, QUESTIONS
from tests.e2e.test_crm_flow import wait_for
from tests.fakes.twilio_api import FakeTwilioApi
from tests.integration.followups.conftest import Clock, Followups, subscribed

pytestmark = pytest.mark.e2e
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # the test visitor's area code

WORKFLOW = """
version: 1
sequences:
  - name: finish_the_form
    trigger:
      form_left: {after: 2h, at: budget}
    steps:
      - send: {channel: sms, response: utter_followup_finish_form, resume_form: true}
      - wait: 1d
      - send: {channel: sms, response: utter_followup_still_interested}
"""


def left_hours_ago(tracker_store: Engine, conversation_id: str, hours: float) -> None:
    """Moves the conversation back in time, as if the visitor had stopped `hours` ago."""
    with tracker_store.begin() as connection:
        connection.execute(
            update(EVENTS)
            .where(EVENTS.c.sender_id == conversation_id)
            .values(timestamp=EVENTS.c.timestamp - hours * 3600)
        )


def now_not_at_midnight() -> datetime:
    """Now, unless it is 23:59 in California (outside the test's send window): then a
    minute later."""
    if datetime.now(LOS_ANGELES).strftime("%H:%M") == "23:59":
        time.sleep(61)
    return datetime.now(timezone.utc)


def test_a_follow_up_text_resumes_the_form_at_the_budget_question(
    stack: Settings, twilio: FakeTwilioApi, tmp_path: Path
) -> None:
    visitor = SmsVisitor(stack, twilio)
    engine = make_engine(stack.crm_database_url)
    subscribed(engine, phone=visitor.phone)
    visitor.say("hi there")
    visitor.say("yeah sure")
    for question in ORDER[: ORDER.index("budget")]:
        replies = visitor.say(ANSWERS[question])
    assert QUESTIONS["budget"] in " ".join(replies), visitor.transcript

    (tmp_path / "follow_ups.yml").write_text(WORKFLOW, encoding="utf-8")
    tracker_store = make_engine(stack.tracker_store_url)
    left_hours_ago(tracker_store, f"sms:{visitor.phone}", 2.1)
    followups = Followups(
        engine,
        tmp_path,
        Clock(now_not_at_midnight()),
        tracker_store=tracker_store,
        window="00:00-23:59",  # the visitor's night is another test's business
    )
    before = len(visitor.received())
    followups.run()
    said = wait_for(
        lambda: visitor.received()[before:] if len(visitor.received()) > before + 1 else []
    )
    text = " ".join(said)
    assert "pick up where we left off" in text or "nearly done" in text
    assert "Reply STOP to opt out" in text
    assert text.index("Reply STOP") < text.index(QUESTIONS["budget"])  # then the question

    reply = " ".join(visitor.say(ANSWERS["budget"]))
    assert QUESTIONS["timeline"] in reply, visitor.transcript

    followups.clock.now = datetime.now(timezone.utc)
    followups.run()
    assert followups.log("replied") and followups.log("resumed")
    followups.clock.move(days=2)
    followups.run()
    assert len(followups.log("sent")) == 1  # the reply ended the sequence
    engine.dispose()
    tracker_store.dispose()
