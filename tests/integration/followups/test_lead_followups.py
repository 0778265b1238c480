"""Sequences about leads, on SQLite and PostgreSQL: a lead of a grade enters after the wait,
branches on its answers, has its score and status updated (the sinks get the new version,
its breakdown says why) and the team is told through the signed webhook; a won outcome
converts it; an erased person leaves every sequence and the counts keep only "erased"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.crm import Lead, LeadOutcome, OutboxRow, record_outcome, session_scope
from bot.crm.followup_tables import FollowupEnrollment
from bot.delivery.webhook import envelope
from tests.integration.followups.conftest import Followups
from tests.security.visits import finish_form

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 8, 15, 0, tzinfo=timezone.utc)
WORKFLOW = """
version: 1
sequences:
  - name: cool_down
    trigger:
      lead_grade: {grade: C, after: 1d}
    exit_when: [converted]
    steps:
      - branch:
          when: {field: company_size.low, op: gte, value: 200}
          goto: tell_sales
      - update: {score: -5, status: nurture}
      - wait: 2d
      - notify: {message: "Cooled down; worth a call?"}
        id: tell_sales
"""


def captured(followups: Followups, conversation_id: str, *, size: dict[str, object]) -> str:
    with session_scope(followups.engine) as session:
        finish_form(session, conversation_id, company_size=size, email="kim@harbor.example")
        lead = session.scalars(select(Lead).where(Lead.conversation_id == conversation_id)).one()
        lead.grade, lead.score = "C", 30
        lead_id = lead.id
    with session_scope(followups.engine) as session:  # untouched for two days
        session.execute(
            update(Lead).where(Lead.id == lead_id).values(updated_at=NOW - timedelta(days=2))
        )
    return lead_id


def webhook_rows(followups: Followups) -> list[OutboxRow]:
    with session_scope(followups.engine) as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.sink == "webhook").order_by(OutboxRow.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_a_small_lead_is_cooled_down_and_the_team_told_later(followups: Followups) -> None:
    followups.sinks = ("webhook",)
    followups.write(WORKFLOW)
    lead_id = captured(followups, "web-kim", size={"low": 12, "high": 12, "unit": "people"})
    versions_before = len(webhook_rows(followups))
    followups.clock.now = NOW
    followups.run()
    followups.run()
    with session_scope(followups.engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        assert (lead.score, lead.status) == (25, "nurture")
        assert lead.score_breakdown[-1]["rule"] == "followup.cool_down"
        assert lead.score_breakdown[-1]["points"] == -5
    rows = webhook_rows(followups)
    assert len(rows) == versions_before + 1  # the new version, for the CRM
    assert rows[-1].payload["status"] == "nurture"

    followups.clock.move(days=2)
    followups.run()
    notice = webhook_rows(followups)[-1]
    body = envelope(notice.payload)
    assert body["type"] == "followup.notice"
    assert body["data"]["message"] == "Cooled down; worth a call?"
    assert body["data"]["lead_id"] == lead_id and body["data"]["step"] == "tell_sales"


def test_a_big_lead_goes_straight_to_the_team(followups: Followups) -> None:
    followups.sinks = ("webhook",)
    followups.write(WORKFLOW)
    lead_id = captured(followups, "web-kim", size={"low": 500, "high": 500, "unit": "people"})
    followups.clock.now = NOW
    followups.run()
    followups.run()
    with session_scope(followups.engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None and lead.score == 30  # the update was jumped over
    assert envelope(webhook_rows(followups)[-1].payload)["type"] == "followup.notice"
    assert followups.log("completed")


def test_without_a_webhook_the_notice_is_skipped_with_its_reason(followups: Followups) -> None:
    followups.write(WORKFLOW)
    captured(followups, "web-kim", size={"low": 500, "high": 500, "unit": "people"})
    followups.clock.now = NOW
    followups.run()
    followups.run()
    assert followups.log("skipped") == [("tell_sales", "no webhook configured to notify")]


def test_a_won_lead_converts_and_leaves(followups: Followups) -> None:
    followups.write(WORKFLOW)
    lead_id = captured(followups, "web-kim", size={"low": 12, "high": 12, "unit": "people"})
    followups.clock.now = NOW
    followups.run()
    with session_scope(followups.engine) as session:
        record_outcome(session, lead_id=lead_id, outcome="won", source="hubspot", actor="sync")
        session.execute(update(LeadOutcome).values(recorded_at=NOW + timedelta(minutes=30)))
    followups.clock.move(hours=1)
    followups.run()
    with session_scope(followups.engine) as session:
        enrollment = session.scalars(select(FollowupEnrollment)).one()
        assert (enrollment.status, enrollment.exit_reason) == ("exited", "converted")
    assert len(followups.log("converted")) == 1
