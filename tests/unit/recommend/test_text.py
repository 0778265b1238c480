"""Words, word pairs and tags the TF-IDF models count, and quoting a visitor's words."""

from __future__ import annotations

from bot.recommend import Lead
from bot.recommend.text import Document, features, item_document, lead_document, phrase
from tests.unit.recommend.recommend_builders import ITEMS


def test_features_are_words_without_stop_words_plurals_and_pairs() -> None:
    found = features(Document("We need to stop losing our Abandoned Carts", ("industry=retail",)))
    assert found == [
        "stop",
        "losing",
        "abandoned",
        "cart",
        "stop losing",
        "losing abandoned",
        "abandoned cart",
        "industry=retail",
    ]


def test_plurals_are_taken_off_with_care() -> None:
    assert features(Document("carts queries business analytics")) == [
        "cart",
        "query",
        "analytic",
        "cart query",
        "query analytic",
    ]


def test_a_feature_is_quoted_in_the_words_typed() -> None:
    text = "Honestly we lose sales to Abandoned Carts every day"
    assert phrase(text, "abandoned cart") == "abandoned carts"
    assert phrase(text, "sale") == "sales"
    assert phrase(text, "checkout") is None


def test_documents_of_items_and_leads() -> None:
    document = item_document(ITEMS[0])
    assert document.tags == ("industry=retail",)  # every size band: no size tags
    assert "abandoned carts" in document.text
    lead = Lead(use_case="carts", role="founder", industry="retail", size_band="1-10")
    assert lead_document(lead) == Document("carts. founder", ("industry=retail", "size=1-10"))
    sized = item_document(ITEMS[2])
    assert sized.tags == ("industry=saas", "size=201-1000", "size=1000+")


def test_a_pair_read_across_a_dropped_word_is_quoted_as_typed() -> None:
    said = "our shop loses leads at night because nobody answers"
    assert phrase(said, "lead night") == "leads at night"
