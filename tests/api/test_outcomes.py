"""POST /api/outcomes (won/lost import, all or nothing) and the predictive score it feeds:
GET /api/predictive and the `predictive` part of GET /api/leads/{id}."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.crm import session_scope
from bot.crm.outcomes import LeadOutcome
from bot.crm.tables import AuditEntry, Lead
from bot.scoring.predictive import MIN_LABELLED, feature_names
from tests.api.conftest import Api
from tests.api.seed import T0, capture

PER_OUTCOME = 18  # 36 labelled leads: over MIN_LABELLED, both outcomes well represented


def post(api: Api, outcomes: list[dict[str, Any]], role: str = "marketer") -> httpx.Response:
    return api.client.post("/api/outcomes", headers=api.headers(role), json={"outcomes": outcomes})


def outcome(lead_id: str, result: str, source: str = "salesforce") -> dict[str, str]:
    return {"lead_id": lead_id, "outcome": result, "source": source}


def stored(api: Api) -> dict[str, tuple[str, str, str]]:
    with session_scope(api.engine) as session:
        rows = session.execute(select(LeadOutcome)).scalars()
        return {row.lead_id: (row.outcome, row.source, row.recorded_by) for row in rows}


def imports_audited(api: Api) -> list[dict[str, Any]]:
    with session_scope(api.engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == "outcomes.imported")
        return [dict(entry.details) for entry in session.execute(query).scalars()]


def buyer_slots(n: int) -> dict[str, Any]:
    """A decision maker at a large company with budget, buying now."""
    return {
        "name": f"Buyer {n}",
        "email": f"buyer{n}@enterprise{n}.com",
        "company": f"Enterprise {n}",
        "role": "CTO",
        "authority": "decision_maker",
        "company_size": {"low": 500 + 50 * n, "high": 1000 + 50 * n, "unit": "people"},
        "budget": {"low": 40000 + 1000 * n, "high": 80000 + 1000 * n, "unit": "USD"},
        "timeline": "now" if n % 2 else "within_1_month",
        "consent_email": "granted",
    }


def browser_slots(n: int) -> dict[str, Any]:
    """A student at a tiny outfit with no budget and no hurry."""
    return {
        "name": f"Browser {n}",
        "email": f"browser{n}@campus{n}.edu",
        "role": "student",
        "authority": "student",
        "company_size": {"low": 1, "high": 1 + n % 3, "unit": "people"},
        "budget": "declined",
        "timeline": "12_plus_months" if n % 2 else "no_timeline",
        "consent_email": "denied",
    }


@pytest.fixture
def labelled(api: Api) -> dict[str, list[str]]:
    """Lead ids of buyers and browsers, all captured; no outcomes imported yet."""
    ids: dict[str, list[str]] = {"won": [], "lost": []}
    for n in range(PER_OUTCOME):
        created = T0 + timedelta(hours=n)
        ids["won"].append(capture(api.engine, buyer_slots(n), f"conv-buyer-{n}", "rest", created))
        ids["lost"].append(
            capture(api.engine, browser_slots(n), f"conv-browser-{n}", "rest", created)
        )
    return ids


def test_too_little_data_says_why(api: Api, lead_ids: dict[str, str]) -> None:
    body = api.get("/api/predictive", "viewer").json()
    assert body["status"] == "too_little_data"
    assert (body["labelled"], body["won"], body["lost"]) == (0, 0, 0)
    assert f"needs {MIN_LABELLED}" in body["reason"]

    imported = post(api, [outcome(lead_ids["priya"], "won"), outcome(lead_ids["sam"], "lost")])
    assert imported.status_code == 200, imported.text
    body = api.get("/api/predictive", "viewer").json()
    assert (body["status"], body["labelled"], body["won"], body["lost"]) == (
        "too_little_data",
        2,
        1,
        1,
    )
    assert "2 labelled leads (1 won, 1 lost)" in body["reason"]

    detail = api.get(f"/api/leads/{lead_ids['priya']}", "marketer").json()
    assert detail["predictive"] == {"status": "too_little_data", "reason": body["reason"]}
    assert detail["score"] > 0  # the rule score stays beside it


def test_unknown_leads_are_422_and_nothing_is_written(api: Api, lead_ids: dict[str, str]) -> None:
    response = post(
        api,
        [
            outcome(lead_ids["priya"], "won"),
            outcome("no-such-lead", "lost"),
            outcome("another-missing-one", "won"),
        ],
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "unknown_lead_ids": ["another-missing-one", "no-such-lead"]
    }
    assert stored(api) == {}
    assert imports_audited(api) == []


@pytest.mark.parametrize(
    "outcomes",
    [
        [],
        [{"lead_id": "x", "outcome": "maybe", "source": "salesforce"}],
        [{"lead_id": "x", "outcome": "won"}],
        [{"lead_id": "x", "outcome": "won", "source": ""}],
        [outcome(f"lead-{n}", "won") for n in range(1001)],
    ],
    ids=["empty", "bad-outcome", "no-source", "empty-source", "over-1000"],
)
def test_malformed_imports_are_422(api: Api, outcomes: list[dict[str, Any]]) -> None:
    response = post(api, outcomes)
    assert response.status_code == 422
    assert response.json()["error"] == "unprocessable_entity"


def test_a_lead_twice_in_one_import_is_422(api: Api, lead_ids: dict[str, str]) -> None:
    priya = lead_ids["priya"]
    response = post(api, [outcome(priya, "won"), outcome(priya, "lost")])
    assert response.status_code == 422
    assert response.json()["detail"] == {"repeated_lead_ids": [priya]}
    assert stored(api) == {}


def test_a_reimport_updates_the_outcome(api: Api, lead_ids: dict[str, str]) -> None:
    priya, sam = lead_ids["priya"], lead_ids["sam"]
    first = post(api, [outcome(priya, "won"), outcome(sam, "lost")])
    assert first.json() == {"imported": 2, "created": 2, "updated": 0}

    second = post(api, [outcome(priya, "lost", "hubspot")], role="admin")
    assert second.json() == {"imported": 1, "created": 0, "updated": 1}
    assert stored(api) == {
        priya: ("lost", "hubspot", "admin-token"),
        sam: ("lost", "salesforce", "marketer-token"),
    }
    assert imports_audited(api) == [
        {"imported": 2, "created": 2, "updated": 0, "won": 1, "lost": 1},
        {"imported": 1, "created": 0, "updated": 1, "won": 0, "lost": 1},
    ]


def test_fitted_coefficients_follow_the_outcomes(api: Api, labelled: dict[str, list[str]]) -> None:
    outcomes = [outcome(i, "won") for i in labelled["won"]]
    outcomes += [outcome(i, "lost") for i in labelled["lost"]]
    assert post(api, outcomes).json()["created"] == 2 * PER_OUTCOME

    body = api.get("/api/predictive", "viewer").json()
    assert body["status"] == "fitted"
    assert body["labelled"] == 2 * PER_OUTCOME
    coefficients = body["coefficients"]
    assert list(coefficients) == feature_names()
    assert isinstance(body["intercept"], float)
    for feature in ("authority_decision_maker", "log_budget_usd", "log_company_size"):
        assert coefficients[feature] > 0, feature
    assert coefficients["authority_student"] < 0


def test_lead_detail_shows_a_probability(api: Api, labelled: dict[str, list[str]]) -> None:
    # Train on all but one of each; the two left out are scored as new leads would be.
    buyer, browser = labelled["won"][0], labelled["lost"][0]
    outcomes = [outcome(i, "won") for i in labelled["won"][1:]]
    outcomes += [outcome(i, "lost") for i in labelled["lost"][1:]]
    assert post(api, outcomes).status_code == 200

    likely = api.get(f"/api/leads/{buyer}", "marketer").json()["predictive"]
    unlikely = api.get(f"/api/leads/{browser}", "marketer").json()["predictive"]
    assert set(likely) == set(unlikely) == {"probability"}
    assert 0.5 < likely["probability"] <= 1
    assert 0 <= unlikely["probability"] < 0.5


def test_leads_without_stored_facts_are_left_out(api: Api, labelled: dict[str, list[str]]) -> None:
    outcomes = [outcome(i, "won") for i in labelled["won"]]
    outcomes += [outcome(i, "lost") for i in labelled["lost"]]
    post(api, outcomes)
    old = labelled["won"][0]
    with session_scope(api.engine) as session:
        lead = session.get(Lead, old)
        assert lead is not None and lead.facts is not None  # capture_lead stores them
        lead.facts = None  # as for a lead captured before migration 0003

    assert api.get("/api/predictive").json()["labelled"] == 2 * PER_OUTCOME - 1
    predictive = api.get(f"/api/leads/{old}", "marketer").json()["predictive"]
    assert predictive["status"] == "no_facts"


def test_outcomes_go_with_their_lead(api: Api, lead_ids: dict[str, str]) -> None:
    post(api, [outcome(lead_ids["sam"], "lost")])
    erased = api.client.delete(
        "/api/subjects", headers=api.headers("admin"), params={"email": "sam@initech.io"}
    )
    assert erased.status_code == 200, erased.text
    assert stored(api) == {}


def test_roles(api: Api, lead_ids: dict[str, str]) -> None:
    sam = [outcome(lead_ids["sam"], "lost")]
    assert post(api, sam, role="viewer").status_code == 403
    assert stored(api) == {}
    assert api.client.post("/api/outcomes", json={"outcomes": sam}).status_code == 401
    assert api.client.get("/api/predictive").status_code == 401
    assert api.get("/api/predictive", "viewer").status_code == 200
    assert post(api, sam, role="marketer").status_code == 200
