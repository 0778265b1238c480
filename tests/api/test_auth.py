"""Bearer tokens and roles: 401 without a valid token, 403 below the route's role."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from bot.crm import session_scope
from bot.crm.tables import ApiToken
from bot.crm.tokens import authenticate, revoke_token, token_hash
from tests.api.conftest import Api

# (path, least role that may read it)
READS = [
    ("/api/segments", "viewer"),
    ("/api/outbox/counts", "viewer"),
    ("/api/leads", "marketer"),
    ("/api/contacts", "marketer"),
    ("/api/suppression", "marketer"),
    ("/api/outbox", "marketer"),
    ("/api/tokens", "admin"),
]
RANKS = {"viewer": 0, "agent": 1, "marketer": 2, "admin": 3}


def test_health_needs_no_token(api: Api) -> None:
    assert api.client.get("/api/health").json() == {"status": "ok"}


def test_no_token_is_401_json_with_a_bearer_challenge(api: Api) -> None:
    response = api.client.get("/api/leads")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "header", ["Bearer parley_not-a-token", "Basic YWxpY2U6c2VjcmV0", "Bearer"]
)
def test_a_wrong_token_is_401(api: Api, header: str) -> None:
    response = api.client.get("/api/segments", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_revoked_token_is_401(api: Api) -> None:
    assert api.get("/api/segments", "viewer").status_code == 200
    with session_scope(api.engine) as session:
        revoke_token(session, name="viewer-token")
    assert api.get("/api/segments", "viewer").status_code == 401


@pytest.mark.parametrize(("path", "least"), READS)
@pytest.mark.parametrize("role", list(RANKS))
def test_each_route_needs_its_role(api: Api, path: str, least: str, role: str) -> None:
    response = api.get(path, role)
    if RANKS[role] >= RANKS[least]:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403
        assert response.json() == {
            "error": "forbidden",
            "detail": f"this needs the {least} role; the token's role is {role}",
        }


def test_only_admins_erase(api: Api, lead_ids: dict[str, str]) -> None:
    for role in ("viewer", "marketer"):
        response = api.client.delete(
            "/api/subjects", params={"email": "sam@initech.io"}, headers=api.headers(role)
        )
        assert response.status_code == 403
    assert api.get("/api/subjects/export", "viewer", email="sam@initech.io").status_code == 403
    assert api.get("/api/subjects/export", "marketer", email="sam@initech.io").status_code == 200


def test_tokens_are_stored_as_hashes_and_mark_their_last_use(api: Api) -> None:
    api.get("/api/segments", "viewer")
    with session_scope(api.engine) as session:
        stored = {t.name: t for t in session.execute(select(ApiToken)).scalars()}
    viewer = stored["viewer-token"]
    assert viewer.token_hash == token_hash(api.tokens["viewer"])
    assert api.tokens["viewer"] not in {t.token_hash for t in stored.values()}
    assert viewer.last_used_at is not None
    assert stored["marketer-token"].last_used_at is None


def test_admins_manage_tokens_through_the_api(api: Api) -> None:
    created = api.client.post(
        "/api/tokens", json={"name": "crm-sync", "role": "viewer"}, headers=api.headers("admin")
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "crm-sync" and body["role"] == "viewer"
    fresh = {"Authorization": f"Bearer {body['token']}"}
    assert api.client.get("/api/segments", headers=fresh).status_code == 200

    listed = api.get("/api/tokens").json()
    assert "crm-sync" in [token["name"] for token in listed]
    assert all("token" not in token and "token_hash" not in token for token in listed)

    again = api.client.post(
        "/api/tokens", json={"name": "crm-sync", "role": "admin"}, headers=api.headers("admin")
    )
    assert again.status_code == 409
    revoked = api.client.delete("/api/tokens/crm-sync", headers=api.headers("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert api.client.get("/api/segments", headers=fresh).status_code == 401
    assert api.client.delete("/api/tokens/nobody", headers=api.headers("admin")).status_code == 404


@pytest.mark.parametrize(
    "body", [{"name": "two words", "role": "viewer"}, {"name": "ok", "role": "root"}, {}]
)
def test_bad_token_requests_are_422(api: Api, body: dict[str, str]) -> None:
    response = api.client.post("/api/tokens", json=body, headers=api.headers("admin"))
    assert response.status_code == 422
    assert response.json()["error"] == "unprocessable_entity"


def test_a_bogus_token_is_refused_without_waiting_for_the_write_lock(api: Api) -> None:
    if api.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    writer = sqlite3.connect(str(api.engine.url.database), isolation_level=None)
    try:
        # Another process mid-write, as in an SMS storm: a request that queued for the
        # lock would fail when the busy timeout ran out (503), not be refused (401).
        writer.execute("BEGIN IMMEDIATE")
        for path in ("/api/leads", "/api/outbox", "/api/contacts"):
            bogus = {"Authorization": "Bearer not-a-real-token"}
            assert api.client.get(path, headers=bogus).status_code == 401
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_live_token_is_checked_without_waiting_for_the_write_lock(api: Api) -> None:
    if api.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    writer = sqlite3.connect(str(api.engine.url.database), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        holder = authenticate(api.engine, token=api.tokens["viewer"])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert holder is not None and holder.role == "viewer"
