"""Who enters a sequence: each trigger as a query, each person once per sequence.

    form_left           the conversation went quiet with the lead form open (at a given
                        question, or any) for `after`
    no_reply            the conversation went quiet for `after`
    lead_segment/grade  a lead in the segment, or with the grade, untouched for `after`
    handoff_unanswered  a lead handed off `after` ago and still waiting (status unchanged)
    outcome             a won or lost outcome imported `after` ago

Quiet conversations are looked for in a span (`after` to `after` + `SCAN_SPAN` ago), so
a round reads only recent conversations; an enrollment is unique per sequence and
conversation, so a round that runs twice enrols nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import Lead
from bot.crm.database import insert_once
from bot.crm.followup_tables import FollowupEnrollment, FollowupLog, FollowupStep
from bot.crm.outcomes import LeadOutcome
from bot.crm.queries import in_segment
from bot.followups.activity import ConversationActivity
from bot.followups.workflows import Sequence, Trigger

SCAN_SPAN = timedelta(days=2)
SCAN_LIMIT = 500


def _enrolled(sequence: str) -> object:
    return select(FollowupEnrollment.conversation_id).where(FollowupEnrollment.sequence == sequence)


def _leads(session: Session, sequence: Sequence, now: datetime) -> list[Lead]:
    trigger, leads = sequence.trigger, Lead.__table__.c
    quiet = leads.updated_at <= now - trigger.after
    if trigger.kind == "lead_segment":
        where = [in_segment(str(trigger.value)), quiet]
    elif trigger.kind == "lead_grade":
        where = [leads.grade == trigger.value, quiet]
    elif trigger.kind == "handoff_unanswered":
        where = [leads.status == "handed_off", quiet]
    else:  # outcome
        outcomes = LeadOutcome.__table__.c
        decided = select(outcomes.lead_id).where(
            outcomes.outcome == trigger.value, outcomes.recorded_at <= now - trigger.after
        )
        where = [leads.id.in_(decided)]
    query = (
        select(Lead)
        .where(*where, leads.conversation_id.not_in(_enrolled(sequence.name)))
        .order_by(leads.updated_at)
        .limit(SCAN_LIMIT)
    )
    return list(session.scalars(query))


def _quiet(
    session: Session, activity: ConversationActivity, sequence: Sequence, now: datetime
) -> dict[str, str | None]:
    """Conversations that went quiet as the trigger says, with the question they left
    the form at (form_left) or None."""
    trigger = sequence.trigger
    latest = now - trigger.after
    candidates = activity.quiet_between(latest - SCAN_SPAN, latest, limit=SCAN_LIMIT)
    taken = set(
        session.scalars(
            select(FollowupEnrollment.conversation_id).where(
                FollowupEnrollment.sequence == sequence.name,
                FollowupEnrollment.__table__.c.conversation_id.in_(candidates),
            )
        )
    )
    fresh = [c for c in candidates if c not in taken]
    if trigger.kind == "no_reply":
        return dict.fromkeys(fresh)
    leads = Lead.__table__.c
    with_lead = set(
        session.scalars(select(leads.conversation_id).where(leads.conversation_id.in_(fresh)))
    )
    stopped = activity.stopped_in_form([c for c in fresh if c not in with_lead])
    return {
        conversation: question
        for conversation, question in stopped.items()
        if trigger.value is None or question == trigger.value
    }


def enrol(
    session: Session,
    sequence: Sequence,
    *,
    conversation_id: str,
    now: datetime,
    contact_id: str | None = None,
    lead_id: str | None = None,
    stopped_at: str | None = None,
) -> bool:
    """Puts the conversation in the sequence with its first step due now; False if it
    was in it already."""
    enrollment = FollowupEnrollment(
        sequence=sequence.name,
        conversation_id=conversation_id,
        contact_id=contact_id,
        lead_id=lead_id,
        stopped_at=stopped_at,
        status="active",
        entered_at=now,
    )
    found = select(FollowupEnrollment.id).where(
        FollowupEnrollment.sequence == sequence.name,
        FollowupEnrollment.conversation_id == conversation_id,
    )
    if not insert_once(session, enrollment, found):
        return False
    session.add(
        FollowupStep(
            enrollment_id=enrollment.id,
            step_index=0,
            step_id=sequence.step_ids[0],
            status="pending",
            due_at=now,
            deferrals=0,
        )
    )
    session.add(FollowupLog(sequence=sequence.name, kind="entered", at=now))
    session.flush()
    return True


def enrol_due(
    session: Session,
    sequences: Iterable[Sequence],
    *,
    activity: ConversationActivity,
    now: datetime,
) -> int:
    """Enrols everyone whose trigger fired; returns how many entered a sequence."""
    entered = 0
    for sequence in sequences:
        if _by_conversation(sequence.trigger):
            for conversation_id, question in _quiet(session, activity, sequence, now).items():
                entered += enrol(
                    session, sequence, conversation_id=conversation_id, now=now, stopped_at=question
                )
        else:
            for lead in _leads(session, sequence, now):
                entered += enrol(
                    session,
                    sequence,
                    conversation_id=lead.conversation_id,
                    now=now,
                    contact_id=lead.contact_id,
                    lead_id=lead.id,
                )
    return entered


def _by_conversation(trigger: Trigger) -> bool:
    return trigger.kind in ("form_left", "no_reply")
