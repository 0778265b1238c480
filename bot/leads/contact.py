"""Pull an e-mail address or phone number out of a visitor's free-text reply.

Visitors rarely type just the value ("sure, it's jane@acme.io thanks"), so
both cleaners first locate the value in the sentence, then validate it
offline and return it in one canonical form for storage and CRM sync.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.leads.countries import regions_where_valid
from bot.leads.errors import InvalidAnswer, NeedsCountry

__all__ = ["find_phone", "normalise_email", "normalise_phone"]

# Characters people wrap addresses in, or that end the sentence around them.
_EMAIL_WRAPPERS = "<>()[]{}\"'`,;:!?."
_SPACED_REASON = "That address seems to have a space in it — could you type it without spaces?"
_EMAIL_TOKEN = re.compile(r"[^\s@]+@[^\s@]+")
# Only when a domain follows: "jane@ thanks" is a missing domain, not a stray space.
_SPACED_AT = re.compile(r"(?:\S\s+@\s*|@\s+)[\w-]+\.\w")
# "jane dot doe at acme dot com" / "jane[at]acme[dot]com". Only tried when
# a bracketed or spelled-out marker makes the intent unambiguous, so
# "I'm at acme.io" is never read as an address.
_SPELLED_MARKER = re.compile(r"\[at\]|\(at\)|\sdot\s|\[dot\]|\(dot\)", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"\s*(?:\[dot\]|\(dot\)|\sdot\s)\s*", re.IGNORECASE)
_SPELLED_OUT = re.compile(
    r"([\w.+-]+)\s*(?:\[at\]|\(at\)|\sat\s)\s*([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE
)
# email-validator's messages are accurate but technical; these read better
# in a chat bubble. First matching fragment wins.
_EMAIL_REASONS: tuple[tuple[str, str], ...] = (
    ("something after the @", "That address is missing the part after the @."),
    ("something before the @", "That address is missing the part before the @."),
    ("SPACE", _SPACED_REASON),
    ("should have a period", "The part after the @ needs a dot in it, like acme.com."),
    ("two periods in a row", "That address has two dots in a row — could you double-check it?"),
    ("start with a period", "An e-mail address can't start with a dot."),
    ("top-level domain", "The part after the @ doesn't end in a real domain like .com or .io."),
    ("special-use or reserved", "That domain can't receive e-mail — could you double-check it?"),
    ("hyphen", "The part after the @ can't start or end with a hyphen."),
    ("too long", "That address is too long to be a real e-mail address."),
)

_NO_NUMBER = "I couldn't find a phone number there — could you type just the digits?"
_PHONE_CHUNK = re.compile(r"\+?\d[\d\s().\-/]*\d|\+?\d")


def _strip_wrappers(token: str) -> str:
    token = token.strip(_EMAIL_WRAPPERS)
    if token.lower().startswith("mailto:"):
        token = token[len("mailto:") :]
    return token


def _find_email_candidate(text: str) -> str:
    match = _EMAIL_TOKEN.search(text)
    # "jane@acme .com" is a stray space; reading it as "jane@acme" would blame the domain.
    if match and not re.match(r"\s+\.\w", text[match.end() :]):
        return _strip_wrappers(match.group())
    if match or _SPACED_AT.search(text):
        raise InvalidAnswer(_SPACED_REASON)
    if _SPELLED_MARKER.search(text):
        spelled = _SPELLED_OUT.search(_SPELLED_DOT.sub(".", text))
        if spelled:
            return f"{spelled.group(1)}@{spelled.group(2)}"
    token = next((t for t in text.split() if "@" in t), None)
    if token is not None:
        # A lone "jane@" or "@acme.com": let email-validator say which half is missing.
        return _strip_wrappers(token)
    if re.search(r"\w\.\w{2,}", text):
        raise InvalidAnswer(
            "That address is missing the @ sign — it should look like name@company.com."
        )
    raise InvalidAnswer(
        "I couldn't spot an e-mail address there — it should look like name@company.com."
    )


def _friendly_email_reason(message: str) -> str:
    for fragment, reason in _EMAIL_REASONS:
        if fragment in message:
            return reason
    invalid = re.search(r"invalid characters?[^:]*: (.+)$", message)
    if invalid:
        return f"That address has a character e-mail addresses can't contain: {invalid.group(1)}"
    return "That e-mail address doesn't look right: " + message.replace("@-sign", "@")


def normalise_email(text: str) -> str:
    """Return the normalised e-mail address found in ``text``.

    Only the syntax is checked (no DNS lookups), so this is safe to call on
    every message. The domain is lower-cased; the local part is kept as typed
    because some mail servers treat it case-sensitively.
    """
    candidate = _find_email_candidate(text)
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidAnswer(_friendly_email_reason(str(error))) from error
    return str(result.normalized)


def _country_name(region: str) -> str:
    # Imported when a number needs explaining: its place-name data weighs ~50 MB in
    # every process that reads answers.
    from phonenumbers import geocoder

    example = phonenumbers.example_number(region)
    name = geocoder.country_name_for_number(example, "en") if example else ""
    return name or region


_TOO_SHORT = "That number looks too short — could you include the area code?"
_TOO_LONG = "That number looks too long — could you double-check it?"


def _local_reason(start: str, chunk: str, region: str) -> str:
    """Word a failure, suggesting a country code when the number was typed without one."""
    if chunk.startswith(("+", "00")):
        return f"{start} — could you double-check it?"
    example = "+1" if region == "GB" else "+44"
    return f"{start} — if it's from elsewhere, could you add the country code, like {example}?"


def _parse_error_reason(error: phonenumbers.NumberParseException, chunk: str, region: str) -> str:
    kind = phonenumbers.NumberParseException
    if error.error_type == kind.INVALID_COUNTRY_CODE:
        if chunk.startswith("+"):
            return "I don't recognise that country code — could you check the digits after the +?"
        return "Could you include the country code, like +1 or +44?"
    if error.error_type in (kind.TOO_SHORT_NSN, kind.TOO_SHORT_AFTER_IDD):
        return _TOO_SHORT
    if error.error_type == kind.TOO_LONG:
        return _local_reason(f"That's too long for a {_country_name(region)} number", chunk, region)
    return _NO_NUMBER


def _invalid_number_reason(number: phonenumbers.PhoneNumber, chunk: str, region: str) -> str:
    reason = phonenumbers.is_possible_number_with_reason(number)
    kind = phonenumbers.ValidationResult
    if reason == kind.INVALID_COUNTRY_CODE:
        return "I don't recognise that country code — could you double-check it?"
    if reason in (kind.TOO_SHORT, kind.IS_POSSIBLE_LOCAL_ONLY):
        # "555 0134": dialled locally, without the area code.
        return _TOO_SHORT
    if reason == kind.TOO_LONG and chunk.startswith(("+", "00")):
        return _TOO_LONG
    number_region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    if number_region not in ("ZZ", "001"):
        region = number_region
    problem = "too long for a" if reason == kind.TOO_LONG else "not a valid"
    return _local_reason(f"That's {problem} {_country_name(region)} number", chunk, region)


def _may_be_foreign(number: phonenumbers.PhoneNumber, chunk: str) -> bool:
    """Whether a number typed without a country code, long enough to be complete, is one
    of another country ("07911 123456" read as American)."""
    if chunk.startswith(("+", "00")):
        return False
    short = (
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    )
    if phonenumbers.is_possible_number_with_reason(number) in short:
        return False
    return bool(regions_where_valid(chunk))


def normalise_phone(text: str, default_region: str) -> str:
    """Return the first valid phone number in ``text`` in E.164 form.

    ``default_region`` (ISO 3166 alpha-2, e.g. "US", "GB") is used for
    numbers typed without a country code.
    """
    region = default_region.upper()
    matches = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    for match in matches:
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    # The matcher found nothing valid; parse the digits ourselves only to
    # explain what is wrong. Parsing just the digit run matters: handed the
    # whole sentence, phonenumbers reads trailing words as vanity letters.
    chunk_match = _PHONE_CHUNK.search(text)
    if chunk_match is None:
        raise InvalidAnswer(_NO_NUMBER)
    chunk = chunk_match.group()
    try:
        number = phonenumbers.parse(chunk, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidAnswer(_parse_error_reason(error, chunk, region)) from error
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    reason = _invalid_number_reason(number, chunk, region)
    if _may_be_foreign(number, chunk):
        raise NeedsCountry(reason, chunk)
    raise InvalidAnswer(reason)


def find_phone(text: str, default_region: str) -> tuple[str, int, int] | None:
    """The first valid phone number in ``text``: its E.164 form and its place, or None."""
    matcher = phonenumbers.PhoneNumberMatcher(
        text, default_region.upper(), leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        return e164, match.start, match.end
    return None
