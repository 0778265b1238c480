"""The HubSpot sink: upserts the lead's contact through the CRM v3 contacts API.

One `POST /crm/v3/objects/contacts/batch/upsert` with `idProperty: email`, so a repeat
updates the same contact rather than creating another (HubSpot's own idempotency).
Standard properties plus Parley's custom `parley_score`, `parley_grade` and
`parley_segments`, which must exist in the HubSpot portal. Empty values are left out:
in HubSpot an empty string clears what a salesperson may have typed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from bot.delivery.sink import DeliveryError
from bot.delivery.transport import post

UPSERT_PATH = "/crm/v3/objects/contacts/batch/upsert"


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """HubSpot wants first and last name apart: the first word, then the rest."""
    if not name or not name.strip():
        return None, None
    first, _, rest = name.strip().partition(" ")
    return first, rest.strip() or None


def contact_properties(payload: Mapping[str, Any]) -> dict[str, str]:
    contact = payload.get("contact") or {}
    first, last = split_name(contact.get("name"))
    properties = {
        "email": contact.get("email"),
        "firstname": first,
        "lastname": last,
        "phone": contact.get("phone"),
        "company": contact.get("company"),
        "jobtitle": payload.get("role"),
        "parley_score": payload.get("score"),
        "parley_grade": payload.get("grade"),
        # HubSpot's multiple-checkbox properties take their options joined by ";".
        "parley_segments": ";".join(payload.get("segments") or []),
    }
    return {key: str(value) for key, value in properties.items() if value not in (None, "")}


def upsert_request(payload: Mapping[str, Any], *, idempotency_key: str) -> dict[str, Any]:
    properties = contact_properties(payload)
    if "email" not in properties:
        raise DeliveryError(
            retryable=False, reason="no e-mail address: HubSpot upserts contacts by e-mail"
        )
    upsert = {
        "idProperty": "email",
        "id": properties["email"],
        "properties": properties,
        "objectWriteTraceId": idempotency_key,
    }
    return {"inputs": [upsert]}


def raise_for_batch_errors(response: httpx.Response) -> None:
    """A 207 Multi-Status carries per-input errors that a 2xx status hides."""
    if response.status_code != 207:
        return
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        errors = []
    if errors:
        first = errors[0]
        reason = f"HubSpot refused the contact: {first.get('category')}: {first.get('message')}"
        raise DeliveryError(retryable=False, reason=reason)


class HubSpotSink:
    name = "hubspot"

    def __init__(self, client: httpx.AsyncClient, *, token: str, base_url: str) -> None:
        self._client = client
        self._token = token
        self._url = base_url.rstrip("/") + UPSERT_PATH

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        body = json.dumps(upsert_request(payload, idempotency_key=idempotency_key)).encode()
        headers = {
            "authorization": f"Bearer {self._token}",
            "content-type": "application/json",
            "user-agent": "Parley",
        }
        response = await post(self._client, self._url, content=body, headers=headers)
        raise_for_batch_errors(response)
