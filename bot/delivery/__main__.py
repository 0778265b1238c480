"""`python -m bot.delivery`: the delivery worker process, with its health endpoint.

Stops gracefully on SIGTERM or SIGINT: the round under way finishes (each attempt has a
time limit), nothing new is claimed, then the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import httpx
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.delivery.backoff import RetryPolicy
from bot.delivery.health import start_health_server
from bot.delivery.registry import build_sinks
from bot.delivery.sink import Sink
from bot.delivery.worker import DeliveryWorker
from bot.process_start import prepare_process
from bot.settings import Settings, get_settings


def make_worker(settings: Settings, engine: Engine, sinks: dict[str, Sink]) -> DeliveryWorker:
    policy = RetryPolicy(
        max_attempts=settings.delivery_max_attempts,
        base_s=settings.delivery_backoff_base_s,
        cap_s=settings.delivery_backoff_cap_s,
    )
    return DeliveryWorker(
        engine,
        sinks,
        policy=policy,
        lease_s=settings.delivery_lease_s,
        timeout_s=settings.delivery_timeout_s,
        batch_size=settings.delivery_batch_size,
        poll_s=settings.delivery_poll_s,
    )


async def serve(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with httpx.AsyncClient(timeout=settings.delivery_timeout_s) as client:
        sinks = build_sinks(settings, client)
        worker = make_worker(settings, bootstrap.crm_engine(), sinks)
        health = start_health_server(settings.host, settings.worker_port, worker.is_healthy)
        try:
            await worker.run(stop)
        finally:
            health.shutdown()
            health.server_close()
            for sink in sinks.values():
                close = getattr(sink, "close", None)
                if close is not None:
                    await close()
            bootstrap.crm_engine().dispose()


def main() -> int:
    settings = get_settings()
    prepare_process()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
