"""Double opt-in across the running stack: a yes typed in chat is pending; the e-mail
really goes out over SMTP and its link's button grants; the text really goes out through
Twilio and only a YES from that number grants; the webhook hears of each confirmation."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from bot.settings import Settings
from tests.e2e.channel_visitors import SmsVisitor
from tests.e2e.rest_client import Conversation
from tests.e2e.test_conversations import answer_from, start_form
from tests.e2e.test_crm_flow import api, wait_for
from tests.e2e.webhook_receiver import WebhookReceiver
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.twilio_api import FakeTwilioApi

pytestmark = pytest.mark.e2e


def consent_of(stack: Settings, email: str) -> dict[str, str]:
    with api(stack) as client:
        [summary] = client.get("/api/leads", params={"q": email}).json()["items"]
        lead = client.get(f"/api/leads/{summary['id']}").json()
    return {item["purpose"]: item["answer"] for item in lead["consent"]}


def test_consent_typed_in_chat_counts_once_its_owner_confirms(
    conversation: Conversation,
    stack: Settings,
    smtp: SmtpServer,
    twilio: FakeTwilioApi,
    webhook: WebhookReceiver,
) -> None:
    email = f"dana.{uuid.uuid4().hex[:8]}@acme-robotics.io"
    owner = SmsVisitor(stack, twilio)
    start_form(conversation)
    answer_from(conversation, "name", {"email": email, "phone": owner.phone})
    conversation.said("yes please")
    wrap_up = conversation.said("sure")
    assert f"I'm sending a link to {email}" in wrap_up
    assert f"I'm texting {owner.phone}" in wrap_up
    assert consent_of(stack, email) == {"marketing_email": "pending", "marketing_sms": "pending"}

    # The e-mail: a real message over SMTP, whose link shows a button and only its POST grants.
    [message] = wait_for(lambda: [m for m in smtp.messages if m["To"] == email])
    link = re.search(r"http://\S+/consent/confirm/\S+", message.get_content())
    assert link is not None
    page = httpx.get(link.group(0), timeout=30)
    assert page.status_code == 200 and 'method="post"' in page.text
    assert consent_of(stack, email)["marketing_email"] == "pending"
    assert httpx.post(link.group(0), timeout=30).status_code == 200
    assert consent_of(stack, email)["marketing_email"] == "granted"

    # The text: a stranger's YES is an ordinary message; the owner's YES grants.
    asked = wait_for(lambda: [body for body in owner.received() if "reply YES" in body])
    assert asked
    stranger = SmsVisitor(stack, twilio)
    assert "subscribed" not in stranger.said("YES")
    assert consent_of(stack, email)["marketing_sms"] == "pending"
    assert "you're subscribed" in owner.said("yes")
    assert consent_of(stack, email) == {"marketing_email": "granted", "marketing_sms": "granted"}

    def granted_pushed() -> bool:
        return any(
            d["body"]["type"].startswith("lead.")
            and d["body"]["data"]["contact"]["email"] == email
            and d["body"]["data"]["consent"]["marketing_sms"]["granted"]
            and d["body"]["data"]["consent"]["marketing_email"]["granted"]
            for d in webhook.deliveries
        )

    assert wait_for(granted_pushed)
