"""The inbox wake-up through the real Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432):
a message another process recorded is picked up when its wake-up comes, with the Rasa
server's own look and sweep too far off to explain it; a wake-up with nobody listening is
harmless; one lost is made up for by the next look; and a listener whose connection broke
listens again.

Each test has a wake-up channel of its own (pub/sub and NOTIFY channels are shared by
every client of the server, whatever the Redis database or PostgreSQL schema), and the
PostgreSQL tests a CRM schema of their own (`parley_on_new_database`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import text

from bot import bootstrap
from bot.crm import session_scope, upgrade_to_head
from bot.settings import get_settings
from channels.wakeup import PostgresWakeup, RedisWakeup, Wakeup
from tests.integration.crm.conftest import parley_on_new_database
from tests.unit.channels.pipeline.test_pipeline import (
    NEVER_S,
    FakeCore,
    listening,
    make,
    record_elsewhere,
    settle,
    statuses,
)

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/0"
BACKENDS = ("redis", "postgresql")


class Listener:
    """A backend's wake-up with a channel of its own, and what the tests ask of the
    server about its listening connection."""

    def __init__(
        self, wakeup: Wakeup, connections: Callable[[], list[str]], kill: Callable[[], None]
    ) -> None:
        self.wakeup = wakeup
        self.connections = connections  # ids of the connections listening on the channel
        self.kill = kill  # closes them, as a server restart or a network fault would

    def ready(self) -> bool:
        return bool(self.connections())


@contextmanager
def redis_listener() -> Iterator[Listener]:
    name = f"parley:test:inbox:{uuid.uuid4().hex}"
    wakeup = RedisWakeup(REDIS_URL, name=name)
    admin = Redis.from_url(REDIS_URL)

    def connections() -> list[str]:
        return [str(c["id"]) for c in admin.client_list() if c.get("name") == name]

    def kill() -> None:
        for connection in connections():
            admin.client_kill_filter(_id=connection)

    try:
        yield Listener(wakeup, connections, kill)
    finally:
        wakeup.close()
        admin.close()


@contextmanager
def postgres_listener() -> Iterator[Listener]:
    name = f"parley_test_inbox_{uuid.uuid4().hex}"
    wakeup = PostgresWakeup(get_settings().crm_database_url, name=name)
    listen = f'LISTEN "{name}"'

    def connections() -> list[str]:
        with session_scope(bootstrap.crm_engine()) as session:
            found = session.execute(
                text("SELECT pid FROM pg_stat_activity WHERE query = :listen"), {"listen": listen}
            )
            return [str(pid) for pid in found.scalars()]

    def kill() -> None:
        with session_scope(bootstrap.crm_engine()) as session:
            for pid in connections():
                session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": int(pid)})

    yield Listener(wakeup, connections, kill)


@pytest.fixture(params=BACKENDS)
def listener(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Listener]:
    if request.param == "redis":
        upgrade_to_head(get_settings().crm_database_url)  # the CRM on SQLite
        with redis_listener() as found:
            yield found
    else:
        with (
            parley_on_new_database("postgresql", tmp_path, monkeypatch),
            postgres_listener() as found,
        ):
            yield found


async def test_a_message_recorded_elsewhere_is_picked_up_when_its_wakeup_comes(
    listener: Listener,
) -> None:
    core = FakeCore()
    pipeline = make(core, sweep_s=NEVER_S, pickup_s=NEVER_S, wakeup=listener.wakeup)
    await listening(pipeline, listener.ready)
    try:
        record_elsewhere("w1", "w1", wakeup=listener.wakeup)
        record_elsewhere("w2", "w2", "fake:2", wakeup=listener.wakeup)
        assert await settle() == {"w1": "processed", "w2": "processed"}
    finally:
        await pipeline.stop()
    assert sorted(text for _, text, _ in core.turns) == ["w1", "w2"]


def test_a_wakeup_with_nobody_listening_is_harmless(listener: Listener) -> None:
    record_elsewhere("n1", "nobody hears this", wakeup=listener.wakeup)
    assert statuses() == {"n1": "received"}


async def test_a_message_whose_wakeup_was_lost_is_found_by_the_next_look(
    listener: Listener,
) -> None:
    pipeline = make(FakeCore(), sweep_s=NEVER_S, pickup_s=0.2, wakeup=listener.wakeup)
    await listening(pipeline, listener.ready)
    try:
        record_elsewhere("l1", "lost")  # no wake-up sent
        assert await settle() == {"l1": "processed"}
    finally:
        await pipeline.stop()


async def test_a_listener_whose_connection_broke_listens_again(listener: Listener) -> None:
    pipeline = make(FakeCore(), sweep_s=NEVER_S, pickup_s=NEVER_S, wakeup=listener.wakeup)
    await listening(pipeline, listener.ready)
    try:
        broken = set(listener.connections())
        listener.kill()
        await listening_again(listener, broken)
        record_elsewhere("a1", "after the break", wakeup=listener.wakeup)
        assert await settle() == {"a1": "processed"}
    finally:
        await pipeline.stop()


async def listening_again(listener: Listener, broken: set[str], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if set(listener.connections()) - broken:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the listener never connected again")
