"""A follow-up text through the running stack: a visitor who stopped at the budget question
is texted by the follow-up engine once the wait is over, the Rasa server says it
as a turn of their SMS conversation with the budget question again, and their answer goes
straight into the form, which carries on; the engine then sees the reply and the resumed
form."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.crm import make_engine
from bot.secret_key import secret_key
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
      form_left: {after: 1h, at: budget}
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


@dataclass
class FollowedUp:
    """A visitor who stopped at the budget question and has just been texted by the
    follow-up engine, whose clock is now."""

    visitor: SmsVisitor
    followups: Followups
    said: str  # what the follow-up said

    def run_engine(self, **later: float) -> None:
        self.followups.clock.now = datetime.now(timezone.utc) + timedelta(**later)
        self.followups.run()


@pytest.fixture
def followed_up(stack: Settings, twilio: FakeTwilioApi, tmp_path: Path) -> Iterator[FollowedUp]:
    visitor = SmsVisitor(stack, twilio)
    engine, tracker_store = (
        make_engine(stack.crm_database_url),
        make_engine(stack.tracker_store_url),
    )
    subscribed(engine, phone=visitor.phone)
    visitor.say("hi there")
    visitor.say("yeah sure")
    for question in ORDER[: ORDER.index("budget")]:
        replies = visitor.say(ANSWERS[question])
    assert QUESTIONS["budget"] in " ".join(replies), visitor.transcript

    # A name of its own: the stack's database is shared by the tests of this file.
    name = f"finish_the_form_{uuid.uuid4().hex[:8]}"
    (tmp_path / "follow_ups.yml").write_text(WORKFLOW.replace("finish_the_form", name))
    # Shorter than the shipped sequences' waits, which the stack's own worker runs.
    left_hours_ago(tracker_store, f"sms:{visitor.phone}", 1.1)
    followups = Followups(
        engine,
        tmp_path,
        Clock(now_not_at_midnight()),
        tracker_store=tracker_store,
        window="00:00-23:59",  # the visitor's night is another test's business
        pepper=secret_key(stack),  # the stack's suppression list
    )
    before = len(visitor.received())
    followups.run()
    said = wait_for(
        lambda: visitor.received()[before:] if len(visitor.received()) > before + 1 else []
    )
    yield FollowedUp(visitor, followups, " ".join(said))
    engine.dispose()
    tracker_store.dispose()


def test_a_follow_up_text_resumes_the_form_at_the_budget_question(
    followed_up: FollowedUp,
) -> None:
    text, visitor = followed_up.said, followed_up.visitor
    assert "pick up where we left off" in text or "nearly done" in text
    assert "Reply STOP to opt out" in text
    assert text.index("Reply STOP") < text.index(QUESTIONS["budget"])  # then the question

    reply = " ".join(visitor.say(ANSWERS["budget"]))
    assert QUESTIONS["timeline"] in reply, visitor.transcript

    followed_up.run_engine()
    assert followed_up.followups.log("replied") and followed_up.followups.log("resumed")
    followed_up.run_engine(days=2)
    assert len(followed_up.followups.log("sent")) == 1  # the reply ended the sequence


def test_yes_lets_finish_is_met_with_the_question_again(followed_up: FollowedUp) -> None:
    visitor = followed_up.visitor
    reply = " ".join(visitor.say("yes, let's finish"))
    assert QUESTIONS["budget"] in reply, visitor.transcript
    assert QUESTIONS["timeline"] in " ".join(visitor.say("maybe 15k")), visitor.transcript


def test_stop_after_a_follow_up_unsubscribes_and_ends_the_sequence(
    followed_up: FollowedUp,
) -> None:
    visitor = followed_up.visitor
    assert "unsubscribed" in " ".join(visitor.say("STOP"))
    followed_up.run_engine(days=2)
    followups = followed_up.followups
    logged = {kind: followups.log(kind) for kind in ("sent", "skipped", "opted_out", "replied")}
    assert len(logged["sent"]) == 1 and len(logged["opted_out"]) == 1, logged
    assert logged["skipped"] == [("step_3", "suppressed")], logged
