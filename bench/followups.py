"""The follow-up engine under a backlog: 100,000 scheduled steps, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.followups                     # 100,000 steps, both databases
    .venv/bin/python -m bench.followups --steps 20000 --backends sqlite

For each database (a fresh SQLite file; a fresh schema of PostgreSQL's `test` database on
loopback, dropped afterwards): N subscribed people (a verified number with SMS consent),
each enrolled in a one-step sequence whose step, a text, is due now. Then:

- schedule: the time to write the N enrollments and their steps (bulk);
- claim: claiming batches of due steps under row locks and marking them done, without
  running them (the engine's overhead per row), on a copy of the backlog;
- send: the engine's rounds until nothing is due, one worker, then two side by side (on
  PostgreSQL; SQLite has one writer): each step checks consent, the suppression list, the
  frequency cap and the send window, and hands its text to the conversation's inbox.

Checks that every step produced exactly one inbox row. Prints a table and a RESULT line:

    RESULT <db>_schedule_per_s=<n> <db>_claim_per_s=<n> <db>_send_per_s=<n>
           [postgresql_send2_per_s=<n>] duplicated=<d> lost=<l>
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import sqlalchemy
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from bot.crm import InboundMessage, make_engine, session_scope, upgrade_to_head
from bot.crm.followup_tables import FollowupEnrollment, FollowupLog, FollowupStep
from bot.crm.tables import ConsentEvent, Contact, new_id
from bot.editor.responses import responses
from bot.followups.activity import reader
from bot.followups.engine import FollowupEngine, claim_due_steps
from bot.followups.gate import Policy
from bot.followups.mail import FollowupMail
from bot.followups.send_window import SendWindows
from bot.followups.steps import Runtime
from bot.followups.workflows import Send, Trigger
from bot.followups.workflows import Sequence as Workflow

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Noon in New York: every number below is inside its send window.
NOW = datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc)
CHUNK = 5000
SEQUENCE = Workflow(
    name="bench",
    description="",
    trigger=Trigger(kind="no_reply", after=timedelta(days=1), value=None),
    exit_when=frozenset(),
    steps=(Send(channel="sms", response="utter_followup_still_interested"),),
    step_ids=("step_1",),
    file="bench",
)


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="parley-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'crm.db'}"
        return
    schema = f"bench_{secrets.token_hex(6)}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def schedule(engine: Engine, count: int) -> float:
    """Writes `count` subscribed people with one due step each; returns the seconds taken."""
    started = time.perf_counter()
    for first in range(0, count, CHUNK):
        numbers = [f"+1212{index:07d}" for index in range(first, min(first + CHUNK, count))]
        contacts = [{"id": new_id(), "phone": n, "phone_verified_at": NOW} for n in numbers]
        enrollments = [
            {
                "id": new_id(),
                "sequence": "bench",
                "conversation_id": f"sms:{n}",
                "contact_id": c["id"],
                "status": "active",
                "entered_at": NOW,
            }
            for n, c in zip(numbers, contacts, strict=True)
        ]
        with session_scope(engine) as session:
            session.execute(
                insert(Contact),
                [{**c, "created_at": NOW, "updated_at": NOW} for c in contacts],
            )
            session.execute(
                insert(ConsentEvent),
                [
                    {
                        "contact_id": c["id"],
                        "purpose": "marketing_sms",
                        "answer": "granted",
                        "granted": True,
                        "wording": "yes?",
                        "notice_version": "1",
                        "reply_text": "YES",
                        "message_id": f"yes-{c['id']}",
                        "channel": "sms",
                        "conversation_id": f"sms:{c['phone']}",
                        "recorded_at": NOW,
                    }
                    for c in contacts
                ],
            )
            session.execute(insert(FollowupEnrollment), enrollments)
            session.execute(
                insert(FollowupStep),
                [
                    {
                        "enrollment_id": e["id"],
                        "step_index": 0,
                        "step_id": "step_1",
                        "status": "pending",
                        "due_at": NOW,
                        "deferrals": 0,
                    }
                    for e in enrollments
                ],
            )
    return time.perf_counter() - started


def make_runtime() -> Runtime:
    texts = {response.name: response.variations for response in responses()}
    return Runtime(
        sequences={"bench": SEQUENCE},
        policy=Policy(
            cap_per_week=3,
            windows=SendWindows.parse("08:00-21:00", "FL=08:00-20:00"),
            fallback_zone="UTC",
            pepper=b"bench-pepper",
        ),
        mail=FollowupMail("Acme", None, "https://acme.test/unsubscribe", URLSafeSerializer(b"k")),
        variations=lambda name: texts.get(name, []),
        slots={"brand_name": "Acme"},
        lead_sinks=(),
        grade_for=lambda total: "A",
        activity=reader(None),
        questions=(),
    )


def claim_rate(engine: Engine, batch: int) -> float:
    """Claims every due step in batches, marking each done, then puts them back."""
    started, claimed = time.perf_counter(), 0
    while True:
        with session_scope(engine) as session:
            rows = claim_due_steps(session, now=NOW, limit=batch, sequences=["bench"])
            for row in rows:
                row.status = "done"
        if not rows:
            break
        claimed += len(rows)
    elapsed = time.perf_counter() - started
    with session_scope(engine) as session:
        session.execute(update(FollowupStep).values(status="pending"))
    return claimed / elapsed


def send_rate(engine: Engine, workers: int, batch: int) -> tuple[float, int]:
    """Runs the engine's rounds on `workers` threads until nothing is due."""
    runtime = make_runtime()
    engines = [
        FollowupEngine(engine, lambda: runtime, batch_size=batch, clock=lambda: NOW)
        for _ in range(workers)
    ]
    done = [0] * workers

    def work(index: int) -> None:
        while ran := engines[index].run_due_steps():
            done[index] += ran

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started), sum(done)


