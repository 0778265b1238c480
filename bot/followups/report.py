"""What the follow-up sequences did in a period, per sequence and per step, from the log.

Per sequence: how many people entered, were sent a message, replied, went on with the
form, converted, opted out or were erased, and how many finished. Per step: messages
sent, and sends deferred (quiet hours, frequency cap) or skipped (no consent, an address
nobody confirmed …) with each reason counted. Variants of a step's message are reported
by the A/B statistics, as every experiment is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crm.followup_tables import FollowupLog
from bot.followups.workflows import (
    Branch,
    InSegment,
    Notify,
    Replied,
    Send,
    Sequence,
    Step,
    Update,
    WaitFor,
    WaitUntil,
)

OUTCOMES = (
    "entered",
    "sent",
    "replied",
    "resumed",
    "converted",
    "opted_out",
    "erased",
    "completed",
)


@dataclass
class StepRow:
    step_id: str
    does: str  # `describe`: "send by sms: utter_…", "wait 1 day", …
    sent: int = 0
    deferred: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class SequenceRow:
    name: str
    description: str
    counts: Counter[str]
    steps: list[StepRow]


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    for unit, size in (("week", 10080), ("day", 1440), ("hour", 60)):
        if minutes and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{minutes} minutes"


def _condition(when: object) -> str:
    if isinstance(when, Replied):
        return "they replied" if when.replied else "no reply"
    if isinstance(when, InSegment):
        return f"in segment {when.segment}"
    return "the lead matches the condition"


def describe(step: Step) -> str:
    """A step in a few words, for the console."""
    if isinstance(step, Send):
        return f"send by {step.channel}: {step.response}"
    if isinstance(step, WaitFor):
        return f"wait {_span(step.duration)}"
    if isinstance(step, WaitUntil):
        days = ", ".join(DAYS[day] for day in sorted(step.weekdays))
        return f"wait until {days} {step.at.strftime('%H:%M')}"
    if isinstance(step, Branch):
        target = "stop" if step.goto == "stop" else f"go to {step.goto}"
        return f"if {_condition(step.when)}: {target}"
    if isinstance(step, Update):
        changes = [f"score {step.score:+d}"] if step.score is not None else []
        changes += [f"status {step.status}"] if step.status else []
        return "update " + ", ".join(changes)
    if isinstance(step, Notify):
        return "notify the team"
    return "stop"


def followup_report(
    session: Session, sequences: Iterable[Sequence], *, start: datetime, end: datetime
) -> list[SequenceRow]:
    """Each sequence defined now, with what its log holds for [start, end)."""
    column = FollowupLog.__table__.c
    rows = session.execute(
        select(column.sequence, column.step_id, column.kind, column.reason, func.count())
        .where(column.at >= start, column.at < end)
        .group_by(column.sequence, column.step_id, column.kind, column.reason)
    ).all()
    report = []
    for sequence in sequences:
        steps = {
            step_id: StepRow(step_id, describe(step))
            for step_id, step in zip(sequence.step_ids, sequence.steps, strict=True)
        }
        counts: Counter[str] = Counter()
        for name, step_id, kind, reason, count in rows:
            if name != sequence.name:
                continue
            counts[kind] += count
            row = steps.get(step_id or "")
            if row is None:
                continue
            if kind == "sent":
                row.sent += count
            elif kind in ("deferred", "skipped"):
                getattr(row, kind)[reason or "unknown"] += count
        report.append(
            SequenceRow(sequence.name, sequence.description, counts, list(steps.values()))
        )
    return report
