"""A follow-up e-mail as the law wants it: a truthful subject (the marketer's, checked by
the workflow validator), the sender's postal address, and a working one-click unsubscribe.

The unsubscribe link carries the contact's id signed with the secret key (itsdangerous;
no expiry: a link in an old e-mail must still work). It is in the text and in the
`List-Unsubscribe` header with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
(RFC 8058), so mail clients offer their own unsubscribe button, which POSTs to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from bot.settings import Settings

FOLLOWUP_EMAIL_SINK = "followup_email"  # the outbox sink follow-up e-mails go through
_SALT = "parley.followup-unsubscribe"


class InvalidUnsubscribeLink(Exception):
    """A forged or altered unsubscribe token."""


@dataclass(frozen=True)
class FollowupMail:
    brand: str
    postal_address: str | None
    unsubscribe_url: str  # the unsubscribe page's base URL
    signer: URLSafeSerializer

    @classmethod
    def from_settings(cls, settings: Settings, secret: bytes) -> FollowupMail:
        return cls(
            brand=settings.brand_name,
            postal_address=settings.postal_address,
            unsubscribe_url=f"{settings.api_url}/unsubscribe",
            signer=URLSafeSerializer(secret, salt=_SALT),
        )

    def link(self, contact_id: str) -> str:
        return f"{self.unsubscribe_url}/{self.signer.dumps(contact_id)}"

    def contact_id(self, token: str) -> str:
        try:
            value = self.signer.loads(token)
        except BadSignature as error:
            raise InvalidUnsubscribeLink from error
        if not isinstance(value, str):
            raise InvalidUnsubscribeLink
        return value

    def payload(
        self, *, to: str, subject: str, text: str, contact_id: str | None
    ) -> dict[str, Any]:
        """The outbox payload for the follow-up mail sink (`bot.delivery.mail.MailSink`)."""
        if contact_id is None or not self.postal_address:
            raise ValueError("a follow-up e-mail needs a contact to unsubscribe and an address")
        link = self.link(contact_id)
        footer = (
            f"\n\n--\nYou get this e-mail because you agreed to hear from {self.brand}.\n"
            f"Unsubscribe with one click: {link}\n{self.postal_address}\n"
        )
        return {
            "to": to,
            "subject": subject,
            "text": text.rstrip() + footer,
            "headers": {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        }
