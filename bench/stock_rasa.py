"""Stock Rasa, the baseline: `rasa init`'s moodbot, trained once and served by `rasa run`.

The project and its model are kept under `var/bench/stock-rasa`, so only the first run
of the benchmark trains it (about 76 s here). The server runs exactly as `rasa init`
leaves it: default config, in-memory tracker store, REST channel, no action server.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.processes import rss_mb, wait_for_first_answer
from bench.stack_runner import free_port
from bot.settings import PROJECT_ROOT

HOME = PROJECT_ROOT / "var" / "bench" / "stock-rasa"


def stock_model() -> Path:
    """The moodbot's trained model, made with `rasa init --no-prompt` if missing."""
    models = sorted((HOME / "models").glob("*.tar.gz")) if HOME.exists() else []
    if not models:
        HOME.mkdir(parents=True, exist_ok=True)
        print(f"Training stock Rasa's `rasa init` bot in {HOME} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(HOME)],
            check=True,
            cwd=HOME,
            stdout=subprocess.DEVNULL,
        )
        models = sorted((HOME / "models").glob("*.tar.gz"))
    return models[-1]


@dataclass(frozen=True)
class StockServer:
    url: str
    pid: int
    start_s: float

    def rss_mb(self) -> float:
        return rss_mb(self.pid)


@contextmanager
def stock_server(log_path: Path) -> Iterator[StockServer]:
    """`rasa run` on the moodbot, answering; stopped on the way out."""
    model = stock_model()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(model), "--port", str(port)],
            cwd=HOME,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            start_s = wait_for_first_answer(url, "hello")
            yield StockServer(url, process.pid, round(start_s, 1))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
