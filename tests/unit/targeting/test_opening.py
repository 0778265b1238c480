"""Choosing the web chat's opening for a visit: conditions, order, offer and fallback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.recommend.catalogue import Catalogue, Item
from bot.targeting.opening import Opening, opening
from bot.targeting.triggers import Conditions, Trigger
from bot.targeting.visit import Visit, choose, holds

TODAY = date(2026, 12, 7)
DEFAULT = Opening(greeting="Hi! How can we help?", delay_s=8.0)
PLAN = Item(
    id="plan-growth",
    title="Growth plan",
    url="https://parley.example/pricing/growth",
    summary="SMS and follow-ups.",
    kind="plan",
    stage="decision",
    industries=("any",),
    use_cases=(),
)
CATALOGUE = Catalogue(
    (
        PLAN,
        replace(PLAN, id="old-webinar", kind="webinar", valid_until=date(2026, 11, 30)),
        replace(PLAN, id="gated-guide", kind="guide", gated=True),
        replace(PLAN, id="vip-guide", kind="guide", segments=("hot_enterprise",)),
    )
)


def trigger(name: str, offer: str | None = None, after_s: float | None = None, **when) -> Trigger:
    return Trigger(name, Conditions(**when), f"greeting of {name}", after_s=after_s, offer=offer)


def visit(**query: str) -> Visit:
    return Visit.from_query(query)


@pytest.mark.parametrize(
    ("conditions", "query", "expected"),
    [
        ({"paths": ("/pricing", "/pricing/*")}, {"path": "/pricing"}, True),
        ({"paths": ("/pricing", "/pricing/*")}, {"path": "/pricing/"}, True),
        ({"paths": ("/pricing", "/pricing/*")}, {"path": "/pricing/enterprise"}, True),
        ({"paths": ("/pricing",)}, {"path": "/pricing-faq"}, False),
        ({"paths": ("/pricing",)}, {"path": "/Pricing"}, False),
        ({"paths": ("*",)}, {}, True),
        ({"utm_campaigns": ("webinar-dec",)}, {"utm_campaign": "Webinar-DEC"}, True),
        ({"utm_campaigns": ("webinar-dec",)}, {"utm_campaign": "webinar-nov"}, False),
        ({"utm_campaigns": ("webinar-dec",)}, {}, False),
        (
            {"utm_sources": ("newsletter",), "utm_media": ("email",)},
            {"utm_source": "newsletter", "utm_medium": "email"},
            True,
        ),
        (
            {"utm_sources": ("newsletter",), "utm_media": ("email",)},
            {"utm_source": "newsletter", "utm_medium": "social"},
            False,
        ),
        ({"referrers": ("*.google.*",)}, {"referrer": "https://www.google.co.uk/search?q=x"}, True),
        ({"referrers": ("*.google.*",)}, {"referrer": "https://google.evil.example/"}, False),
        ({"referrers": ("*.google.*",)}, {"referrer": "not a url"}, False),
        ({"returning": True}, {"visits": "2"}, True),
        ({"returning": True}, {"visits": "1"}, False),
        ({"returning": False}, {}, True),
        ({"returning": True}, {"visits": "many"}, False),
        ({}, {"path": "anything", "visits": "-4"}, True),
    ],
)
def test_conditions(conditions: dict, query: dict, expected: bool) -> None:
    assert holds(Conditions(**conditions), visit(**query)) is expected


def test_a_segment_condition_holds_for_a_lead_in_any_of_its_segments() -> None:
    when = Conditions(segments=("nurture", "hot_enterprise"))
    assert holds(when, Visit.from_query({}, ["ready_to_buy", "nurture"]))
    assert not holds(when, Visit.from_query({}, ["ready_to_buy"]))
    assert not holds(when, Visit.from_query({}))  # an anonymous visitor is in no segment


def test_the_widget_s_query_is_read_defensively() -> None:
    found = Visit.from_query(
        {"path": "pricing", "visits": "99999999", "utm_campaign": "  Spring  " + "x" * 500}
    )
    assert found.path == "/" and found.visits == 10_000 and found.returning
    assert found.utm_campaign.startswith("spring") and len(found.utm_campaign) <= 200


def test_the_first_trigger_that_holds_wins() -> None:
    triggers = [
        trigger("campaign", utm_campaigns=("webinar-dec",)),
        trigger("pricing", paths=("/pricing",)),
        trigger("everyone"),
    ]
    assert choose(triggers, visit(path="/pricing", utm_campaign="webinar-dec")).name == "campaign"
    assert choose(triggers, visit(path="/pricing")).name == "pricing"
    assert choose(triggers, visit(path="/blog")).name == "everyone"
    assert choose(triggers[:2], visit(path="/blog")) is None


def test_a_matching_trigger_opens_with_its_greeting_delay_and_offer() -> None:
    chosen = opening(
        [trigger("pricing", offer="plan-growth", after_s=20, paths=("/pricing",))],
        CATALOGUE,
        visit(path="/pricing"),
        default=DEFAULT,
        today=TODAY,
    )
    assert chosen == Opening("greeting of pricing", 20.0, "pricing", PLAN)
    assert chosen.as_json() == {
        "greeting": "greeting of pricing",
        "greeting_delay_s": 20.0,
        "trigger": "pricing",
        "offer": {"title": "Growth plan", "url": PLAN.url, "kind": "plan"},
    }
    # Once recorded, the widget gets the signed click link instead of the item's address.
    linked = replace(chosen, offer_link="https://api.example/r/signed")
    assert linked.as_json()["offer"]["url"] == "https://api.example/r/signed"


def test_without_a_match_the_default_greeting_is_kept() -> None:
    chosen = opening(
        [trigger("pricing", paths=("/pricing",))], CATALOGUE, visit(), default=DEFAULT, today=TODAY
    )
    assert chosen is DEFAULT
    assert chosen.as_json()["trigger"] is None and chosen.as_json()["offer"] is None


def test_a_trigger_without_its_own_delay_uses_the_default_one() -> None:
    chosen = opening([trigger("all")], CATALOGUE, visit(), default=DEFAULT, today=TODAY)
    assert chosen.delay_s == 8.0 and chosen.offer is None


@pytest.mark.parametrize(
    ("offer", "segments", "shown"),
    [
        ("old-webinar", [], False),  # expired
        ("gated-guide", [], False),  # needs consent an anonymous visitor has not given
        ("vip-guide", [], False),  # kept for a segment the visitor is not known to be in
        ("vip-guide", ["hot_enterprise"], True),
        ("since-removed", [], False),
    ],
)
def test_an_offer_the_rules_keep_from_the_visitor_is_left_out_but_the_greeting_stays(
    offer: str, segments: list[str], shown: bool
) -> None:
    chosen = opening(
        [trigger("t", offer=offer)],
        CATALOGUE,
        Visit.from_query({}, segments),
        default=DEFAULT,
        today=TODAY,
    )
    assert chosen.greeting == "greeting of t" and chosen.trigger == "t"
    assert (chosen.offer is not None) is shown
