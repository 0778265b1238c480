"""A run's record: its stages and timings, persistence, and runs whose process died."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.training.runs import INTERRUPTED, Run, RunStore, with_liveness


def test_a_run_moves_through_the_stages_and_times_each(tmp_path: Path) -> None:
    run = Run(id="20261123-024144-49c70e", user="ann", created=100.0)
    run = run.entering("training", 101.0).entering("testing", 131.0).entering("loading", 139.0)
    run = run.ended("live", 150.0)
    assert run.state == "live" and not run.active and run.progress == 1.0
    assert {name: stage.seconds for name, stage in run.stages.items()} == {
        "training": 30.0,
        "testing": 8.0,
        "loading": 11.0,
    }
    assert run.seconds == 50.0


def test_a_failure_keeps_its_reason_and_stories_and_the_progress_reached() -> None:
    run = Run(id="20261123-024144-49c70e", user="ann", created=100.0, progress=0.4)
    run = run.entering("testing", 110.0).ended("failed", 120.0, reason="no", stories=["a (b)"])
    assert (run.state, run.reason, run.failed_stories, run.progress) == (
        "failed",
        "no",
        ["a (b)"],
        0.4,
    )
    assert run.stages["testing"].seconds == 10.0


def test_records_round_trip_and_list_newest_first(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "training")
    first = store.create(user="ann")
    second = Run(id="29991231-235959-000000", user="bob", created=first.created + 1)
    store.save(second.entering("training", second.created + 1))
    assert [run.id for run in store.recent()] == [second.id, first.id]
    assert store.load(first.id) == first
    assert store.load(second.id) == second.entering("training", second.created + 1)
    assert not list(store.directory.glob(".*"))  # no drafts left behind
    saved = json.loads(store.path(second.id).read_text())
    assert saved["stages"]["training"]["seconds"] is None


@pytest.mark.parametrize("run_id", ["../../etc/passwd", "20261123-024144-49C70E", ""])
def test_only_well_formed_run_ids_name_files(tmp_path: Path, run_id: str) -> None:
    store = RunStore(tmp_path)
    assert store.load(run_id) is None
    with pytest.raises(KeyError):
        store.path(run_id)


def test_an_active_run_without_its_lock_is_shown_as_interrupted() -> None:
    run = Run(id="20261123-024144-49c70e", user="ann", created=100.0).entering("training", 101.0)
    assert with_liveness(run, lock_held=True) == run
    dead = with_liveness(run, lock_held=False)
    assert dead.state == "failed" and dead.reason == INTERRUPTED
    finished = run.ended("live", 150.0)
    assert with_liveness(finished, lock_held=False) == finished
