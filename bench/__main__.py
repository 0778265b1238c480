"""`make bench`: Parley against stock Rasa on this machine, in one run.

    .venv/bin/python -m bench [--seconds 30] [--levels 1,20,100] [--storm-seconds 30]

1. Stock Rasa (`rasa init`'s moodbot, bench/stock_rasa.py) and then Parley's whole stack
   are started in turn: time to the first answer and resident memory are read, then
   closed-loop REST load runs from a separate process at each concurrency level
   (bench/rest_load.py), then one 300-turn conversation (bench/long_conversation.py);
   then, on Parley's stack still running, a one-example edit is retrained and put live as
   the console does it (bench/retrain.py).
2. An SMS storm of signed Twilio webhooks (bench/sms_storm.py) runs against a fresh stack.
3. A table of every figure, then one RESULT line (bench/README.md explains both).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.processes import rss_mb, wait_for_first_answer
from bench.report import print_report
from bench.retrain import measure_retrain, retraining_scratch
from bench.stack_runner import output_to, sms_settings
from bench.stock_rasa import stock_server
from bot.model_archive import ensure_model
from bot.rasa_server import rasa_api_token
from bot.stack import Stack


def _json_from(module: str, *args: str) -> dict[str, Any]:
    """Runs `python -m module args` (a load process of its own); its last line, parsed."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _loads(
    url: str, script: str, levels: Sequence[int], seconds: float, token: str | None = None
) -> dict[str, Any]:
    auth = ("--token", token) if token else ()
    results = {}
    for level in levels:
        print(f"  {script}: {level} concurrent conversation(s) for {seconds:.0f} s", flush=True)
        results[level] = _json_from(
            "bench.rest_load",
            *("--url", url, "--script", script, *auth),
            *("--concurrency", str(level), "--seconds", str(seconds)),
        )
    print(f"  {script}: one 300-turn conversation", flush=True)
    long = _json_from("bench.long_conversation", "--url", url, "--script", script, *auth)
    return {"load": results, "long": long}


def measure_stock(levels: Sequence[int], seconds: float, log: Path) -> dict[str, Any]:
    print("Stock Rasa (rasa init):", flush=True)
    with stock_server(log) as server:
        figures: dict[str, Any] = {"start_s": server.start_s, "rss_mb": {"rasa": server.rss_mb()}}
        figures |= _loads(server.url, "stock", levels, seconds)
        figures["rss_mb"]["rasa_after_load"] = server.rss_mb()
    return figures


def measure_parley(
    levels: Sequence[int], seconds: float, log: Path, scratch: Path
) -> dict[str, Any]:
    print("Parley (the whole stack):", flush=True)
    base = sms_settings(scratch / "parley-var", "http://127.0.0.1:9/unused")
    with retraining_scratch(base, scratch / "retrain") as settings:
        stack = Stack(settings, ensure_model(settings.models_dir))
        url = f"http://{settings.host}:{settings.rasa_port}"
        started = time.monotonic()
        try:
            with output_to(log):
                stack.start()
            token = rasa_api_token(settings)
            wait_for_first_answer(url, "hi", token=token)
            figures: dict[str, Any] = {"start_s": round(time.monotonic() - started, 1)}
            stack.wait_until_ready()
            figures["rss_mb"] = {name: rss_mb(p.pid) for name, p in stack.processes.items()}
            figures |= _loads(url, "parley", levels, seconds, token)
            figures["rss_mb"]["rasa_after_load"] = rss_mb(stack.processes["rasa"].pid)
            print("  a one-example edit, retrained and put live", flush=True)
            figures["retrain"] = measure_retrain(settings, scratch / "retrain")
        finally:
            stack.stop()
    return figures


def measure_storm(rate: int, seconds: float) -> dict[str, str]:
    print(f"SMS storm: {rate}/s for {seconds:.0f} s", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.sms_storm", "--rate", str(rate), "--seconds", str(seconds)],
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"the SMS storm printed no RESULT line:\n{done.stdout[-2000:]}")
    return dict(re.findall(r"(\w+)=(\S+)", lines[-1]))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per load level")
    parser.add_argument("--levels", default="1,20,100", help="concurrent conversations")
    parser.add_argument("--storm-rate", type=int, default=200)
    parser.add_argument("--storm-seconds", type=float, default=30.0)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    scratch = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    log = scratch / "servers.log"
    print(f"Server output goes to {log}", flush=True)
    figures = {
        "stock": measure_stock(levels, args.seconds, log),
        "parley": measure_parley(levels, args.seconds, log, scratch),
        "storm": measure_storm(args.storm_rate, args.storm_seconds),
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return print_report(figures, levels)


if __name__ == "__main__":
    raise SystemExit(main())
