"""Running one due step of one enrollment, inside the transaction that claimed it.

Each kind of step does its work and schedules the next step as a new row (or ends the
enrollment). A send asks the gate first (`bot.followups.gate`): a deferral moves the same
row to the allowed moment and records why; a skip records why and goes on; an opt-out
ends the enrollment. Everything a step changes, including the message it hands to its
channel, commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm import Lead
from bot.crm.followup_tables import FollowupEnrollment, FollowupLog, FollowupStep
from bot.crm.repository import bump_version, enqueue_message
from bot.crm.tables import Contact
from bot.delivery.payload import followup_notice
from bot.followups import gate
from bot.followups.activity import ConversationActivity
from bot.followups.dispatch import Variations, hand_over
from bot.followups.mail import FollowupMail
from bot.followups.recipients import Unreachable, contact_of, recipient
from bot.followups.send_window import next_weekday_time, recipient_zones
from bot.followups.workflows import (
    Branch,
    InSegment,
    Notify,
    Replied,
    Send,
    Sequence,
    Stop,
    Update,
    WaitFor,
    WaitUntil,
)
from bot.lead_delivery import queue_lead
from bot.scoring.facts import LeadFacts
from bot.scoring.score import Contribution, LeadScore

NOTIFY_SINK = "webhook"


@dataclass(frozen=True)
class Runtime:
    """The engine's collaborators, built once at start and handed to every step."""

    sequences: Mapping[str, Sequence]
    policy: gate.Policy
    mail: FollowupMail
    variations: Variations
    slots: Mapping[str, Any]  # what response texts may quote ({brand_name})
    lead_sinks: tuple[str, ...]
    grade_for: Callable[[int], str]
    # The tracker store's events as the step's transaction sees them (`session.connection()`
    # when the tracker store shares the CRM's database: SQLite has a single writer).
    activity: Callable[[Session], ConversationActivity]
    questions: tuple[str, ...]  # the lead form's, whose answers show a resumed form


def log(
    session: Session, enrollment: FollowupEnrollment, kind: str, *, at: datetime, **values: Any
) -> None:
    session.add(FollowupLog(sequence=enrollment.sequence, kind=kind, at=at, **values))


def end(
    session: Session, enrollment: FollowupEnrollment, *, now: datetime, reason: str | None
) -> None:
    """Ends the enrollment: completed (reason None) or exited for `reason` (replied,
    converted, opted_out, erased). A reply or conversion is logged when it is seen
    (`bot.followups.exits`), so only the others are logged here."""
    enrollment.status = "completed" if reason is None else "exited"
    enrollment.exit_reason = reason
    enrollment.ended_at = now
    if reason in (None, "opted_out", "erased"):
        log(session, enrollment, reason or "completed", at=now)


def _schedule(
    session: Session,
    enrollment: FollowupEnrollment,
    sequence: Sequence,
    index: int,
    *,
    due: datetime,
    now: datetime,
) -> None:
    """Adds the step at `index`, due at `due`; past the last step, the sequence is done."""
    if index >= len(sequence.steps):
        end(session, enrollment, now=now, reason=None)
        return
    session.add(
        FollowupStep(
            enrollment_id=enrollment.id,
            step_index=index,
            step_id=sequence.step_ids[index],
            status="pending",
            due_at=due,
            deferrals=0,
        )
    )


def _done(row: FollowupStep, outcome: str, now: datetime, reason: str | None = None) -> None:
    row.status, row.outcome, row.reason, row.done_at = "done", outcome, reason, now


def _lead(session: Session, enrollment: FollowupEnrollment) -> Lead | None:
    if enrollment.lead_id is not None:
        return session.get(Lead, enrollment.lead_id)
    return session.scalar(select(Lead).where(Lead.conversation_id == enrollment.conversation_id))


def _holds(session: Session, enrollment: FollowupEnrollment, when: Any, runtime: Runtime) -> bool:
    if isinstance(when, Replied):
        since = enrollment.last_sent_at or enrollment.entered_at
        wrote = runtime.activity(session).wrote_after({enrollment.conversation_id: since})
        return bool(wrote) == when.replied
    lead = _lead(session, enrollment)
    if lead is None:
        return False
    if isinstance(when, InSegment):
        return when.segment in (lead.segments or [])
    if not lead.facts:
        return False
    score = LeadScore(total=lead.score, grade=lead.grade, breakdown=[])
    return bool(when.holds(LeadFacts.from_dict(lead.facts), score))


