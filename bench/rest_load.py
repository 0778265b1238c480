"""Closed-loop load over Rasa's REST channel, run in a process of its own.

    .venv/bin/python -m bench.rest_load --url http://127.0.0.1:5005 --script parley \
        --concurrency 20 --seconds 30

`concurrency` visitors each hold one conversation at a time: a visitor sends a message,
waits for the bot's answer, sends the next, and starts a new conversation when its script
ends. Latency is measured per message from send to answer; the first `warmup` seconds are
not counted. Prints one JSON object (messages/s, p50/p95/p99 ms, errors); with
`--record-conversations`, also each conversation's sender id and how many of its script's
messages were sent and answered (warmup included), for a check of the tracker store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from bench.processes import rest_params

TIMEOUT_S = 120.0


def parley_script(conversation: str) -> list[str]:
    """A lead qualified through the whole form with both consents (CRM writes included)."""
    return [
        "hi there",
        "yeah sure",
        "sam lee",
        f"sure, it's sam.{conversation[:12]}@northwind.io",
        "i work at Northwind Traders",
        "head of marketing",
        "we're about 50 people",
        "we want a bot on our pricing page that qualifies leads and books demos",
        "between 10 and 20 thousand dollars",
        "next quarter hopefully",
        "(415) 555-0132",
        "yes please",
        "yep, that's fine",
    ]


def stock_script(conversation: str) -> list[str]:
    """`rasa init`'s moodbot, through its sad path."""
    return ["hello", "I am sad", "yes", "goodbye"]


SCRIPTS: dict[str, Callable[[str], list[str]]] = {"parley": parley_script, "stock": stock_script}


@dataclass
class Sent:
    """One conversation: the first `sent` messages of its script went out, `answered`
    of them were answered 200 (a conversation stops at its first failed message)."""

    sent: int = 0
    answered: int = 0


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    seconds: float
    messages: int
    errors: int
    messages_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _visitor(
    client: httpx.AsyncClient,
    script: Callable[[str], list[str]],
    stop_at: float,
    count_from: float,
    latencies: list[float],
    errors: list[str],
    conversations: dict[str, Sent],
) -> None:
    while time.monotonic() < stop_at:
        sender = f"bench-{uuid.uuid4().hex}"
        record = conversations[sender] = Sent()
        for text in script(sender):
            if time.monotonic() >= stop_at:
                return
            record.sent += 1
            sent = time.monotonic()
            try:
                response = await client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": text}
                )
                ok = response.status_code == 200
            except httpx.HTTPError as error:
                ok = False
                errors.append(type(error).__name__)
            if ok:
                record.answered += 1
            if sent >= count_from:
                if ok:
                    latencies.append((time.monotonic() - sent) * 1000)
                else:
                    errors.append("status")
            if not ok:
                break  # this conversation is lost; start a new one


async def run_load(
    url: str,
    script: str,
    concurrency: int,
    seconds: float,
    warmup: float,
    conversations: dict[str, Sent] | None = None,
    token: str | None = None,
) -> LoadResult:
    """The load's figures; `conversations`, when given, receives every conversation."""
    latencies: list[float] = []
    errors: list[str] = []
    conversations = {} if conversations is None else conversations
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, params=rest_params(token), timeout=TIMEOUT_S, limits=limits
    ) as client:
        start = time.monotonic()
        count_from, stop_at = start + warmup, start + warmup + seconds
        await asyncio.gather(
            *(
                _visitor(
                    client, SCRIPTS[script], stop_at, count_from, latencies, errors, conversations
                )
                for _ in range(concurrency)
            )
        )
        measured = max(1e-9, min(time.monotonic(), stop_at) - count_from)
    return LoadResult(
        concurrency=concurrency,
        seconds=round(measured, 2),
        messages=len(latencies),
        errors=len(errors),
        messages_per_s=round(len(latencies) / measured, 2),
        p50_ms=round(statistics.median(latencies), 1) if latencies else float("nan"),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", help="Rasa's API token (Parley's REST channel needs it)")
    parser.add_argument("--script", choices=sorted(SCRIPTS), required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--record-conversations",
        action="store_true",
        help="add each conversation's sender id with its messages sent and answered",
    )
    args = parser.parse_args(argv)
    conversations: dict[str, Sent] = {}
    result = asyncio.run(
        run_load(
            args.url,
            args.script,
            args.concurrency,
            args.seconds,
            args.warmup,
            conversations,
            args.token,
        )
    )
    figures: dict[str, Any] = asdict(result)
    if args.record_conversations:
        figures["conversations"] = {
            sender: asdict(record) for sender, record in conversations.items()
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
