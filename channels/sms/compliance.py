"""Carrier keywords, answered before NLU: STOP (and its synonyms), START, HELP.

A YES answering a double opt-in request ("reply YES to confirm") confirms it.

STOP puts the number on the suppression list with a withdrawal of SMS marketing consent
as proof, START takes it off again (a grant, with proof), HELP says who is texting, why,
and how to stop. Each gets exactly one reply, which carries no marketing.
"""

from __future__ import annotations

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose, consent_record
from bot.consent.keywords import ComplianceKeyword
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.identity import contact_identifiers
from bot.double_opt_in import Outcome, confirm, open_confirmations
from bot.handoff.queue import end_for
from bot.lead_capture import capture_opt_out, capture_resubscribe
from bot.settings import Settings


def keyword_reply(keyword: ComplianceKeyword, settings: Settings) -> str:
    brand = settings.brand_name
    if keyword is ComplianceKeyword.STOP:
        return (
            f"You're unsubscribed from {brand} text messages and won't get any more. "
            "Reply START to resubscribe."
        )
    if keyword is ComplianceKeyword.START:
        return f"You're resubscribed to {brand} text messages. Reply HELP for help, STOP to stop."
    return (
        f"{brand}: we text about your enquiry and, if you agreed, our news and offers. "
        f"Reply STOP to unsubscribe, START to resubscribe. Privacy: {settings.privacy_notice}"
    )


def record_keyword(
    keyword: ComplianceKeyword,
    *,
    phone: str,
    reply_text: str,
    message_id: str,
    conversation_id: str,
    settings: Settings,
) -> None:
    """Writes what STOP or START changes to the CRM, in one transaction (HELP changes
    nothing); STOP also ends a handoff to a sales rep."""
    if keyword is ComplianceKeyword.HELP:
        return
    stopping = keyword is ComplianceKeyword.STOP
    record = consent_record(
        purpose=Purpose.MARKETING_SMS,
        answer=ConsentAnswer.WITHDRAWN if stopping else ConsentAnswer.GRANTED,
        # A withdrawal needs no wording; a START answers the STOP reply's invitation.
        wording=None if stopping else keyword_reply(ComplianceKeyword.STOP, settings),
        notice_version=settings.privacy_notice_version,
        reply_text=reply_text,
        message_id=message_id,
        channel="sms",
        conversation_id=conversation_id,
    )
    pepper, sinks = bootstrap.suppression_pepper(), bootstrap.sink_names()
    with session_scope(bootstrap.crm_engine()) as session:
        if stopping:
            # A rep may text them no more than the bot may: a handoff under way ends.
            end_for(session, conversation_id, reason="opted_out", now=utcnow())
            capture_opt_out(
                session,
                slots={"phone": phone},
                conversation_id=conversation_id,
                records=[record],
                pepper=pepper,
                sinks=sinks,
            )
        else:
            capture_resubscribe(session, phone=phone, record=record, pepper=pepper, sinks=sinks)


def confirm_by_text(*, phone: str, reply_text: str, message_id: str) -> bool:
    """A YES from the number a double opt-in request was texted to confirms every open
    request for it; False when none was confirmed (none open, or the number texted STOP
    since: START resubscribes), and the YES is then an ordinary answer for the bot."""
    number = contact_identifiers(email=None, phone=phone, telegram_user_id=None)["phone"]
    requests, now = bootstrap.confirmation_requests(), utcnow()
    with session_scope(bootstrap.crm_engine()) as session:
        waiting = open_confirmations(session, kind="phone", identifier=str(number), now=now)
        outcomes = [
            confirm(
                session,
                confirmation_id,
                reply_text=reply_text,
                message_id=message_id,
                channel="sms",
                wording=requests.sms_text(),
                notice_version=requests.notice_version,
                pepper=bootstrap.suppression_pepper(),
                sinks=bootstrap.sink_names(),
                now=now,
                kind="phone",
            )
            for confirmation_id in waiting
        ]
    return Outcome.CONFIRMED in outcomes


def confirmed_reply(settings: Settings) -> str:
    return (
        f"Thanks, you're subscribed to {settings.brand_name} marketing texts. "
        "Reply STOP to unsubscribe, HELP for help."
    )