def inbox_rows(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        total = session.scalar(select(func.count()).select_from(InboundMessage)) or 0
        distinct = (
            session.scalar(select(func.count(func.distinct(InboundMessage.conversation_id)))) or 0
        )
    return int(total), int(distinct)


def reset_sends(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(sqlalchemy.delete(InboundMessage))
        session.execute(sqlalchemy.delete(FollowupLog))
        session.execute(update(FollowupStep).values(status="pending", outcome=None, done_at=None))
        session.execute(
            update(FollowupEnrollment).values(status="active", ended_at=None, last_sent_at=None)
        )


def bench(backend: str, count: int, batch: int) -> dict[str, float]:
    with database(backend) as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        figures: dict[str, float] = {}
        figures["schedule_per_s"] = count / schedule(engine, count)
        figures["claim_per_s"] = claim_rate(engine, batch)
        figures["send_per_s"], _ = send_rate(engine, 1, batch)
        total, distinct = inbox_rows(engine)
        figures["lost"], figures["duplicated"] = count - distinct, total - distinct
        if backend == "postgresql":
            reset_sends(engine)
            figures["send2_per_s"], _ = send_rate(engine, 2, batch)
            total, distinct = inbox_rows(engine)
            figures["lost"] += count - distinct
            figures["duplicated"] += total - distinct
        engine.dispose()
        return figures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.followups",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    for backend in args.backends.split(","):
        print(f"{backend}: scheduling {args.steps:,} steps ...", flush=True)
        results[backend] = bench(backend, args.steps, args.batch)
        for name, value in results[backend].items():
            print(f"  {name:16} {value:12,.0f}")
    lost = sum(int(r["lost"]) for r in results.values())
    duplicated = sum(int(r["duplicated"]) for r in results.values())
    parts = [
        f"{backend}_{name}={value:.0f}"
        for backend, figures in results.items()
        for name, value in figures.items()
        if name.endswith("per_s")
    ]
    print("RESULT " + " ".join(parts) + f" duplicated={duplicated} lost={lost}")
    return 1 if lost or duplicated else 0


if __name__ == "__main__":
    raise SystemExit(main())
