"""What every inbox wake-up shares: the readers' alarms, the listening, and the signals a
writer's thread sends once its transaction commits (`channels.wakeup` says which)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager, suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

# A reader whose connection broke connects again after this long (looking meanwhile).
RECONNECT_S = 1.0
# A writer whose signal failed tries again after this long, so that an unreachable Redis
# costs the writer a timeout once in a while rather than at every commit.
SEND_PAUSE_S = 5.0
SEND_TIMEOUT_S = 0.25
COMPLAIN_EVERY_S = 60.0


class Alarm:
    """One reader's: set by a wake-up for its channel, cleared by the reader before a look."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    async def wait(self, timeout_s: float) -> bool:
        """Until a wake-up came since the last `clear` (True) or `timeout_s` passed."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except asyncio.TimeoutError:
            return False
        return True


class Wakeup:
    """What writers and readers share; each subclass carries the signal its own way.

    The readers are the pickups of one process, on one event loop (the server's): the
    first to listen starts the process's receiver, the last to leave stops it."""

    def __init__(self) -> None:
        self._alarms: dict[str, set[Alarm]] = {}
        self._receiver: asyncio.Task[None] | None = None

    def on_commit(self, session: Session, channel: str) -> None:
        """Wakes the Rasa servers' pickup of `channel` once `session` commits."""
        raise NotImplementedError

    def close(self) -> None:
        """Lets go of what the writer side holds (a connection, a socket)."""

    @asynccontextmanager
    async def listening(self, channel: str) -> AsyncIterator[Alarm]:
        """An alarm set whenever a writer wakes `channel`, while the block runs."""
        alarm = Alarm()
        self._alarms.setdefault(channel, set()).add(alarm)
        if self._receiver is None:
            self._receiver = asyncio.create_task(self._receive())
        try:
            yield alarm
        finally:
            alarms = self._alarms[channel]
            alarms.discard(alarm)
            if not alarms:
                del self._alarms[channel]
            if not self._alarms and self._receiver is not None:
                receiver, self._receiver = self._receiver, None
                receiver.cancel()
                with suppress(asyncio.CancelledError):
                    await receiver

    async def _receive(self) -> None:
        """Hands each signal that arrives to `_wake`, until cancelled."""
        await asyncio.Future()  # no signal ever comes: the readers look on their own

    def _wake(self, channel: str) -> None:
        for alarm in self._alarms.get(channel, ()):
            alarm.set()

    def _wake_all(self) -> None:
        """Once listening starts, or starts again after a broken connection: signals sent
        before may have been lost."""
        for alarms in self._alarms.values():
            for alarm in alarms:
                alarm.set()


class NoWakeup(Wakeup):
    """No signal at all: readers find the rows at their next look."""

    def on_commit(self, session: Session, channel: str) -> None:
        pass


class Complaint:
    """A failure to signal or to listen, logged at most once every COMPLAIN_EVERY_S."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._next = 0.0

    def __call__(self, error: BaseException) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + COMPLAIN_EVERY_S
            logger.warning("%s failed (%s); new messages wait for the next look", self.what, error)


# Session.info key: the wake-ups a transaction sends when it commits.
_PENDING = "parley_inbox_wakeups"


class SentAfterCommit(Wakeup):
    """A signal sent by the writer's thread just after the commit (Redis, socket)."""

    def on_commit(self, session: Session, channel: str) -> None:
        pending: dict[SentAfterCommit, set[str]] = session.info.setdefault(_PENDING, {})
        pending.setdefault(self, set()).add(channel)

    def send(self, channels: Collection[str]) -> None:
        """Sends the signal for each of `channels` now; never raises."""
        raise NotImplementedError


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction goes on
    pending: dict[SentAfterCommit, set[str]] = session.info.pop(_PENDING, {})
    for wakeup, channels in pending.items():
        try:
            wakeup.send(channels)
        except Exception:  # the rows are committed: the writer must not see an error
            logger.exception("The inbox wake-up failed; new messages wait for the next look")


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(_PENDING, None)


def as_text(data: Any) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