def _send(
    session: Session,
    row: FollowupStep,
    enrollment: FollowupEnrollment,
    step: Send,
    runtime: Runtime,
    now: datetime,
) -> bool:
    """Returns whether the sequence goes on to the next step now."""
    verdict = gate.decide(session, enrollment, step.channel, now=now, policy=runtime.policy)
    at: dict[str, Any] = {"step_id": row.step_id, "channel": step.channel, "at": now}
    if verdict.action == "defer":
        row.due_at = verdict.until  # type: ignore[assignment]
        row.deferrals += 1
        log(session, enrollment, "deferred", reason=verdict.reason, **at)
        return False
    if verdict.action == "exit":
        _done(row, "skipped", now, verdict.reason)
        log(session, enrollment, "skipped", reason=verdict.reason, **at)
        end(session, enrollment, now=now, reason="opted_out")
        return False
    if verdict.action == "skip" or verdict.to is None:
        _done(row, "skipped", now, verdict.reason)
        log(session, enrollment, "skipped", reason=verdict.reason, **at)
        return True
    if step.channel == "email" and not runtime.mail.postal_address:
        _done(row, "skipped", now, "no postal address configured (PARLEY_POSTAL_ADDRESS)")
        log(session, enrollment, "skipped", reason="no postal address configured", **at)
        return True
    handed = hand_over(
        session,
        enrollment,
        step_id=row.step_id,
        send=step,
        to=verdict.to,
        mail=runtime.mail,
        variations=runtime.variations,
        slots=runtime.slots,
    )
    _done(row, "sent", now)
    enrollment.last_sent_at = now
    log(
        session,
        enrollment,
        "sent",
        variant=handed.variant,
        recipient_hash=verdict.recipient_hash,
        **at,
    )
    return True


def _update(
    session: Session, enrollment: FollowupEnrollment, step: Update, runtime: Runtime
) -> str | None:
    """Applies the update to the lead; the reason it could not, if it could not."""
    lead = _lead(session, enrollment)
    if lead is None:
        return "no lead"
    if step.score is not None:
        total = max(0, min(100, lead.score + step.score))
        reason = f"Follow-up sequence {enrollment.sequence} adjusted the score"
        change = Contribution(f"followup.{enrollment.sequence}", total - lead.score, reason)
        lead.score_breakdown = [*lead.score_breakdown, change.as_dict()]
        lead.score, lead.grade = total, runtime.grade_for(total)
    if step.status is not None:
        lead.status = step.status
    bump_version(session, lead=lead)
    contact = session.get(Contact, lead.contact_id)
    if contact is not None:
        queue_lead(session, lead, contact, runtime.lead_sinks)
    return None


def _notify(
    session: Session,
    enrollment: FollowupEnrollment,
    step: Notify,
    row: FollowupStep,
    runtime: Runtime,
    now: datetime,
) -> str | None:
    """Queues a signed `followup.notice` for the webhook; the reason it could not, if not."""
    if NOTIFY_SINK not in runtime.lead_sinks:
        return "no webhook configured to notify"
    lead = _lead(session, enrollment)
    payload = followup_notice(
        sequence=enrollment.sequence,
        step=row.step_id,
        message=step.message,
        conversation_id=enrollment.conversation_id,
        lead_id=lead.id if lead else None,
        at=now,
    )
    contact = contact_of(session, enrollment)
    key = f"followup:{enrollment.id}:{row.step_id}"
    enqueue_message(session, sink=NOTIFY_SINK, key=key, payload=payload, contact=contact)
    return None


def _zone_of(session: Session, enrollment: FollowupEnrollment, runtime: Runtime) -> Any:
    phone = None
    for channel in ("sms", "email"):
        try:
            phone = recipient(session, enrollment, channel).phone
        except Unreachable:
            continue
        if phone:
            break
    return recipient_zones(phone, fallback=runtime.policy.fallback_zone)[0]


def run_step(session: Session, row: FollowupStep, runtime: Runtime, *, now: datetime) -> None:
    enrollment = session.get(FollowupEnrollment, row.enrollment_id)
    if enrollment is None:
        return
    sequence = runtime.sequences.get(enrollment.sequence)
    if enrollment.status != "active":
        _done(row, "cancelled", now, f"enrollment {enrollment.status}")
        return
    if sequence is None or row.step_index >= len(sequence.steps):
        # The sequence was edited and lost this step: it ends here.
        _done(row, "cancelled", now, "the sequence or step no longer exists")
        end(session, enrollment, now=now, reason=None)
        return
    step, index = sequence.steps[row.step_index], row.step_index
    if isinstance(step, WaitFor):
        _done(row, "waited", now)
        _schedule(session, enrollment, sequence, index + 1, due=now + step.duration, now=now)
    elif isinstance(step, WaitUntil):
        zone = _zone_of(session, enrollment, runtime)
        _done(row, "waited", now)
        due = next_weekday_time(now, zone=zone, weekdays=step.weekdays, at=step.at)
        _schedule(session, enrollment, sequence, index + 1, due=due, now=now)
    elif isinstance(step, Send):
        if _send(session, row, enrollment, step, runtime, now):
            _schedule(session, enrollment, sequence, index + 1, due=now, now=now)
    elif isinstance(step, Branch):
        taken = _holds(session, enrollment, step.when, runtime)
        _done(row, "branched" if taken else "continued", now)
        if taken and step.goto == "stop":
            end(session, enrollment, now=now, reason=None)
        else:
            target = sequence.index_of(step.goto) if taken else index + 1
            _schedule(session, enrollment, sequence, target, due=now, now=now)
    elif isinstance(step, (Update, Notify)):
        if isinstance(step, Update):
            why, outcome = _update(session, enrollment, step, runtime), "updated"
        else:
            why, outcome = _notify(session, enrollment, step, row, runtime, now), "notified"
        _done(row, "skipped" if why else outcome, now, why)
        if why:
            log(session, enrollment, "skipped", at=now, step_id=row.step_id, reason=why)
        _schedule(session, enrollment, sequence, index + 1, due=now, now=now)
    elif isinstance(step, Stop):
        _done(row, "stopped", now)
        end(session, enrollment, now=now, reason=None)
