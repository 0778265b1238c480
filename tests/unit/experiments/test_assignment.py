"""assign_variant is deterministic, even (or weighted), and validates what it is given."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import chisquare

from bot.experiments import assign_variant, assignment_point
from bot.experiments import assignment as assignment_module

ASSIGNMENT_FILE = Path(assignment_module.__file__)
IDS = [f"conversation-{number}" for number in range(10_000)]


def split(variants: list[str], weights: list[float] | None = None) -> dict[str, str]:
    return {
        conversation: assign_variant(
            experiment="greeting-copy",
            conversation_id=conversation,
            variants=variants,
            weights=weights,
        )
        for conversation in IDS
    }


def test_same_inputs_give_the_same_variant() -> None:
    first = split(["A", "B", "C"])
    assert split(["A", "B", "C"]) == first


def test_assignment_agrees_across_processes_with_different_hash_seeds() -> None:
    # Loads the module file alone: it needs only the standard library, and skipping
    # scipy keeps the two interpreters quick.
    script = (
        "import importlib.util, json\n"
        "spec = importlib.util.spec_from_file_location('assignment', "
        f"{str(ASSIGNMENT_FILE)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print(json.dumps([module.assign_variant(experiment='greeting-copy', "
        "conversation_id=f'conversation-{n}', variants=['A', 'B', 'C']) for n in range(200)]))"
    )
    runs = []
    for seed in ("1", "2"):
        output = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
        ).stdout
        runs.append(json.loads(output))
    in_this_process = split(["A", "B", "C"])
    expected = [in_this_process[f"conversation-{n}"] for n in range(200)]
    assert runs[0] == runs[1] == expected


def test_the_point_is_pinned_to_sha256_so_releases_keep_assignments() -> None:
    # Computed here by hand: length-prefixed name, id, first 53 bits of the digest.
    digest = hashlib.sha256(b"13:greeting-copyconversation-0").digest()
    expected = (int.from_bytes(digest[:8], "big") >> 11) / 2**53
    assert assignment_point(experiment="greeting-copy", conversation_id="conversation-0") == (
        expected
    )


def test_experiment_and_id_boundary_is_unambiguous() -> None:
    assert assignment_point(experiment="ab", conversation_id="c") != assignment_point(
        experiment="a", conversation_id="bc"
    )


def test_points_lie_in_the_unit_interval() -> None:
    points = [assignment_point(experiment="x", conversation_id=c) for c in IDS]
    assert all(0 <= point < 1 for point in points)


def test_equal_variants_split_evenly() -> None:
    counts = Counter(split(["A", "B", "C"]).values())
    observed = [counts[name] for name in ("A", "B", "C")]
    assert sum(observed) == len(IDS)
    assert chisquare(observed).pvalue > 0.01
    assert all(abs(count - len(IDS) / 3) < 200 for count in observed)


def test_weights_split_in_proportion() -> None:
    counts = Counter(split(["control", "treatment"], [1, 3]).values())
    observed = [counts["control"], counts["treatment"]]
    assert chisquare(observed, f_exp=[2_500, 7_500]).pvalue > 0.01
    assert abs(counts["control"] / len(IDS) - 0.25) < 0.02


def test_weights_need_not_sum_to_one() -> None:
    assert split(["A", "B"], [0.2, 0.8]) == split(["A", "B"], [20, 80])


def test_a_single_variant_gets_everyone() -> None:
    assert set(split(["only"]).values()) == {"only"}


def test_experiments_split_independently() -> None:
    one = split(["A", "B"])
    other = {
        c: assign_variant(experiment="other", conversation_id=c, variants=["A", "B"]) for c in IDS
    }
    agreement = sum(one[c] == other[c] for c in IDS) / len(IDS)
    assert 0.47 < agreement < 0.53


def test_appending_an_equal_variant_keeps_only_about_half() -> None:
    before = split(["A", "B"])
    after = split(["A", "B", "C"])
    kept = sum(before[c] == after[c] for c in IDS) / len(IDS)
    assert 0.47 < kept < 0.53


def test_appending_by_carving_from_the_last_variant_keeps_earlier_ones() -> None:
    before = split(["A", "B"], [1, 1])
    after = split(["A", "B", "C"], [1, 0.5, 0.5])
    assert all(after[c] == "A" for c in IDS if before[c] == "A")
    assert all(after[c] in {"B", "C"} for c in IDS if before[c] == "B")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"variants": []}, "at least one variant"),
        ({"variants": ["A", "B", "A"]}, "unique, repeated: A"),
        ({"variants": ["A", ""]}, "non-empty strings"),
        ({"variants": "AB"}, "not the string"),
        ({"variants": ["A", "B"], "weights": [1]}, "1 weights for 2 variants"),
        ({"variants": ["A", "B"], "weights": [1, 0]}, "weight 1 must be a finite number above 0"),
        ({"variants": ["A", "B"], "weights": [-1, 2]}, "weight 0 must be a finite number above 0"),
        ({"variants": ["A", "B"], "weights": [1, float("nan")]}, "finite number above 0"),
        ({"variants": ["A", "B"], "weights": [1, float("inf")]}, "finite number above 0"),
        ({"variants": ["A", "B"], "weights": [1, "2"]}, "weight 1 must be a number"),
        ({"variants": ["A"], "experiment": ""}, "experiment name must not be empty"),
        ({"variants": ["A"], "conversation_id": ""}, "conversation id must not be empty"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(
    arguments: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {"experiment": "exp", "conversation_id": "c1", **arguments}
    with pytest.raises(ValueError, match=message):
        assign_variant(**call)  # type: ignore[arg-type]
