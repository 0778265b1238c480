"""The Telegram webhook's decision on one update: verify, parse, what to answer.

Check `X-Telegram-Bot-Api-Secret-Token` in constant time (403 otherwise, nothing stored),
parse the update with PTB (400 with the reason for a body that is not an Update) and
answer 200; a text, button press or shared contact is recorded first, keyed by
`update_id`, so a re-sent update is acknowledged and not processed again. Private and
group chats are separate conversations (one per chat id). Edited messages and other
update types are acknowledged and left alone. The ingress process (`channels.ingress`)
serves it and records the message; the Rasa server's Telegram channel
(`channels.telegram.channel`) runs the turn. Nothing here imports Rasa.
"""

from __future__ import annotations

import hmac
import logging

from channels.inbound import Inbound, Verdict
from channels.telegram.updates import MalformedUpdate, TelegramInbound, parse_update

logger = logging.getLogger(__name__)

NAME = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PROCESSED_KINDS = frozenset({"text", "button", "contact"})


def read_update(*, body: bytes, given_secret: str | None, secret: str) -> Verdict:
    """What to answer Telegram's POST, and the message to record before answering."""
    if not hmac.compare_digest((given_secret or "").encode(), secret.encode()):
        return Verdict(403, {"error": f"invalid or missing {SECRET_HEADER}"})
    try:
        update = parse_update(body)
    except MalformedUpdate as malformed:
        return Verdict(400, {"error": malformed.reason})
    if update.kind in PROCESSED_KINDS and update.text:
        return Verdict(200, {"ok": True}, inbound=_inbound(update))
    logger.debug("Telegram update %s (%s) left alone", update.update_id, update.kind)
    return Verdict(200, {"ok": True})


def _inbound(update: TelegramInbound) -> Inbound:
    source = {"channel": NAME, "chat_type": update.chat_type}
    return Inbound(
        channel=NAME,
        external_id=str(update.update_id),
        conversation_id=f"{NAME}:{update.chat_id}",
        text=update.text,
        address=str(update.chat_id),
        metadata={"source": source, "telegram_user_id": update.user_id},
        extra={"callback_query_id": update.callback_query_id},
    )
