"""Offline evaluation of the content recommender on a synthetic engagement history.

    .venv/bin/python -m bench.recommend [--leads 1500] [--seeds 1,2,3,4,5] [--held-out 0.2]

For each seed, `bench.recommend_history` generates leads with their clicks on the
shipped catalogue (data/content). A share of the leads (`--held-out`) is held out: the
rest is the engagement history the collaborative ranker learns from. Each held-out lead
comes as a new visitor would, with its answers and none of its clicks, and each
recommender proposes 3 items:

- rules + popularity: the most clicked items of the history (a baseline);
- rules + content: the content-based ranker alone;
- rules + collaborative: the collaborative ranker alone (content-based at a cold start);
- blend: both, with the weights of data/content/recommending.yml.

precision@3 is the share of the 3 items the lead clicked, recall@3 the share of the
lead's clicks among the 3; both are averaged over held-out leads and then over seeds.
The blend's weights are also chosen afresh on each seed's training history alone (an
inner split, the held-out leads unseen), to show whether the shipped ones are still the
right ones. Prints a table and a RESULT line (bench/README.md).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from statistics import mean, stdev

from bench.recommend_history import TODAY, generate_history
from bot.recommend import Lead, Recommender, RecommenderConfig, load_content
from bot.recommend.catalogue import Catalogue
from bot.recommend.rules import eligible

K = 3
CONTENT_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
Ranker = Callable[[Lead], list[str]]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    per_lead: tuple[float, ...] = ()  # precision@3 of each held-out lead, for paired tests


def split(history: Sequence[Lead], held_out: float, seed: int) -> tuple[list[Lead], list[Lead]]:
    """(training history, held-out leads), the held-out ones drawn at random."""
    order = list(history)
    random.Random(seed).shuffle(order)
    cut = round(len(order) * held_out)
    return order[cut:], order[:cut]


def as_new_visitor(lead: Lead) -> Lead:
    return replace(lead, clicked=frozenset(), seen=frozenset())


def evaluate(ranker: Ranker, held_out: Sequence[Lead]) -> Scores:
    precision, recall = [], []
    for lead in held_out:
        if not lead.clicked:
            continue
        hits = len(set(ranker(as_new_visitor(lead))) & lead.clicked)
        precision.append(hits / K)
        recall.append(hits / len(lead.clicked))
    return Scores(mean(precision), mean(recall), tuple(precision))


def paired_gain(better: Scores, worse: Scores) -> tuple[float, float]:
    """Mean per-lead precision@3 gain of `better` over `worse` and its standard error."""
    gains = [b - w for b, w in zip(better.per_lead, worse.per_lead, strict=True)]
    return mean(gains), stdev(gains) / len(gains) ** 0.5


def recommender(
    catalogue: Catalogue, config: RecommenderConfig, history: Sequence[Lead], content: float
) -> Ranker:
    """The recommender with `content` weight for the content ranking, the rest for the
    collaborative one."""
    weights = replace(config, content_weight=content, collaborative_weight=1.0 - content)
    built = Recommender(catalogue, weights, history)
    return lambda lead: [found.item.id for found in built.recommend(lead, today=TODAY, k=K)]


def tuned_content_weight(
    catalogue: Catalogue, config: RecommenderConfig, train: Sequence[Lead], seed: int
) -> float:
    """The content weight whose blend scores best (precision@3 + recall@3) on a part of
    the training history held out from the rest of it."""
    inner, validation = split(train, 0.2, seed + 1000)

    def quality(content: float) -> float:
        found = evaluate(recommender(catalogue, config, inner, content), validation)
        return found.precision + found.recall

    return max(CONTENT_WEIGHTS, key=quality)


def rankers(
    catalogue: Catalogue, config: RecommenderConfig, history: Sequence[Lead]
) -> dict[str, Ranker]:
    shipped = config.content_weight / (config.content_weight + config.collaborative_weight)

    popular = Counter(item for lead in history for item in lead.clicked)

    def by_popularity(lead: Lead) -> list[str]:
        allowed = eligible(catalogue.items, lead, TODAY)
        return sorted((i.id for i in allowed), key=lambda item: -popular[item])[:K]

    return {
        "rules + popularity": by_popularity,
        "rules + content": recommender(catalogue, config, history, 1.0),
        "rules + collaborative": recommender(catalogue, config, history, 0.0),
        "blend": recommender(catalogue, config, history, shipped),
    }


def run(leads: int, seeds: Sequence[int], held_out: float) -> tuple[dict[str, Scores], list[float]]:
    """Scores per recommender averaged over the seeds, and each seed's tuned weight."""
    catalogue, config = load_content()
    per_seed: dict[str, list[Scores]] = {}
    tuned = []
    for seed in seeds:
        history = generate_history(catalogue, leads=leads, seed=seed)
        train, test = split(history, held_out, seed)
        for name, ranker in rankers(catalogue, config, train).items():
            per_seed.setdefault(name, []).append(evaluate(ranker, test))
        tuned.append(tuned_content_weight(catalogue, config, train, seed))
    results = {
        name: Scores(
            mean(s.precision for s in found),
            mean(s.recall for s in found),
            tuple(hit for s in found for hit in s.per_lead),
        )
        for name, found in per_seed.items()
    }
    return results, tuned


def report(results: dict[str, Scores], config: RecommenderConfig) -> bool:
    """Print the table and the RESULT line; whether the blend beats each of its parts."""
    print(f"{'recommender':<24}{'precision@3':>12}{'recall@3':>10}")
    for name, found in results.items():
        print(f"{name:<24}{found.precision:>12.3f}{found.recall:>10.3f}")
    blend = results["blend"]
    parts = {name: results[name] for name in ("rules + content", "rules + collaborative")}
    for name, part in parts.items():
        gain, error = paired_gain(blend, part)
        print(f"blend over {name}: precision@3 {gain:+.3f} ± {error:.3f} (paired, 1 s.e.)")
    beats = all(blend.precision > p.precision and blend.recall > p.recall for p in parts.values())
    short = {"rules + content": "content", "rules + collaborative": "collab", "blend": "blend"}
    figures = " ".join(
        f"p3_{short[name]}={found.precision:.3f} r3_{short[name]}={found.recall:.3f}"
        for name, found in results.items()
        if name in short
    )
    weights = f"w_content={config.content_weight} w_collab={config.collaborative_weight}"
    print(f"RESULT {figures} {weights} blend_beats_parts={'yes' if beats else 'no'}")
    return beats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1500, help="leads per seed")
    parser.add_argument("--seeds", default="1,2,3,4,5", help="comma-separated seeds")
    parser.add_argument("--held-out", type=float, default=0.2, help="share of leads held out")
    arguments = parser.parse_args(argv)
    seeds = [int(seed) for seed in arguments.seeds.split(",")]
    print(
        f"{arguments.leads} synthetic leads per seed, seeds {seeds}, "
        f"{arguments.held_out:.0%} held out, k={K}"
    )
    results, tuned = run(arguments.leads, seeds, arguments.held_out)
    beats = report(results, load_content()[1])
    print(f"content weight chosen on each seed's training history: {tuned}")
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
