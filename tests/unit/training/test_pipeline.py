"""A run's stages with fake training, gate and swap: what goes live, what is kept, and
what the marketer is told when a stage fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.model_archive import current_model_path
from bot.settings import Settings
from bot.training.pipeline import STORIES_FAILED, UNEXPECTED, Steps, run_pipeline
from bot.training.runs import RunFailed, RunStore
from bot.training.servers import SwapFailed

FAILED = ["pricing, then declines the offer (tests/stories/test_small_talk.yml)"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "models").mkdir()
    return Settings(var_dir=tmp_path / "var", models_dir=tmp_path / "models")  # type: ignore[call-arg]


class Fakes:
    def __init__(
        self,
        failed: list[str] | None = None,
        swap: Exception | None = None,
        training: Exception | None = None,
    ) -> None:
        self.training = training
        self.trained: list[str] = []
        self.roots: list[Path] = []
        self.tested: list[Path] = []
        self.loaded: list[Path] = []
        self.failed = failed or []
        self.swap = swap

    def train(
        self, models_dir: Path, name: str, on_fraction: Callable[[float], None], root: Path
    ) -> Path:
        self.trained.append(name)
        self.roots.append(root)
        on_fraction(0.5)
        archive = models_dir / f"{name}.tar.gz"
        archive.write_bytes(b"model")
        if self.training:
            raise self.training
        return archive

    def failed_stories(self, model: Path, results: Path, root: Path) -> list[str]:
        self.tested.append(model)
        self.roots.append(root)
        return self.failed

    def go_live(self, settings: Settings, model: Path) -> None:
        if self.swap:
            raise self.swap
        self.loaded.append(model)

    def steps(self) -> Steps:
        return Steps(self.train, self.failed_stories, self.go_live)


def start(settings: Settings, fakes: Fakes) -> tuple[RunStore, str]:
    store = RunStore(settings.var_dir / "training")
    run = store.create(user="ann")
    run_pipeline(settings, run.id, fakes.steps())
    return store, run.id


def test_a_model_that_passes_goes_live_under_its_fingerprint_name(settings: Settings) -> None:
    (settings.models_dir / ".candidate-20261122-000000-000000.tar.gz").write_bytes(b"stale")
    fakes = Fakes()
    store, run_id = start(settings, fakes)
    target = current_model_path(settings.models_dir)
    run = store.load(run_id)
    assert run is not None and run.state == "live" and run.progress == 1.0
    assert run.model == target.name
    assert list(run.stages) == ["training", "testing", "loading"]
    assert all(stage.seconds is not None for stage in run.stages.values())
    assert fakes.loaded == [target] and target.read_bytes() == b"model"
    assert fakes.tested == [settings.models_dir / f".candidate-{run_id}.tar.gz"]
    assert [p.name for p in settings.models_dir.iterdir()] == [target.name]


def test_a_failing_story_keeps_the_live_model_and_names_the_story(settings: Settings) -> None:
    fakes = Fakes(failed=FAILED)
    store, run_id = start(settings, fakes)
    run = store.load(run_id)
    assert run is not None and run.state == "failed"
    assert run.reason == STORIES_FAILED and run.failed_stories == FAILED
    assert fakes.loaded == []
    assert list(settings.models_dir.iterdir()) == []  # never served by a restart either


def test_a_refused_swap_is_reported_and_the_tested_model_kept(settings: Settings) -> None:
    fakes = Fakes(swap=SwapFailed("The Rasa server at http://rasa:5005 could not be reached."))
    store, run_id = start(settings, fakes)
    run = store.load(run_id)
    assert run is not None and run.state == "failed"
    assert run.reason == "The Rasa server at http://rasa:5005 could not be reached."
    assert current_model_path(settings.models_dir).exists()


def test_an_unexpected_error_is_told_plainly(settings: Settings) -> None:
    fakes = Fakes(swap=RuntimeError("Traceback: secret internals"))
    store, run_id = start(settings, fakes)
    run = store.load(run_id)
    assert run is not None and run.state == "failed" and run.reason == UNEXPECTED


def test_an_existing_archive_for_the_current_files_is_not_trained_again(
    settings: Settings,
) -> None:
    target = current_model_path(settings.models_dir)
    target.write_bytes(b"earlier")
    fakes = Fakes()
    store, run_id = start(settings, fakes)
    assert fakes.trained == [] and fakes.tested == [target] and fakes.loaded == [target]
    run = store.load(run_id)
    assert run is not None and run.state == "live"


def test_a_training_failure_says_what_rasa_said_and_leaves_no_archive(
    settings: Settings,
) -> None:
    reason = "Rasa could not train a model from the training data. Rasa said: bad intent"
    fakes = Fakes(training=RunFailed(reason))
    store, run_id = start(settings, fakes)
    run = store.load(run_id)
    assert run is not None and run.state == "failed" and run.reason == reason
    assert list(run.stages) == ["training"] and fakes.tested == []
    assert list(settings.models_dir.iterdir()) == []


def test_progress_is_recorded_within_the_training_share(settings: Settings) -> None:
    seen: list[float] = []
    fakes = Fakes()
    store = RunStore(settings.var_dir / "training")
    run = store.create(user="ann")

    def train(
        models_dir: Path, name: str, on_fraction: Callable[[float], None], root: Path
    ) -> Path:
        on_fraction(0.5)
        saved = store.load(run.id)
        assert saved is not None
        seen.append(saved.progress)
        return fakes.train(models_dir, name, lambda _: None, root)

    run_pipeline(settings, run.id, Steps(train, fakes.failed_stories, fakes.go_live))
    assert seen == [pytest.approx(0.34)]  # half of training's 68 % of the bar


def test_a_run_trains_and_tests_from_the_training_root(settings: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    (copy / "bot").mkdir(parents=True)
    (copy / "data" / "nlu").mkdir(parents=True)
    (copy / "bot" / "config.yml").write_text("recipe: default.v1\n")
    (copy / "data" / "nlu" / "chitchat.yml").write_text('version: "3.1"\nnlu:\n')
    settings = settings.copy(update={"training_root": copy})
    fakes = Fakes()
    store, run_id = start(settings, fakes)
    target = current_model_path(settings.models_dir, copy)
    assert target != current_model_path(settings.models_dir)
    assert fakes.roots == [copy, copy] and fakes.loaded == [target]
    run = store.load(run_id)
    assert run is not None and run.state == "live" and run.model == target.name
