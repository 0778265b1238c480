"""Noticing what people do after a follow-up: they reply, go on with the form, convert.

Each round looks at the enrollments that can still change: a reply after the last message
sent (the sequence ends if it lists `replied`; the reply itself went to the bot as any
message), an answer to one of the form's questions after that reply (the form resumed),
and a lead captured, or won, after the person entered (converted). Each is logged once,
for the console's counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import Lead
from bot.crm.followup_tables import FollowupEnrollment
from bot.crm.outcomes import LeadOutcome
from bot.followups.steps import Runtime, end, log

WATCHED_FOR = timedelta(days=30)  # conversions are counted this long after entering
BATCH = 500


def _exits_on(runtime: Runtime, enrollment: FollowupEnrollment, reason: str) -> bool:
    sequence = runtime.sequences.get(enrollment.sequence)
    return enrollment.status == "active" and sequence is not None and reason in sequence.exit_when


def _replies(session: Session, runtime: Runtime, now: datetime) -> None:
    column = FollowupEnrollment.__table__.c
    waiting = session.scalars(
        select(FollowupEnrollment)
        .where(column.last_sent_at.is_not(None), column.replied_at.is_(None))
        .where(column.entered_at > now - WATCHED_FOR)
        .limit(BATCH)
    ).all()
    since = {e.conversation_id: e.last_sent_at for e in waiting if e.last_sent_at}
    wrote = runtime.activity(session).wrote_after(since)
    for enrollment in waiting:
        replied_at = wrote.get(enrollment.conversation_id)
        if replied_at is None:
            continue
        enrollment.replied_at = replied_at
        log(session, enrollment, "replied", at=now)
        if _exits_on(runtime, enrollment, "replied"):
            end(session, enrollment, now=now, reason="replied")


def _resumed(session: Session, runtime: Runtime, now: datetime) -> None:
    column = FollowupEnrollment.__table__.c
    replied = session.scalars(
        select(FollowupEnrollment)
        .where(column.replied_at.is_not(None), column.resumed_at.is_(None))
        .where(column.stopped_at.is_not(None), column.entered_at > now - WATCHED_FOR)
        .limit(BATCH)
    ).all()
    since = {e.conversation_id: e.replied_at for e in replied if e.replied_at}
    answered = runtime.activity(session).answered_after(since, runtime.questions)
    for enrollment in replied:
        if enrollment.conversation_id in answered:
            enrollment.resumed_at = now
            log(session, enrollment, "resumed", at=now)


def _converted(session: Session, runtime: Runtime, now: datetime) -> None:
    """A lead captured in the conversation after it entered (for sequences that began
    before there was a lead), or the lead won after it entered (for those about a lead)."""
    column, leads = FollowupEnrollment.__table__.c, Lead.__table__.c
    outcomes = LeadOutcome.__table__.c
    open_ = (column.converted_at.is_(None), column.entered_at > now - WATCHED_FOR)
    captured = (
        select(FollowupEnrollment)
        .join(Lead, leads.conversation_id == column.conversation_id)
        .where(*open_, column.lead_id.is_(None), leads.created_at >= column.entered_at)
    )
    won = (
        select(FollowupEnrollment)
        .join(LeadOutcome, outcomes.lead_id == column.lead_id)
        .where(*open_, outcomes.outcome == "won", outcomes.recorded_at >= column.entered_at)
    )
    for query in (captured, won):
        for enrollment in session.scalars(query.limit(BATCH)).all():
            enrollment.converted_at = now
            log(session, enrollment, "converted", at=now)
            if _exits_on(runtime, enrollment, "converted"):
                end(session, enrollment, now=now, reason="converted")


def watch(session: Session, runtime: Runtime, *, now: datetime) -> None:
    _replies(session, runtime, now)
    _resumed(session, runtime, now)
    _converted(session, runtime, now)
