"""Shared builders for the recommender tests: items, leads and a small catalogue file."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

from bot.recommend import Item, Lead
from bot.recommend.catalogue import Catalogue

TODAY = date(2026, 12, 1)

# Line numbers in the validation tests refer to this file (the first line is line 1).
CATALOGUE = textwrap.dedent(
    """\
    content:
      - id: cart-guide
        title: "The abandoned cart playbook"
        url: https://example.com/cart
        summary: Bring shoppers back to abandoned carts.
        kind: guide
        stage: awareness
        industries: [retail]
        size_bands: [1-10, 11-50]
        use_cases: [abandoned_carts]
        regions: any
        valid_until: 2027-03-31
        gated: false
      - id: clinic-story
        title: "A clinic books patients at night"
        url: https://example.com/clinic
        summary: Appointments booked after hours.
        kind: case_study
        stage: consideration
        industries: [healthcare]
        use_cases: [appointment_booking, after_hours_leads]
        regions: [na, uk]
        gated: true
        segments: [hot_enterprise]
    """
)
SETTINGS = textwrap.dedent(
    """\
    recommending:
      weights:
        content: 0.3
        collaborative: 0.7
      top_k: 3
      min_interactions: 4
      neighbours: 10
    """
)


def item(item_id: str, **overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "id": item_id,
        "title": item_id.replace("-", " "),
        "url": f"https://example.com/{item_id}",
        "summary": "",
        "kind": "guide",
        "stage": "awareness",
        "industries": ("any",),
        "use_cases": ("lead_qualification",),
    }
    return Item(**{**fields, **overrides})


ITEMS = (
    item(
        "cart-playbook",
        title="The abandoned cart playbook",
        summary="Bring shoppers back to abandoned carts with chat and SMS.",
        industries=("retail",),
        use_cases=("abandoned_carts", "sms_marketing"),
    ),
    item(
        "clinic-bookings",
        title="A clinic books patients after hours",
        summary="Patients book appointments at night; the front desk answers fewer calls.",
        kind="case_study",
        industries=("healthcare",),
        use_cases=("appointment_booking", "after_hours_leads"),
    ),
    item(
        "sales-handoff",
        title="From chat to sales call",
        summary="Route hot leads to a sales rep with their budget and timeline.",
        kind="webinar",
        industries=("saas",),
        size_bands=("201-1000", "1000+"),
        use_cases=("handoff_to_sales", "lead_scoring"),
    ),
    item(
        "consent-guide",
        title="Consent in a chatbot",
        summary="Marketing consent per purpose with proof of every answer.",
        use_cases=("consent_management",),
    ),
    item(
        "crm-sync",
        title="Every chat lead in your CRM",
        summary="Contacts and answers written to HubSpot when a conversation ends.",
        kind="integration",
        use_cases=("crm_sync",),
    ),
)
CATALOGUE_OF_ITEMS = Catalogue(ITEMS)


def retail_lead(**overrides: Any) -> Lead:
    fields: dict[str, Any] = {
        "use_case": "we lose sales to abandoned carts",
        "role": "head of ecommerce",
        "industry": "retail",
        "size_band": "11-50",
        "region": "uk",
    }
    return Lead(**{**fields, **overrides})
