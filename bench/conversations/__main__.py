"""`make conversations`: every persona against a freshly started stack; ends in a RESULT line.

    .venv/bin/python -m bench.conversations [--concurrency 4] [--only key,key] [--out DIR]
                                            [--personas FILE]

The stack runs on embedded defaults (SQLite in a scratch directory, in-process locks, no
CRM sink) on free loopback ports, with the trained model (`bot.model_archive.ensure_model`
trains it first if the training data changed). Transcripts go to
results/conversations/<persona>.txt, the stack's output to results/conversations/stack.log.
`--personas` reads another crowd (bench/conversations/strangers.yml, say) instead of personas.yml.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.conversations.crm import admin_token
from bench.conversations.harness import DEFAULT_CONCURRENCY, run_personas
from bench.conversations.personas import PERSONAS_FILE, coverage, load_personas
from bench.conversations.report import print_report
from bench.stack_runner import loopback_settings, running_stack
from bot.rasa_server import rasa_api_token
from bot.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "results" / "conversations"


def crowd_settings(var_dir: Path) -> Settings:
    """Embedded defaults on free loopback ports, nothing delivered anywhere."""
    return loopback_settings(var_dir, default_currency="USD")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--only", default="", help="comma-separated persona keys")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--personas", type=Path, default=PERSONAS_FILE, help="a crowd file")
    args = parser.parse_args(argv)

    personas = load_personas(args.personas)
    if args.only:
        wanted = set(args.only.split(","))
        personas = [p for p in personas if p.key in wanted]
    habits = ", ".join(f"{name} {n}" for name, n in sorted(coverage(personas).items()))
    print(f"{len(personas)} personas; habits: {habits}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.txt"):
        old.unlink()
    log = args.out / "stack.log"
    log.write_text("")
    with tempfile.TemporaryDirectory(prefix="parley-crowd-") as scratch:
        settings = crowd_settings(Path(scratch) / "var")
        with running_stack(settings, log):
            rasa = f"http://{settings.host}:{settings.rasa_port}"
            api = f"http://{settings.host}:{settings.api_port}"
            started = time.monotonic()
            print(f"Talking with {len(personas)} visitors, {args.concurrency} at a time:")
            outcomes = run_personas(
                rasa,
                rasa_api_token(settings),
                api,
                admin_token(settings.var_dir),
                personas,
                concurrency=args.concurrency,
                transcripts=args.out,
                progress=True,
            )
            print(f"... done in {time.monotonic() - started:.0f} s; transcripts in {args.out}")
    summary = print_report(outcomes)
    print(summary.result_line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
