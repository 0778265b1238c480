"""The delivery worker: drains the outbox into the sinks, at least once, never losing a row.

Each round claims a small batch of due rows (see `outbox`), delivers them concurrently
(each attempt bounded by a time limit shorter than the lease) and records each outcome
in its own short transaction:

    delivered                       -> status delivered, delivered_at
    DeliveryError(retryable=True)   -> pending again after the backoff (RetryPolicy)
    DeliveryError(retryable=False)  -> status failed, with the reason
    retryable, attempts exhausted   -> status failed, "gave up after N attempts: ..."

Delivery is at least once: a worker that dies after the receiver accepted a row but before
it recorded that, delivers it again after the lease. The idempotency key, sent with every
attempt (`webhook-id`, HubSpot's upsert by e-mail), lets the receiver recognise a repeat.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.crm.database import session_scope, utcnow
from bot.delivery.backoff import RetryPolicy
from bot.delivery.outbox import Claim, claim_due, mark_delivered, mark_failed, schedule_retry
from bot.delivery.sink import DeliveryError, Sink

logger = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        sinks: Mapping[str, Sink],
        *,
        policy: RetryPolicy,
        lease_s: float,
        timeout_s: float,
        batch_size: int = 10,
        poll_s: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        if lease_s <= timeout_s:
            raise ValueError("the lease must outlast an attempt, or rows are taken twice")
        self._engine = engine
        self._sinks = dict(sinks)
        self._policy = policy
        self._lease = timedelta(seconds=lease_s)
        self._timeout_s = timeout_s
        self._batch_size = batch_size
        self._poll_s = poll_s
        self._clock = clock
        self._random_fraction = random_fraction
        self.last_poll: float | None = None

    def is_healthy(self) -> bool:
        """The loop is still going round (a round lasts at most one attempt's time limit)."""
        if self.last_poll is None:
            return False
        return time.monotonic() - self.last_poll < self._poll_s + self._timeout_s + 30

    async def run(self, stop: asyncio.Event) -> None:
        """Rounds until `stop` is set; a round under way is finished, not abandoned."""
        logger.info("delivery worker started; sinks: %s", ", ".join(self._sinks) or "none")
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except SQLAlchemyError:
                # The database may be restarting; nothing was claimed, so nothing is lost.
                logger.exception("could not claim outbox rows; trying again")
                handled = 0
            self.last_poll = time.monotonic()
            if handled < self._batch_size:
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_s)
        logger.info("delivery worker stopped")

    async def run_once(self) -> int:
        """One round: claims due rows, delivers them; returns how many were attempted."""
        if not self._sinks:
            return 0
        claims = await asyncio.to_thread(self._claim)
        await asyncio.gather(*(self._attempt(claim) for claim in claims))
        return len(claims)

    def _claim(self) -> list[Claim]:
        with session_scope(self._engine) as session:
            return claim_due(
                session,
                sinks=list(self._sinks),
                now=self._clock(),
                lease=self._lease,
                limit=self._batch_size,
            )

    async def _attempt(self, claim: Claim) -> None:
        sink = self._sinks[claim.sink]
        error: DeliveryError | None = None
        try:
            delivery = sink.deliver(claim.payload, idempotency_key=claim.idempotency_key)
            await asyncio.wait_for(delivery, self._timeout_s)
        except DeliveryError as refused:
            error = refused
        except asyncio.TimeoutError:
            error = DeliveryError(retryable=True, reason=f"no answer within {self._timeout_s}s")
        except Exception as unexpected:  # a sink's bug must not stop the others' deliveries
            logger.exception("sink %s raised unexpectedly for row %s", sink.name, claim.id)
            error = DeliveryError(retryable=True, reason=f"unexpected error: {unexpected!r}")
        try:
            await asyncio.to_thread(self._record, claim, error)
        except SQLAlchemyError:
            # The row stays claimed; when the lease ends it is attempted again.
            logger.exception("could not record the outcome of outbox row %s", claim.id)

    def _record(self, claim: Claim, error: DeliveryError | None) -> None:
        where = f"outbox row {claim.id} ({claim.idempotency_key}), attempt {claim.attempts}"
        with session_scope(self._engine) as session:
            now = self._clock()
            if error is None:
                recorded = mark_delivered(session, claim, now=now)
                logger.info("delivered %s", where)
            elif not error.retryable:
                recorded = mark_failed(session, claim, error=error.reason)
                logger.error("failed %s: %s", where, error.reason)
            elif self._policy.gives_up(claim.attempts):
                reason = f"gave up after {claim.attempts} attempts: {error.reason}"
                recorded = mark_failed(session, claim, error=reason)
                logger.error("failed %s: %s", where, reason)
            else:
                wait = self._policy.delay(
                    claim.attempts,
                    retry_after=error.retry_after,
                    random_fraction=self._random_fraction,
                )
                at = now + timedelta(seconds=wait)
                recorded = schedule_retry(session, claim, at=at, error=error.reason)
                logger.warning("retrying %s in %.1fs: %s", where, wait, error.reason)
        if not recorded:
            logger.warning("%s: lease lost to another claim; its outcome is theirs", where)
