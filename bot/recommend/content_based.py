"""Content-based ranking: how close each item is to what the lead told us.

Items (title, summary, use-case tags, industries, size bands) and the lead (stated need,
role, industry, size band) are TF-IDF vectors over the same words and tags
(`bot.recommend.text`); an item's score is their cosine similarity. Its reason names
what weighed most in the match: the visitor's own words ("Because you mentioned
abandoned carts"), their industry or their company's size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.recommend.catalogue import Item
from bot.recommend.lead import Lead
from bot.recommend.scored import ItemScore
from bot.recommend.text import (
    Document,
    features,
    is_tag,
    item_document,
    lead_document,
    phrase,
)

__all__ = ["ContentRanker"]


def _reason(feature: str, lead: Lead) -> str | None:
    if is_tag(feature):
        kind, value = feature.split("=", 1)
        if kind == "industry":
            return f"Made for {value.replace('_', ' ')} teams like yours"
        return f"Suited to companies of {value} people"
    said = phrase(lead.use_case, feature)
    if said:
        return f"Because you mentioned {said}"
    role = phrase(lead.role, feature)
    return f"Because you work in {role}" if role else None


def _best_feature(found: dict[str, float]) -> str:
    """The feature that added most to a match; for a word, the pair of words it came in
    when the pair matched too ("abandoned carts" rather than "carts")."""
    best = max(found, key=lambda feature: found[feature])
    if is_tag(best) or " " in best:
        return best
    pairs = [f for f in found if not is_tag(f) and best in f.split(" ") and " " in f]
    return max(pairs, key=lambda feature: found[feature]) if pairs else best


class ContentRanker:
    """Fitted once on a catalogue; `score` is cheap (one sparse product)."""

    def __init__(self, items: Sequence[Item]) -> None:
        self._vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True)
        # A catalogue with no words at all (none, or only stop words) has an empty model.
        documents = [item_document(item) for item in items] or [Document("content")]
        self._matrix = sparse.csr_matrix(self._vectoriser.fit_transform(documents))
        self._row = {item.id: row for row, item in enumerate(items)}
        self._names = self._vectoriser.get_feature_names_out()

    def _vectors(self, items: Sequence[Item]) -> sparse.csr_matrix:
        if all(item.id in self._row for item in items):
            return self._matrix[[self._row[item.id] for item in items]]
        return sparse.csr_matrix(self._vectoriser.transform([item_document(i) for i in items]))

    def coverage(self, lead: Lead, candidates: Sequence[Item]) -> dict[str, float]:
        """How much of what the lead said each candidate matches (0 to 1): the share of
        the lead's weight (squared TF-IDF) on the words and tags the item has too. Unlike
        the similarity, a long item that names everything asked is not marked down, and
        one that shares only a common word ("marketing" of "sms marketing") counts little."""
        if not candidates:
            return {}
        query = sparse.csr_matrix(self._vectoriser.transform([lead_document(lead)]))
        weights = query.multiply(query)
        total = float(weights.sum())
        if total <= 0:
            return dict.fromkeys((item.id for item in candidates), 0.0)
        present = (self._vectors(candidates) > 0).astype(float)
        shares = np.asarray(present @ weights.T.toarray()).ravel() / total
        return {item.id: float(share) for item, share in zip(candidates, shares, strict=True)}

    def score(self, lead: Lead, candidates: Sequence[Item]) -> dict[str, ItemScore]:
        """Each candidate's cosine similarity to the lead (0 to 1), with a reason."""
        if not candidates:
            return {}
        query = sparse.csr_matrix(self._vectoriser.transform([lead_document(lead)]))
        vectors = self._vectors(candidates)
        overlap = sparse.csr_matrix(vectors.multiply(query))  # per-feature contributions
        similarity = np.asarray(overlap.sum(axis=1)).ravel()
        scored = {}
        for row, item in enumerate(candidates):
            start, end = overlap.indptr[row], overlap.indptr[row + 1]
            found = {
                str(self._names[column]): float(weight)
                for column, weight in zip(
                    overlap.indices[start:end], overlap.data[start:end], strict=True
                )
            }
            reason = _reason(_best_feature(found), lead) if found else None
            scored[item.id] = ItemScore(float(similarity[row]), reason)
        return scored
