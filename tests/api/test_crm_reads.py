"""Contacts, the consent ledger, segments, the suppression list and the outbox."""

from __future__ import annotations

from sqlalchemy import select

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.identity import identifier_hash
from bot.crm.tables import OutboxRow
from tests.api.conftest import Api


def test_contacts_paged_and_searched(api: Api, lead_ids: dict[str, str]) -> None:
    everyone = api.get("/api/contacts", "marketer").json()
    assert everyone["total"] == 3
    assert [c["name"] for c in everyone["items"]] == ["Jo Student", "Sam Jones", "Priya Patel"]
    page = api.get("/api/contacts", "marketer", limit=1, offset=1).json()
    assert [c["name"] for c in page["items"]] == ["Sam Jones"] and page["total"] == 3
    by_phone = api.get("/api/contacts", "marketer", q="555013").json()
    assert [c["email"] for c in by_phone["items"]] == ["Priya.Patel@globex.com"]


def test_contact_detail(api: Api, lead_ids: dict[str, str]) -> None:
    [priya] = api.get("/api/contacts", "marketer", q="priya").json()["items"]
    detail = api.get(f"/api/contacts/{priya['id']}", "marketer").json()
    assert sorted(lead["id"] for lead in detail["leads"]) == sorted(
        [lead_ids["priya"], lead_ids["priya_2"]]
    )
    assert {s["purpose"]: s["answer"] for s in detail["consent"]} == {
        "marketing_email": "withdrawn",
        "marketing_sms": "granted",
    }
    assert api.get("/api/contacts/nobody", "marketer").status_code == 404


def test_consent_ledger_by_email_or_phone(api: Api, lead_ids: dict[str, str]) -> None:
    # Any capitalisation of the address finds the person.
    ledger = api.get("/api/consents", "marketer", email="PRIYA.patel@globex.com").json()
    assert [(e["purpose"], e["answer"]) for e in ledger["events"]] == [
        ("marketing_email", "withdrawn"),
        ("marketing_sms", "granted"),  # her YES, by text
        ("marketing_email", "granted"),  # her click on the e-mail's link
        ("marketing_sms", "pending"),
        ("marketing_email", "pending"),
    ]
    assert {s["purpose"]: s["granted"] for s in ledger["current"]} == {
        "marketing_email": False,
        "marketing_sms": True,
    }
    by_phone = api.get("/api/consents", "marketer", phone="+1 (415) 555-0132").json()
    assert by_phone == ledger
    missing = api.get("/api/consents", "marketer", email="nobody@example.com")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    for params in ({}, {"email": "not-an-address"}, {"email": "a@b.co", "phone": "+14155550132"}):
        assert api.get("/api/consents", "marketer", **params).status_code == 422


def test_segments_with_lead_counts(api: Api, lead_ids: dict[str, str]) -> None:
    segments = api.get("/api/segments", "viewer").json()
    assert [s["name"] for s in segments] == [s.name for s in bootstrap.segments()]
    counts = {s["name"]: s["lead_count"] for s in segments}
    assert counts["students"] == 1 and counts["hot_enterprise"] == 2
    assert all(s["description"] for s in segments)


def test_suppression_shows_hashes_only(api: Api, lead_ids: dict[str, str]) -> None:
    listing = api.get("/api/suppression", "marketer")
    body = listing.json()
    expected = identifier_hash("email", "priya.patel@globex.com", bootstrap.suppression_pepper())
    assert body["count"] == 1
    assert body["items"][0]["identifier_hash"] == expected
    assert body["items"][0]["kind"] == "email"
    assert "globex" not in listing.text.lower()

    check = api.get("/api/suppression/check", "marketer", email="priya.patel@GLOBEX.com").json()
    assert check == {"kind": "email", "suppressed": True}
    sam = api.get("/api/suppression/check", "marketer", email="sam@initech.io").json()
    assert sam["suppressed"] is False
    phone = api.get("/api/suppression/check", "marketer", phone="+14155550132").json()
    assert phone == {"kind": "phone", "suppressed": False}


def test_outbox_rows_and_counts(api: Api, lead_ids: dict[str, str]) -> None:
    page = api.get("/api/outbox", "marketer", status="pending", limit=2).json()
    # Priya's first lead went out three times: captured, then once per confirmation.
    assert page["total"] == 6 and len(page["items"]) == 2
    assert page["items"][0]["sink"] == "webhook"
    assert page["items"][0]["payload"]["lead_id"] == page["items"][0]["lead_id"]
    assert api.get("/api/outbox", "marketer", status="failed").json()["total"] == 0
    assert api.get("/api/outbox", "marketer", status="lost").status_code == 422
    counts = api.get("/api/outbox/counts", "viewer").json()
    assert counts == {"counts": {"pending": 6}, "total": 6}


def test_a_failed_outbox_row_can_be_retried(api: Api, lead_ids: dict[str, str]) -> None:
    with session_scope(api.engine) as session:
        row = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).first()
        assert row is not None
        row.status, row.attempts, row.last_error = "failed", 6, "HTTP 401: token expired"
        row_id = row.id
    retry = f"/api/outbox/{row_id}/retry"
    assert api.client.post(retry, headers=api.headers("viewer")).status_code == 403
    retried = api.client.post(retry, headers=api.headers("marketer"))
    assert retried.status_code == 200, retried.text
    item = retried.json()
    assert item["status"] == "pending" and item["attempts"] == 0
    assert item["last_error"] == "HTTP 401: token expired"
    again = api.client.post(retry, headers=api.headers("marketer"))
    assert again.status_code == 409 and "pending" in again.text
    assert (
        api.client.post("/api/outbox/999999/retry", headers=api.headers("marketer")).status_code
        == 404
    )
