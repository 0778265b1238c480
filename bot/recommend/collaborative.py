"""Collaborative ranking: what leads who answered like this one engaged with.

The history is past leads, each with the items they clicked (`Lead.clicked`).

1. **Similar leads.** Each past lead's answers (need, role, industry, size band) are a
   TF-IDF vector (`bot.recommend.text.lead_document`); the `neighbours` most similar to
   the lead, by cosine, are its peers. Their clicks, weighted by that similarity, say
   what leads like this one engage with.
2. **Similar items.** Two items are alike when the same leads clicked both: the cosine
   of their columns in the lead × item click matrix. An item scores by what the peers
   clicked plus `SPREAD` times how alike it is to what they (and the lead itself, when it
   clicked something) clicked, so an item that those clicks often come with counts too.
   `SPREAD` is small: on the offline benchmark (bench/recommend.py) a full share dilutes
   the peers' own clicks with items merely popular alongside them.

Cold start: when the peers' clicks and the lead's own add up to fewer than
`min_interactions`, there is too little to go on: `score` returns None, and the blend
falls back to the content-based ranking alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bot.recommend.catalogue import Item
from bot.recommend.lead import Lead
from bot.recommend.scored import ItemScore
from bot.recommend.text import features, lead_document

__all__ = ["SPREAD", "CollaborativeRanker"]

SPREAD = 0.25


def _share(vector: np.ndarray) -> np.ndarray:
    total = float(vector.sum())
    return vector / total if total > 0 else vector


class CollaborativeRanker:
    """Fitted once on a history; `score` reads one lead against it."""

    def __init__(
        self,
        items: Sequence[Item],
        history: Sequence[Lead],
        *,
        min_interactions: int,
        neighbours: int,
    ) -> None:
        self._items = list(items)
        self._column = {item.id: column for column, item in enumerate(items)}
        self.min_interactions, self.neighbours = min_interactions, neighbours
        self._history = [lead for lead in history if lead.clicked & self._column.keys()]
        rows, columns = [], []
        for row, lead in enumerate(self._history):
            found = sorted(self._column[i] for i in lead.clicked if i in self._column)
            rows += [row] * len(found)
            columns += found
        shape = (len(self._history), len(self._items))
        self._clicks = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=shape, dtype=float
        )
        self._alike = np.eye(len(items))
        if self._history:
            similar = cosine_similarity(self._clicks.T)
            np.fill_diagonal(similar, 0.0)
            self._alike += SPREAD * similar
        self._profiles: TfidfVectorizer | None = TfidfVectorizer(
            analyzer=features, sublinear_tf=True
        )
        try:
            documents = [lead_document(lead) for lead in self._history]
            self._people = sparse.csr_matrix(self._profiles.fit_transform(documents))
        except ValueError:  # no history, or no answers in it: no lead is like another
            self._profiles = None

    def peers(self, lead: Lead) -> list[tuple[Lead, float]]:
        """The most similar past leads with their similarity, most similar first."""
        if self._profiles is None:
            return []
        query = sparse.csr_matrix(self._profiles.transform([lead_document(lead)]))
        similarity = np.asarray((self._people @ query.T).todense()).ravel()
        order = np.argsort(-similarity, kind="stable")[: self.neighbours]
        return [
            (self._history[row], float(similarity[row])) for row in order if similarity[row] > 0
        ]

    def _seed(self, leads: Sequence[Lead], weights: Sequence[float]) -> np.ndarray:
        seed = np.zeros(len(self._items))
        for lead, weight in zip(leads, weights, strict=True):
            for item in lead.clicked & self._column.keys():
                seed[self._column[item]] += weight
        return seed

    def score(self, lead: Lead, candidates: Sequence[Item]) -> dict[str, ItemScore] | None:
        """Each candidate's score, with a reason; None at a cold start."""
        peers = self.peers(lead)
        own = lead.clicked & self._column.keys()
        evidence = sum(len(peer.clicked & self._column.keys()) for peer, _ in peers) + len(own)
        if evidence < self.min_interactions or not candidates:
            return None
        peer_seed = _share(self._seed([p for p, _ in peers], [w for _, w in peers]))
        own_seed = _share(self._seed([lead], [1.0]))
        from_peers, from_own = self._alike @ peer_seed, self._alike @ own_seed
        reason_peers = self._peer_reason(lead, peers)
        scored = {}
        for item in candidates:
            column = self._column.get(item.id)
            if column is None:  # not in the history's catalogue: nothing known
                scored[item.id] = ItemScore(0.0)
                continue
            peer, mine = float(from_peers[column]), float(from_own[column])
            reason = self._own_reason(own, column) if mine > peer else reason_peers
            scored[item.id] = ItemScore(peer + mine, reason if peer + mine > 0 else None)
        return scored

    def _own_reason(self, own: frozenset[str], column: int) -> str:
        closest = max(sorted(own), key=lambda item: self._alike[self._column[item], column])
        return f"Often read with “{self._items[self._column[closest]].title}”"

    @staticmethod
    def _peer_reason(lead: Lead, peers: Sequence[tuple[Lead, float]]) -> str:
        total = sum(weight for _, weight in peers) or 1.0
        same = sum(w for peer, w in peers if lead.industry and peer.industry == lead.industry)
        if same / total >= 0.5:
            return f"Popular with {(lead.industry or '').replace('_', ' ')} teams like yours"
        if (
            lead.size_band
            and sum(w for peer, w in peers if peer.size_band == lead.size_band) / total >= 0.5
        ):
            return f"Popular with companies of {lead.size_band} people"
        return "Popular with teams like yours"
