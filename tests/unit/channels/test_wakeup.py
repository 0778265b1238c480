"""The inbox wake-up: sent once the writer's transaction commits (not at a savepoint, not
after a rollback), harmless with nobody listening or Redis down, and chosen from the
settings. The pickup it wakes: tests/unit/channels/pipeline, tests/integration."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import bootstrap
from bot.crm import InboundMessage, session_scope, upgrade_to_head
from bot.crm.inbox import record_inbound
from bot.settings import get_settings
from channels.wakeup import (
    SOCKET_DIR,
    PostgresWakeup,
    RedisWakeup,
    SocketWakeup,
    wakeup_from_settings,
)
from tests.fakes.wakeup import Sent


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)


def test_a_wakeup_goes_out_once_the_transaction_commits_one_per_channel() -> None:
    wakeup = Sent()
    with session_scope(bootstrap.crm_engine()) as session:
        wakeup.on_commit(session, "sms")
        with session.begin_nested():  # released: the transaction has not committed yet
            wakeup.on_commit(session, "telegram")
        wakeup.on_commit(session, "sms")
        assert wakeup.sent == []
    assert wakeup.sent == [["sms", "telegram"]]


def test_a_transaction_rolled_back_wakes_nobody() -> None:
    wakeup = Sent()
    with pytest.raises(RuntimeError), session_scope(bootstrap.crm_engine()) as session:
        wakeup.on_commit(session, "sms")
        raise RuntimeError("the write failed")
    with session_scope(bootstrap.crm_engine()) as session:
        pass
    assert wakeup.sent == []


def test_a_savepoint_rolled_back_keeps_the_wakeups_of_the_transaction() -> None:
    wakeup = Sent()
    with session_scope(bootstrap.crm_engine()) as session:
        wakeup.on_commit(session, "sms")
        with pytest.raises(RuntimeError), session.begin_nested():
            raise RuntimeError("one step failed")
    assert wakeup.sent == [["sms"]]


def test_a_socket_wakeup_with_nobody_listening_is_harmless(tmp_path: Path) -> None:
    missing = SocketWakeup(tmp_path / "never-listened")
    left_behind = SocketWakeup(tmp_path / "left")
    (tmp_path / "left").mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as dead:  # a killed Rasa server's
        dead.bind(str(tmp_path / "left" / "123.sock"))
    try:
        for wakeup in (missing, left_behind):
            with session_scope(bootstrap.crm_engine()) as session:
                wakeup.on_commit(session, "sms")
    finally:
        missing.close()
        left_behind.close()


async def test_a_socket_reader_removes_the_sockets_of_readers_that_stopped(
    tmp_path: Path,
) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as dead:
        dead.bind(str(tmp_path / "123.sock"))
    wakeup = SocketWakeup(tmp_path)
    async with wakeup.listening("sms"):
        for _ in range(500):
            names = {path.name for path in tmp_path.iterdir()}
            if names != {"123.sock"}:
                break
            await asyncio.sleep(0.01)
        assert len(names) == 1
        assert names.pop().startswith(f"{os.getpid()}-")
    assert list(tmp_path.iterdir()) == []  # its own socket goes when it stops listening


def test_the_deployment_chooses_redis_then_postgresql_then_a_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wakeup = wakeup_from_settings(get_settings())
    assert isinstance(wakeup, SocketWakeup)
    assert wakeup.directory == get_settings().var_dir / SOCKET_DIR
    monkeypatch.setenv("DATABASE_URL", "postgresql://parley@db.example/parley")
    get_settings.cache_clear()
    assert isinstance(wakeup_from_settings(get_settings()), PostgresWakeup)
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/3")
    get_settings.cache_clear()
    redis_wakeup = wakeup_from_settings(get_settings())
    assert isinstance(redis_wakeup, RedisWakeup)
    redis_wakeup.close()


def test_a_writer_whose_redis_is_down_records_all_the_same_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wakeup = RedisWakeup("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        for n in range(3):
            with session_scope(bootstrap.crm_engine()) as session:
                record_inbound(
                    session,
                    channel="sms",
                    external_id=f"d{n}",
                    conversation_id="sms:+1",
                    payload={},
                )
                wakeup.on_commit(session, "sms")
    finally:
        wakeup.close()
    with session_scope(bootstrap.crm_engine()) as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 3
    complaints = [r for r in caplog.records if r.name.startswith("channels.wakeup")]
    assert len(complaints) == 1
    assert complaints[0].levelname == "WARNING"
