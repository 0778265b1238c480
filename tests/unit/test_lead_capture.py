"""A finished conversation becomes a scored, segmented lead with its consent proof."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.crm import (
    ConsentConfirmation,
    ConsentEvent,
    Lead,
    OutboxRow,
    Suppression,
    make_engine,
    session_scope,
    upgrade_to_head,
)
from bot.lead_capture import capture_lead, capture_opt_out

PEPPER = b"pepper"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    upgrade_to_head(url)
    with session_scope(make_engine(url)) as open_session:
        yield open_session


def proof(purpose: Purpose, answer: ConsentAnswer, message_id: str) -> Any:
    return consent_record(
        purpose=purpose,
        answer=answer,
        wording="May we send you marketing e-mails?",
        notice_version="2026-11",
        reply_text="yes please",
        message_id=message_id,
        channel="rest",
        conversation_id="c-1",
    )


QUALIFIED = {
    "name": "Priya Patel",
    "email": "priya@globex.com",
    "company": "Globex",
    "role": "VP marketing",
    "authority": "decision_maker",
    "company_size": {"low": 250, "high": 250, "unit": "people"},
    "use_case": "qualify inbound leads",
    "budget": {"low": 20000, "high": 30000, "unit": "USD"},
    "timeline": "1_3_months",
    "phone": "declined",
    "consent_email": "granted",
    "consent_records": [proof(Purpose.MARKETING_EMAIL, ConsentAnswer.GRANTED, "m-9")],
}


def capture(
    session: Session, slots: dict[str, Any], sinks: tuple[str, ...] = (), **signals: bool
) -> Lead | None:
    return capture_lead(
        session,
        slots=slots,
        conversation_id="c-1",
        channel="rest",
        signals={"asked_pricing": False, "asked_product": False, "handoff_requested": False}
        | signals,
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        pepper=PEPPER,
        sinks=sinks,
    )


def test_lead_is_scored_explained_segmented_and_proven(session: Session) -> None:
    lead = capture(session, QUALIFIED, asked_pricing=True)
    assert lead is not None
    assert lead.grade in ("A", "B")
    assert lead.status == "qualified"
    assert sum(part["points"] for part in lead.score_breakdown) == lead.score
    assert any("Budget" in part["reason"] for part in lead.score_breakdown)
    assert "ready_to_buy" in lead.segments
    # A typed address is a claim: the yes waits for its owner's confirmation.
    [event] = session.scalars(select(ConsentEvent)).all()
    assert (event.purpose, event.answer, event.granted) == ("marketing_email", "pending", False)
    assert event.message_id == "m-9" and event.wording == "May we send you marketing e-mails?"
    [request] = session.scalars(select(ConsentConfirmation)).all()
    assert (request.kind, request.identifier, request.conversation_id) == (
        "email",
        "priya@globex.com",
        "c-1",
    )


def test_capturing_twice_keeps_one_lead_and_one_proof(session: Session) -> None:
    first = capture(session, QUALIFIED)
    second = capture(session, QUALIFIED)
    assert first is not None and second is not None
    assert first.id == second.id and second.version == first.version
    assert len(session.scalars(select(ConsentEvent)).all()) == 1


def test_handoff_and_students(session: Session) -> None:
    handed = capture(session, QUALIFIED, handoff_requested=True)
    assert handed is not None and handed.status == "handed_off"
    student = dict(QUALIFIED, email="jo@uni.edu", role="student", authority="student")
    lead = capture_lead(
        session,
        slots=student,
        conversation_id="c-2",
        channel="rest",
        signals={},
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        pepper=PEPPER,
        sinks=bootstrap.sink_names(),
    )
    assert lead is not None and lead.status == "disqualified"
    assert "students" in lead.segments


def test_each_lead_version_is_queued_once_per_sink(session: Session) -> None:
    lead = capture(session, QUALIFIED, sinks=("webhook", "hubspot"))
    assert lead is not None
    rows = session.scalars(select(OutboxRow).order_by(OutboxRow.sink)).all()
    assert [(r.sink, r.lead_version, r.status) for r in rows] == [
        ("hubspot", 1, "pending"),
        ("webhook", 1, "pending"),
    ]
    payload = rows[0].payload
    assert payload["lead_id"] == lead.id and payload["version"] == 1
    assert payload["contact"]["email"] == "priya@globex.com"
    assert payload["consent"]["marketing_email"]["answer"] == "pending"
    assert payload["consent"]["marketing_email"]["granted"] is False
    assert payload["consent"]["marketing_sms"]["answer"] is None

    capture(session, QUALIFIED, sinks=("webhook", "hubspot"))  # unchanged: same version
    assert len(session.scalars(select(OutboxRow)).all()) == 2
    changed = capture(session, dict(QUALIFIED, company="Globex Corp"), sinks=("webhook",))
    assert changed is not None and changed.version == 2
    assert len(session.scalars(select(OutboxRow)).all()) == 3


def test_no_sinks_queue_nothing(session: Session) -> None:
    assert bootstrap.sink_names() == ()
    capture(session, QUALIFIED, sinks=bootstrap.sink_names())
    assert session.scalars(select(OutboxRow)).all() == []


def test_no_contact_details_no_lead(session: Session) -> None:
    assert capture(session, dict(QUALIFIED, email="unknown", phone="declined")) is None


def test_opt_out_suppresses_the_withdrawn_channel_only(session: Session) -> None:
    slots = {"email": "priya@globex.com", "phone": "+14155550132"}
    withdrawal = [proof(Purpose.MARKETING_SMS, ConsentAnswer.WITHDRAWN, "m-10")]
    assert capture_opt_out(
        session, slots=slots, conversation_id="c-1", records=withdrawal, pepper=PEPPER, sinks=[]
    )
    [entry] = session.scalars(select(Suppression)).all()
    assert entry.kind == "phone"
    assert "4155550132" not in entry.identifier_hash
    assert not capture_opt_out(
        session,
        slots={"email": None},
        conversation_id="c-2",
        records=withdrawal,
        pepper=PEPPER,
        sinks=[],
    )


def test_a_later_opt_out_resends_the_lead_with_the_withdrawal(session: Session) -> None:
    lead = capture(session, QUALIFIED, sinks=("webhook",))
    assert lead is not None
    withdrawal = [proof(Purpose.MARKETING_EMAIL, ConsentAnswer.WITHDRAWN, "m-11")]
    slots = {"email": QUALIFIED["email"]}
    assert capture_opt_out(
        session,
        slots=slots,
        conversation_id="c-1",
        records=withdrawal,
        pepper=PEPPER,
        sinks=["webhook"],
    )
    rows = session.scalars(select(OutboxRow).order_by(OutboxRow.lead_version)).all()
    assert [row.lead_version for row in rows] == [lead.version - 1, lead.version]
    assert rows[-1].payload["consent"]["marketing_email"]["answer"] == "withdrawn"
    # The same withdrawal delivered twice changes nothing more.
    capture_opt_out(
        session,
        slots=slots,
        conversation_id="c-1",
        records=withdrawal,
        pepper=PEPPER,
        sinks=["webhook"],
    )
    assert len(session.scalars(select(OutboxRow)).all()) == 2


def test_new_consent_on_an_unchanged_lead_is_a_new_version(session: Session) -> None:
    first = capture(session, dict(QUALIFIED, consent_records=[]), sinks=("webhook",))
    assert first is not None
    version = first.version
    again = capture(session, QUALIFIED, sinks=("webhook",))
    assert again is not None and again.version == version + 1
