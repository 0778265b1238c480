"""Where the visitor is, from what they said: the country to read a local phone number in
and the currency of a budget given without one.

An e-mail at a country's domain (".co.uk", ".com.au") places the visitor there; a budget
in a country's currency places a number typed without its country code; a phone number's
country gives a bare budget its currency. Only what the visitor said counts: nothing is
guessed from the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import phonenumbers

from bot.leads.form import AnswerContext

_REGION_BY_TLD = {
    "uk": "GB", "ie": "IE", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL",
    "be": "BE", "au": "AU", "nz": "NZ", "ca": "CA", "in": "IN", "sg": "SG", "za": "ZA",
    "mx": "MX", "br": "BR", "jp": "JP", "se": "SE", "no": "NO", "dk": "DK", "pl": "PL",
    "pt": "PT", "ch": "CH", "at": "AT", "ar": "AR", "co": "CO", "ng": "NG", "ke": "KE",
}  # fmt: skip
_REGION_BY_CURRENCY = {"GBP": "GB", "AUD": "AU", "CAD": "CA", "INR": "IN", "NZD": "NZ"}
# The currency a budget without one is in, by the visitor's country (bot.leads.currencies
# knows how each is written).
_CURRENCY_BY_REGION = {
    "GB": "GBP", "IE": "EUR", "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR",
    "BE": "EUR", "AT": "EUR", "PT": "EUR", "AU": "AUD", "NZ": "NZD", "CA": "CAD", "IN": "INR",
    "SG": "SGD", "JP": "JPY", "SE": "SEK", "NO": "NOK", "DK": "DKK", "CH": "CHF",
    "ZA": "ZAR", "BR": "BRL",
}  # fmt: skip


def email_country(email: Any) -> str | None:
    """The country of an e-mail address at a country's domain ("GB" for ".co.uk")."""
    if isinstance(email, str) and "@" in email:
        return _REGION_BY_TLD.get(email.rsplit(".", 1)[-1].lower())
    return None


def _region_of_email(held: Mapping[str, Any]) -> str | None:
    return email_country(held.get("email"))


def _region_of_phone(held: Mapping[str, Any]) -> str | None:
    phone = held.get("phone")
    if not (isinstance(phone, str) and phone.startswith("+")):
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return None


def visitor_context(base: AnswerContext, held: Mapping[str, Any]) -> AnswerContext:
    """`base` with the phone region and the currency the visitor's own answers point to."""
    context = base
    region = _region_of_email(held)
    budget = held.get("budget")
    if region is None and isinstance(budget, dict):
        region = _REGION_BY_CURRENCY.get(str(budget.get("unit")))
    if region:
        context = replace(context, default_phone_region=region)
    currency = _CURRENCY_BY_REGION.get(_region_of_email(held) or _region_of_phone(held) or "")
    if currency:
        context = replace(context, default_currency=currency)
    return context
