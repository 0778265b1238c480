"""Export and erasure checks shared by the SQLite and PostgreSQL API tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.followup_tables import FollowupLog
from bot.crm.identity import identifier_hash
from bot.crm.tables import AuditEntry, Suppression
from bot.followups.enroll import enrol
from tests.api.conftest import Api
from tests.api.seed import PRIYA, PRIYA_CONFIRMATIONS, PRIYA_CONVERSATIONS, traces

# Everything that identifies Priya, as stored in any table: address (any case), phone,
# name, conversation ids, consent message ids and her inbound message id.
PRIYA_TRACES = [
    "priya.patel@globex.com",
    PRIYA["phone"],
    "4155550132",
    PRIYA["name"],
    "Priya",
    *PRIYA_CONVERSATIONS,
    "m-p1",
    "m-p2",
    "m-p3",
    *PRIYA_CONFIRMATIONS.values(),
    "SM-conv-priya-1",
]


def check_export(api: Api, lead_ids: dict[str, str]) -> dict[str, Any]:
    response = api.get("/api/subjects/export", "marketer", email="priya.patel@globex.com")
    assert response.status_code == 200, response.text
    export = response.json()
    [contact] = export["contacts"]
    assert (contact["name"], contact["phone"]) == (PRIYA["name"], PRIYA["phone"])
    assert sorted(lead["id"] for lead in export["leads"]) == sorted(
        [lead_ids["priya"], lead_ids["priya_2"]]
    )
    assert all("score_breakdown" in lead for lead in export["leads"])
    assert sorted(e["message_id"] for e in export["consent_events"]) == sorted(
        ["m-p1", "m-p2", "m-p3", *PRIYA_CONFIRMATIONS.values()]
    )
    assert sorted(c["kind"] for c in export["consent_confirmations"]) == ["email", "phone"]
    # Her first lead: captured, then sent again after each confirmation; her second once.
    assert len(export["outbox"]) == 4
    assert [m["external_id"] for m in export["inbound_messages"]] == ["SM-conv-priya-1"]
    assert [s["kind"] for s in export["suppressions"]] == ["email"]
    assert [e["conversation_id"] for e in export["experiment_exposures"]] == ["conv-priya-1"]
    for kind in (
        "followup_enrollments",
        "followup_steps",
        "message_reviews",
        "handoffs",
        "content_engagements",
    ):
        assert export[kind] == []  # she has none: the kinds are there, with nothing of others
    conversations = {event["conversation_id"] for event in export["conversation_events"]}
    assert conversations == set(PRIYA_CONVERSATIONS)
    texts = [
        event["data"].get("text")
        for event in export["conversation_events"]
        if event["type"] == "user"
    ]
    assert "write to priya.patel@globex.com" in texts
    assert "sam" not in response.text.lower()
    return export


def check_erasure(api: Api) -> None:
    """Erase Priya, then find no trace of her anywhere; Sam and Jo stay untouched."""
    assert traces(api.engine, PRIYA_TRACES)  # the check can see her before
    with session_scope(api.engine) as session:  # she is being followed up on
        finishing = bootstrap.workflows()["finish_the_form"]
        assert enrol(session, finishing, conversation_id="conv-priya-1", now=utcnow())
    response = api.client.delete(
        "/api/subjects", params={"phone": "+1 415 555 0132"}, headers=api.headers("admin")
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["suppressed"] == ["email", "phone"]
    assert report["erased"] == {
        "conversation_events": report["erased"]["conversation_events"],
        "outbox": 4,
        "consent_confirmations": 2,
        "inbound_messages": 1,
        "consent_events": 5,
        "experiment_exposures": 1,
        "followup_enrollments": 1,
        "message_reviews": 0,
        "handoffs": 0,
        "content_engagements": 0,
        "leads": 2,
        "contacts": 1,
    }
    assert report["erased"]["conversation_events"] > 0
    with session_scope(api.engine) as session:  # counted as ended by erasure, anonymously
        logged = session.execute(select(FollowupLog.sequence, FollowupLog.kind)).all()
        assert ("finish_the_form", "erased") in [tuple(row) for row in logged]

    assert traces(api.engine, PRIYA_TRACES) == []
    assert traces(api.engine, ["sam@initech.io", "conv-sam", "Jo Student", "SM-conv-sam"])

    pepper = bootstrap.suppression_pepper()
    phone_hash = identifier_hash("phone", PRIYA["phone"], pepper)
    email_hash = identifier_hash("email", PRIYA["email"], pepper)
    with session_scope(api.engine) as session:
        suppressed = set(session.execute(select(Suppression.identifier_hash)).scalars())
        [erasure] = session.execute(
            select(AuditEntry).where(AuditEntry.action == "subject.erased")
        ).scalars()
    assert {phone_hash, email_hash} <= suppressed
    assert (erasure.actor, erasure.subject_hash) == ("admin-token", phone_hash)

    again = api.client.delete(
        "/api/subjects", params={"email": PRIYA["email"]}, headers=api.headers("admin")
    )
    assert again.status_code == 404
    gone = api.get("/api/subjects/export", "marketer", email=PRIYA["email"])
    assert gone.status_code == 404
    assert api.get("/api/leads", "marketer").json()["total"] == 2
    check = api.get("/api/suppression/check", "marketer", email=PRIYA["email"]).json()
    assert check["suppressed"] is True
