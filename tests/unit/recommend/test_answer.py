"""Answering a visitor's question for content: the rules first, the kind asked for, the
topic asked about, and the closest items when nothing is what was asked."""

from __future__ import annotations

from bot.recommend import Lead, Recommender, RecommenderConfig
from bot.recommend.answer import ASKED, CLOSEST, NOTHING, answer, asking
from bot.recommend.catalogue import Catalogue
from bot.recommend.question import ContentQuestion
from tests.unit.recommend.recommend_builders import CATALOGUE_OF_ITEMS, ITEMS, TODAY, item

CONFIG = RecommenderConfig(1.0, 0.0, top_k=3, min_interactions=4, neighbours=10)
RETAIL_STORY = item(
    "retail-story",
    title="A clothing shop wins back abandoned carts",
    summary="Shoppers come back to their carts after a text.",
    kind="case_study",
    industries=("retail",),
    use_cases=("abandoned_carts",),
)
GATED_RETAIL_WEBINAR = item(
    "retail-webinar",
    title="Webinar: chat for retail teams",
    kind="webinar",
    industries=("retail",),
    use_cases=("abandoned_carts",),
    gated=True,
)
VISITOR = Lead()  # nothing said yet, no consent


def picked(items: tuple, question: ContentQuestion, lead: Lead = VISITOR) -> tuple[str, list]:
    found = answer(Recommender(Catalogue(items), CONFIG), lead, question, today=TODAY)
    return found.match, [pick.item.id for pick in found.picks]


def test_the_kind_and_industry_asked_for() -> None:
    items = (*ITEMS, RETAIL_STORY)
    assert picked(items, ContentQuestion("case_study", "retail")) == (ASKED, ["retail-story"])


def test_the_topic_in_their_words_with_its_reason() -> None:
    recommender = Recommender(CATALOGUE_OF_ITEMS, CONFIG)
    found = answer(recommender, VISITOR, ContentQuestion(topic="abandoned carts"), today=TODAY)
    assert found.match == ASKED
    assert [pick.item.id for pick in found.picks] == ["cart-playbook"]
    assert found.picks[0].reason == "Because you mentioned abandoned carts"


def test_no_topic_offers_the_best_of_the_kind() -> None:
    assert picked(ITEMS, ContentQuestion("integration")) == (ASKED, ["crm-sync"])
    match, ids = picked(ITEMS, ContentQuestion())
    assert match == ASKED and len(ids) == 3


def test_nothing_of_the_kind_offers_the_closest_of_another() -> None:
    # No case study for retail: the retail guide is the closest.
    assert picked(ITEMS, ContentQuestion("case_study", "retail")) == (CLOSEST, ["cart-playbook"])


def test_nothing_about_the_topic_offers_the_kind_on_other_topics() -> None:
    match, ids = picked(ITEMS, ContentQuestion("case_study", topic="churn"))
    assert (match, ids) == (CLOSEST, ["clinic-bookings"])


def test_gated_items_need_marketing_consent() -> None:
    question = ContentQuestion("webinar", "retail")
    assert picked((GATED_RETAIL_WEBINAR,), question) == (NOTHING, [])
    consenting = Lead(marketing_consent=True)
    assert picked((GATED_RETAIL_WEBINAR,), question, consenting) == (ASKED, ["retail-webinar"])


def test_the_rules_apply_as_always() -> None:
    seen = Lead(seen=frozenset({"retail-story"}))
    expired = item("old-story", kind="case_study", industries=("retail",), valid_until=TODAY)
    regional = item("us-story", kind="case_study", industries=("retail",), regions=("na",))
    question = ContentQuestion("case_study", "retail")
    assert picked((RETAIL_STORY, regional), question, seen) == (NOTHING, [])
    later = answer(
        Recommender(Catalogue((expired,)), CONFIG),
        VISITOR,
        question,
        today=TODAY.replace(year=TODAY.year + 1),
    )
    assert later.match == NOTHING


def test_asking_puts_the_topic_before_what_they_said() -> None:
    lead = Lead(use_case="we miss calls at night", industry="healthcare")
    assert asking(lead, ContentQuestion(topic="abandoned carts", industry="retail")) == Lead(
        use_case="abandoned carts. we miss calls at night", industry="retail"
    )
    assert asking(lead, ContentQuestion()) == lead


def test_a_common_word_shared_is_not_what_was_asked() -> None:
    agencies = item(
        "agency-webinar",
        title="Webinar: chat marketing for agencies",
        kind="webinar",
        use_cases=("reporting",),
    )
    sms = item("sms-guide", title="Texting leads", use_cases=("sms_marketing",))
    question = ContentQuestion("webinar", topic="sms marketing")
    assert picked((agencies, sms), question) == (CLOSEST, ["sms-guide"])
