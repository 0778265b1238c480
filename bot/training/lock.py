"""One retraining at a time, across every API worker process and container replica that
shares `var/`.

An exclusive `flock` on `var/training/run.lock`. The launcher takes it, creates the run
record, and starts the run's process with the locked descriptor inherited; then it closes
its own copy. The lock lives as long as any copy of the descriptor, so it is held exactly
while the run's process lives, and the kernel frees it when that process ends however it
ends: no stale lock after a crash, and "lock free" means "no run is alive".
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "run.lock"


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def try_acquire(self) -> int | None:
        """A descriptor holding the lock, or None when a run holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return None
        return descriptor

    def is_held(self) -> bool:
        """Whether a run holds the lock (probed by taking and releasing it at once)."""
        if not self.path.exists():
            return False
        descriptor = self.try_acquire()
        if descriptor is None:
            return True
        os.close(descriptor)
        return False
