"""A retraining run's record: its stage, progress, timings and outcome, as JSON files.

Each run is `var/training/<run-id>.json`, replaced atomically at every change, so the
page (in any API worker) reads a complete record, and a restarted API still shows the
history. Only the run's own process writes its record after creating it; a record left in
an active stage by a process that died is reported as interrupted (see `with_liveness`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

STAGES = ("training", "testing", "loading")
ACTIVE = ("queued", *STAGES)
FINAL = ("live", "failed")
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
INTERRUPTED = "The retraining process stopped before it finished (it was ended or crashed)."


class RunFailed(Exception):
    """A stage failed; the message is written for the marketer, not for a developer."""

    def __init__(self, message: str, *, failed_stories: list[str] | None = None) -> None:
        super().__init__(message)
        self.failed_stories = failed_stories or []


@dataclass(frozen=True)
class StageTime:
    started: float
    finished: float | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None else self.finished - self.started


@dataclass(frozen=True)
class Run:
    id: str
    user: str
    created: float
    state: str = "queued"
    progress: float = 0.0
    stages: dict[str, StageTime] = field(default_factory=dict)
    finished: float | None = None
    model: str | None = None
    reason: str | None = None
    failed_stories: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None else self.finished - self.created

    @property
    def started_at(self) -> str:
        return datetime.fromtimestamp(self.created, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    def entering(self, stage: str, now: float) -> Run:
        stages = self._closed(now)
        stages[stage] = StageTime(now)
        return replace(self, state=stage, stages=stages)

    def ended(
        self, state: str, now: float, *, reason: str | None = None, stories: Sequence[str] = ()
    ) -> Run:
        progress = 1.0 if state == "live" else self.progress
        return replace(
            self,
            state=state,
            stages=self._closed(now),
            finished=now,
            progress=progress,
            reason=reason,
            failed_stories=list(stories),
        )

    def _closed(self, now: float) -> dict[str, StageTime]:
        current = self.stages.get(self.state)
        stages = dict(self.stages)
        if current is not None and current.finished is None:
            stages[self.state] = StageTime(current.started, now)
        return stages

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stages"] = {
            name: {**asdict(stage), "seconds": stage.seconds} for name, stage in self.stages.items()
        }
        data["seconds"] = self.seconds
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        stages = {
            name: StageTime(value["started"], value.get("finished"))
            for name, value in data.get("stages", {}).items()
        }
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**fields, "stages": stages})


def new_run_id(now: float) -> str:
    stamp = datetime.fromtimestamp(now, timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(3)}"


class RunStore:
    """The run records in one folder (`var/training`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, run_id: str) -> Path:
        if not RUN_ID.fullmatch(run_id):
            raise KeyError(run_id)
        return self.directory / f"{run_id}.json"

    def log_path(self, run_id: str) -> Path:
        return self.path(run_id).with_suffix(".log")

    def create(self, *, user: str) -> Run:
        now = time.time()
        run = Run(id=new_run_id(now), user=user, created=now)
        self.save(run)
        return run

    def save(self, run: Run) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path(run.id)
        descriptor, draft = tempfile.mkstemp(dir=self.directory, prefix=f".{run.id}.")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(run.as_json(), handle)
            os.replace(draft, target)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise

    def load(self, run_id: str) -> Run | None:
        try:
            text = self.path(run_id).read_text(encoding="utf-8")
        except (KeyError, FileNotFoundError):
            return None
        return Run.from_json(json.loads(text))

    def recent(self, limit: int = 10) -> list[Run]:
        """The newest runs first (run ids sort by creation time)."""
        names = sorted((p.stem for p in self.directory.glob("*.json")), reverse=True)
        runs = (self.load(name) for name in names if RUN_ID.fullmatch(name))
        return [run for run in runs if run is not None][:limit]


def with_liveness(run: Run, *, lock_held: bool) -> Run:
    """The run as it really is: an active record whose process is gone is failed.

    The run's process holds the run lock from start to end, so an active record with the
    lock free belongs to a process that died (the launcher hands its lock to the process
    before letting go, so there is no gap).
    """
    if not run.active or lock_held:
        return run
    return run.ended("failed", run.finished or time.time(), reason=INTERRUPTED)
