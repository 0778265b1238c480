"""The tracker and lock stores Rasa builds from bot/endpoints.yml, against real services.

PostgreSQL (127.0.0.1:5432, database `test`) and Redis (127.0.0.1:6379) run on every
development and CI machine; these tests use them for real.
"""

from __future__ import annotations

import json
import uuid

import pytest
import redis
import sqlalchemy
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
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


# Saved trackers kept in memory between turns (bot/stores/tracker.py)


async def a_turn(store: TrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """What Rasa's processor does with the store in one turn: take, add events, save."""
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text, {"name": "inform"}))
    tracker.update(SlotSet("company", text))
    await store.save(tracker)
    return tracker


def stored_texts(store: TrackerStore, sender: str) -> list[str]:
    with store.session_scope() as session:  # type: ignore[attr-defined]
        rows = session.execute(
            sqlalchemy.text(
                "select data from events where sender_id = :s and type_name = 'user' order by id"
            ),
            {"s": sender},
        )
        return [json.loads(data)["text"] for (data,) in rows]


async def test_the_next_turn_takes_the_saved_tracker_from_memory(domain: Domain) -> None:
    store, sender = configured_tracker_store(domain), f"visitor-{uuid.uuid4()}"
    await a_turn(store, sender, "first")  # a new conversation: read back from SQL next
    second = await a_turn(store, sender, "second")

    assert await store.retrieve(sender) is second
    reread = await configured_tracker_store(domain).retrieve(sender)
    assert reread is not None
    assert [e.as_dict() for e in reread.events] == [e.as_dict() for e in second.events]


async def test_another_process_writing_makes_the_next_turn_read_the_database(
    domain: Domain,
) -> None:
    ours, theirs = configured_tracker_store(domain), configured_tracker_store(domain)
    sender = f"visitor-{uuid.uuid4()}"
    await a_turn(ours, sender, "first")
    await a_turn(ours, sender, "second")  # resident in ours
    await a_turn(theirs, sender, "from the other process")

    tracker = await a_turn(ours, sender, "third")

    assert tracker.get_slot("company") == "third"
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["first", "second", "from the other process", "third"]
    assert stored_texts(ours, sender) == texts


async def test_a_turn_that_fails_before_saving_leaves_nothing_behind(domain: Domain) -> None:
    store, sender = configured_tracker_store(domain), f"visitor-{uuid.uuid4()}"
    await a_turn(store, sender, "first")
    await a_turn(store, sender, "second")
    failing = await store.retrieve(sender)
    assert failing is not None
    failing.update(UserUttered("lost in a crash", {"name": "inform"}))  # never saved

    tracker = await a_turn(store, sender, "after the crash")

    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["first", "second", "after the crash"]
    assert stored_texts(store, sender) == texts


async def test_a_session_started_in_a_turn_is_read_back_from_the_database(
    domain: Domain,
) -> None:
    store, sender = configured_tracker_store(domain), f"visitor-{uuid.uuid4()}"
    await a_turn(store, sender, "first")
    await a_turn(store, sender, "old session")
    tracker = await store.retrieve(sender)
    assert tracker is not None
    tracker.update(SessionStarted())
    tracker.update(UserUttered("new session", {"name": "greet"}))
    await store.save(tracker)

    reread = await store.retrieve(sender)

    assert reread is not tracker
    assert reread is not None
    assert [e.text for e in reread.events if isinstance(e, UserUttered)] == ["new session"]
    await a_turn(store, sender, "next")
    assert stored_texts(store, sender)[-2:] == ["new session", "next"]
