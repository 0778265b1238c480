"""Data-subject rights: export everything, erase everything (checked table by table), and
the audit log of who read or erased personal data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import bootstrap
from bot.api.app import create_app
from bot.crm import make_engine, session_scope, upgrade_to_head
from bot.crm.database import utcnow
from bot.crm.tables import AuditEntry, OutboxRow
from bot.delivery.outbox import claim_due, mark_delivered
from bot.settings import get_settings
from tests.api.conftest import Api, make_tokens
from tests.api.seed import seed_conversations, seed_crm, traces
from tests.api.subject_checks import PRIYA_TRACES, check_erasure, check_export


def test_export_holds_everything(api: Api, lead_ids: dict[str, str]) -> None:
    export = check_export(api, lead_ids)
    assert export["identifier"] == {"kind": "email", "value": "priya.patel@globex.com"}


def test_erasure_leaves_only_the_suppression_hash_and_the_audit(
    api: Api, lead_ids: dict[str, str]
) -> None:
    # Reads first, so their audit entries are scanned for leftovers too.
    check_export(api, lead_ids)
    api.get(f"/api/leads/{lead_ids['priya']}", "marketer")
    api.get("/api/leads", "marketer", q="Priya Patel")
    api.get("/api/consents", "marketer", email="priya.patel@globex.com")
    check_erasure(api)


def test_erasure_reaches_the_sinks_that_hold_the_person(
    api: Api, lead_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_SINKS", "webhook,hubspot")
    monkeypatch.setenv("PARLEY_WEBHOOK_URL", "https://crm.example/hooks")
    monkeypatch.setenv("PARLEY_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    monkeypatch.setenv("PARLEY_HUBSPOT_TOKEN", "pat-1")
    get_settings.cache_clear()
    bootstrap.reset()
    response = api.client.delete(
        "/api/subjects", params={"email": "priya.patel@globex.com"}, headers=api.headers("admin")
    )
    assert response.status_code == 200, response.text
    # Her leads went to the webhook only (the seed's sinks): HubSpot has nothing of hers.
    assert response.json()["notified"] == ["webhook"]
    with session_scope(api.engine) as session:
        [notice] = session.scalars(
            select(OutboxRow).where(OutboxRow.lead_id.is_(None), OutboxRow.contact_id.is_(None))
        ).all()
        assert (notice.sink, notice.status) == ("webhook", "pending")
        assert notice.payload["type"] == "subject.erased"
        assert sorted(i["kind"] for i in notice.payload["identifiers"]) == ["email", "phone"]
        assert sorted(notice.payload["lead_ids"]) == sorted(
            [lead_ids["priya"], lead_ids["priya_2"]]
        )
        # Delivered, the notice keeps no trace of whom it was about.
        claims = claim_due(
            session, sinks=["webhook"], now=utcnow(), lease=timedelta(minutes=1), limit=50
        )
        [claim] = [c for c in claims if c.id == notice.id]
        assert mark_delivered(session, claim, now=utcnow())
    assert traces(api.engine, PRIYA_TRACES) == []


def test_unknown_person_is_404(api: Api, lead_ids: dict[str, str]) -> None:
    for method in ("GET", "DELETE"):
        path = "/api/subjects/export" if method == "GET" else "/api/subjects"
        response = api.client.request(
            method, path, params={"email": "nobody@example.com"}, headers=api.headers("admin")
        )
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_the_identifier_must_be_one_valid_email_or_phone(api: Api) -> None:
    for params in ({}, {"phone": "12"}, {"email": "a@b.co", "phone": "+14155550132"}):
        response = api.get("/api/subjects/export", "admin", **params)
        assert response.status_code == 422
        assert response.json()["error"] == "unprocessable_entity"


def test_personal_data_reads_are_audited_with_the_token_name(
    api: Api, lead_ids: dict[str, str]
) -> None:
    [priya] = api.get("/api/contacts", "marketer", q="priya").json()["items"]
    reads = [
        "/api/leads",
        f"/api/leads/{lead_ids['priya']}",
        f"/api/leads/{lead_ids['priya']}/transcript",
        f"/api/contacts/{priya['id']}",
    ]
    for path in reads:
        assert api.get(path, "marketer").status_code == 200
    api.get("/api/consents", "marketer", email="sam@initech.io")
    api.get("/api/subjects/export", "marketer", email="sam@initech.io")
    api.client.delete("/api/subjects", params={"email": "jo@uni.edu"}, headers=api.headers("admin"))
    api.get("/api/segments", "viewer")  # not personal: not audited

    with session_scope(api.engine) as session:
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    # The seed's own entries (Priya confirming her consent) come first.
    trail = [(e.actor, e.action) for e in entries if e.actor != "subject"]
    assert trail == [
        ("marketer-token", "contacts.listed"),
        ("marketer-token", "leads.listed"),
        ("marketer-token", "lead.read"),
        ("marketer-token", "lead.transcript_read"),
        ("marketer-token", "contact.read"),
        ("marketer-token", "consents.read"),
        ("marketer-token", "subject.exported"),
        ("admin-token", "subject.erased"),
    ]
    by_action = {e.action: e for e in entries}
    assert by_action["lead.read"].details == {"lead_id": lead_ids["priya"]}
    assert by_action["subject.exported"].subject_hash is not None
    assert "sam" not in str([e.details for e in entries]).lower()


@pytest.fixture
def separate_databases() -> Iterator[Api]:
    """The embedded default: the CRM in var/crm.db, Rasa's events in var/tracker.db."""
    settings = get_settings()
    assert settings.tracker_store_url != settings.crm_database_url
    upgrade_to_head(settings.crm_database_url)
    engine = bootstrap.crm_engine()
    tokens = make_tokens(engine)
    with TestClient(create_app()) as client:
        yield Api(client, tokens, engine)


def test_erasure_across_separate_tracker_and_crm_databases(separate_databases: Api) -> None:
    api = separate_databases
    lead_ids = seed_crm(api.engine)
    seed_conversations(get_settings().tracker_store_url)
    tracker = make_engine(get_settings().tracker_store_url)
    assert traces(tracker, PRIYA_TRACES)
    transcript = api.get(f"/api/leads/{lead_ids['priya']}/transcript", "marketer").json()
    assert len(transcript["messages"]) == 4

    check_erasure(api)
    assert traces(tracker, PRIYA_TRACES) == []
    assert traces(tracker, ["conv-sam"])
    tracker.dispose()
