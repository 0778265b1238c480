"""An SMS storm: many signed Twilio webhook calls at a fixed rate against the whole stack
(the calls go to the ingress, which acknowledges them; the Rasa server runs the turns).

    .venv/bin/python -m bench.sms_storm                        # 200 calls in 2 s
    .venv/bin/python -m bench.sms_storm --rate 200 --seconds 30

Starts the stack with the SMS channel pointed at a fake Twilio API, fires `rate * seconds`
messages from 50 phone numbers on a fixed timetable (open loop, from a separate process),
plus about 5% Twilio-style retries (same MessageSid), then waits until the inbox has
processed every message and checks the inbox and the tracker store for lost and duplicated
turns. The last line is a RESULT line (bench/README.md explains it); the exit status is 1
when a message was lost, duplicated or not acknowledged.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import multiprocessing
import random
import shutil
import signal
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from types import FrameType

import aiohttp
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine

from bench.stack_runner import (
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_FROM,
    running_stack,
    sms_settings,
)
from bench.storm_report import report_acks, report_log, report_processing
from bot.crm import InboundMessage, make_engine, session_scope
from bot.settings import Settings
from channels.enabled import INGRESS_PATHS, SMS
from tests.fakes.twilio_api import FakeTwilioApi
from tests.fakes.twilio_signing import inbound_sms_params, new_sid, sign

SENDERS = 50
TEXTS = ("hi", "what does it cost?", "tell me about the product")
RETRY_SHARE = 0.05
RETRY_WITHIN_S = 1.0  # a retry goes out up to this long after its original
POOL_SIZE = 200
CLIENT_TIMEOUT_S = 60.0  # longer than Twilio waits, to measure how late the answers are
START_LEAD_S = 0.5  # time for the load process to create its tasks before the first send
PROGRESS_EVERY_S = 10.0
FINISHED = ("processed", "failed")


@dataclass(frozen=True)
class Call:
    """One webhook request as Twilio would make it, and when to make it."""

    at_s: float  # from the start of the storm
    sid: str
    params: dict[str, str]
    signature: str
    retry: bool = False


@dataclass(frozen=True)
class Answer:
    at_s: float  # when it was due, from the start of the storm
    sid: str
    retry: bool
    status: int | None  # None: no HTTP answer at all (see `error`)
    error: str | None
    latency_ms: float  # from the scheduled moment, so a late send counts against the server
    lag_ms: float  # how late the load process sent it (it could not keep the timetable)
    answered_at: float  # wall clock, comparable with the inbox's processed_at

    @property
    def acked(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class InboxRow:
    id: int
    status: str
    attempts: int
    processed_at: datetime | None
    last_error: str | None


def plan_storm(url: str, *, rate: float, seconds: float, seed: int) -> list[Call]:
    """Unique messages every 1/rate seconds, senders taking turns, and ~5% retries."""
    rng = random.Random(seed)
    originals = []
    for index in range(round(rate * seconds)):
        sid = new_sid("SM")
        params = inbound_sms_params(
            message_sid=sid,
            from_=f"+1415555{index % SENDERS:04d}",
            to=TWILIO_FROM,
            body=TEXTS[(index // SENDERS) % len(TEXTS)],
            account_sid=TWILIO_ACCOUNT_SID,
        )
        signature = sign(url, params, TWILIO_AUTH_TOKEN)
        originals.append(Call(index / rate, sid, params, signature))
    retried = rng.sample(originals, round(len(originals) * RETRY_SHARE))
    retries = [
        replace(call, at_s=call.at_s + rng.uniform(0, RETRY_WITHIN_S), retry=True)
        for call in retried
    ]
    return sorted(originals + retries, key=lambda call: call.at_s)


def fire_storm(url: str, calls: list[Call]) -> list[Answer]:
    """Makes the calls on their timetable; run in its own process, with its own loop.

    With aiohttp: httpx's connection pool cost the load process about 10 ms of CPU per
    call with a thousand calls in flight (0.8 ms with aiohttp), so at 200 calls a second
    it was the load process, not the server, that answered late.
    """
    return asyncio.run(_fire(url, calls))


async def _fire(url: str, calls: list[Call]) -> list[Answer]:
    connector = aiohttp.TCPConnector(limit=POOL_SIZE)
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        start = time.perf_counter() + START_LEAD_S
        return list(await asyncio.gather(*(_send(client, url, call, start) for call in calls)))


async def _send(client: aiohttp.ClientSession, url: str, call: Call, start: float) -> Answer:
    scheduled = start + call.at_s
    await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
    lag = time.perf_counter() - scheduled
    status, error = None, None
    try:
        headers = {"X-Twilio-Signature": call.signature}
        async with client.post(url, data=call.params, headers=headers) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    latency = time.perf_counter() - scheduled
    return Answer(
        call.at_s, call.sid, call.retry, status, error, latency * 1000, lag * 1000, time.time()
    )


def write_answers(path: Path, answers: list[Answer]) -> None:
    """One CSV row per call, in timetable order, for a closer look at the latencies."""
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[field.name for field in fields(Answer)])
        writer.writeheader()
        writer.writerows(asdict(answer) for answer in answers)


def read_inbox(engine: Engine) -> dict[str, InboxRow]:
    columns = InboundMessage.__table__.c
    query = select(
        columns.external_id,
        columns.id,
        columns.status,
        columns.attempts,
        columns.processed_at,
        columns.last_error,
    ).where(columns.channel == "sms")
    with session_scope(engine) as session:
        return {sid: InboxRow(*rest) for sid, *rest in session.execute(query)}


def wait_until_processed(engine: Engine, sids: set[str], timeout_s: float) -> dict[str, InboxRow]:
    """The inbox once every message in `sids` is processed or failed, or at the timeout."""
    started = time.monotonic()
    reported = started
    while True:
        inbox = read_inbox(engine)
        statuses = Counter(inbox[sid].status if sid in inbox else "missing" for sid in sids)
        finished = sum(statuses[status] for status in FINISHED)
        now = time.monotonic()
        if finished == len(sids) or now - started > timeout_s:
            return inbox
        if now - reported >= PROGRESS_EVERY_S:
            reported = now
            counts = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
            print(f"  {now - started:5.0f} s: {finished}/{len(sids)} finished ({counts})")
        time.sleep(1.0)


def user_turns(tracker_store_url: str) -> dict[str, list[str]]:
    """The message ids of each conversation's user events, in stored order."""
    engine = create_engine(tracker_store_url)  # not make_engine: it would set WAL on the file
    query = text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
    turns: dict[str, list[str]] = defaultdict(list)
    try:
        with engine.connect() as connection:
            for sender_id, data in connection.execute(query):
                turns[sender_id].append(json.loads(data).get("message_id"))
    finally:
        engine.dispose()
    return turns


