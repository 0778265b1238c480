"""What the CRM API says about the crowd's conversations (read-only, admin token).

Leads are found by their conversation: `GET /api/leads` pages through every lead and each
lead's transcript (`GET /api/leads/{id}/transcript`) names its conversation id; then
`GET /api/leads/{id}` gives the stored answers. Consent answers come from
`GET /api/consents?email=|phone=` (the ledger, with each answer's conversation id and the
visitor's verbatim reply), suppression from `GET /api/suppression/check`, and erasure
requests made in chat from `GET /api/subjects/requests`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PAGE = 200


def admin_token(var_dir: Path) -> str:
    """The first admin token, written by the API at its first start with the embedded
    database (`bot.api.admin_token`)."""
    return (var_dir / "admin_token").read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class ConsentEvent:
    purpose: str
    answer: str
    reply_text: str
    conversation_id: str
    message_id: str | None


class Crm:
    def __init__(self, api_url: str, token: str) -> None:
        self.client = httpx.Client(
            base_url=api_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60.0,
        )
        self._erasures: list[dict[str, Any]] | None = None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Crm:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def leads_by_conversation(self, wanted: set[str] | None = None) -> dict[str, str]:
        """Conversation id -> lead id, for every lead (or only those of `wanted`)."""
        found: dict[str, str] = {}
        offset = 0
        while True:
            page = self._get("/api/leads", limit=PAGE, offset=offset)
            for item in page["items"]:
                transcript = self._get(f"/api/leads/{item['id']}/transcript")
                conversation = str(transcript["conversation_id"])
                if wanted is None or conversation in wanted:
                    found[conversation] = str(item["id"])
            offset += PAGE
            if offset >= int(page["total"]):
                return found

    def lead(self, lead_id: str) -> dict[str, Any]:
        return dict(self._get(f"/api/leads/{lead_id}"))

    def consent_events(self, kind: str, value: str) -> list[ConsentEvent]:
        """The ledger of whoever has this e-mail or phone; empty when no contact has it."""
        response = self.client.get("/api/consents", params={kind: value})
        if response.status_code in (404, 422):
            return []
        response.raise_for_status()
        return [
            ConsentEvent(
                purpose=str(e["purpose"]),
                answer=str(e["answer"]),
                reply_text=str(e.get("reply_text") or ""),
                conversation_id=str(e["conversation_id"]),
                message_id=e.get("message_id"),
            )
            for e in response.json()["events"]
        ]

    def suppressed(self, kind: str, value: str) -> bool:
        response = self.client.get("/api/suppression/check", params={kind: value})
        if response.status_code == 422:
            return False
        response.raise_for_status()
        return bool(response.json()["suppressed"])

    def erasure_requests(self) -> list[dict[str, Any]]:
        if self._erasures is None:
            self._erasures = list(self._get("/api/subjects/requests"))
        return self._erasures
