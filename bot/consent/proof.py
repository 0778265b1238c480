"""The proof kept with every consent answer: who, what purpose, which words, when.

A record is plain JSON so it can live in the conversation tracker and, unchanged, in the
CRM's append-only consent ledger.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import TypedDict

from bot.consent.purposes import Purpose


class ConsentAnswer(str, Enum):
    GRANTED = "granted"
    DENIED = "denied"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"
    # A yes for an identifier the conversation did not prove: it counts once its owner
    # confirms (bot.double_opt_in), and that confirmation is recorded as the grant.
    PENDING = "pending"


class ConsentRecord(TypedDict):
    purpose: str
    answer: str
    granted: bool
    wording: str | None
    notice_version: str
    reply_text: str
    message_id: str | None
    channel: str | None
    conversation_id: str
    recorded_at: str


def consent_record(
    *,
    purpose: Purpose,
    answer: ConsentAnswer,
    wording: str | None,
    notice_version: str,
    reply_text: str,
    message_id: str | None,
    channel: str | None,
    conversation_id: str,
    now: datetime | None = None,
) -> ConsentRecord:
    """One consent answer with its proof; `granted` is true only for an explicit yes."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return ConsentRecord(
        purpose=purpose.value,
        answer=answer.value,
        granted=answer is ConsentAnswer.GRANTED,
        wording=wording,
        notice_version=notice_version,
        reply_text=reply_text,
        message_id=message_id,
        channel=channel,
        conversation_id=conversation_id,
        recorded_at=moment.isoformat(timespec="seconds"),
    )
