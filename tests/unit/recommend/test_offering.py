"""The wrap-up's offering: the recommender's picks recorded as offered, with signed links,
the rules the CRM knows of (confirmed consent, past clicks) and the history's refresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import bootstrap
from bot.crm import session_scope, upgrade_to_head
from bot.crm.engagement_tables import ContentEngagement, record_click
from bot.crm.tables import Lead as CrmLead
from bot.recommend import RecommenderConfig
from bot.recommend.catalogue import Catalogue
from bot.recommend.links import ContentLinks
from bot.recommend.offering import Offer, Offering, click_history, items_text
from bot.recommend.strategies import Strategy, StrategyExperiment
from bot.settings import get_settings
from tests.api.seed import capture, priya_slots
from tests.unit.recommend.recommend_builders import ITEMS, item

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
LINKS = ContentLinks("https://api.example/r", URLSafeSerializer(b"s" * 40, salt="t"))
GATED = item("gated-guide", use_cases=("lead_qualification",), gated=True)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def crm() -> Iterator[None]:
    upgrade_to_head(get_settings().crm_database_url)
    yield


def offering(items: tuple[Any, ...] = (*ITEMS, GATED), clock: Clock | None = None) -> Offering:
    content = (Catalogue(items), RecommenderConfig(top_k=3, min_interactions=1))
    return Offering(lambda: content, LINKS, clock=clock or Clock())


def priya(conversation_id: str = "conv-priya") -> CrmLead:
    lead_id = capture(bootstrap.crm_engine(), priya_slots(), conversation_id, "webchat", NOW)
    with session_scope(bootstrap.crm_engine()) as session:
        found = session.get(CrmLead, lead_id)
        assert found is not None
        return found


def offer(chosen: Offering, lead: CrmLead, *, confirmed: bool = True) -> list[Offer]:
    with session_scope(bootstrap.crm_engine()) as session:
        return chosen.offer(
            session, slots=priya_slots(), lead=lead, marketing_email_confirmed=confirmed
        )


def rows(session: Session) -> list[ContentEngagement]:
    return list(session.scalars(select(ContentEngagement).order_by(ContentEngagement.id)))


def test_each_item_offered_is_recorded_with_its_link(crm: None) -> None:
    lead = priya()
    offers = offer(offering(), lead)
    assert 1 <= len(offers) <= 3
    with session_scope(bootstrap.crm_engine()) as session:
        recorded = rows(session)
    assert [row.item_id for row in recorded] == [found.item.id for found in offers]
    for row, found in zip(recorded, offers, strict=True):
        assert (row.kind, row.lead_id, row.contact_id) == ("offered", lead.id, lead.contact_id)
        assert row.conversation_id == "conv-priya"
        assert row.strategy == "content"  # no clicks yet: a cold start
        assert LINKS.read(found.link.rsplit("/", 1)[1]) == (row.id, row.item_id)
    assert items_text(offers).splitlines() == [
        f"{found.item.title} — {found.reason}: {found.link}" for found in offers
    ]


def test_gated_items_wait_for_confirmed_marketing_consent(crm: None) -> None:
    lead = priya()
    only_gated = offering((GATED,))
    assert offer(only_gated, lead, confirmed=False) == []
    assert [found.item.id for found in offer(only_gated, lead)] == ["gated-guide"]


def test_what_the_contact_clicked_is_never_offered_again(crm: None) -> None:
    lead = priya()
    chosen = offering()
    first = offer(chosen, lead)
    with session_scope(bootstrap.crm_engine()) as session:
        clicked = rows(session)[0]
        assert record_click(session, clicked.id, now=NOW)
    again = offer(chosen, lead)  # the same contact (a typed address alone proves no other)
    assert clicked.item_id == first[0].item.id
    assert clicked.item_id not in [found.item.id for found in again]


def test_nothing_to_offer_records_nothing(crm: None) -> None:
    lead = priya()
    assert offer(offering(()), lead) == []
    with session_scope(bootstrap.crm_engine()) as session:
        assert rows(session) == []


def test_the_history_is_the_leads_clicks_refreshed_every_few_minutes(crm: None) -> None:
    clock = Clock()
    chosen = offering(clock=clock)
    lead = priya()
    offer(chosen, lead)
    with session_scope(bootstrap.crm_engine()) as session:
        first = chosen.recommender(session)
        assert click_history(session) == []
        assert record_click(session, rows(session)[0].id, now=NOW)
    with session_scope(bootstrap.crm_engine()) as session:
        [past] = click_history(session)
        assert past.clicked == {rows(session)[0].item_id}
        assert chosen.recommender(session) is first  # not yet refreshed
        clock.now += timedelta(minutes=5)
        assert chosen.recommender(session) is not first


def test_a_repeated_click_within_the_window_counts_once(crm: None) -> None:
    offer(offering(), priya())
    with session_scope(bootstrap.crm_engine()) as session:
        offered = rows(session)[0].id
        assert record_click(session, offered, now=NOW)
        session.flush()
        assert not record_click(session, offered, now=NOW + timedelta(minutes=9))
        session.flush()
        assert record_click(session, offered, now=NOW + timedelta(minutes=11))
        assert not record_click(session, 9999, now=NOW)  # erased or purged
    with session_scope(bootstrap.crm_engine()) as session:
        assert [row.kind for row in rows(session)].count("clicked") == 2


def ask(chosen: Offering, text: str, conversation_id: str = "conv-visitor", **slots: Any) -> Any:
    with session_scope(bootstrap.crm_engine()) as session:
        return chosen.answer(
            session,
            text,
            slots=slots,
            conversation_id=conversation_id,
            marketing_email_confirmed=False,
        )


def test_a_visitor_who_asks_is_offered_content_before_being_a_lead(crm: None) -> None:
    answered = ask(offering(), "got any guides on abandoned carts?")
    assert answered.question.kind == "guide"
    assert answered.match == "asked"
    assert [found.item.id for found in answered.offers] == ["cart-playbook"]
    assert answered.offers[0].reason == "Because you mentioned abandoned carts"
    with session_scope(bootstrap.crm_engine()) as session:
        [row] = rows(session)
        assert (row.kind, row.conversation_id, row.lead_id, row.contact_id) == (
            "offered",
            "conv-visitor",
            None,
            None,
        )
        assert LINKS.read(answered.offers[0].link.rsplit("/", 1)[1]) == (row.id, "cart-playbook")


def test_nothing_offered_in_the_conversation_is_offered_again(crm: None) -> None:
    chosen = offering()
    first = ask(chosen, "any guides?")
    again = ask(chosen, "any guides?")
    assert first.offers
    assert not {o.item.id for o in first.offers} & {o.item.id for o in again.offers}


def test_gated_content_is_left_out_without_consent(crm: None) -> None:
    answered = ask(offering((GATED,)), "any guides on lead qualification?")
    assert (answered.match, answered.offers) == ("nothing", [])


def test_the_offers_before_the_lead_become_the_leads(crm: None) -> None:
    chosen = offering()
    ask(chosen, "any guides?", conversation_id="conv-priya")
    lead = priya("conv-priya")
    offer(chosen, lead)
    with session_scope(bootstrap.crm_engine()) as session:
        recorded = rows(session)
    assert len(recorded) >= 2
    assert {(row.lead_id, row.contact_id) for row in recorded} == {(lead.id, lead.contact_id)}
    # The wrap-up offered none of the items the question had.
    items = [row.item_id for row in recorded]
    assert len(items) == len(set(items))


RANKING_TEST = StrategyExperiment(
    "ranking", (Strategy("blend", 0.5, 0.5), Strategy("content_only", 1, 0, traffic=3))
)


def test_without_a_test_of_strategies_offers_name_none(crm: None) -> None:
    offer(offering(), priya())
    ask(offering(), "any guides?")
    with session_scope(bootstrap.crm_engine()) as session:
        assert {(row.experiment, row.variant) for row in rows(session)} == {(None, None)}


def test_under_a_test_each_offer_and_click_names_the_conversations_variant(crm: None) -> None:
    config = RecommenderConfig(top_k=3, min_interactions=1, experiment=RANKING_TEST)
    content = (Catalogue((*ITEMS, GATED)), config)
    chosen = Offering(lambda: content, LINKS, clock=Clock())
    offer(chosen, priya("conv-priya"))
    ask(chosen, "any guides?", conversation_id="conv-visitor")
    with session_scope(bootstrap.crm_engine()) as session:
        assert record_click(session, rows(session)[0].id, now=NOW)
    with session_scope(bootstrap.crm_engine()) as session:
        recorded = {
            (row.kind, row.conversation_id, row.experiment, row.variant) for row in rows(session)
        }
    variant = {key: RANKING_TEST.strategy_for(key).name for key in ("conv-priya", "conv-visitor")}
    assert recorded == {
        ("offered", "conv-priya", "ranking", variant["conv-priya"]),
        ("clicked", "conv-priya", "ranking", variant["conv-priya"]),
        ("offered", "conv-visitor", "ranking", variant["conv-visitor"]),
    }
