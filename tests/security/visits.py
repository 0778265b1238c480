"""A finished chat as the wrap-up action writes it to the CRM, for the attacks."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.lead_capture import capture_lead

SINKS = ("webhook",)


def said_yes(purposes: tuple[Purpose, ...], conversation_id: str, message_id: str) -> list[Any]:
    return [
        consent_record(
            purpose=purpose,
            answer=ConsentAnswer.GRANTED,
            wording="May we send you marketing?",
            notice_version="2026-11",
            reply_text="yes",
            message_id=message_id,
            channel=conversation_id.split(":")[0] if ":" in conversation_id else "webchat",
            conversation_id=conversation_id,
        )
        for purpose in purposes
    ]


def finish_form(session: Session, conversation_id: str, **answers: Any) -> None:
    """What the wrap-up action does with a finished conversation."""
    purposes = answers.pop("consent", ())
    slots = {
        "email": "declined",
        "phone": "declined",
        **answers,
        "consent_records": said_yes(purposes, conversation_id, f"{conversation_id}-yes"),
    }
    capture_lead(
        session,
        slots=slots,
        conversation_id=conversation_id,
        channel="sms" if conversation_id.startswith("sms:") else "webchat",
        signals={},
        rules=bootstrap.scoring_rules(),
        segments=bootstrap.segments(),
        pepper=bootstrap.suppression_pepper(),
        sinks=SINKS,
        confirmations=bootstrap.confirmation_requests(),
    )
