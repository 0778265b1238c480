"""`python -m bot.delivery`: the delivery worker process, with its health endpoint, the
follow-up engine (`bot.followups`) and the hourly retention purge (`bot.crm.retention`).

Stops gracefully on SIGTERM or SIGINT: the round under way finishes (each attempt has a
time limit), nothing new is claimed, then the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from datetime import timedelta

import httpx
from sqlalchemy.engine import Engine

from bot import bootstrap
from bot.crm import session_scope
from bot.crm.database import utcnow
from bot.crm.retention import purge_expired
from bot.delivery.backoff import RetryPolicy
from bot.delivery.health import start_health_server
from bot.delivery.registry import build_sinks
from bot.delivery.sink import Sink
from bot.delivery.worker import DeliveryWorker
from bot.followups.activity import reader
from bot.followups.engine import FollowupEngine
from bot.followups.gate import Policy
from bot.followups.send_window import SendWindows
from bot.followups.steps import Runtime
from bot.followups.workflows import project_catalogue
from bot.handoff.service import tell_overdue
from bot.process_start import prepare_process
from bot.settings import Settings, get_settings
from bot.stores.conversation_events import ConversationEvents

logger = logging.getLogger("bot.delivery")
RETENTION_EVERY_S = 3600.0
HANDOFF_WATCH_S = 15.0


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


def make_followups(settings: Settings, engine: Engine) -> FollowupEngine:
    """The follow-up engine, its collaborators built once; the sequences and responses are
    read again when their files change."""
    policy = Policy(
        cap_per_week=settings.followup_cap_per_week,
        windows=SendWindows.parse(settings.send_window, settings.send_window_states),
        fallback_zone=settings.time_zone,
        pepper=bootstrap.suppression_pepper(),
    )
    shared = settings.tracker_store_url == settings.crm_database_url
    activity = reader(None if shared else bootstrap.tracker_engine())

    questions = project_catalogue().questions
    slots = {"brand_name": settings.brand_name}

    def runtime() -> Runtime:
        return Runtime(
            sequences=bootstrap.workflows(),
            policy=policy,
            mail=bootstrap.followup_mail(),
            variations=lambda name: bootstrap.domain_responses().get(name, []),
            slots=slots,
            lead_sinks=settings.sink_names,
            grade_for=lambda total: bootstrap.scoring_rules().grade_for(total),
            activity=activity,
            questions=questions,
        )

    return FollowupEngine(engine, runtime)


def purge_expired_data(settings: Settings) -> None:
    """Purges what is older than PARLEY_RETENTION_DAYS, batch by batch, until none is left."""
    cutoff = utcnow() - timedelta(days=settings.retention_days)
    shared = settings.tracker_store_url == settings.crm_database_url
    while True:
        with session_scope(bootstrap.crm_engine()) as session:
            # One database: the same transaction, or SQLite's single writer would wait on us.
            bind = session.connection() if shared else bootstrap.tracker_engine()
            purged = purge_expired(session, ConversationEvents(bind), cutoff=cutoff)
        if not purged or not any(purged.values()):
            return
        logger.info("retention purge: %s", purged)


async def keep_retention(settings: Settings, stop: asyncio.Event) -> None:
    """Runs the purge at start, then every RETENTION_EVERY_S, while the worker runs."""
    if not settings.retention_days:
        return
    while not stop.is_set():
        try:
            await asyncio.to_thread(purge_expired_data, settings)
        except Exception:
            logger.exception("retention purge failed; trying again in an hour")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), RETENTION_EVERY_S)


def tell_overdue_handoffs() -> int:
    with session_scope(bootstrap.crm_engine()) as session:
        return tell_overdue(session, bootstrap.handoff_config(), utcnow())


async def watch_handoffs(stop: asyncio.Event) -> None:
    """Requests nobody claimed in time: the bot tells the person when someone will reply."""
    while not stop.is_set():
        try:
            told = await asyncio.to_thread(tell_overdue_handoffs)
            if told:
                logger.info("handoffs: told %d waiting people when someone will reply", told)
        except Exception:
            logger.exception("handoff watch failed; trying again")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), HANDOFF_WATCH_S)


async def serve(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with httpx.AsyncClient(timeout=settings.delivery_timeout_s) as client:
        sinks = build_sinks(settings, client)
        worker = make_worker(settings, bootstrap.crm_engine(), sinks)
        followups = make_followups(settings, bootstrap.crm_engine())
        health = start_health_server(settings.host, settings.worker_port, worker.is_healthy)
        retention = asyncio.create_task(keep_retention(settings, stop))
        following_up = asyncio.create_task(followups.run(stop))
        handoffs = asyncio.create_task(watch_handoffs(stop))
        try:
            await worker.run(stop)
            await following_up
        finally:
            following_up.cancel()
            handoffs.cancel()
            retention.cancel()
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
