"""Builders shared by the CRM store tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.consent.proof import ConsentAnswer, ConsentRecord, consent_record
from bot.consent.purposes import Purpose
from bot.crm import (
    Contact,
    Lead,
    save_lead,
)

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def lead_for(session: Session, contact: Contact, conversation_id: str, **changes: Any) -> Lead:
    fields: dict[str, Any] = {
        "channel": "web",
        "source": {"page_url": "https://acme.example/pricing", "utm_source": "ads"},
        "answers": {"email": "jane@acme.io", "budget": {"amount": 20000, "currency": "USD"}},
        "role": "manager",
        "authority": "influencer",
        "score": 55,
        "grade": "B",
        "score_breakdown": [{"rule": "budget", "points": 20}],
        "segments": ["mid_market"],
        "status": "new",
    }
    fields.update(changes)
    return save_lead(session, contact=contact, conversation_id=conversation_id, **fields)


def record(
    answer: ConsentAnswer,
    message_id: str | None,
    *,
    purpose: Purpose = Purpose.MARKETING_EMAIL,
    minutes: int = 0,
) -> ConsentRecord:
    return consent_record(
        purpose=purpose,
        answer=answer,
        wording="May we e-mail you about Parley? Reply yes or no.",
        notice_version="2026-11",
        reply_text="yes please",
        message_id=message_id,
        channel="web",
        conversation_id="conv-1",
        now=T0 + timedelta(minutes=minutes),
    )


# Contacts
