"""Follow-ups over SMS with a clock the test moves, on SQLite and PostgreSQL: a visitor
who left the form at the budget question is texted after the wait, never in their night;
a reply ends the sequence; STOP ends it; no consent means no text, with the reason kept;
two workers, or a worker killed mid-batch, never send a step twice."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.consent.keywords import ComplianceKeyword
from bot.crm import InboundMessage, session_scope
from bot.crm.followup_tables import FollowupEnrollment, FollowupStep
from bot.followups import steps
from bot.followups.activity import ConversationActivity
from bot.followups.engine import FollowupEngine
from bot.followups.enroll import enrol
from bot.settings import get_settings
from channels.sms.compliance import record_keyword
from tests.integration.followups.conftest import Followups, left_the_form, subscribed, wrote

pytestmark = pytest.mark.integration

ANN = "+12125550100"  # New York: UTC-5 in December
NEW_YORK = timezone(timedelta(hours=-5))
LEFT_AT = datetime(2026, 12, 7, 19, 30, tzinfo=NEW_YORK)  # 2 h later it is 21:30 there

FINISH_THE_FORM = """
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


def texts(followups: Followups) -> list[dict[str, object]]:
    """The follow-ups handed to the SMS conversation's inbox, in order."""
    with session_scope(followups.engine) as session:
        rows = session.scalars(
            select(InboundMessage)
            .where(InboundMessage.channel == "sms")
            .order_by(InboundMessage.id)
        ).all()
        return [dict(row.payload["followup"], to=row.payload["address"]) for row in rows]


def enrollment(followups: Followups) -> FollowupEnrollment:
    with session_scope(followups.engine) as session:
        found = session.scalars(select(FollowupEnrollment)).one()
        session.expunge(found)
        return found


@pytest.fixture
def ann_left(followups: Followups) -> Followups:
    """Ann, subscribed to texts, left the form at the budget question at 19:30 her time."""
    followups.write(FINISH_THE_FORM)
    subscribed(followups.engine, phone=ANN)
    left_the_form(str(followups.engine.url), f"sms:{ANN}", LEFT_AT, question="budget")
    followups.clock.now = LEFT_AT.astimezone(timezone.utc) + timedelta(hours=1)
    return followups


def test_the_text_waits_for_the_morning_and_resumes_at_the_budget_question(
    ann_left: Followups,
) -> None:
    followups = ann_left
    followups.run()
    assert followups.count(FollowupEnrollment) == 0  # quiet for 1 h: not yet

    followups.clock.move(hours=1)  # 21:30 in New York
    followups.run()
    assert followups.count(FollowupEnrollment) == 1
    assert texts(followups) == []
    assert followups.log("deferred") == [("step_1", "quiet hours")]
    with session_scope(followups.engine) as session:
        due = session.scalars(select(FollowupStep.due_at)).one()
    assert due == datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK)  # 08:00, not a minute early

    followups.clock.now = datetime(2026, 12, 8, 7, 59, tzinfo=NEW_YORK)
    followups.run()
    assert texts(followups) == []

    followups.clock.now = due
    followups.run()
    followups.run()
    [text] = texts(followups)
    assert text["response"] == "utter_followup_finish_form"
    assert text["resume"] == "budget" and text["to"] == ANN
    assert followups.log("sent") == [("step_1", None)]


def test_a_reply_ends_the_sequence(ann_left: Followups) -> None:
    followups = ann_left
    followups.clock.now = datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK)
    followups.run()
    followups.run()  # the enrolment round, then the step
    assert len(texts(followups)) == 1

    url, replied = str(followups.engine.url), datetime(2026, 12, 8, 8, 5, tzinfo=NEW_YORK)
    wrote(url, f"sms:{ANN}", replied, "around 20k", slot="budget")
    followups.clock.move(minutes=10)
    followups.run()
    ended = enrollment(followups)
    assert (ended.status, ended.exit_reason) == ("exited", "replied")
    assert ended.replied_at == replied and ended.resumed_at is not None
    assert [kind for kind in ("replied", "resumed") if followups.log(kind)] == [
        "replied",
        "resumed",
    ]

    followups.clock.move(days=2)
    followups.run()
    assert len(texts(followups)) == 1  # nothing more after the reply


def test_stop_ends_the_sequence_and_nothing_more_goes_out(ann_left: Followups) -> None:
    followups = ann_left
    followups.clock.now = datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK)
    followups.run()
    followups.run()
    assert len(texts(followups)) == 1
    record_keyword(
        ComplianceKeyword.STOP,
        phone=ANN,
        reply_text="STOP",
        message_id="SM-stop",
        conversation_id=f"sms:{ANN}",
        settings=get_settings(),
    )
    followups.clock.move(days=1, hours=1)
    followups.run()
    assert len(texts(followups)) == 1
    ended = enrollment(followups)
    assert (ended.status, ended.exit_reason) == ("exited", "opted_out")
    assert followups.log("skipped") == [("step_3", "suppressed")]
    assert len(followups.log("opted_out")) == 1


def test_without_sms_consent_nothing_is_sent_and_the_skip_is_recorded(
    followups: Followups,
) -> None:
    followups.write(FINISH_THE_FORM)
    left_the_form(str(followups.engine.url), f"sms:{ANN}", LEFT_AT, question="budget")
    followups.clock.now = datetime(2026, 12, 8, 9, 0, tzinfo=NEW_YORK)
    followups.run()
    followups.clock.move(days=1)
    followups.run()
    assert texts(followups) == []
    assert followups.log("skipped") == [("step_1", "no consent"), ("step_3", "no consent")]
    assert enrollment(followups).status == "completed"


