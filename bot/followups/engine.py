"""The follow-up engine: enrols people whose trigger fired, runs due steps, watches for
replies and conversions. It runs inside the delivery worker (`python -m bot.delivery`);
several workers run side by side.

Due steps are taken in batches under row locks: `FOR UPDATE SKIP LOCKED` on PostgreSQL,
so two workers take disjoint rows and never wait for each other, and SQLite's single
writer (BEGIN IMMEDIATE) on the embedded database. A step's whole effect, the message it
hands to the inbox or outbox included, commits with the row marked done, so a worker
killed mid-batch leaves its steps due for the next one and nothing half-sent. The network
sends happen later, each once, from the inbox (a conversation turn) or the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from contextlib import suppress
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.crm.database import session_scope, utcnow
from bot.crm.followup_tables import FollowupEnrollment, FollowupStep
from bot.crm.tables import Contact
from bot.followups.enroll import enrol_due
from bot.followups.exits import watch
from bot.followups.steps import Runtime, run_step

logger = logging.getLogger(__name__)


def claim_due_steps(
    session: Session, *, now: datetime, limit: int, sequences: Collection[str]
) -> list[FollowupStep]:
    """Up to `limit` due steps of these sequences, oldest due first, locked for this
    transaction.

    Only the sequences this worker has: a step of one removed from the files waits, sending
    nothing, and goes on if the sequence comes back; a worker still on an older copy of the
    files (a rolling deploy) leaves the new sequences' steps to the others."""
    column, enrollments = FollowupStep.__table__.c, FollowupEnrollment.__table__.c
    query = (
        select(FollowupStep)
        .join(FollowupEnrollment, enrollments.id == column.enrollment_id)
        .where(column.status == "pending", column.due_at <= now)
        .where(enrollments.sequence.in_(list(sequences)))
        .order_by(column.due_at, column.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=FollowupStep)
    )
    return list(session.scalars(query))


def _load_enrollments(session: Session, rows: list[FollowupStep]) -> None:
    """The batch's enrollments and their contacts, in two queries: each step then finds
    its own in the session instead of asking the database."""
    ids = [row.enrollment_id for row in rows]
    enrollments = session.scalars(
        select(FollowupEnrollment).where(FollowupEnrollment.__table__.c.id.in_(ids))
    ).all()
    contact_ids = [e.contact_id for e in enrollments if e.contact_id]
    session.scalars(select(Contact).where(Contact.__table__.c.id.in_(contact_ids))).all()


class FollowupEngine:
    def __init__(
        self,
        engine: Engine,
        runtime: Callable[[], Runtime],
        *,
        batch_size: int = 200,
        poll_s: float = 5.0,
        enrol_every_s: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._runtime = runtime
        self._batch_size = batch_size
        self._poll_s = poll_s
        self._enrol_every_s = enrol_every_s
        self._clock = clock

    def run_due_steps(self) -> int:
        """One batch of due steps, in one transaction; how many were run.

        Steps run side by side in the transaction; should one raise, the batch is rolled
        back and run again with each step on its own savepoint, so the broken step is
        marked failed and the others go on (a savepoint per step costs every step two
        more round trips, so it is kept for that case)."""
        runtime = self._runtime()
        try:
            return self._run_batch(runtime, isolated=False)
        except SQLAlchemyError:
            raise  # the database, not a step: the whole batch is tried again
        except Exception:
            logger.warning("a follow-up step failed; running its batch step by step")
            return self._run_batch(runtime, isolated=True)

    def _run_batch(self, runtime: Runtime, *, isolated: bool) -> int:
        with session_scope(self._engine) as session:
            now = self._clock()
            rows = claim_due_steps(
                session, now=now, limit=self._batch_size, sequences=list(runtime.sequences)
            )
            _load_enrollments(session, rows)
            for row in rows:
                if not isolated:
                    run_step(session, row, runtime, now=now)
                    continue
                try:
                    with session.begin_nested():
                        run_step(session, row, runtime, now=now)
                except SQLAlchemyError:
                    raise
                except Exception as error:  # a broken step must not hold up the others
                    logger.exception("follow-up step %s failed", row.id)
                    row.status, row.outcome, row.done_at = "done", "failed", now
                    row.reason = repr(error)[:2000]
        return len(rows)

    def enrol_and_watch(self) -> int:
        """Enrols whoever's trigger fired and notes replies and conversions."""
        runtime = self._runtime()
        with session_scope(self._engine) as session:
            now = self._clock()
            entered = enrol_due(
                session, runtime.sequences.values(), activity=runtime.activity(session), now=now
            )
            watch(session, runtime, now=now)
        return entered

    def run_until_idle(self) -> int:
        """Enrols, then runs steps until none is due (tests and the benchmark)."""
        self.enrol_and_watch()
        total = 0
        while ran := self.run_due_steps():
            total += ran
        return total

    async def run(self, stop: asyncio.Event) -> None:
        logger.info("follow-up engine started")
        last_enrol = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            ran = 0
            try:
                if loop.time() - last_enrol >= self._enrol_every_s:
                    await asyncio.to_thread(self.enrol_and_watch)
                    last_enrol = loop.time()
                ran = await asyncio.to_thread(self.run_due_steps)
            except (SQLAlchemyError, ValueError):
                # The database restarting, or a workflow file that no longer loads: the
                # previous state stands and the next round tries again.
                logger.exception("follow-up round failed; trying again")
            if ran < self._batch_size:
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_s)
        logger.info("follow-up engine stopped")
