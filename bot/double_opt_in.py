"""Double opt-in: marketing consent for an identifier the conversation has not proven.

An e-mail address or phone number typed in chat is a claim: whoever is chatting can type
anyone's. A yes to marketing for such an identifier goes into the ledger as *pending*,
and its owner is asked to confirm it: a text to the number ("reply YES"; only a YES from
that number grants, see `channels.sms.channel`) or an e-mail with a signed, expiring link
(`bot.api.confirmation`). The confirmation goes into the ledger as the grant, beside the
pending answer it confirms; until then the sinks see no consent.

A yes counts at once only for the identifier the channel itself proves: the number an SMS
conversation writes from (Twilio's signed webhook is the only way to an `sms:`
conversation id), and only while it is not suppressed: a number that texted STOP texts
START to be texted again, and is never sent a confirmation request meanwhile.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.consent import ConsentAnswer, ConsentRecord, Purpose, consent_record
from bot.consent.confirmation import SINK_FOR_KIND, ConfirmationRequests
from bot.crm import (
    Contact,
    append_consent_events,
    current_consent,
    is_suppressed,
    record_audit,
    unsuppress,
)
from bot.crm.identity import contact_identifiers, identifier_hash
from bot.crm.repository import enqueue_message, is_verified
from bot.crm.tables import ConsentConfirmation, ConsentEvent, OutboxRow, Suppression
from bot.lead_delivery import requeue_leads
from bot.leads.form import is_usable_contact

_COLUMNS = ConsentConfirmation.__table__.c

Suppressed = Callable[[str, str], bool]
# How long a confirmation nobody could be asked for stays open (a YES texted to us).
_NO_SENDER_TTL = timedelta(hours=48)


class Outcome(str, enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # opted out or unsubscribed after the request
    UNKNOWN = "unknown"


def proven_identifiers(conversation_id: str) -> dict[str, str]:
    """The identifiers a conversation's own channel proves its visitor holds."""
    channel, separator, address = conversation_id.partition(":")
    if separator and channel == "sms" and is_usable_contact(address):
        try:
            return {"phone": _normalised("phone", address)}
        except ValueError:
            return {}
    return {}


def _normalised(kind: str, value: str) -> str:
    """The identifier as the `contacts` table holds it (ValueError if malformed)."""
    found = contact_identifiers(
        email=value if kind == "email" else None,
        phone=value if kind == "phone" else None,
        telegram_user_id=None,
    )[kind]
    if found is None:
        raise ValueError(f"no {kind} given")
    return found


def _is_proven(kind: str, value: Any, proven: Mapping[str, str]) -> bool:
    if kind not in proven or not is_usable_contact(value):
        return False
    try:
        return _normalised(kind, str(value)) == proven[kind]
    except ValueError:
        return False


def verified_kinds(slots: Mapping[str, Any], proven: Mapping[str, str]) -> set[str]:
    """Which identifiers in `slots` are the ones the channel proved (`proven_identifiers`)."""
    return {kind for kind in proven if _is_proven(kind, slots.get(kind), proven)}


def suppression_check(session: Session, pepper: bytes) -> Suppressed:
    return lambda kind, value: is_suppressed(session, kind=kind, value=value, pepper=pepper)


def as_counted(
    records: Sequence[ConsentRecord],
    *,
    slots: Mapping[str, Any],
    proven: Mapping[str, str],
    suppressed: Suppressed,
) -> list[ConsentRecord]:
    """The records as the ledger takes them: a grant for an identifier this conversation
    did not prove, or one on the suppression list, is pending its owner's confirmation."""
    counted = []
    for record in records:
        if record["answer"] == ConsentAnswer.GRANTED.value:
            kind = Purpose(record["purpose"]).identifier_kind
            value = slots.get(kind)
            own = _is_proven(kind, value, proven)
            if not own or suppressed(kind, str(value)):
                record = ConsentRecord(
                    **{**record, "answer": ConsentAnswer.PENDING.value, "granted": False}
                )
        counted.append(record)
    return counted


