"""The url-encoded form payload of CVE-2026-54283 against the one form an anonymous caller
reaches (`POST /console/login`): refused before it is parsed, with nothing stored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.api.app import create_app
from bot.crm import session_scope
from bot.crm.tables import AuditEntry


def audit_entries(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_a_flood_of_form_fields_is_refused_before_parsing(crm: Engine) -> None:
    with TestClient(create_app()) as client:
        before = audit_entries(crm)
        headers = {"content-type": "application/x-www-form-urlencoded"}
        for flood in (b"a=1&" * 200_000, b"&" * 500_000, b"x;" * 100_000):
            answer = client.post("/console/login", content=flood, headers=headers)
            assert answer.status_code == 400, answer.text
            assert "fields" in answer.json()["detail"]
        # An ordinary login form still reaches the route (which refuses its stale CSRF).
        fine = client.post("/console/login", data={"token": "nope", "csrf": "x"})
        assert fine.status_code in (400, 401, 403)
        assert "fields" not in fine.text
        assert audit_entries(crm) == before
