"""Schemathesis over the OpenAPI document, with an admin token, on seeded data: no request
the spec allows may get a 5xx, and every documented response must match its schema.

Bounded and repeatable: at most 50 examples per operation, derandomized (fixed seed).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

# `api_schema` and `admin_headers` are fixtures in conftest.py: the PostgreSQL module runs
# this same test on its own database.
schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Any, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=admin_headers, checks=[not_a_server_error, response_schema_conformance]
    )
