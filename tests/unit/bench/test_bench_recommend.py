"""The recommender's offline evaluation: the synthetic history, the split, the metrics."""

from __future__ import annotations

import pytest

from bench.recommend import Scores, as_new_visitor, evaluate, main, paired_gain, split
from bench.recommend_history import TODAY, TYPES, generate_history
from bot.recommend import Lead, load_content
from bot.recommend.catalogue import KINDS, SIZE_BANDS
from bot.recommend.rules import eligible

CATALOGUE, CONFIG = load_content()


def test_the_history_is_reproducible_from_its_seed() -> None:
    first = generate_history(CATALOGUE, leads=60, seed=3)
    assert first == generate_history(CATALOGUE, leads=60, seed=3)
    assert first != generate_history(CATALOGUE, leads=60, seed=4)


def test_leads_click_only_what_the_rules_let_them_see() -> None:
    for lead in generate_history(CATALOGUE, leads=200, seed=1):
        allowed = {item.id for item in eligible(CATALOGUE.items, as_new_visitor(lead), TODAY)}
        assert lead.clicked and lead.clicked <= allowed
        assert lead.seen == lead.clicked


def test_the_lead_types_are_consistent_with_the_catalogue() -> None:
    for lead_type in TYPES:
        assert set(lead_type.sizes) <= set(SIZE_BANDS)
        assert set(lead_type.kind_taste) <= set(KINDS)
        assert all(-1 <= taste <= 1 for taste in lead_type.kind_taste.values())


def test_the_split_holds_out_a_share_of_the_leads() -> None:
    history = generate_history(CATALOGUE, leads=100, seed=2)
    train, test = split(history, 0.2, seed=2)
    assert len(test) == 20 and len(train) == 80
    assert sorted(map(id, train + test)) == sorted(map(id, history))


def test_precision_and_recall_at_3() -> None:
    leads = [
        Lead(clicked=frozenset({"a", "b"})),  # 2 of the 3 proposed: p 2/3, r 1
        Lead(clicked=frozenset({"x", "y", "z", "c"})),  # 1: p 1/3, r 1/4
        Lead(),  # nothing clicked: not counted
    ]
    seen = []

    def ranker(lead: Lead) -> list[str]:
        seen.append(lead)
        return ["a", "b", "c"]

    found = evaluate(ranker, leads)
    assert found.precision == pytest.approx(0.5)
    assert found.recall == pytest.approx(0.625)
    assert all(not lead.clicked and not lead.seen for lead in seen)  # new visitors
    gain, error = paired_gain(Scores(0.5, 0.5, (1.0, 0.5)), Scores(0.2, 0.2, (0.5, 0.5)))
    assert gain == pytest.approx(0.25) and error == pytest.approx(0.25)


def test_the_command_prints_a_table_and_a_result_line(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--leads", "150", "--seeds", "1"])
    out = capsys.readouterr().out
    assert "rules + content" in out and "rules + collaborative" in out
    result = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert len(result) == 1 and "p3_blend=" in result[0] and "blend_beats_parts=" in result[0]
