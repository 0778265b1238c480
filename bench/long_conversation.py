"""Per-turn latency as one conversation grows: turns 1–10 against turns 290–300.

Rasa featurizes the conversation's history on every turn, so a cost that grows with the
history shows here as a ratio above 1. Run in a process of its own, like the load.

    .venv/bin/python -m bench.long_conversation --url http://127.0.0.1:5005 --script parley
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Sequence

import httpx

from bench.processes import rest_params

TURNS = 300
EARLY = range(0, 10)  # turns 1–10
LATE = range(289, 300)  # turns 290–300
# Messages that keep a conversation going indefinitely without ending it.
CYCLES = {
    "parley": ("what does it cost?", "tell me about the product", "hi", "thanks"),
    "stock": ("hello", "I am sad", "yes", "I am great"),
}


def turn_latencies(
    url: str, script: str, turns: int = TURNS, token: str | None = None
) -> list[float]:
    sender = f"bench-long-{uuid.uuid4().hex}"
    cycle = CYCLES[script]
    latencies = []
    with httpx.Client(base_url=url, params=rest_params(token), timeout=120.0) as client:
        for turn in range(turns):
            started = time.monotonic()
            response = client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": cycle[turn % len(cycle)]},
            )
            response.raise_for_status()
            latencies.append((time.monotonic() - started) * 1000)
    return latencies


def summary(latencies: Sequence[float]) -> dict[str, float]:
    early = statistics.mean(latencies[i] for i in EARLY)
    late = statistics.mean(latencies[i] for i in LATE)
    return {
        "turn_1_10_ms": round(early, 1),
        "turn_290_300_ms": round(late, 1),
        "ratio": round(late / early, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", help="Rasa's API token (Parley's REST channel needs it)")
    parser.add_argument("--script", choices=sorted(CYCLES), required=True)
    args = parser.parse_args(argv)
    print(json.dumps(summary(turn_latencies(args.url, args.script, token=args.token))))


if __name__ == "__main__":
    main()
