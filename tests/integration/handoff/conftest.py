"""The handoff queue on a fresh CRM of each backend (the CRM integration fixtures)."""

from tests.integration.crm.conftest import crm_database_url, crm_engine, session

__all__ = ["crm_database_url", "crm_engine", "session"]
