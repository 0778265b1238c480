"""One retraining run, in its own process: train, test the stories, go live.

The archive is trained under a candidate name, and takes its fingerprint name
(`models/parley-<fingerprint>.tar.gz`, what `make run` serves) only once the test stories
pass with it, so a model that failed the gate is never served by a restart either. If
the archive for the current files already exists (an edit undone), training is skipped.

Rasa is imported and run in this process, once for both training (`trainer`: a
fine-tuning when only NLU examples changed, else a full training) and the gate (its
import alone takes 10–30 s here).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.model_archive import current_model_path
from bot.settings import Settings
from bot.training.inputs import manifest_path, move_archive
from bot.training.launch import store_of
from bot.training.runs import Run, RunFailed, RunStore
from bot.training.servers import SwapFailed, go_live, rasa_servers
from bot.training.stories import failed_stories
from bot.training.trainer import train

logger = logging.getLogger(__name__)
# Each stage's share of the run's progress bar, as measured for a one-example edit
# (fine-tuned: training 17 s, testing 5 s, loading 3 s).
STAGE_SPAN = {"training": (0.0, 0.68), "testing": (0.68, 0.88), "loading": (0.88, 1.0)}
CANDIDATES = ".candidate-*"  # the archive and its manifest
UNEXPECTED = "Something unexpected went wrong; the details are in the run's log on the server."
CHANGED = "The training data changed while the model was training. Press Retrain again."
STORIES_FAILED = (
    "The new model does not pass every test story, so the current model stays live. "
    "Check the examples and conversations you changed against the stories named below."
)


class Recorder:
    """Writes the run's record as it moves: at each stage, and each whole percent."""

    def __init__(self, store: RunStore, run: Run) -> None:
        self.store = store
        self.run = run

    def enter(self, stage: str) -> None:
        start, _ = STAGE_SPAN[stage]
        self.run = replace(self.run.entering(stage, time.time()), progress=start)
        self._save()

    def progress_within(self, fraction: float) -> None:
        start, end = STAGE_SPAN[self.run.state]
        before = round(self.run.progress * 100)
        self.run = replace(self.run, progress=start + fraction * (end - start))
        if round(self.run.progress * 100) != before:
            self._save()

    def live(self, model: Path) -> None:
        self.run = replace(self.run.ended("live", time.time()), model=model.name)
        self._save()

    def failed(self, reason: str, stories: list[str]) -> None:
        self.run = self.run.ended("failed", time.time(), reason=reason, stories=stories)
        self._save()

    def _save(self) -> None:
        self.store.save(self.run)


def load_everywhere(settings: Settings, model: Path) -> None:
    go_live(rasa_servers(settings), model)


@dataclass(frozen=True)
class Steps:
    """What a run does at each stage (fakes in tests). Training and the story gate read the
    project files at `settings.training_root` (the last argument)."""

    train: Callable[[Path, str, Callable[[float], None], Path], Path] = train
    failed_stories: Callable[[Path, Path, Path], list[str]] = failed_stories
    go_live: Callable[[Settings, Path], None] = load_everywhere


def run_pipeline(settings: Settings, run_id: str, steps: Steps = Steps()) -> Run:
    store = store_of(settings)
    run = store.load(run_id)
    if run is None:
        raise SystemExit(f"no run {run_id}")
    recorder = Recorder(store, run)
    # This process holds the run lock: any other candidate is an interrupted run's.
    for stale in settings.models_dir.glob(CANDIDATES):
        stale.unlink(missing_ok=True)
    name = f".candidate-{run.id}"
    candidate: Path | None = settings.models_dir / f"{name}.tar.gz"
    root = settings.training_root
    try:
        recorder.enter("training")
        target = current_model_path(settings.models_dir, root)
        if target.exists():
            model = target
        else:
            model = steps.train(settings.models_dir, name, recorder.progress_within, root)
            if current_model_path(settings.models_dir, root) != target:
                raise RunFailed(CHANGED)
        recorder.enter("testing")
        failed = steps.failed_stories(model, store.directory / f"{run.id}-stories", root)
        if failed:
            raise RunFailed(STORIES_FAILED, failed_stories=failed)
        if model != target:
            move_archive(model, target)
        candidate = None
        recorder.enter("loading")
        steps.go_live(settings, target)
        recorder.live(target)
    except RunFailed as failure:
        recorder.failed(str(failure), failure.failed_stories)
    except SwapFailed as failure:
        recorder.failed(str(failure), [])
    except Exception:
        logger.exception("retraining run %s failed", run_id)
        recorder.failed(UNEXPECTED, [])
    finally:
        if candidate is not None:
            candidate.unlink(missing_ok=True)
            manifest_path(candidate).unlink(missing_ok=True)
    return recorder.run