def run_storm(settings: Settings, twilio: FakeTwilioApi, args: argparse.Namespace) -> int:
    url = f"http://{settings.host}:{settings.ingress_port}{INGRESS_PATHS[SMS]}"
    calls = plan_storm(url, rate=args.rate, seconds=args.seconds, seed=args.seed)
    messages = {call.sid for call in calls if not call.retry}
    print(
        f"Firing {len(calls)} calls ({len(messages)} messages from {SENDERS} numbers, "
        f"{len(calls) - len(messages)} retries) at {args.rate:g}/s for {args.seconds:g} s",
        flush=True,
    )
    # Its own process: the fake Twilio API in this one must not steal the timetable's time.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as load:
        answers = load.submit(fire_storm, url, calls).result()
    if args.answers:
        write_answers(args.answers, answers)
    acked = [answer for answer in answers if answer.acked]
    p99 = report_acks(answers)

    print(f"Waiting up to {args.drain_timeout:g} s for the inbox to process everything ...")
    acked_sids = {answer.sid for answer in acked}
    engine = make_engine(settings.crm_database_url)
    try:
        inbox = wait_until_processed(engine, acked_sids, args.drain_timeout)
    finally:
        engine.dispose()
    turns = user_turns(settings.tracker_store_url)
    lost, duplicated = report_processing(messages, acked_sids, inbox, turns)

    first_ack = min((answer.answered_at for answer in acked), default=0.0)
    done_at = [inbox[sid].processed_at for sid in acked_sids if sid in inbox]
    last_done = max((moment.timestamp() for moment in done_at if moment), default=first_ack)
    processed = sum(inbox[sid].status == "processed" for sid in acked_sids if sid in inbox)
    span = last_done - first_ack
    processed_per_s = processed / span if span > 0 else 0.0
    print(f"Processed {processed_per_s:.2f} messages/s ({span:.1f} s from first ack to last)")
    refused = Counter(request["status"] for request in twilio.requests if request["status"] != 201)
    print(
        f"Fake Twilio recorded {len(twilio.sent)} SMS replies to "
        f"{len({sms['to'] for sms in twilio.sent})} numbers; refused requests: {dict(refused)}"
    )
    report_log(args.log_path)
    print(
        f"RESULT sms_calls={len(calls)} acked={len(acked)} ack_p99_ms={p99:.1f} "
        f"lost={len(lost)} duplicated={len(duplicated)} processed_per_s={processed_per_s:.2f}",
        flush=True,
    )
    return 1 if lost or duplicated or acked_sids != messages else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sms_storm",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rate", type=float, default=100.0, help="calls per second")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of the storm")
    parser.add_argument(
        "--drain-timeout", type=float, default=600.0, help="seconds to wait for processing"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for picking the retries")
    parser.add_argument(
        "--log", type=Path, help="keep the stack's output in this file (else a temp file)"
    )
    parser.add_argument("--answers", type=Path, help="write every call's answer to this CSV")
    parser.add_argument(
        "--database-url", help="PostgreSQL for trackers, CRM and inbox (else SQLite files)"
    )
    parser.add_argument("--redis-url", help="Redis for the conversation locks (else in-process)")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive")
    return args


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # So that `kill` or `timeout` still stops the stack through the finally clauses.
    signal.signal(signal.SIGTERM, _interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="parley-sms-storm-"))
    args.log_path = args.log or scratch / "stack.log"
    try:
        with FakeTwilioApi(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) as twilio:
            settings = sms_settings(
                scratch / "var",
                twilio.url,
                database_url=args.database_url,
                redis_url=args.redis_url,
            )
            with running_stack(settings, args.log_path):
                return run_storm(settings, twilio, args)
    except KeyboardInterrupt:
        print("Interrupted; the stack was stopped.")
        return 130
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