def test_a_form_left_at_another_question_does_not_enter(followups: Followups) -> None:
    followups.write(FINISH_THE_FORM)
    subscribed(followups.engine, phone=ANN)
    left_the_form(str(followups.engine.url), f"sms:{ANN}", LEFT_AT, question="timeline")
    followups.clock.now = datetime(2026, 12, 8, 9, 0, tzinfo=NEW_YORK)
    followups.run()
    assert followups.count(FollowupEnrollment) == 0


def test_the_frequency_cap_defers_a_send_by_the_week(followups: Followups) -> None:
    followups.cap_per_week = 1
    followups.write(FINISH_THE_FORM.replace("wait: 1d", "wait: 1h"))
    subscribed(followups.engine, phone=ANN)
    left_the_form(str(followups.engine.url), f"sms:{ANN}", LEFT_AT, question="budget")
    first = datetime(2026, 12, 8, 9, 0, tzinfo=NEW_YORK)
    followups.clock.now = first
    followups.run()
    followups.clock.move(hours=2)
    followups.run()
    assert len(texts(followups)) == 1
    assert followups.log("deferred") == [("step_3", "frequency cap")]
    with session_scope(followups.engine) as session:
        due = session.scalar(select(FollowupStep.due_at).where(FollowupStep.status == "pending"))
    assert due == first + timedelta(days=7)
    followups.clock.now = first + timedelta(days=7)
    followups.run()
    assert len(texts(followups)) == 2


def _many_due(followups: Followups, count: int) -> None:
    followups.write(FINISH_THE_FORM)
    sequence = followups.runtime().sequences["finish_the_form"]
    numbers = [f"+1212555{index:04d}" for index in range(count)]
    for number in numbers:
        subscribed(followups.engine, phone=number)
    with session_scope(followups.engine) as session:
        for number in numbers:
            enrol(session, sequence, conversation_id=f"sms:{number}", now=followups.clock.now)


def test_two_workers_side_by_side_send_each_step_once(followups: Followups) -> None:
    followups.clock.now = datetime(2026, 12, 8, 10, 0, tzinfo=NEW_YORK)
    _many_due(followups, 60)
    first, second = (
        FollowupEngine(followups.engine, followups.runtime, batch_size=7, clock=followups.clock)
        for _ in range(2)
    )
    threads = [
        threading.Thread(target=lambda w=worker: [w.run_due_steps() for _ in range(20)])
        for worker in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = texts(followups)
    assert len(sent) == 60 and len({text["key"] for text in sent}) == 60
    assert len(followups.log("sent")) == 60


def test_a_worker_killed_mid_batch_leaves_its_steps_for_the_next(
    followups: Followups, monkeypatch: pytest.MonkeyPatch
) -> None:
    followups.clock.now = datetime(2026, 12, 8, 10, 0, tzinfo=NEW_YORK)
    _many_due(followups, 3)
    real = steps.hand_over
    handed: list[str] = []

    def hand_over_then_die(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        handed.append("one")
        if len(handed) == 2:
            raise KeyboardInterrupt  # the process is killed before the batch commits
        return result

    monkeypatch.setattr(steps, "hand_over", hand_over_then_die)
    with pytest.raises(KeyboardInterrupt):
        followups.worker.run_due_steps()
    assert texts(followups) == []
    monkeypatch.setattr(steps, "hand_over", real)
    followups.worker.run_due_steps()
    assert len(texts(followups)) == 3
    assert len(followups.log("sent")) == 3


def test_a_step_that_breaks_is_set_aside_and_the_others_go_out(
    followups: Followups, monkeypatch: pytest.MonkeyPatch
) -> None:
    followups.clock.now = datetime(2026, 12, 8, 10, 0, tzinfo=NEW_YORK)
    _many_due(followups, 3)
    real = steps.hand_over

    def breaks_for_one(*args: object, **kwargs: Any) -> object:
        if kwargs["to"].address == "+12125550001":
            raise ValueError("a response that cannot be rendered")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(steps, "hand_over", breaks_for_one)
    assert followups.worker.run_due_steps() == 3
    assert len(texts(followups)) == 2
    with session_scope(followups.engine) as session:
        firsts = select(FollowupStep.outcome).where(FollowupStep.step_id == "step_1")
        outcomes = sorted(session.scalars(firsts))
    assert outcomes == ["failed", "sent", "sent"]


def test_a_worker_without_the_sequence_leaves_its_steps_alone(followups: Followups) -> None:
    """A sequence taken out of the files sends nothing; its people carry on if it comes
    back (and a worker on an older copy of the files leaves newer sequences' steps be)."""
    followups.clock.now = datetime(2026, 12, 8, 10, 0, tzinfo=NEW_YORK)
    _many_due(followups, 2)
    followups.write(FINISH_THE_FORM.replace("finish_the_form", "another_sequence"))
    followups.run()
    assert texts(followups) == []
    with session_scope(followups.engine) as session:
        statuses = session.scalars(select(FollowupStep.status)).all()
    assert statuses == ["pending", "pending"]
    followups.write(FINISH_THE_FORM)
    followups.run()
    assert len(texts(followups)) == 2


def test_the_newest_quiet_conversations_come_first(followups: Followups) -> None:
    """Enrolment reads a bounded number of quiet conversations a round: the most recently
    quiet first, so a backlog of older ones never starves the new."""
    url = str(followups.engine.url)
    for minutes, number in ((0, "+12125550101"), (30, "+12125550102"), (60, "+12125550103")):
        left_the_form(url, f"sms:{number}", LEFT_AT + timedelta(minutes=minutes), question="budget")
    with session_scope(followups.engine) as session:
        activity = ConversationActivity(session.connection())
        latest = LEFT_AT + timedelta(hours=2)
        found = activity.quiet_between(latest - timedelta(days=2), latest, limit=2)
    assert found == ["sms:+12125550103", "sms:+12125550102"]
