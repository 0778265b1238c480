"""The HubSpot sink: upserts the lead's contact through the CRM v3 contacts API.

One `POST /crm/v3/objects/contacts/batch/upsert` with `idProperty: email`, so a repeat
updates the same contact rather than creating another (HubSpot's own idempotency).
Standard properties plus Parley's custom `parley_score`, `parley_grade` and
`parley_segments`, which must exist in the HubSpot portal. Empty values are left out:
in HubSpot an empty string clears what a salesperson may have typed.

An erasure notice (`subject.erased`) becomes HubSpot's GDPR delete of the contact by
e-mail, `POST /crm/v3/objects/contacts/gdpr-delete`: the contact and its activity go, and
HubSpot blocks the address from coming back. A 404 (no such contact) is an erasure done.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from bot.delivery.payload import is_erasure
from bot.delivery.sink import DeliveryError
from bot.delivery.transport import post

UPSERT_PATH = "/crm/v3/objects/contacts/batch/upsert"
GDPR_DELETE_PATH = "/crm/v3/objects/contacts/gdpr-delete"


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
        self._base_url = base_url.rstrip("/")

    async def deliver(self, payload: Mapping[str, Any], *, idempotency_key: str) -> None:
        if is_erasure(payload):
            await self._erase(payload)
            return
        body = json.dumps(upsert_request(payload, idempotency_key=idempotency_key)).encode()
        response = await self._post(UPSERT_PATH, body)
        raise_for_batch_errors(response)

    async def _erase(self, payload: Mapping[str, Any]) -> None:
        """GDPR-deletes the contact of each e-mail address the person was known by."""
        for identifier in payload.get("identifiers") or []:
            if identifier.get("kind") != "email":
                continue  # HubSpot's contacts are upserted by e-mail only
            body = json.dumps({"objectId": identifier["value"], "idProperty": "email"})
            try:
                await self._post(GDPR_DELETE_PATH, body.encode())
            except DeliveryError as error:
                if error.status != 404:
                    raise

    async def _post(self, path: str, body: bytes) -> httpx.Response:
        headers = {
            "authorization": f"Bearer {self._token}",
            "content-type": "application/json",
            "user-agent": "Parley",
        }
        return await post(self._client, self._base_url + path, content=body, headers=headers)
