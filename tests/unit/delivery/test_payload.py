"""The payload a sink receives: the lead version, its contact and consent per purpose."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.crm.tables import ConsentEvent, Contact, Lead
from bot.delivery.payload import lead_payload

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 20, 9, 45, tzinfo=timezone.utc)


def test_payload_holds_the_lead_contact_and_consent_as_json() -> None:
    contact = Contact(
        id="C-1", name="Priya Patel", email="priya@globex.com", phone=None, company="Globex"
    )
    lead = Lead(
        id="L-1",
        version=3,
        conversation_id="conv-1",
        channel="telegram",
        answers={"budget": {"low": 20000, "high": 30000, "unit": "USD"}},
        role="VP marketing",
        authority="decision_maker",
        score=72,
        grade="B",
        score_breakdown=[{"rule": "budget", "points": 20, "reason": "Budget over 10k"}],
        segments=["ready_to_buy"],
        status="qualified",
        created_at=T0,
        updated_at=T1,
    )
    email = ConsentEvent(
        purpose="marketing_email",
        answer="granted",
        granted=True,
        notice_version="2026-11",
        recorded_at=T0,
    )
    payload = lead_payload(lead, contact=contact, consent={"marketing_email": email})
    assert json.loads(json.dumps(payload)) == payload
    assert payload["lead_id"] == "L-1" and payload["version"] == 3
    assert payload["contact"] == {
        "id": "C-1",
        "name": "Priya Patel",
        "email": "priya@globex.com",
        "phone": None,
        "company": "Globex",
    }
    assert payload["answers"]["budget"]["low"] == 20000
    assert (payload["score"], payload["grade"], payload["status"]) == (72, "B", "qualified")
    assert payload["breakdown"][0]["points"] == 20
    assert payload["segments"] == ["ready_to_buy"]
    assert payload["consent"] == {
        "marketing_email": {
            "answer": "granted",
            "granted": True,
            "recorded_at": "2026-11-20T09:30:00+00:00",
            "notice_version": "2026-11",
        },
        # Never asked: present, and not granted.
        "marketing_sms": {
            "answer": None,
            "granted": False,
            "recorded_at": None,
            "notice_version": None,
        },
    }
    assert (payload["created_at"], payload["updated_at"]) == (T0.isoformat(), T1.isoformat())
