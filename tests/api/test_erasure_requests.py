""" "Delete my data" said in chat waits in a queue until an admin erases the person."""

from __future__ import annotations

from bot import bootstrap
from bot.consent import ConsentAnswer, Purpose
from bot.crm import session_scope
from bot.lead_capture import capture_erasure_request
from tests.api.conftest import Api
from tests.api.seed import priya_slots, proof


def request_erasure(api: Api) -> None:
    withdrawal = [
        proof(p, ConsentAnswer.WITHDRAWN, f"m-erase-{p.value}", "conv-priya-1", 30) for p in Purpose
    ]
    with session_scope(api.engine) as session:
        assert capture_erasure_request(
            session,
            slots=priya_slots(),
            conversation_id="conv-priya-1",
            records=withdrawal,
            pepper=bootstrap.suppression_pepper(),
            sinks=[],
        )


def test_a_chat_request_is_listed_for_admins_until_erased(
    api: Api, lead_ids: dict[str, str]
) -> None:
    assert api.get("/api/subjects/requests").json() == []
    request_erasure(api)
    [pending] = api.get("/api/subjects/requests").json()
    email = priya_slots()["email"]
    assert pending["email"].lower() == email.lower()
    assert api.get("/api/suppression/check", email=email).json()["suppressed"]

    erased = api.client.delete(
        "/api/subjects", params={"email": email}, headers=api.headers("admin")
    )
    assert erased.status_code == 200
    assert api.get("/api/subjects/requests").json() == []


def test_only_admins_see_erasure_requests(api: Api) -> None:
    assert api.get("/api/subjects/requests", role="marketer").status_code == 403
