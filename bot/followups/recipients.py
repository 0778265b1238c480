"""Who a follow-up on a channel goes to, and which consent covers it.

A follow-up reaches a person only at an identifier they proved theirs: the number an SMS
conversation comes from, or an address confirmed by double opt-in. A number or address
typed in chat is a claim and gets nothing. Over SMS and Telegram the message joins the
person's conversation on that channel (`sms:+1555…`, `telegram:<chat>`), so their answer
goes to the bot like any message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.consent import ConsentAnswer, Purpose
from bot.crm import Contact, current_consent
from bot.crm.followup_tables import FollowupEnrollment
from bot.crm.repository import conversation_contact, is_verified

PURPOSE_FOR_CHANNEL = {"sms": Purpose.MARKETING_SMS, "email": Purpose.MARKETING_EMAIL}
# The suppression list's kind for each channel's address.
KIND_FOR_CHANNEL = {"sms": "phone", "email": "email", "telegram": "telegram"}


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str  # E.164 number, chat id or e-mail address
    conversation_id: str  # where the message is said (for e-mail: the originating one)
    contact: Contact | None

    @property
    def kind(self) -> str:
        return KIND_FOR_CHANNEL[self.channel]

    @property
    def phone(self) -> str | None:
        """The number whose time zone the send window follows, if any is known."""
        if self.channel == "sms":
            return self.address
        if self.contact is not None and is_verified(self.contact, "phone"):
            return self.contact.phone
        return None


class Unreachable(Exception):
    """No proven identifier for the channel: the step is skipped with this reason."""


def contact_of(session: Session, enrollment: FollowupEnrollment) -> Contact | None:
    if enrollment.contact_id is not None:
        found = session.get(Contact, enrollment.contact_id)
        if found is not None:
            return found
    channel, _, address = enrollment.conversation_id.partition(":")
    if channel == "sms":
        holder = session.scalar(select(Contact).where(Contact.phone == address))
        if holder is not None and is_verified(holder, "phone"):
            return holder
    return conversation_contact(session, conversation_id=enrollment.conversation_id)


def recipient(session: Session, enrollment: FollowupEnrollment, channel: str) -> Recipient:
    """The person's proven identifier on `channel`; `Unreachable` when there is none."""
    contact = contact_of(session, enrollment)
    own_channel, _, own_address = enrollment.conversation_id.partition(":")
    if channel == own_channel and channel in ("sms", "telegram"):
        return Recipient(channel, own_address, enrollment.conversation_id, contact)
    if channel == "sms" and contact is not None and contact.phone:
        if not is_verified(contact, "phone"):
            raise Unreachable("phone number not confirmed")
        return Recipient("sms", contact.phone, f"sms:{contact.phone}", contact)
    if channel == "email" and contact is not None and contact.email:
        if not is_verified(contact, "email"):
            raise Unreachable("e-mail address not confirmed")
        return Recipient("email", contact.email, enrollment.conversation_id, contact)
    if channel == "telegram":
        raise Unreachable("no Telegram conversation")
    raise Unreachable(f"no {'e-mail address' if channel == 'email' else 'phone number'}")


def consent_answer(session: Session, to: Recipient) -> str | None:
    """The person's current answer for the purpose the channel sends under, or None."""
    purpose = PURPOSE_FOR_CHANNEL.get(to.channel)
    if purpose is None or to.contact is None:
        return None
    if to.channel == "sms" and to.contact.phone != to.address:
        return None  # the consent on file is for another number
    latest = current_consent(session, contact_id=to.contact.id).get(purpose.value)
    return None if latest is None else latest.answer


def has_consent(answer: str | None) -> bool:
    return answer == ConsentAnswer.GRANTED.value
