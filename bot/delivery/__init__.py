"""Delivery of leads to external CRMs through the transactional outbox.

`capture_lead` queues one outbox row per configured sink in the lead's own transaction;
the worker (`python -m bot.delivery`) drains the rows into the sinks, retrying with
backoff until each is delivered or has failed for good.

    payload.py   the JSON document for one lead version
    sink.py      the Sink protocol and DeliveryError
    transport.py httpx outcomes -> DeliveryError (the HTTP boundary)
    signature.py Standard Webhooks signing
    webhook.py   the webhook sink        hubspot.py  the HubSpot sink
    registry.py  PARLEY_SINKS -> sinks   backoff.py  the retry schedule
    outbox.py    claiming and finishing rows   worker.py  the loop
    health.py    GET /health              __main__.py the process

Errors: a sink raises only `DeliveryError(retryable, reason, retry_after)`, translated
from httpx at `transport.py`; configuration gaps are refused by `Settings` at startup
(and `registry.SinkConfigurationError` should one slip through).
"""

from bot.delivery.payload import LeadPayload, lead_payload
from bot.delivery.sink import DeliveryError, Sink

__all__ = ["DeliveryError", "LeadPayload", "Sink", "lead_payload"]
