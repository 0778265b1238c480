"""Handing a conversation to the team, as the custom actions and the worker do it: the
settings from `data/scoring/handoff.yml`, routing by what the conversation shows, and a
signed `handoff.requested` webhook for the team when a webhook is configured.

Also the watcher the delivery worker runs: a request nobody claimed within
`wait_for_rep` gets the bot saying when someone will reply, once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm.handoff_tables import COLUMNS, Handoff
from bot.crm.repository import enqueue_message
from bot.delivery.payload import handoff_requested
from bot.handoff.config import HandoffConfig
from bot.handoff.hours import describe_opening, is_open, next_opening
from bot.handoff.queue import Requested, address_of, request, to_conversation
from bot.handoff.routing import Audience
from bot.scoring import LeadFacts, LeadScore

NOTIFY_SINK = "webhook"
BOT = "bot"  # the name on rows the bot itself queues


def territory_of(conversation_id: str, phone: Any) -> str | None:
    """The country of the person's number: the SMS conversation's own, else the one typed."""
    number = address_of(conversation_id) if conversation_id.startswith("sms:") else phone
    if not isinstance(number, str) or not number:
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return None


def language_of(metadata: Mapping[str, Any] | None) -> str | None:
    """The language the person's browser asked for (the widget sends `language`)."""
    source = (metadata or {}).get("source")
    language = source.get("language") if isinstance(source, Mapping) else None
    return str(language).split("-")[0].lower() if isinstance(language, str) and language else None


def hand_to_team(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    reason: str,
    now: datetime,
    phone: Any = None,
    metadata: Mapping[str, Any] | None = None,
    segments: Collection[str] = (),
    lead_id: str | None = None,
) -> Requested:
    audience = Audience(territory_of(conversation_id, phone), language_of(metadata), segments)
    requested = request(
        session,
        bootstrap.handoff_config(),
        conversation_id=conversation_id,
        channel=channel,
        reason=reason,
        now=now,
        audience=audience,
        lead_id=lead_id,
    )
    if not requested.joined and NOTIFY_SINK in bootstrap.sink_names():
        handoff = requested.handoff
        payload = handoff_requested(
            handoff_id=handoff.id,
            conversation_id=conversation_id,
            channel=channel,
            reason=reason,
            routed_to=handoff.routed_to,
            lead_id=lead_id,
            at=now,
        )
        key = f"handoff:{handoff.id}"
        enqueue_message(session, sink=NOTIFY_SINK, key=key, payload=payload, contact=None)
    return requested


def matching_rule(
    config: HandoffConfig, facts: LeadFacts, score: LeadScore, segments: list[str]
) -> str | None:
    """The first handoff rule the lead matches, as the handoff's reason."""
    for rule in config.rules:
        if rule.matches(facts, score, segments):
            return f"rule:{rule.name}"
    return None


def when_someone_replies(config: HandoffConfig, now: datetime) -> str:
    """What the person is told about the wait: now during hours, else the next opening."""
    if is_open(config, now):
        return "as soon as someone is free"
    opening = next_opening(config, now)
    if opening is None:
        return "as soon as someone is back"
    return describe_opening(config, opening, now)


def tell_overdue(session: Session, config: HandoffConfig, now: datetime) -> int:
    """Requests nobody claimed within `wait_for_rep`: the bot says when someone will
    reply (an inbox row the Rasa server runs), once per request."""
    overdue = session.execute(
        select(Handoff)
        .where(
            COLUMNS.status == "waiting",
            COLUMNS.waiting_told_at.is_(None),
            COLUMNS.requested_at <= now - config.wait_for_rep,
        )
        .with_for_update(skip_locked=True)
    ).scalars()
    told = 0
    for handoff in overdue:
        handoff.waiting_told_at = now
        to_conversation(
            session,
            handoff,
            kind="notice",
            agent=BOT,
            key=f"agent:{handoff.id}:overdue",
            values={"when": when_someone_replies(config, now)},
        )
        told += 1
    return told
