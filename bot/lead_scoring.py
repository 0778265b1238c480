"""A lead's score as the CRM keeps it: worked out from the lead's facts and the
recommended content its conversation opened, written as a new lead version (its grade,
breakdown, segments and status with it) and queued for the sinks.

Two moments score a lead, both through `scored`: its capture at the end of a conversation
(`bot.lead_capture.capture_lead`) and a click on content recommended to it
(`rescore_lead`, run after the click's redirect by `bot.api.content_redirect`). Clicks
made before the lead existed are in its conversation, so its capture counts them.

Rescoring keeps what the score does not decide: points a follow-up sequence gave
(`followup.*` in the breakdown) are carried over, and a status set other than by the
grade (handed off, disqualified, or a follow-up's update) stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.crm import Contact, Lead, save_lead
from bot.crm.engagement_tables import opened_in_conversation
from bot.lead_delivery import queue_lead
from bot.scoring import (
    Contribution,
    LeadFacts,
    LeadScore,
    OpenedContent,
    ScoringRules,
    Segment,
    score_lead,
    segments_for,
)

if TYPE_CHECKING:  # the catalogue's module pulls in the recommender's
    from bot.recommend.catalogue import Catalogue

__all__ = [
    "GRADED_STATUSES",
    "QUALIFIED_GRADES",
    "Scored",
    "lead_status",
    "opened_content",
    "rescore_lead",
    "scored",
]

QUALIFIED_GRADES = frozenset({"A", "B"})
GRADED_STATUSES = frozenset({"qualified", "nurture"})  # the statuses the grade decides
CARRIED_RULES = "followup."  # contributions given from outside the rules


def lead_status(facts: LeadFacts, score: LeadScore) -> str:
    """Handed off when they asked for sales; students are out; A/B qualify; others nurture."""
    if facts.signals.handoff_requested:
        return "handed_off"
    if facts.authority == "student":
        return "disqualified"
    return "qualified" if score.grade in QUALIFIED_GRADES else "nurture"


def opened_content(
    session: Session, conversation_id: str, catalogue: Catalogue | None
) -> tuple[OpenedContent, ...]:
    """The recommended items clicked in the conversation, as the catalogue has them now
    (no catalogue: none are scored)."""
    if catalogue is None:
        return ()
    items = catalogue.by_id()
    found = []
    for item_id in opened_in_conversation(session, conversation_id):
        item = items.get(item_id)
        found.append(
            OpenedContent(item_id, item.title, item.stage) if item else OpenedContent(item_id)
        )
    return tuple(found)


def _carried(breakdown: Sequence[Any] | None) -> list[Contribution]:
    return [
        Contribution(str(part["rule"]), int(part["points"]), str(part["reason"]))
        for part in breakdown or ()
        if isinstance(part, dict) and str(part.get("rule", "")).startswith(CARRIED_RULES)
    ]


@dataclass(frozen=True)
class Scored:
    """What scoring writes on a lead."""

    facts: LeadFacts
    score: LeadScore
    segments: list[str]
    status: str

    def columns(self) -> dict[str, Any]:
        """`save_lead`'s arguments for the score."""
        return {
            "score": self.score.total,
            "grade": self.score.grade,
            "score_breakdown": [part.as_dict() for part in self.score.breakdown],
            "segments": self.segments,
            "status": self.status,
        }


def scored(
    facts: LeadFacts,
    *,
    rules: ScoringRules,
    segments: list[Segment],
    before: Lead | None,
    keep_status: bool = False,
) -> Scored:
    """`facts` scored and segmented; `before` is the lead as stored, whose carried points
    count again (and, with `keep_status`, whose status stays unless the grade set it)."""
    score = score_lead(facts, rules, carried=_carried(before.score_breakdown if before else None))
    status = lead_status(facts, score)
    if keep_status and before is not None and before.status not in GRADED_STATUSES:
        status = before.status
    return Scored(facts, score, segments_for(facts, score, segments), status)


def rescore_lead(
    session: Session,
    lead: Lead,
    *,
    catalogue: Catalogue,
    rules: ScoringRules,
    segments: list[Segment],
    sinks: Sequence[str],
) -> bool:
    """Scores the lead again with the content its conversation opened so far; a changed
    score is a new lead version, queued for `sinks`. False when nothing changed, or the
    lead was captured before its facts were kept (it is scored again at its next capture).
    ValueError when its stored facts cannot be read."""
    contact = session.get(Contact, lead.contact_id)
    if not lead.facts or contact is None:
        return False
    opened = opened_content(session, lead.conversation_id, catalogue)
    facts = replace(LeadFacts.from_dict(lead.facts), opened=opened)
    found = scored(facts, rules=rules, segments=segments, before=lead, keep_status=True)
    version = lead.version
    save_lead(
        session,
        contact=contact,
        conversation_id=lead.conversation_id,
        channel=lead.channel,
        source=lead.source,
        answers=lead.answers,
        role=lead.role,
        authority=lead.authority,
        **found.columns(),
    )
    lead.facts = facts.as_dict()
    if lead.version == version:
        return False
    queue_lead(session, lead, contact, sinks)
    return True
