"""The Alembic migrations: idempotent upgrades, a clean downgrade, and no drift from the
ORM models, on SQLite and PostgreSQL (see conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.crm import make_engine, upgrade_to_head
from bot.crm.migrate import alembic_config
from bot.crm.tables import Base

pytestmark = pytest.mark.integration

CRM_TABLES = set(Base.metadata.tables)


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(sqlalchemy.inspect(connection).get_table_names())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def drift(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_a_second_upgrade_is_a_no_op(empty_database_url: str, engine: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config(empty_database_url)).get_current_head()
    upgrade_to_head(empty_database_url)
    assert current_revision(engine) == head == "0015"
    assert table_names(engine) == CRM_TABLES | {"alembic_version"}

    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO suppressions (identifier_hash, kind, reason, created_at)"
            " VALUES ('ab', 'email', 'STOP', CURRENT_TIMESTAMP)"
        )
    upgrade_to_head(empty_database_url)
    assert current_revision(engine) == head
    with engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT count(*) FROM suppressions").scalar_one()
    assert kept == 1


def test_the_migrated_schema_matches_the_models(empty_database_url: str, engine: Engine) -> None:
    upgrade_to_head(empty_database_url)
    assert drift(engine) == []


def test_drift_would_be_noticed(empty_database_url: str, engine: Engine) -> None:
    upgrade_to_head(empty_database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_audit_log_subject_hash")
    assert [difference[0] for difference in drift(engine)] == ["add_index"]


def test_other_components_tables_are_left_alone(empty_database_url: str, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY)")
    upgrade_to_head(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "base")
    assert table_names(engine) == {"events", "alembic_version"}
    assert current_revision(engine) is None
    upgrade_to_head(empty_database_url)
    assert current_revision(engine) == "0015"


def test_0003_keeps_existing_leads_and_their_outbox_rows(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO contacts (id, created_at, updated_at)"
            " VALUES ('c1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        connection.exec_driver_sql(
            "INSERT INTO leads (id, contact_id, conversation_id, channel, source, answers,"
            " score, grade, score_breakdown, segments, status, version, created_at, updated_at)"
            " VALUES ('l1', 'c1', 'conv', 'rest', '{}', '{}', 10, 'C', '[]', '[]', 'new', 1,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        connection.exec_driver_sql(
            "INSERT INTO outbox (lead_id, lead_version, sink, idempotency_key, payload, status,"
            " attempts, next_attempt_at, created_at)"
            " VALUES ('l1', 1, 'webhook', 'k', '{}', 'pending', 0, CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP)"
        )
    counts = "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM outbox)"
    upgrade_to_head(empty_database_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT facts FROM leads").scalar_one() is None
        assert tuple(connection.exec_driver_sql(counts).one()) == (1, 1)
    command.downgrade(config, "0002")
    with engine.connect() as connection:
        assert tuple(connection.exec_driver_sql(counts).one()) == (1, 1)
    assert "lead_outcomes" not in table_names(engine)


def test_0004_keeps_recorded_messages_as_processed_for_dedupe(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO inbound_messages (channel, external_id, conversation_id, payload,"
            " status, received_at) VALUES ('sms', 'SM1', 'c', '{\"Body\": \"hi\"}', 'received',"
            " CURRENT_TIMESTAMP)"
        )
    upgrade_to_head(empty_database_url)
    query = "SELECT channel, external_id, payload, status, attempts FROM inbound_messages"
    with engine.connect() as connection:
        channel, external_id, payload, status, attempts = connection.exec_driver_sql(query).one()
    assert (channel, external_id, status, attempts) == ("sms", "SM1", "processed", 0)
    assert payload in ({"Body": "hi"}, '{"Body": "hi"}')  # SQLite returns JSON as text
    command.downgrade(config, "0003")
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT external_id, status FROM inbound_messages")
        assert [tuple(row) for row in rows] == [("SM1", "processed")]


def test_0013_keeps_earlier_offers_as_ranked_under_no_test(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0012")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO content_engagements (conversation_id, item_id, kind, strategy,"
            " created_at) VALUES ('conv', 'guide-a', 'offered', 'blend', CURRENT_TIMESTAMP)"
        )
    upgrade_to_head(empty_database_url)
    query = "SELECT item_id, strategy, experiment, variant FROM content_engagements"
    with engine.connect() as connection:
        assert tuple(connection.exec_driver_sql(query).one()) == ("guide-a", "blend", None, None)
    command.downgrade(config, "0012")
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT item_id FROM content_engagements")
        assert [tuple(row) for row in rows] == [("guide-a",)]


def test_0014_says_earlier_archived_conversations_kept_no_trigger(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0013")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO funnel_archive (started_at, channel, campaign, stages, form_started)"
            " VALUES (CURRENT_TIMESTAMP, 'webchat', 'spring', 2, TRUE)"
        )
    upgrade_to_head(empty_database_url)
    query = 'SELECT channel, campaign, "trigger" FROM funnel_archive'
    with engine.connect() as connection:
        row = tuple(connection.exec_driver_sql(query).one())
    assert row == ("webchat", "spring", "(not recorded)")
    command.downgrade(config, "0013")
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT channel, campaign FROM funnel_archive")
        assert [tuple(row) for row in rows] == [("webchat", "spring")]


def test_0015_keeps_offers_made_in_the_chat_and_drops_anonymous_ones_going_back(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0014")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO content_engagements (conversation_id, item_id, kind, strategy,"
            " created_at) VALUES ('conv', 'guide-a', 'offered', 'content', CURRENT_TIMESTAMP)"
        )
    upgrade_to_head(empty_database_url)
    read = "SELECT conversation_id, placement, trigger FROM content_engagements ORDER BY id"
    with engine.begin() as connection:
        assert [tuple(row) for row in connection.exec_driver_sql(read)] == [("conv", "chat", None)]
        connection.exec_driver_sql(
            "INSERT INTO content_engagements (item_id, kind, strategy, placement, trigger,"
            " created_at) VALUES ('plan-growth', 'offered', 'trigger', 'opening',"
            " 'pricing-page', CURRENT_TIMESTAMP)"
        )
    command.downgrade(config, "0014")
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT conversation_id FROM content_engagements")
        assert [tuple(row) for row in rows] == [("conv",)]
