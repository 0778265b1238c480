"""The wake-up a process sends once it has recorded inbox rows that a Rasa server runs, so
that the Rasa server looks for them at once rather than at its next look.

    writer:  wakeup.on_commit(session, "sms")       # in the transaction that records the row
    reader:  async with wakeup.listening("sms") as woken:
                 while True:
                     woken.clear()                   # from here on, a wake-up means: look again
                     ... look (`channels.pickup`) ...
                     await woken.wait(fallback_s)

The signal goes out only once the writer's transaction commits (nothing if it rolls back),
so a woken Rasa server finds the row. It names the inbox channel, so only that channel's
pipeline looks. It is a hint, not a delivery: a signal lost (Redis down, a Rasa server
restarting, a full socket buffer) costs a wait for the reader's next look, never a
message, because the look at the inbox is what finds the rows. A reader clears its alarm
before each look, so a signal that arrives while a look runs calls for another one.

Which signal a deployment uses (`wakeup_from_settings`, once per process):

- Redis pub/sub when REDIS_URL is set: the channel `parley:inbox`, the inbox channel's
  name as the message, published after the commit.
- PostgreSQL's LISTEN/NOTIFY when the CRM database is PostgreSQL: the NOTIFY is part of the
  writer's transaction, and PostgreSQL delivers it at commit.
- Otherwise (SQLite, every process on one host): a Unix datagram socket per Rasa server in
  `<var>/inbox-wakeup/`, the channel's name as the datagram, sent after the commit to each
  socket there; with none there, nobody is listening and nothing is sent.

A writer whose signal fails carries on (its row is recorded) and says so at most once a
minute. A process that records a message and runs its turn itself (the web chat, the REST
channel) sends nothing: it schedules the turn at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.settings import Settings

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "parley:inbox"
POSTGRES_CHANNEL = "parley_inbox"
SOCKET_DIR = "inbox-wakeup"
SOCKET_SUFFIX = ".sock"
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

    The readers are the pickups of one process, on one event loop (the turn loop): the
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


class _Complaint:
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


class RedisWakeup(SentAfterCommit):
    """Redis pub/sub: PUBLISH `name` <channel> after the commit; each Rasa server
    subscribes. Pub/sub spans the server's databases: another deployment on the same
    Redis server with the same `name` would only cause extra looks."""

    def __init__(self, url: str, *, name: str = REDIS_CHANNEL) -> None:
        super().__init__()
        self.url = url
        self.name = name
        self._publisher = Redis.from_url(
            url, socket_timeout=SEND_TIMEOUT_S, socket_connect_timeout=SEND_TIMEOUT_S
        )
        self._paused_until = 0.0
        self._complain = _Complaint("The inbox wake-up through Redis")

    def send(self, channels: Collection[str]) -> None:
        if time.monotonic() < self._paused_until:
            return
        try:
            for channel in channels:
                self._publisher.publish(self.name, channel)
        except (RedisError, OSError) as error:
            self._paused_until = time.monotonic() + SEND_PAUSE_S
            self._complain(error)

    def close(self) -> None:
        self._publisher.close()

    async def _receive(self) -> None:
        complain = _Complaint("Listening for inbox wake-ups in Redis")
        while True:
            # Named, so that Redis's CLIENT LIST shows what the connection is for.
            client = AsyncRedis.from_url(self.url, client_name=self.name, socket_keepalive=True)
            subscription = client.pubsub(ignore_subscribe_messages=True)
            try:
                await subscription.subscribe(self.name)
                self._wake_all()
                async for message in subscription.listen():
                    if message["type"] == "message":
                        self._wake(_text(message["data"]))
            except (RedisError, OSError) as error:
                complain(error)
            finally:
                with suppress(RedisError, OSError):
                    await subscription.reset()
                    await client.close()
            await asyncio.sleep(RECONNECT_S)


class PostgresWakeup(Wakeup):
    """PostgreSQL's LISTEN/NOTIFY: the writer's transaction says NOTIFY, which PostgreSQL
    delivers once it commits (and never if it rolls back); each Rasa server listens on a
    connection of its own."""

    def __init__(self, database_url: str, *, name: str = POSTGRES_CHANNEL) -> None:
        super().__init__()
        self.database_url = database_url
        self.name = name

    def on_commit(self, session: Session, channel: str) -> None:
        session.execute(_NOTIFY, {"name": self.name, "channel": channel})

    async def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        complain = _Complaint("Listening for inbox wake-ups in PostgreSQL")
        while True:
            connection: Any = None
            try:
                connection = await loop.run_in_executor(None, self._connect)
                await self._read(connection)
            except Exception as error:  # psycopg2.Error, OSError: the connection broke
                complain(error)
            finally:
                if connection is not None:
                    connection.close()
            await asyncio.sleep(RECONNECT_S)

    async def _read(self, connection: Any) -> None:
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        descriptor = connection.fileno()
        loop.add_reader(descriptor, readable.set)
        try:
            self._wake_all()
            while True:
                await readable.wait()
                readable.clear()
                connection.poll()
                while connection.notifies:
                    self._wake(connection.notifies.pop(0).payload)
        finally:
            loop.remove_reader(descriptor)

    def _connect(self) -> Any:
        import psycopg2
        from psycopg2 import sql

        url = make_url(self.database_url)
        args, options = url.get_dialect()().create_connect_args(url)
        # Keep-alives: a connection a network fault cut off silently is noticed.
        connection = psycopg2.connect(*args, **options, keepalives=1, keepalives_idle=30)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.name)))
        return connection


_NOTIFY = text("SELECT pg_notify(:name, :channel)")


class SocketWakeup(SentAfterCommit):
    """A Unix datagram socket per Rasa server in `directory`; a writer sends the channel's
    name to each socket there after the commit."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self._sender: socket.socket | None = None
        self._guard = threading.Lock()
        self._complain = _Complaint("The inbox wake-up through a socket")

    def send(self, channels: Collection[str]) -> None:
        try:
            names = [n for n in os.listdir(self.directory) if n.endswith(SOCKET_SUFFIX)]
        except FileNotFoundError:
            return  # no Rasa server ever listened here
        except OSError as error:
            self._complain(error)
            return
        sender = self._socket()
        for name in names:
            for channel in channels:
                try:
                    sender.sendto(channel.encode(), str(self.directory / name))
                except (FileNotFoundError, ConnectionRefusedError):
                    break  # gone, or left behind by a Rasa server that stopped
                except BlockingIOError:
                    break  # its queue is full: it has wake-ups to read already
                except OSError as error:
                    self._complain(error)

    def _socket(self) -> socket.socket:
        with self._guard:
            if self._sender is None:
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sender.setblocking(False)  # a writer never waits for a reader
                self._sender = sender
            return self._sender

    def close(self) -> None:
        with self._guard:
            if self._sender is not None:
                self._sender.close()
                self._sender = None

    async def _receive(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            receiver = self._bind()
        except OSError as error:
            logger.warning(
                "No inbox wake-ups at %s (%s): this process looks for new messages on its own",
                self.directory,
                error,
            )
            await asyncio.Future()
        path = receiver.getsockname()
        try:
            self._wake_all()  # a row recorded before the socket was there woke nobody
            while True:
                self._wake(_text(await loop.sock_recv(receiver, 256)))
        finally:
            receiver.close()
            with suppress(FileNotFoundError):
                os.unlink(path)

    def _bind(self) -> socket.socket:
        self.directory.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.directory)
        path = self.directory / f"{os.getpid()}-{secrets.token_hex(4)}{SOCKET_SUFFIX}"
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(str(path))
        except OSError:
            receiver.close()
            raise
        receiver.setblocking(False)
        return receiver


def _remove_stale(directory: Path) -> None:
    """Removes the sockets of Rasa servers that stopped without removing theirs (killed):
    nothing is bound to them any more. A live one gets an empty datagram, ignored."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
        probe.setblocking(False)
        for path in directory.glob(f"*{SOCKET_SUFFIX}"):
            try:
                probe.sendto(b"", str(path))
            except ConnectionRefusedError:
                with suppress(FileNotFoundError):
                    path.unlink()
            except OSError:
                pass


def _text(data: Any) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


def wakeup_from_settings(settings: Settings) -> Wakeup:
    """The deployment's wake-up: Redis if it has one, else PostgreSQL's if the CRM is
    there, else a socket under the var dir."""
    if settings.redis_url:
        return RedisWakeup(settings.redis_url)
    database_url = settings.crm_database_url
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresWakeup(database_url)
    return SocketWakeup(settings.var_dir / SOCKET_DIR)
