"""What a double opt-in request says and how its e-mail link is signed. Pure: no I/O.

A confirmation e-mail links to `/consent/confirm/<token>`, the token being the
confirmation's id signed with the secret key (itsdangerous, timestamped): a forged or
altered token fails the signature, an old one its age. The SMS asks for a YES from the
number itself (see `channels.sms.channel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.consent.purposes import Purpose
from bot.settings import Settings

# The sink each kind of identifier's confirmation request is delivered through.
SINK_FOR_KIND = {"email": "confirm_email", "phone": "confirm_sms"}
_SALT = "parley.consent-confirmation"


class InvalidLink(Exception):
    """A confirmation token that is forged, altered or (`expired`) too old."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class ConfirmationRequests:
    """The requests' words, links and lifetime, and which of them can be sent at all."""

    brand: str
    notice_version: str
    confirm_url: str  # the confirmation page's base URL
    ttl: timedelta
    signer: URLSafeTimedSerializer
    senders: frozenset[str]  # the identifier kinds a sender is configured for

    @classmethod
    def from_settings(cls, settings: Settings, secret: bytes) -> ConfirmationRequests:
        senders = set()
        if settings.smtp_host:
            senders.add("email")
        if (
            settings.twilio_account_sid
            and settings.twilio_auth_token
            and settings.twilio_from_number
        ):
            senders.add("phone")
        return cls(
            brand=settings.brand_name,
            notice_version=settings.privacy_notice_version,
            confirm_url=f"{settings.api_url}/consent/confirm",
            ttl=timedelta(hours=settings.confirmation_ttl_hours),
            signer=URLSafeTimedSerializer(secret, salt=_SALT),
            senders=frozenset(senders),
        )

    def link(self, confirmation_id: str) -> str:
        return f"{self.confirm_url}/{self.signer.dumps(confirmation_id)}"

    def confirmation_id(self, token: str) -> str:
        """The confirmation a token names; InvalidLink if forged, altered or expired."""
        try:
            value = self.signer.loads(token, max_age=int(self.ttl.total_seconds()))
        except SignatureExpired as error:
            raise InvalidLink(expired=True) from error
        except BadSignature as error:
            raise InvalidLink(expired=False) from error
        if not isinstance(value, str):
            raise InvalidLink(expired=False)
        return value

    def wording(self, purpose: Purpose) -> str:
        """What the person confirms, as the request and the confirmation page say it."""
        return f"Yes, send me {self.brand} marketing {purpose.plural_noun}."

    def sms_text(self) -> str:
        return (
            f"{self.brand}: reply YES to confirm you want our marketing texts. "
            "Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out."
        )

    def payload(self, *, kind: str, to: str, confirmation_id: str) -> dict[str, Any]:
        """The outbox payload for the sink of `kind` (see SINK_FOR_KIND)."""
        if kind == "phone":
            return {"to": to, "text": self.sms_text()}
        hours = round(self.ttl.total_seconds() / 3600)
        return {
            "to": to,
            "subject": f"Confirm your {self.brand} subscription",
            "text": (
                f"Hello,\n\nsomeone, hopefully you, asked {self.brand} to send marketing "
                f"e-mails to {to}.\n\nTo confirm, open this link within {hours} hours:\n"
                f"{self.link(confirmation_id)}\n\nIf this wasn't you, ignore this message: "
                "without your confirmation we won't send you any marketing.\n"
            ),
        }
