"""One run at a time: the lock, its hand-over to the run's process, and its release when
that process ends, however it ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.training.lock import RunLock


def test_a_second_taker_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "training" / "run.lock")
    assert not lock.is_held()
    first = lock.try_acquire()
    assert first is not None
    assert lock.try_acquire() is None
    assert lock.is_held()
    os.close(first)
    assert not lock.is_held()


def test_a_child_that_inherits_the_lock_holds_it_until_it_exits(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "run.lock")
    descriptor = lock.try_acquire()
    assert descriptor is not None
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
        pass_fds=(descriptor,),
    )
    os.close(descriptor)
    try:
        assert lock.is_held()  # the child's copy keeps it
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)
    assert not lock.is_held()


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "run.lock")
    descriptor = lock.try_acquire()
    assert descriptor is not None
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], pass_fds=(descriptor,)
    )
    os.close(descriptor)
    assert lock.is_held()
    child.kill()
    child.wait(timeout=30)
    assert not lock.is_held()
