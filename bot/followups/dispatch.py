"""Handing an allowed follow-up to the channel that says it, in the step's transaction.

Over SMS and Telegram the follow-up becomes a row in the conversation's inbox: the Rasa
server runs it as a turn of that conversation (`channels.followup_turn`), in order with
the person's own messages, through the same outbound gate, woken by the step's commit
(`channels.wakeup`). By e-mail it becomes an outbox row for the follow-up mail sink (the
SMTP client of the double opt-in), composed here with its unsubscribe link and postal
address.

Either row is written in the same transaction that marks the step done, under a key made
of the enrollment and step: a step that runs again after a crash finds the row there and
adds nothing, and the inbox and outbox deliver each row once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm import record_inbound
from bot.crm.exposures import record_exposure
from bot.crm.followup_tables import FollowupEnrollment
from bot.crm.repository import enqueue_message
from bot.editor.responses import Variation
from bot.experiments.assignment import assign_variant
from bot.experiments.results import experiment_arms
from bot.experiments.variants import CONTROL
from bot.followups.mail import FOLLOWUP_EMAIL_SINK, FollowupMail
from bot.followups.recipients import Recipient
from bot.followups.workflows import Send

# A response's variations as the domain lists them (the domain's current text).
Variations = Callable[[str], list[Variation]]


@dataclass(frozen=True)
class Handed:
    """What went out: the key it went under and, for e-mail, the A/B variant shown."""

    key: str
    variant: str | None = None


def followup_key(enrollment: FollowupEnrollment, step_id: str) -> str:
    return f"followup:{enrollment.id}:{step_id}"


def _choose(
    session: Session, variations: list[Variation], *, response: str, conversation_id: str
) -> tuple[str, str | None]:
    """The text this conversation sees: its arm's, when the response is an A/B test (the
    same arm and exposure as in chat, `bot.nlg`)."""
    arms = experiment_arms((v.variant for v in variations), control=CONTROL)
    if not arms:
        return variations[0].text, None
    arm = assign_variant(experiment=response, conversation_id=conversation_id, variants=arms)
    record_exposure(session, experiment=response, conversation_id=conversation_id, variant=arm)
    text = next((v.text for v in variations if v.variant == arm), variations[0].text)
    return text, arm


def hand_over(
    session: Session,
    enrollment: FollowupEnrollment,
    *,
    step_id: str,
    send: Send,
    to: Recipient,
    mail: FollowupMail,
    variations: Variations,
    slots: Mapping[str, Any],
) -> Handed:
    key = followup_key(enrollment, step_id)
    if send.channel in ("sms", "telegram"):
        resume = enrollment.stopped_at if send.resume_form else None
        followup = {"response": send.response, "resume": resume, "key": key}
        payload = {"text": "", "address": to.address, "metadata": {}, "followup": followup}
        recorded = record_inbound(
            session,
            channel=send.channel,
            external_id=key,
            conversation_id=to.conversation_id,
            payload=payload,
        )
        if recorded is not None:
            bootstrap.inbox_wakeup().on_commit(session, send.channel)
        return Handed(key)
    text, variant = _choose(
        session,
        variations(send.response),
        response=send.response,
        conversation_id=enrollment.conversation_id,
    )
    contact = to.contact
    payload = mail.payload(
        to=to.address,
        subject=str(send.subject),
        text=text.format_map(_Slots(slots)),
        contact_id=contact.id if contact else None,
    )
    enqueue_message(session, sink=FOLLOWUP_EMAIL_SINK, key=key, payload=payload, contact=contact)
    return Handed(key, variant)


class _Slots(dict[str, Any]):
    """Placeholders the e-mail has no value for stay as written, as Rasa leaves them."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
