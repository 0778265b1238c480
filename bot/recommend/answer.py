"""What to offer a visitor who asks for content ("do you have a case study for retail?").

The rules apply as always (`bot.recommend.rules`). Of the items they allow:

- those of the kind asked for and about what was asked (its words or its industry) are
  the answer (`ASKED`), ranked by the blend for the visitor with the question's topic
  first and what they said so far after it;
- if there are none, the closest (`CLOSEST`): items about it of another kind, else items
  of the kind asked for on other topics, else whatever the visitor may be shown; the
  reply says honestly that they are not what was asked;
- if the rules allow nothing, nothing (`NOTHING`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from bot.recommend.blend import Recommendation, Recommender
from bot.recommend.catalogue import Item
from bot.recommend.lead import Lead
from bot.recommend.question import ContentQuestion
from bot.recommend.rules import eligible
from bot.recommend.strategies import Strategy

__all__ = ["ASKED", "CLOSEST", "NOTHING", "Answer", "answer", "asking"]

ASKED, CLOSEST, NOTHING = "asked", "closest", "nothing"
# An item is about what was asked when it matches at least this share of its weight
# (`ContentRanker.coverage`): a webinar that only says "marketing" is not about "sms
# marketing".
RELEVANT = 0.5


@dataclass(frozen=True)
class Answer:
    match: str  # ASKED, CLOSEST or NOTHING
    picks: list[Recommendation]


def asking(lead: Lead, question: ContentQuestion) -> Lead:
    """The visitor as the rankers see them while they ask: the question's topic before
    their stated need, the industry they named (else the one known)."""
    words = ". ".join(part for part in (question.topic, lead.use_case) if part)
    return replace(lead, use_case=words, industry=question.industry or lead.industry)


def _ids(items: Iterable[Item]) -> set[str]:
    return {item.id for item in items}


def _about(recommender: Recommender, question: ContentQuestion, items: list[Item]) -> set[str]:
    """The items that match most of what was asked (its words, its industry); all of them
    when the question names no topic."""
    if not question.topic and not question.industry:
        return _ids(items)
    asked = Lead(use_case=question.topic, industry=question.industry)
    covered = recommender.content.coverage(asked, items)
    return {found for found, share in covered.items() if share >= RELEVANT}


def answer(
    recommender: Recommender,
    lead: Lead,
    question: ContentQuestion,
    *,
    today: date,
    strategy: Strategy | None = None,
) -> Answer:
    """At most the settings' top_k items for the question, and how well they match it,
    ranked under `strategy` when given (`Recommender.recommend`)."""
    visitor = asking(lead, question)
    allowed = eligible(recommender.catalogue.items, visitor, today)
    about = _about(recommender, question, allowed)
    of_kind = _ids(item for item in allowed if question.kind in (None, item.kind))
    if of_kind & about:
        asked = of_kind & about
        return Answer(
            ASKED, recommender.recommend(visitor, today=today, among=asked, strategy=strategy)
        )
    closest = next((found for found in (about, of_kind, _ids(allowed)) if found), None)
    if closest is None:
        return Answer(NOTHING, [])
    return Answer(
        CLOSEST, recommender.recommend(visitor, today=today, among=closest, strategy=strategy)
    )
