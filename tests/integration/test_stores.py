"""The tracker and lock stores Rasa builds from bot/endpoints.yml, against real services.

PostgreSQL (127.0.0.1:5432, database `test`) and Redis (127.0.0.1:6379) run on every
development and CI machine; these tests use them for real.
"""

from __future__ import annotations

import uuid

import pytest
import redis
import sqlalchemy
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.model_archive import DOMAIN
from bot.settings import PROJECT_ROOT, get_settings

pytestmark = pytest.mark.integration

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/5"
ENDPOINTS = str(PROJECT_ROOT / "bot" / "endpoints.yml")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN))


def configured_tracker_store(domain: Domain) -> TrackerStore:
    get_settings.cache_clear()
    return TrackerStore.create(read_endpoint_config(ENDPOINTS, "tracker_store"), domain=domain)


def configured_lock_store() -> LockStore:
    get_settings.cache_clear()
    return LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))


async def save_and_reload(domain: Domain) -> DialogueStateTracker:
    sender = f"visitor-{uuid.uuid4()}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [UserUttered("/affirm <b>verbatim</b>", {"name": "affirm"}), SlotSet("company", "Acme")],
        slots=domain.slots,
    )
    await configured_tracker_store(domain).save(tracker)
    # A new store instance stands for a restarted server.
    reloaded = await configured_tracker_store(domain).retrieve(sender)
    assert reloaded is not None
    return reloaded


async def test_tracker_store_on_postgres_survives_a_restart(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    reloaded = await save_and_reload(domain)
    assert reloaded.get_slot("company") == "Acme"
    assert reloaded.latest_message is not None
    assert reloaded.latest_message.text == "/affirm <b>verbatim</b>"

    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.connect() as connection:
        count = connection.execute(
            sqlalchemy.text("select count(*) from events where sender_id = :s"),
            {"s": reloaded.sender_id},
        ).scalar_one()
    assert count == 2


async def test_tracker_store_defaults_to_sqlite_under_var(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reloaded = await save_and_reload(domain)
    assert reloaded.get_slot("company") == "Acme"
    assert (get_settings().var_dir / "tracker.db").exists()


async def test_lock_store_uses_redis_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    first, second = configured_lock_store(), configured_lock_store()
    assert isinstance(first.backend, RedisLockStore)  # type: ignore[attr-defined]
    conversation = f"visitor-{uuid.uuid4()}"
    client = redis.Redis.from_url(REDIS_URL)

    async with first.lock(conversation):
        # Another Rasa process sees the same lock through Redis.
        assert second.get_lock(conversation) is not None
        assert second.is_someone_waiting(conversation)
        assert any(conversation in key.decode() for key in client.keys("parley*"))
    assert second.get_lock(conversation) is None


def test_lock_store_defaults_to_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(configured_lock_store().backend, InMemoryLockStore)  # type: ignore[attr-defined]
