"""Double opt-in by text: only a YES from the number the request went to grants, and a
number that texted STOP is never asked and cannot be granted by a YES. On both backends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.consent import Purpose
from bot.consent.keywords import ComplianceKeyword
from bot.crm import ConsentEvent, OutboxRow, session_scope
from bot.settings import get_settings
from channels.sms.compliance import confirm_by_text, record_keyword
from tests.security.visits import finish_form

OWNER, STRANGER = "+14155550100", "+14155550199"


def texted_yes(phone: str, message_id: str) -> bool:
    return confirm_by_text(phone=phone, reply_text="YES", message_id=message_id)


def sms_answers(engine: Engine) -> list[tuple[str, str, str | None]]:
    with session_scope(engine) as session:
        events = session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.purpose == Purpose.MARKETING_SMS.value)
            .order_by(ConsentEvent.id)
        )
        return [(e.answer, e.channel or "", e.message_id) for e in events]


def test_only_a_yes_from_that_number_grants_and_only_once(crm: Engine) -> None:
    with session_scope(crm) as session:
        finish_form(session, "web-1", phone=OWNER, consent=(Purpose.MARKETING_SMS,))
    assert not texted_yes(STRANGER, "SM-stranger")  # an ordinary "yes" for the bot
    assert sms_answers(crm) == [("pending", "webchat", "web-1-yes")]
    assert texted_yes(OWNER, "SM-owner")
    assert sms_answers(crm) == [
        ("pending", "webchat", "web-1-yes"),
        ("granted", "sms", "SM-owner"),
    ]
    assert not texted_yes(OWNER, "SM-owner-again")  # nothing open any more
    assert len(sms_answers(crm)) == 2


def test_a_number_that_texted_stop_is_not_asked_and_a_yes_does_not_resubscribe(
    crm: Engine,
) -> None:
    record_keyword(
        ComplianceKeyword.STOP,
        phone=OWNER,
        reply_text="STOP",
        message_id="SM-stop",
        conversation_id=f"sms:{OWNER}",
        settings=get_settings(),
    )
    with session_scope(crm) as session:
        finish_form(session, "web-1", phone=OWNER, consent=(Purpose.MARKETING_SMS,))
        asked = session.scalars(select(OutboxRow).where(OutboxRow.sink == "confirm_sms")).all()
        assert asked == []
    assert not texted_yes(OWNER, "SM-yes")
    assert [answer for answer, _, _ in sms_answers(crm)] == ["withdrawn", "pending"]
