"""`python -m bot.training <run-id> [--lock-fd N]`: one run, started by `launch.start_run`.

The inherited lock descriptor is only kept open: the run holds the lock while it lives.
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import get_settings
from bot.training.pipeline import run_pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.training", description=__doc__)
    parser.add_argument("run_id")
    parser.add_argument("--lock-fd", type=int, default=None, help="the inherited run lock")
    args = parser.parse_args(argv)
    run = run_pipeline(get_settings(), args.run_id)
    print(f"run {run.id}: {run.state}", flush=True)
    return 0 if run.state == "live" else 1


if __name__ == "__main__":
    sys.exit(main())
