"""GET /api/leads (filters, paging), one lead with its breakdown and consent proof, and
its transcript from the tracker store."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.seed import T0, capture, jo_slots


def names(api: Api, **params: object) -> list[str]:
    response = api.get("/api/leads", "marketer", **params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_newest_first_with_the_total(api: Api, lead_ids: dict[str, str]) -> None:
    body = api.get("/api/leads", "marketer").json()
    assert body["total"] == 4 and (body["limit"], body["offset"]) == (50, 0)
    assert [item["id"] for item in body["items"]] == [
        lead_ids["priya_2"],
        lead_ids["jo"],
        lead_ids["sam"],
        lead_ids["priya"],
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"segment": "students"}, ["Jo Student"]),
        ({"segment": "hot_enterprise"}, ["Priya Patel", "Priya Patel"]),
        ({"segment": "hot"}, []),  # a whole segment name, not a prefix
        ({"grade": "C"}, ["Sam Jones"]),
        ({"channel": "telegram"}, ["Sam Jones"]),
        ({"consent": "marketing_email:denied"}, ["Sam Jones"]),
        # Priya withdrew in her second conversation: the current answer counts.
        ({"consent": "marketing_email:withdrawn"}, ["Priya Patel", "Priya Patel"]),
        ({"consent": "marketing_email:granted"}, []),
        ({"consent": "marketing_sms:granted"}, ["Priya Patel", "Priya Patel"]),
        ({"consent": "marketing_email:none"}, ["Jo Student"]),
        ({"created_from": "2026-11-21", "created_to": "2026-11-22"}, ["Jo Student", "Sam Jones"]),
        ({"created_to": "2026-11-20"}, ["Priya Patel"]),
        ({"q": "GLOBEX"}, ["Priya Patel", "Priya Patel"]),
        ({"q": "initech.io"}, ["Sam Jones"]),
        ({"q": "student"}, ["Jo Student"]),
        ({"q": "%"}, []),  # LIKE wildcards are literal
        ({"grade": "A", "channel": "rest", "q": "patel"}, ["Priya Patel"]),
        ({"channel": "sms"}, ["Priya Patel"]),
    ],
)
def test_filters(
    api: Api, lead_ids: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    assert names(api, **params) == expected


def test_paging(api: Api, lead_ids: dict[str, str]) -> None:
    first = api.get("/api/leads", "marketer", limit=3).json()
    second = api.get("/api/leads", "marketer", limit=3, offset=3).json()
    assert (len(first["items"]), len(second["items"])) == (3, 1)
    assert first["total"] == second["total"] == 4
    seen = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(seen) == sorted(lead_ids.values())


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"consent": "marketing_email:yes"},
        {"created_from": "yesterday"},
    ],
)
def test_bad_filters_are_422(api: Api, params: dict[str, object]) -> None:
    response = api.get("/api/leads", "marketer", **params)
    assert response.status_code == 422
    assert response.json()["error"] == "unprocessable_entity"


def test_lead_detail_explains_the_score_and_proves_consent(
    api: Api, lead_ids: dict[str, str]
) -> None:
    lead = api.get(f"/api/leads/{lead_ids['priya']}", "marketer").json()
    assert (lead["grade"], lead["status"]) == ("A", "qualified")
    assert sum(part["points"] for part in lead["score_breakdown"]) == lead["score"]
    assert any("Budget" in part["reason"] for part in lead["score_breakdown"])
    assert lead["answers"]["company"] == "Globex"
    assert lead["segments"] == ["hot_enterprise", "ready_to_buy", "sms_reachable"]
    assert lead["contact"]["phone"] == "+14155550132"
    assert lead["transcript_url"] == f"/api/leads/{lead_ids['priya']}/transcript"

    consent = {state["purpose"]: state for state in lead["consent"]}
    email = consent["marketing_email"]
    assert (email["answer"], email["granted"]) == ("withdrawn", False)
    # Her yes in the web chat was pending until she confirmed it from the e-mail's link.
    assert [p["answer"] for p in email["proof"]] == ["withdrawn", "granted", "pending"]
    said, confirmed = email["proof"][2], email["proof"][1]
    assert said["message_id"] == "m-p1" and said["conversation_id"] == "conv-priya-1"
    assert said["reply_text"] == "granted, thanks"
    assert said["wording"] == "May we contact you about Parley (marketing_email)?"
    assert said["notice_version"] == "2026-11"
    assert (confirmed["message_id"], confirmed["channel"]) == ("confirm-link-p1", "email")
    assert confirmed["conversation_id"] == "conv-priya-1"
    assert consent["marketing_sms"]["granted"] is True


def test_transcript_has_the_conversation_in_order(api: Api, lead_ids: dict[str, str]) -> None:
    lead = api.get(f"/api/leads/{lead_ids['priya']}", "marketer").json()
    transcript = api.get(lead["transcript_url"], "marketer").json()
    assert transcript["conversation_id"] == "conv-priya-1"
    assert [(m["sender"], m["text"]) for m in transcript["messages"]] == [
        ("user", "hi, I am Priya Patel, Priya.Patel@Globex.com"),
        ("bot", "Nice to meet you, Priya!"),
        ("user", "my number is +14155550132"),
        ("bot", "Thanks, noted."),
    ]
    assert transcript["messages"][0]["timestamp"] == "2026-11-20T09:00:01+00:00"


def test_transcript_of_a_lead_without_saved_events_is_empty(
    api: Api, lead_ids: dict[str, str]
) -> None:
    transcript = api.get(f"/api/leads/{lead_ids['jo']}/transcript", "marketer").json()
    assert transcript["messages"] == []


def test_transcript_before_rasa_created_its_table(api: Api) -> None:
    lead_id = capture(api.engine, jo_slots(), "conv-early", "rest", T0)
    assert api.get(f"/api/leads/{lead_id}/transcript", "marketer").json()["messages"] == []


def test_unknown_lead_is_404(api: Api) -> None:
    for path in ("/api/leads/nope", "/api/leads/nope/transcript"):
        response = api.get(path, "marketer")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "detail": "no such lead"}
