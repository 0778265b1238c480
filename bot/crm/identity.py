"""Identifiers in one canonical form, and the keyed hashes the suppression list keeps.

The suppression list must outlive erasure without holding the address itself, so it keeps
HMAC-SHA256(pepper, "kind:normalised value"): the same person is recognised however they
type their address, and without the pepper the hashes cannot be reversed by guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Literal

from bot.leads.form import DECLINED, UNKNOWN

IdentifierKind = Literal["email", "phone", "telegram"]

_E164 = re.compile(r"\+[1-9]\d{6,14}")
# Formatting people put in phone numbers; E.164 has none of it.
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")


def normalise_contact_email(value: str) -> str:
    """An e-mail address as the CRM stores it: trimmed, domain lower-cased.

    The local part keeps its case, as `bot.leads.contact.normalise_email` does, since
    some mail servers treat it case-sensitively.
    """
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an e-mail address")
    return f"{local}@{domain.lower()}"


def normalise_phone(value: str) -> str:
    """A phone number in E.164 ("+14155550123"); the lead form already stores this form."""
    candidate = _PHONE_PUNCTUATION.sub("", value.strip())
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    if not _E164.fullmatch(candidate):
        raise ValueError("not a phone number in international (E.164) form")
    return candidate


def normalise_telegram_user_id(value: str | int) -> str:
    """A Telegram user id as decimal digits (the Bot API gives an integer)."""
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError("not a Telegram user id")
    return str(int(text))


def normalise_identifier(kind: IdentifierKind | str, value: str | int) -> str:
    """The form of `value` that is hashed: one person, one hash, whatever they typed.

    E-mail addresses are compared case-insensitively here, unlike in `contacts`: an
    opt-out should cover more addresses, never fewer.
    """
    if kind == "email":
        return normalise_contact_email(str(value)).casefold()
    if kind == "phone":
        return normalise_phone(str(value))
    if kind == "telegram":
        return normalise_telegram_user_id(value)
    raise ValueError(f"unknown identifier kind: {kind!r}")


def known_value(value: str | int | None) -> str | None:
    """`value` as trimmed text, or None for nothing, blanks and the form's no-answer markers."""
    text = None if value is None else str(value).strip()
    return None if not text or text in (UNKNOWN, DECLINED) else text


def contact_identifiers(
    *, email: str | None, phone: str | None, telegram_user_id: str | int | None
) -> dict[str, str | None]:
    """The `contacts` identifier columns for what a visitor gave; None where unknown.

    Raises ValueError for a malformed identifier.
    """
    given = {
        "email": (known_value(email), normalise_contact_email),
        "phone": (known_value(phone), normalise_phone),
        "telegram_user_id": (known_value(telegram_user_id), normalise_telegram_user_id),
    }
    return {
        column: None if value is None else normalise(value)
        for column, (value, normalise) in given.items()
    }


def identifier_hash(kind: IdentifierKind | str, value: str | int, pepper: bytes) -> str:
    """Hex HMAC-SHA256 of the normalised identifier, keyed with `pepper`."""
    if not pepper:
        raise ValueError("an empty pepper would make the hashes guessable")
    message = f"{kind}:{normalise_identifier(kind, value)}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()