def _open(*, kind: str, identifier: str, now: datetime) -> Any:
    """The unanswered, unexpired confirmations for this identifier."""
    return select(ConsentConfirmation).where(
        ConsentConfirmation.kind == kind,
        ConsentConfirmation.identifier == identifier,
        _COLUMNS.confirmed_at.is_(None),
        ConsentConfirmation.expires_at > now,
    )


def _granted_by_owner(session: Session, purpose: Purpose, kind: str, identifier: str) -> bool:
    column = kind  # the `contacts` column holding it
    owner = session.scalar(select(Contact).where(getattr(Contact, column) == identifier))
    if owner is None or not is_verified(owner, column):
        return False
    latest = current_consent(session, contact_id=owner.id).get(purpose.value)
    return latest is not None and latest.answer == ConsentAnswer.GRANTED.value


def request_confirmations(
    session: Session,
    *,
    contact: Contact,
    conversation_id: str,
    slots: Mapping[str, Any],
    records: Sequence[ConsentRecord],
    requests: ConfirmationRequests | None,
    suppressed: Suppressed,
    now: datetime,
) -> None:
    """Opens a confirmation for each pending grant's identifier, once per conversation,
    purpose and identifier (a corrected address gets its own), and queues its request.

    No request is opened when the identifier's verified owner already granted. Nothing is
    sent when no sender is configured for the kind (`requests` None: none at
    all), when a request to the same identifier is still open (one unanswered request
    at a time, so typing someone's address again and again sends nothing more), or to a
    suppressed number (after STOP, only START may bring texts back).
    """
    for record in records:
        if record["answer"] != ConsentAnswer.PENDING.value:
            continue
        purpose = Purpose(record["purpose"])
        kind = purpose.identifier_kind
        value = slots.get(kind)
        if not is_usable_contact(value):
            continue
        identifier = _normalised(kind, str(value))
        asked_here = select(ConsentConfirmation.id).where(
            ConsentConfirmation.conversation_id == conversation_id,
            ConsentConfirmation.purpose == purpose.value,
            ConsentConfirmation.kind == kind,
            ConsentConfirmation.identifier == identifier,
        )
        if session.execute(asked_here).first() is not None:
            continue
        if _granted_by_owner(session, purpose, kind, identifier):
            continue  # nothing to confirm: its owner already did
        already_open = session.execute(
            _open(kind=kind, identifier=identifier, now=now).where(
                ConsentConfirmation.purpose == purpose.value
            )
        ).first()
        confirmation = ConsentConfirmation(
            contact_id=contact.id,
            purpose=purpose.value,
            kind=kind,
            identifier=identifier,
            conversation_id=conversation_id,
            requested_at=now,
            expires_at=now + (requests.ttl if requests else _NO_SENDER_TTL),
        )
        session.add(confirmation)
        session.flush()
        silenced = kind == "phone" and suppressed(kind, identifier)
        if requests is None or kind not in requests.senders or already_open or silenced:
            continue
        payload = requests.payload(kind=kind, to=identifier, confirmation_id=confirmation.id)
        sink = SINK_FOR_KIND[kind]
        enqueue_message(session, contact=contact, sink=sink, key=confirmation.id, payload=payload)


def awaiting_confirmation(session: Session, *, conversation_id: str) -> dict[Purpose, bool]:
    """The purposes this conversation's consent waits on confirmation for, each with
    whether a request was queued to its owner."""
    waiting: dict[Purpose, bool] = {}
    rows = session.scalars(
        select(ConsentConfirmation)
        .where(
            ConsentConfirmation.conversation_id == conversation_id,
            _COLUMNS.confirmed_at.is_(None),
        )
        .order_by(ConsentConfirmation.requested_at)
    )
    for confirmation in rows:
        sink = SINK_FOR_KIND[confirmation.kind]
        key = f"{sink}:{confirmation.id}"
        queued = session.execute(
            select(OutboxRow.id).where(OutboxRow.idempotency_key == key)
        ).first()
        waiting[Purpose(confirmation.purpose)] = queued is not None
    return waiting


def open_confirmations(session: Session, *, kind: str, identifier: str, now: datetime) -> list[str]:
    """Ids of the unanswered, unexpired confirmations for this identifier."""
    return [c.id for c in session.scalars(_open(kind=kind, identifier=identifier, now=now))]


