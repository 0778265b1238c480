"""Builds a channel's pipeline from the settings: the composition root for channels."""

from __future__ import annotations

from datetime import timedelta

from bot.settings import get_settings
from channels.inbound import Adapter
from channels.locks import ConversationLocks
from channels.pipeline import Pipeline, PipelineSettings

# Longer than any turn should take; a lease that runs out hands the message to another
# processor, so it must not be shorter than a slow but healthy turn.
TURN_LEASE = timedelta(seconds=120)
# How soon a Rasa server starts on a row another process recorded (the ingress: SMS and
# Telegram messages; the worker: follow-ups; the API: a sales rep's messages, on every
# channel): short beside a turn.
PICKUP_S = 0.1


def make_pipeline(adapter: Adapter) -> Pipeline:
    settings = get_settings()
    locks = ConversationLocks(settings.redis_url, timeout_s=TURN_LEASE.total_seconds())
    return Pipeline(adapter, locks, PipelineSettings(lease=TURN_LEASE, pickup_s=PICKUP_S))
