"""Business rules: each constraint leaves an item out, with its reason, before ranking."""

from __future__ import annotations

from datetime import date

import pytest

from bot.recommend import Lead, eligible, exclusion_reason
from bot.recommend.rules import split
from tests.unit.recommend.recommend_builders import TODAY, item

OPEN = item("open")


def test_an_unrestricted_item_is_allowed() -> None:
    assert exclusion_reason(OPEN, Lead(), TODAY) is None


@pytest.mark.parametrize(
    ("region", "allowed"), [("uk", True), ("eu", True), ("na", False), (None, False)]
)
def test_a_region_restricted_item_needs_the_lead_known_to_be_there(
    region: str | None, allowed: bool
) -> None:
    restricted = item("europe-only", regions=("uk", "eu"))
    reason = exclusion_reason(restricted, Lead(region=region), TODAY)
    assert (reason is None) == allowed
    if not allowed:
        assert reason == f"only for uk, eu; the lead is in {region or 'an unknown region'}"


def test_an_item_in_another_language_is_left_out() -> None:
    german = item("leitfaden", language="de")
    assert exclusion_reason(german, Lead(), TODAY) == "in de; the lead reads en"
    assert exclusion_reason(german, Lead(language="de"), TODAY) is None


def test_an_expired_item_is_left_out_from_the_day_after_its_date() -> None:
    webinar = item("webinar", valid_until=date(2026, 11, 30))
    assert exclusion_reason(webinar, Lead(), date(2026, 11, 30)) is None
    assert exclusion_reason(webinar, Lead(), TODAY) == "expired on 2026-11-30"


def test_a_gated_item_needs_marketing_consent() -> None:
    gated = item("whitepaper", gated=True)
    assert "not agreed to marketing" in (exclusion_reason(gated, Lead(), TODAY) or "")
    assert exclusion_reason(gated, Lead(marketing_consent=True), TODAY) is None


def test_an_item_already_seen_or_clicked_is_never_shown_again() -> None:
    assert exclusion_reason(OPEN, Lead(seen=frozenset({"open"})), TODAY) == "already seen"
    clicked = Lead.from_slots({}, clicked=["open"])
    assert exclusion_reason(OPEN, clicked, TODAY) == "already seen"


def test_a_segment_restricted_item_is_only_for_leads_in_one_of_its_segments() -> None:
    enterprise = item("enterprise-story", segments=("hot_enterprise", "ready_to_buy"))
    reason = exclusion_reason(enterprise, Lead(segments=frozenset({"nurture"})), TODAY)
    assert reason == "only for the segments hot_enterprise, ready_to_buy"
    assert exclusion_reason(enterprise, Lead(segments=frozenset({"ready_to_buy"})), TODAY) is None


def test_split_keeps_order_and_says_why_each_item_is_left_out() -> None:
    items = [item("a"), item("b", gated=True), item("c"), item("d", regions=("apac",))]
    allowed, excluded = split(items, Lead(region="uk"), TODAY)
    assert [i.id for i in allowed] == ["a", "c"]
    assert [(e.item.id, e.reason.split(",")[0]) for e in excluded] == [
        ("b", "gated"),
        ("d", "only for apac; the lead is in uk"),
    ]
    assert eligible(items, Lead(region="uk"), TODAY) == allowed
