"""What the law lets the engine do with one send, decided before every send.

In order: the person can be reached at an identifier they proved; the identifier is not
on the suppression list (then they opted out: the sequence ends); their consent for the
channel's purpose is granted (a withdrawal ends the sequence, no answer or a pending
double opt-in skips the send); the frequency cap per person and channel holds; and the
recipient's local time is within the send window. A cap or the window defers the send
to the next allowed minute; nothing is dropped and nothing goes early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.consent import ConsentAnswer
from bot.crm import is_suppressed
from bot.crm.followup_tables import FollowupEnrollment, FollowupLog
from bot.crm.identity import identifier_hash
from bot.followups.recipients import (
    PURPOSE_FOR_CHANNEL,
    Recipient,
    Unreachable,
    consent_answer,
    has_consent,
    recipient,
)
from bot.followups.send_window import SendWindows, next_allowed, recipient_zones

CAP_PERIOD = timedelta(days=7)
# Channels the send window applies to: texts and chat messages (e-mail waits for nobody).
WINDOWED = frozenset({"sms", "telegram"})


@dataclass(frozen=True)
class Policy:
    """The operator's limits (settings), fixed for a run of the engine."""

    cap_per_week: int
    windows: SendWindows
    fallback_zone: str
    pepper: bytes


@dataclass(frozen=True)
class Verdict:
    action: str  # "send", "defer", "skip" or "exit"
    reason: str = ""
    until: datetime | None = None  # for "defer"
    to: Recipient | None = None
    recipient_hash: str | None = None


def _hash(to: Recipient, pepper: bytes) -> str | None:
    try:
        return identifier_hash(to.kind, to.address, pepper)
    except ValueError:
        return None


def _cap_frees_at(
    session: Session, recipient_hash: str, channel: str, now: datetime, cap: int
) -> datetime | None:
    """When the cap lets another message through; None if it does now."""
    sent = select(FollowupLog.at).where(
        FollowupLog.recipient_hash == recipient_hash,
        FollowupLog.channel == channel,
        FollowupLog.kind == "sent",
        FollowupLog.at > now - CAP_PERIOD,
    )
    times = sorted(session.scalars(sent))
    if len(times) < cap:
        return None
    frees = times[len(times) - cap] + CAP_PERIOD
    return _next_minute(frees)


def _next_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def zone_for(to: Recipient, policy: Policy) -> tuple[ZoneInfo, ...]:
    return recipient_zones(to.phone, fallback=policy.fallback_zone)


def decide(
    session: Session, enrollment: FollowupEnrollment, channel: str, *, now: datetime, policy: Policy
) -> Verdict:
    try:
        to = recipient(session, enrollment, channel)
    except Unreachable as unreachable:
        return Verdict("skip", str(unreachable))
    try:
        if is_suppressed(session, kind=to.kind, value=to.address, pepper=policy.pepper):
            return Verdict("exit", "suppressed", to=to)
    except ValueError:
        return Verdict("skip", "not an address the suppression list can hold", to=to)
    if channel not in PURPOSE_FOR_CHANNEL:
        return Verdict("skip", f"no consent purpose covers {channel} messages", to=to)
    answer = consent_answer(session, to)
    if answer == ConsentAnswer.WITHDRAWN.value:
        return Verdict("exit", "consent withdrawn", to=to)
    if not has_consent(answer):
        why = "consent not confirmed yet" if answer == ConsentAnswer.PENDING.value else "no consent"
        return Verdict("skip", why, to=to)
    key = _hash(to, policy.pepper)
    later = now
    reasons = []
    if key is not None:
        frees = _cap_frees_at(session, key, channel, now, policy.cap_per_week)
        if frees is not None:
            later, reasons = frees, ["frequency cap"]
    if channel in WINDOWED:
        window = policy.windows.window_for(to.phone)
        allowed = next_allowed(later, zones=zone_for(to, policy), window=window)
        if allowed > later:
            later, reasons = allowed, [*reasons, "quiet hours"]
    if reasons:
        return Verdict("defer", " and ".join(reasons), until=later, to=to, recipient_hash=key)
    return Verdict("send", to=to, recipient_hash=key)
