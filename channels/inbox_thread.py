"""Where this process runs its inbox reads and writes: one thread on SQLite, a few on
PostgreSQL.

SQLite admits one writer at a time, and a writer it turns away waits and tries again
(`bot.crm.database`). Requests recording messages and the turns claiming them would
keep turning each other away, and acknowledgements would wait for those retries. Queued
on one thread instead, they take turns in arrival order, each in well under a
millisecond. PostgreSQL locks rows, so there a small pool runs them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from bot import bootstrap

T = TypeVar("T")
POSTGRES_THREADS = 4

_executor: ThreadPoolExecutor | None = None
_guard = threading.Lock()


def _inbox_executor() -> ThreadPoolExecutor:
    global _executor
    with _guard:
        if _executor is None:
            sqlite = bootstrap.crm_engine().dialect.name == "sqlite"
            _executor = ThreadPoolExecutor(
                max_workers=1 if sqlite else POSTGRES_THREADS, thread_name_prefix="parley-inbox"
            )
        return _executor


async def in_inbox_thread(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` on the inbox thread(s), awaited from any event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_inbox_executor(), partial(work, *args))
