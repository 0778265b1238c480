"""From a conversation to the CRM and beyond, through real HTTP ports only.

A visitor qualifies over Rasa's REST channel; the lead appears in the CRM API with its
score, breakdown, segments and consent proof; the delivery worker pushes it to a webhook
on loopback, signed; the wrap-up's recommended content is clicked through the redirect;
the person's data is exported, then erased everywhere.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from tests.e2e.rest_client import Conversation
from tests.e2e.test_conversations import answer_from, start_form
from tests.e2e.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e


def api(stack: Settings) -> httpx.Client:
    """A client of the CRM API with the admin token the first start wrote to var/."""
    token = (stack.var_dir / "admin_token").read_text().strip()
    return httpx.Client(
        base_url=f"http://{stack.host}:{stack.api_port}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def wait_for(check: Any, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_conversation_to_crm_api_webhook_export_and_erasure(
    conversation: Conversation, stack: Settings, webhook: WebhookReceiver
) -> None:
    email = f"dana.{conversation.sender[-8:]}@acme-robotics.io"
    start_form(conversation)
    answer_from(
        conversation,
        "name",
        {"name": "i'm Dana Whitfield", "email": f"it's {email}", "phone": "(415) 555-0187"},
    )
    conversation.said("yes please")
    wrap_up = conversation.said("sure")
    # The last message offers content, each item with a signed link to /r/<token>.
    tokens = re.findall(r"/r/(\S+)$", wrap_up, flags=re.MULTILINE)
    assert 1 <= len(tokens) <= 3

    with api(stack) as client:
        clicked = client.get(f"/r/{tokens[0]}")
        assert clicked.status_code == 302 and clicked.headers["location"].startswith("https://")
        assert client.get(f"/r/{tokens[0]}x").status_code == 400
        listed = client.get("/api/leads", params={"q": email}).json()
        assert listed["total"] == 1
        [summary] = listed["items"]
        lead = client.get(f"/api/leads/{summary['id']}").json()
        assert lead["score"] == sum(part["points"] for part in lead["score_breakdown"])
        assert lead["grade"] and lead["segments"]
        consent = {item["purpose"]: item for item in lead["consent"]}
        assert consent["marketing_email"]["answer"] == "pending"  # until Dana confirms
        assert consent["marketing_sms"]["answer"] == "pending"

        delivery = wait_for(
            lambda: [
                d for d in webhook.deliveries if d["body"]["data"].get("lead_id") == lead["id"]
            ]
        )[0]
        assert delivery["headers"]["webhook-id"].startswith("webhook:")
        assert delivery["headers"]["webhook-signature"].startswith("v1,")
        # The receiver answers before the worker records the outcome: wait for that too.
        wait_for(
            lambda: any(
                row["lead_id"] == lead["id"] and row["status"] == "delivered"
                for row in client.get("/api/outbox").json()["items"]
            )
        )

        exported = client.get("/api/subjects/export", params={"email": email}).json()
        assert [contact["email"] for contact in exported["contacts"]] == [email]
        assert {lead["id"]} == {row["id"] for row in exported["leads"]}
        assert len(exported["consent_events"]) == 2
        said = [e["data"].get("text") for e in exported["conversation_events"]]
        assert "yes please" in said
        engagements = sorted(row["kind"] for row in exported["content_engagements"])
        assert engagements == ["clicked", *["offered"] * len(tokens)]

        erased = client.delete("/api/subjects", params={"email": email})
        assert erased.status_code == 200 and erased.json()["notified"] == ["webhook"]
        assert erased.json()["erased"]["content_engagements"] == len(tokens) + 1
        # The webhook that holds Dana's lead hears of the erasure, signed like the rest.
        notice = wait_for(
            lambda: [
                d
                for d in webhook.deliveries
                if d["body"]["type"] == "subject.erased"
                and {"kind": "email", "value": email} in d["body"]["data"]["identifiers"]
            ]
        )[0]
        assert notice["body"]["data"]["lead_ids"] == [lead["id"]]
        assert notice["headers"]["webhook-signature"].startswith("v1,")
        assert client.get("/api/leads", params={"q": email}).json()["total"] == 0
        assert client.get("/api/subjects/export", params={"email": email}).status_code == 404
        assert client.get("/api/suppression/check", params={"email": email}).json()["suppressed"]
    tracker = conversation.tracker()
    assert not [e for e in tracker["events"] if e["event"] == "user"]