def _withdrawn_since(session: Session, confirmation: ConsentConfirmation, pepper: bytes) -> bool:
    """An opt-out since the request outranks it: a STOP, an unsubscribe, an erasure."""
    opted_out = select(ConsentEvent.id).where(
        ConsentEvent.contact_id == confirmation.contact_id,
        ConsentEvent.purpose == confirmation.purpose,
        ConsentEvent.answer == ConsentAnswer.WITHDRAWN.value,
        ConsentEvent.recorded_at >= confirmation.requested_at,
    )
    key = identifier_hash(confirmation.kind, confirmation.identifier, pepper)
    suppressed = select(Suppression.identifier_hash).where(Suppression.identifier_hash == key)
    if confirmation.kind == "email":
        # The owner's click is a fresh opt-in that lifts an older unsubscribe; a number
        # that texted STOP was never asked (`request_confirmations`), and texts START.
        suppressed = suppressed.where(Suppression.created_at >= confirmation.requested_at)
    return any(session.execute(query).first() is not None for query in (opted_out, suppressed))


def _owner(session: Session, confirmation: ConsentConfirmation, now: datetime) -> Contact:
    """Whose consent the confirmation is: the contact holding the identifier, which
    becomes verified if it is the one that asked; the asking contact if nobody holds it.
    No contacts are merged: the owner's click proves nothing about who was chatting."""
    column = confirmation.kind  # the `contacts` column holding it
    asking = session.get(Contact, confirmation.contact_id)
    holder = session.scalar(
        select(Contact).where(getattr(Contact, column) == confirmation.identifier)
    )
    if holder is None and asking is not None and getattr(asking, column) is None:
        setattr(asking, column, confirmation.identifier)
        holder = asking
    if holder is asking and asking is not None and not is_verified(asking, column):
        setattr(asking, f"{column}_verified_at", now)
    owner = holder or asking
    if owner is None:  # the asking contact was erased meanwhile: nothing to confirm
        raise LookupError(confirmation.id)
    return owner


def confirm(
    session: Session,
    confirmation_id: str,
    *,
    reply_text: str,
    message_id: str,
    channel: str,
    wording: str,
    notice_version: str,
    pepper: bytes,
    sinks: Sequence[str],
    now: datetime,
    kind: str,
) -> Outcome:
    """The owner's YES (`kind` "phone") or click ("email"): the grant goes into the
    ledger with this proof, the identifier comes off the suppression list, and the
    owner's leads go to the sinks again. A replay, an expired request or one overtaken
    by an opt-out stores nothing."""
    confirmation = session.get(ConsentConfirmation, confirmation_id, with_for_update=True)
    if confirmation is None or confirmation.kind != kind:  # a link never confirms a YES
        return Outcome.UNKNOWN
    if confirmation.confirmed_at is not None:
        return Outcome.ALREADY_CONFIRMED
    if confirmation.expires_at <= now:
        return Outcome.EXPIRED
    if _withdrawn_since(session, confirmation, pepper):
        return Outcome.WITHDRAWN
    try:
        owner = _owner(session, confirmation, now)
    except LookupError:
        return Outcome.UNKNOWN
    record = consent_record(
        purpose=Purpose(confirmation.purpose),
        answer=ConsentAnswer.GRANTED,
        wording=wording,
        notice_version=notice_version,
        reply_text=reply_text,
        message_id=message_id,
        channel=channel,
        # The conversation whose yes this confirms (the reply's own is in the inbox).
        conversation_id=confirmation.conversation_id,
        now=now,
    )
    append_consent_events(session, contact=owner, records=[record])
    unsuppress(session, kind=confirmation.kind, value=confirmation.identifier, pepper=pepper)
    confirmation.confirmed_at = now
    owner.updated_at = now
    session.flush()
    requeue_leads(session, owner, sinks)
    record_audit(
        session,
        actor="subject",
        action="consent.confirmed",
        subject_hash=identifier_hash(confirmation.kind, confirmation.identifier, pepper),
        details={"confirmation": confirmation.id, "purpose": confirmation.purpose, "by": channel},
    )
    return Outcome.CONFIRMED
