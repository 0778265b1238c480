"""Starting a run from the console: take the lock, record the run, start its process.

The process is `python -m bot.training <run-id>`, in its own session (a reload or stop of
the API does not end it), inheriting the lock's descriptor (see `lock`), with its output
in `var/training/<run-id>.log`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from bot.settings import PROJECT_ROOT, Settings
from bot.training.lock import LOCK_FILE, RunLock
from bot.training.runs import Run, RunStore, with_liveness

LOCK_FD_ARGUMENT = "--lock-fd"
NOT_STARTED = "The retraining could not be started on this server."
Spawn = Callable[[list[str], int, RunStore, Run], None]


class RunRefused(Exception):
    """No run was started: one is already going (one at a time), or it could not start."""


def store_of(settings: Settings) -> RunStore:
    return RunStore(settings.var_dir / "training")


def lock_of(store: RunStore) -> RunLock:
    return RunLock(store.directory / LOCK_FILE)


def spawn_process(command: list[str], lock_descriptor: int, store: RunStore, run: Run) -> None:
    with store.log_path(run.id).open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(lock_descriptor,),
            start_new_session=True,
        )
    # Reaped here, so a finished run leaves no zombie behind in the API's process.
    threading.Thread(target=process.wait, name=f"run-{run.id}", daemon=True).start()


def start_run(settings: Settings, *, user: str, spawn: Spawn = spawn_process) -> Run:
    """Record a new run and start its process; raises RunRefused."""
    store = store_of(settings)
    descriptor = lock_of(store).try_acquire()
    if descriptor is None:
        raise RunRefused("A retraining is already running. Wait until it has finished.")
    try:
        run = store.create(user=user)
        command = [sys.executable, "-m", "bot.training", run.id]
        try:
            spawn([*command, LOCK_FD_ARGUMENT, str(descriptor)], descriptor, store, run)
        except OSError:
            store.save(run.ended("failed", time.time(), reason=NOT_STARTED))
            raise RunRefused(NOT_STARTED) from None
    finally:
        os.close(descriptor)
    return run


def current_runs(settings: Settings, limit: int = 10) -> list[Run]:
    """The newest runs first, a dead process's run shown as failed.

    Only the newest run can be alive: a run starts only once the lock is free.
    """
    store = store_of(settings)
    held = lock_of(store).is_held()
    runs = store.recent(limit)
    return [with_liveness(run, lock_held=held and i == 0) for i, run in enumerate(runs)]


def current_run(settings: Settings, run_id: str) -> Run | None:
    store = store_of(settings)
    run = store.load(run_id)
    if run is None:
        return None
    newest = store.recent(1)
    alive = bool(newest) and newest[0].id == run.id and lock_of(store).is_held()
    return with_liveness(run, lock_held=alive)
