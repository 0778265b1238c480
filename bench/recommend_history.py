"""A synthetic engagement history with a known ground truth, for `bench.recommend`.

Every lead belongs to one of a few latent **types** (a web shop, a clinic, a sales-led
B2B firm, ...). A type says what its leads are like and what they engage with:

- what they answer: their industry (known for 70% of leads: the form does not ask it),
  company size band (missing for 20%), role, and their stated need: a sentence about the
  lead's own main topic, drawn from the type's topics, or (25%) something vague such
  as "just looking around";
- region and marketing consent (50%), which decide what the rules let them see;
- what they engage with, the ground truth. The appeal of an eligible item to a lead is

      2.0 × [item covers the lead's main topic] + 0.8 × (share of the type's other topics
      the item covers) + taste of the type for the item's kind and for its stage (each
      -1 to 1) + 0.5 × [item made for the lead's industry] + the item's own appeal (one
      draw per item, shared by everyone, N(0, 0.5)) + noise per lead and item N(0, 0.7)

  and the lead clicks 1 + Poisson(1.5) items (at most all eligible), drawn without
  replacement in proportion to exp(appeal) (a Plackett-Luce draw).

So part of what a lead engages with shows in what they say (the topic), and part does
not (tastes for kinds of content and stages, each item's appeal): the first is content-
based ranking's to find, the second only visible in what similar leads did.

The history is seeded: the same seed gives the same leads and clicks.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date

from bot.recommend.catalogue import Catalogue, Item
from bot.recommend.lead import Lead
from bot.recommend.rules import eligible

__all__ = ["TYPES", "LeadType", "generate_history"]

TODAY = date(2026, 12, 1)  # fixed, so the catalogue's expiry dates give the same runs


@dataclass(frozen=True)
class LeadType:
    name: str
    industries: tuple[str, ...]
    sizes: tuple[str, ...]  # SIZE_BANDS, drawn uniformly
    regions: tuple[str, ...]
    roles: tuple[str, ...]
    topics: dict[str, tuple[str, ...]]  # use-case tag → ways of saying it
    kind_taste: dict[str, float]  # -1 to 1; missing kinds 0
    stage_taste: dict[str, float]


VAGUE = (
    "just looking around",
    "not sure yet",
    "exploring options for next year",
    "my boss asked me to look at chatbots",
)

TYPES = (
    LeadType(
        "web_shop",
        ("retail",),
        ("1-10", "11-50", "51-200"),
        ("na", "uk", "eu"),
        ("head of ecommerce", "founder", "marketing manager"),
        {
            "abandoned_carts": (
                "we lose sales to abandoned carts",
                "shoppers leave stuff in the basket and never come back",
                "cart abandonment is killing our conversion",
            ),
            "sms_marketing": ("we want to text customers about offers", "sms campaigns"),
            "webchat": ("answer product questions on our shop", "live chat on the website"),
        },
        {"integration": 1.0, "case_study": 0.4, "guide": -0.3, "webinar": -0.6},
        {"decision": 0.6, "awareness": -0.4},
    ),
    LeadType(
        "clinic",
        ("healthcare",),
        ("1-10", "11-50"),
        ("na", "uk"),
        ("practice manager", "clinic owner", "office manager"),
        {
            "appointment_booking": (
                "patients should book appointments themselves",
                "booking appointments takes our receptionists all day",
            ),
            "missed_calls": ("our front desk is drowning in calls", "we miss calls at lunch"),
            "after_hours_leads": ("new patients enquire at night when we are closed",),
        },
        {"case_study": 1.0, "webinar": 0.5, "plan": -0.5, "integration": -0.5},
        {"consideration": 0.6},
    ),
    LeadType(
        "b2b_sales",
        ("saas", "financial_services", "professional_services"),
        ("11-50", "51-200", "201-1000"),
        ("na", "uk", "eu", "apac"),
        ("vp sales", "head of growth", "revenue operations lead"),
        {
            "lead_qualification": (
                "qualify leads before sales calls them",
                "too many junk leads from the contact form",
            ),
            "handoff_to_sales": ("send hot leads to a rep right away", "route leads to sales"),
            "lead_scoring": ("score our inbound leads", "know which leads are worth a call"),
            "crm_sync": ("get chat leads into hubspot", "sync leads with our crm"),
        },
        {"webinar": 0.8, "plan": 0.5, "guide": -0.2},
        {"consideration": 0.3, "decision": 0.3},
    ),
    LeadType(
        "after_hours",
        ("real_estate", "hospitality"),
        ("11-50", "51-200", "201-1000"),
        ("uk", "eu", "mea"),
        ("sales director", "general manager", "marketing lead"),
        {
            "after_hours_leads": (
                "enquiries come in at night and nobody answers",
                "we lose leads after hours",
            ),
            "appointment_booking": ("book viewings without phoning", "take bookings in chat"),
            "multilingual": ("guests write in many languages", "answer in german and french"),
        },
        {"case_study": 0.7, "guide": 0.5, "plan": -0.6},
        {"awareness": 0.5, "decision": -0.3},
    ),
    LeadType(
        "privacy_first",
        ("manufacturing", "education", "financial_services"),
        ("51-200", "201-1000", "1000+"),
        ("eu", "uk", "na"),
        ("data protection officer", "marketing operations", "compliance manager"),
        {
            "consent_management": (
                "we need consent records for every message",
                "gdpr consent for marketing",
            ),
            "data_privacy": ("where is the data stored", "privacy is our first question"),
            "event_registration": ("registrations for our open days", "sign people up for events"),
        },
        {"guide": 1.0, "plan": 0.3, "case_study": -0.4, "integration": -0.4},
        {"awareness": 0.5},
    ),
)


def _appeal(item: Item, lead_type: LeadType, topic: str, industry: str, own: float) -> float:
    others = [t for t in lead_type.topics if t != topic]
    covered = sum(t in item.use_cases for t in others) / max(1, len(others))
    return (
        2.0 * (topic in item.use_cases)
        + 0.8 * covered
        + lead_type.kind_taste.get(item.kind, 0.0)
        + lead_type.stage_taste.get(item.stage, 0.0)
        + 0.5 * item.fits_industry(industry) * ("any" not in item.industries)
        + own
    )


def _clicks(rng: random.Random, appeal: dict[str, float], count: int) -> frozenset[str]:
    """`count` items drawn without replacement with probability ∝ exp(appeal): the top
    `count` of appeal plus a Gumbel draw each."""
    keyed = {item: score - math.log(-math.log(rng.random())) for item, score in appeal.items()}
    return frozenset(sorted(keyed, key=lambda item: -keyed[item])[:count])


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _lead(rng: random.Random, lead_type: LeadType) -> tuple[Lead, str, str]:
    topic = rng.choice(list(lead_type.topics))
    industry = rng.choice(lead_type.industries)
    need = rng.choice(VAGUE) if rng.random() < 0.25 else rng.choice(lead_type.topics[topic])
    lead = Lead(
        use_case=need,
        role=rng.choice(lead_type.roles),
        industry=industry if rng.random() < 0.7 else None,
        size_band=rng.choice(lead_type.sizes) if rng.random() < 0.8 else None,
        region=rng.choice(lead_type.regions),
        marketing_consent=rng.random() < 0.5,
    )
    return lead, topic, industry


def generate_history(catalogue: Catalogue, *, leads: int, seed: int) -> list[Lead]:
    """`leads` leads with their clicks (`Lead.clicked`, `Lead.seen`), reproducibly."""
    rng = random.Random(seed)
    item_appeal = {item.id: rng.gauss(0.0, 0.5) for item in catalogue.items}
    history = []
    for _ in range(leads):
        lead_type = rng.choice(TYPES)
        lead, topic, industry = _lead(rng, lead_type)
        allowed = eligible(catalogue.items, lead, TODAY)
        appeal = {
            item.id: _appeal(item, lead_type, topic, industry, item_appeal[item.id])
            + rng.gauss(0.0, 0.7)
            for item in allowed
        }
        clicked = _clicks(rng, appeal, min(len(allowed), 1 + _poisson(rng, 1.5)))
        history.append(replace(lead, clicked=clicked, seen=clicked))
    return history
