"""The recommendations and fairness audit pages on the real PostgreSQL (127.0.0.1:5432,
database `test`), in a throwaway schema: the same figures as on SQLite."""

from __future__ import annotations

import pytest

from tests.api.test_console_audit import (
    captured,
    test_per_group_figures_against_the_other_leads,
    test_significant_differences_are_said_at_the_top,
)
from tests.api.test_console_recommendations import (
    catalogue,
    offered,
    test_per_item_offers_clicks_and_what_became_of_the_leads,
    test_per_strategy_with_the_comparison_of_click_rates,
)
from tests.api.test_postgres import database_url

pytestmark = pytest.mark.integration

__all__ = [
    "captured",
    "catalogue",
    "database_url",
    "offered",
    "test_per_group_figures_against_the_other_leads",
    "test_per_item_offers_clicks_and_what_became_of_the_leads",
    "test_per_strategy_with_the_comparison_of_click_rates",
    "test_significant_differences_are_said_at_the_top",
]
