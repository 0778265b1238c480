"""The JSON document every sink receives for one lead version (the outbox row's payload).

Built from the rows just written, in the same transaction, so a sink sees the lead, its
contact and its consent exactly as they were when this version was saved. Pure: no
session, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict

from bot.consent.purposes import Purpose
from bot.crm.tables import ConsentEvent, Contact, Lead


class ContactDetails(TypedDict):
    id: str
    name: str | None
    email: str | None
    phone: str | None
    company: str | None


class ConsentState(TypedDict):
    """The latest answer for one purpose; `answer` None when it was never asked."""

    answer: str | None
    granted: bool
    recorded_at: str | None
    notice_version: str | None


class LeadPayload(TypedDict):
    lead_id: str
    version: int
    conversation_id: str
    channel: str
    contact: ContactDetails
    answers: dict[str, Any]
    role: str | None
    authority: str | None
    score: int
    grade: str
    breakdown: list[Any]
    segments: list[str]
    status: str
    consent: dict[str, ConsentState]
    created_at: str
    updated_at: str


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def consent_state(event: ConsentEvent | None) -> ConsentState:
    if event is None:
        return ConsentState(answer=None, granted=False, recorded_at=None, notice_version=None)
    return ConsentState(
        answer=event.answer,
        granted=event.granted,
        recorded_at=_iso(event.recorded_at),
        notice_version=event.notice_version,
    )


def lead_payload(
    lead: Lead, *, contact: Contact, consent: Mapping[str, ConsentEvent]
) -> LeadPayload:
    """The payload for this lead version; `consent` maps purpose to its latest event."""
    return LeadPayload(
        lead_id=lead.id,
        version=lead.version,
        conversation_id=lead.conversation_id,
        channel=lead.channel,
        contact=ContactDetails(
            id=contact.id,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            company=contact.company,
        ),
        answers=dict(lead.answers),
        role=lead.role,
        authority=lead.authority,
        score=lead.score,
        grade=lead.grade,
        breakdown=list(lead.score_breakdown),
        segments=list(lead.segments),
        status=lead.status,
        # Every purpose, asked or not, so a CRM never reads a missing key as consent.
        consent={purpose.value: consent_state(consent.get(purpose.value)) for purpose in Purpose},
        created_at=lead.created_at.isoformat(),
        updated_at=lead.updated_at.isoformat(),
    )


# An erasure the sinks that hold the person must carry out too (`bot.crm.subjects`).
SUBJECT_ERASED = "subject.erased"


def erasure_payload(
    *, identifiers: Sequence[tuple[str, str]], lead_ids: Sequence[str], erased_at: datetime
) -> dict[str, Any]:
    """What a sink needs to find the person: their e-mail and phone, and the ids of the
    leads it was sent. Kept only until delivered (`redacted`)."""
    return {
        "type": SUBJECT_ERASED,
        "erased_at": erased_at.isoformat(),
        "identifiers": [{"kind": kind, "value": value} for kind, value in identifiers],
        "lead_ids": sorted(lead_ids),
    }


def is_erasure(payload: Mapping[str, Any]) -> bool:
    return payload.get("type") == SUBJECT_ERASED


def redacted(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An erasure notice once delivered: that it went out, not whom it was about."""
    return {"type": SUBJECT_ERASED, "erased_at": payload.get("erased_at"), "redacted": True}


FOLLOWUP_NOTICE = "followup.notice"


def followup_notice(
    *,
    sequence: str,
    step: str,
    message: str,
    conversation_id: str,
    lead_id: str | None,
    at: datetime,
) -> dict[str, Any]:
    """A follow-up sequence's `notify` step: the team should look at this conversation."""
    return {
        "type": FOLLOWUP_NOTICE,
        "at": at.isoformat(),
        "sequence": sequence,
        "step": step,
        "message": message,
        "conversation_id": conversation_id,
        "lead_id": lead_id,
    }


def is_followup_notice(payload: Mapping[str, Any]) -> bool:
    return payload.get("type") == FOLLOWUP_NOTICE


HANDOFF_REQUESTED = "handoff.requested"


def handoff_requested(
    *,
    handoff_id: str,
    conversation_id: str,
    channel: str,
    reason: str,
    routed_to: str | None,
    lead_id: str | None,
    at: datetime,
) -> dict[str, Any]:
    """A conversation waits for a rep in the console's inbox (`bot.handoff`)."""
    return {
        "type": HANDOFF_REQUESTED,
        "at": at.isoformat(),
        "handoff_id": handoff_id,
        "conversation_id": conversation_id,
        "channel": channel,
        "reason": reason,
        "routed_to": routed_to,
        "lead_id": lead_id,
    }


def is_team_notice(payload: Mapping[str, Any]) -> bool:
    """A notice for the team (a follow-up's `notify` step, a handoff request), not a lead."""
    return payload.get("type") in (FOLLOWUP_NOTICE, HANDOFF_REQUESTED)
