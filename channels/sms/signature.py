"""Checking that a webhook request really comes from Twilio (the X-Twilio-Signature header).

Twilio signs the exact URL it called plus every POSTed field, empty ones included, with
the account's auth token; `twilio.request_validator.RequestValidator` does the check.
Two things make it fail for genuine requests, and are handled here or by the caller:

- Behind a proxy the server sees an internal URL, not the one Twilio called: pass the
  deployment's public base URL so `signed_url` can rebuild the public one.
- Fields with empty values (FromCity, ToZip, …) are signed too, and Sanic's
  `request.form` drops them: pass `parse_qsl(body, keep_blank_values=True)` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

FormFields = Mapping[str, str] | Mapping[str, Sequence[str]] | Iterable[tuple[str, str]]


def signed_url(*, public_base_url: str | None, request_url: str, path_and_query: str) -> str:
    """The URL Twilio called: the public base joined with the request's path and query,
    or the request's own URL when the server is reached directly.

    `public_base_url` may carry a path prefix the proxy strips ("https://x.com/bot").
    """
    if not public_base_url:
        return request_url
    base = urlsplit(public_base_url)
    if not (base.scheme and base.netloc) or base.query or base.fragment:
        raise ValueError(f"public base URL must be scheme://host[/prefix]: {public_base_url}")
    return f"{public_base_url.rstrip('/')}/{path_and_query.lstrip('/')}"


def is_valid_signature(
    *, auth_token: str, url: str, params: FormFields, signature: str | None
) -> bool:
    """Whether `signature` is Twilio's signature of this URL and these form fields.

    RequestValidator also accepts the URL with the default port added or removed, since
    Twilio is inconsistent about which it signs.
    """
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, _MultiDict(params), signature))


class _MultiDict(dict[str, list[str]]):
    """Form fields as RequestValidator reads repeated ones: through `getall`."""

    def __init__(self, fields: FormFields) -> None:
        super().__init__()
        pairs = fields.items() if isinstance(fields, Mapping) else fields
        for name, value in pairs:
            values = [value] if isinstance(value, str) else list(value)
            self.setdefault(name, []).extend(values)

    def getall(self, name: str) -> list[str]:
        return self[name]
