"""The outbound gate (suppression before every send) and which channels may open."""

from __future__ import annotations

from typing import Any

import pytest

from bot import bootstrap
from bot.consent.keywords import ComplianceKeyword
from bot.crm import is_suppressed, session_scope, suppress, upgrade_to_head
from bot.settings import Settings, get_settings
from channels.enabled import missing_settings, write_credentials
from channels.outbound import COMPLIANCE, GatedOutput
from channels.sms.compliance import keyword_reply, record_keyword

PHONE = "+14155550123"


class RecordingSms(GatedOutput):
    suppression_kind = "phone"

    def __init__(self, address: str | None) -> None:
        super().__init__(address)
        self.delivered: list[dict[str, Any]] = []

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.delivered.append(message)


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)


def suppressed(phone: str) -> bool:
    with session_scope(bootstrap.crm_engine()) as session:
        return is_suppressed(
            session, kind="phone", value=phone, pepper=bootstrap.suppression_pepper()
        )


async def test_a_suppressed_number_gets_compliance_messages_only() -> None:
    with session_scope(bootstrap.crm_engine()) as session:
        suppress(
            session, kind="phone", value=PHONE, reason="x", pepper=bootstrap.suppression_pepper()
        )
    output = RecordingSms(PHONE)
    await output.send_response(PHONE, {"text": "Our spring offer!"})
    await output.send_response(PHONE, {"text": "Done.", "utter_action": "utter_consent_withdrawn"})
    await output.send_response(PHONE, {"text": "You're unsubscribed.", COMPLIANCE: True})
    assert output.delivered == []  # held until the turn is saved
    await output.release()
    assert [m["text"] for m in output.delivered] == ["Done.", "You're unsubscribed."]
    assert output.withheld == 1
    for address in ("+14155550999", "22395"):  # another number; a short code
        other = RecordingSms(address)
        await other.send_text_message(address, "hello")
        await other.release()
        assert [m["text"] for m in other.delivered] == ["hello"]


def test_stop_then_start_by_text_suppresses_and_releases_the_number() -> None:
    settings = get_settings()
    common = {"phone": PHONE, "conversation_id": f"sms:{PHONE}", "settings": settings}
    record_keyword(ComplianceKeyword.STOP, reply_text="STOP", message_id="SM1", **common)
    assert suppressed(PHONE)
    record_keyword(ComplianceKeyword.HELP, reply_text="HELP", message_id="SM2", **common)
    assert suppressed(PHONE)
    record_keyword(ComplianceKeyword.START, reply_text="START", message_id="SM3", **common)
    assert not suppressed(PHONE)
    help_text = keyword_reply(ComplianceKeyword.HELP, settings)
    assert settings.brand_name in help_text and "STOP" in help_text


def test_channels_without_their_secrets_stay_closed(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(  # type: ignore[call-arg]
        var_dir=get_settings().var_dir, twilio_account_sid="AC1", twilio_auth_token="t"
    )
    assert missing_settings(settings, "channels.sms.channel.SmsInput") == ["TWILIO_FROM_NUMBER"]
    written = write_credentials(settings).read_text()
    assert "WebChatInput" in written and "rest" in written
    assert "SmsInput" not in written and "TelegramInput" not in written
    warnings = capsys.readouterr().err
    assert "SmsInput is disabled: set TWILIO_FROM_NUMBER" in warnings
    assert "TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET" in warnings
