"""The e-mail sinks: one plain-text message per outbox row, over SMTP. The same client
sends double opt-in requests (`confirm_email`) and follow-ups (`followup_email`, whose rows
carry their `List-Unsubscribe` headers).

aiosmtplib does the talking (STARTTLS, implicit TLS, or none for a local relay). The
Message-ID is derived from the outbox idempotency key, so a retry after a lost answer
re-sends the same message, which receivers and mail clients recognise as one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib

from bot.delivery.sink import DeliveryError
from bot.settings import Settings

# SMTP replies that can never succeed on a retry (RFC 5321 permanent failures).
_PERMANENT = range(500, 600)


class MailSink:
    def __init__(
        self,
        *,
        name: str = "confirm_email",
        host: str,
        port: int,
        security: str,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.name = name
        self._host, self._port, self._security = host, port, security
        self._sender = sender
        self._username, self._password = username, password
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings, *, name: str = "confirm_email") -> MailSink:
        host = str(settings.smtp_host)
        return cls(
            name=name,
            host=host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            sender=settings.mail_from or f"{settings.brand_name} <no-reply@{host}>",
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.delivery_timeout_s,
        )

    def message(self, payload: Mapping[str, Any], *, idempotency_key: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = str(payload["to"])
        message["Subject"] = str(payload["subject"])
        message["Date"] = formatdate(localtime=False, usegmt=True)
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        domain = self._sender.rpartition("@")[2].rstrip(">").strip() or "localhost"
        message["Message-ID"] = f"<{digest}@{domain}>"
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        for header, value in (payload.get("headers") or {}).items():
            message[str(header)] = str(value)
        message.set_content(str(payload["text"]))
        return message

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        message = self.message(payload, idempotency_key=idempotency_key)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=self._security == "tls",
                start_tls=self._security == "starttls",
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            # 4xx is "not now" (greylisting, a full mailbox), 5xx "never".
            retryable = any(r.code not in _PERMANENT for r in error.recipients)
            reason = "; ".join(
                f"recipient refused: SMTP {r.code}: {r.message}" for r in error.recipients
            )
            raise DeliveryError(retryable=retryable, reason=reason) from error
        except aiosmtplib.SMTPResponseException as error:
            retryable = error.code not in _PERMANENT
            reason = f"SMTP {error.code}: {error.message}"
            raise DeliveryError(retryable=retryable, reason=reason) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            reason = f"could not reach the mail server: {type(error).__name__}: {error}"
            raise DeliveryError(retryable=True, reason=reason) from error
