"""Parley scaled out on loopback: two Rasa servers behind nginx, against one alone.

    .venv/bin/python -m bench.scale_out [--seconds 30] [--concurrency 20]

1. A fresh PostgreSQL database (DATABASE_URL: trackers, CRM, inbox) and a dedicated Redis
   database index (REDIS_URL: Rasa's lock store, the channels' conversation locks),
   emptied first; at the end the database is dropped and the index flushed.
2. Parley's stack on them (Rasa server A, API, worker, ingress), a second Rasa server B
   with the same settings, model and environment, and nginx (deploy/nginx/parley.conf,
   `nginx -c <file> -p <dir>` in a temporary directory) with A and B in `upstream rasa`.
3. Closed-loop REST load (bench/rest_load.py, the `parley` script, a separate process):
   against A alone, then through nginx.
4. For every conversation of the load through nginx, the tracker store must hold each
   answered user message once, in the order it was sent; nginx's access log tells which
   server answered how many requests; Redis shows whether Rasa's locks are in it.

A table, then one RESULT line (bench/README.md explains both). The exit status is 1 when a
conversation is out of order, lost a message or holds one twice (or holds one never sent).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import jinja2
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.processes import rss_mb, wait_for_first_answer
from bench.rest_load import SCRIPTS
from bench.stack_runner import free_port, output_to, running_stack, sms_settings
from bench.storm_report import report_log
from bot.model_archive import current_model_path
from bot.rasa_server import rasa_api_token
from bot.settings import PROJECT_ROOT, Settings
from bot.stack import READY_TIMEOUT_S, STOP_GRACE_S, answers, child_environment, rasa_command

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "parley.conf"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # where the database is made
REDIS_URL = "redis://127.0.0.1:6379"
REDIS_DB = 11  # the integration tests use 0 and 5
SCRIPT = "parley"
REST_PATH = "/webhooks/rest/webhook"
# Rasa's RedisLockStore keys under Parley's prefix (bot/stores/locks.py): `parley:lock:<id>`.
LOCK_KEYS = "parley:lock:*"
LOCK_SAMPLE_S = 0.05


# The pure parts: the nginx configuration, the access log, the tracker store check.


def render_nginx_config(
    template: str,
    *,
    prefix: Path | str,
    listen: str,
    servers: Sequence[str],
    ingress_servers: Sequence[str],
    rest_channel: bool,
    access_log: Path | str | None = None,
    error_log: Path | str | None = None,
    worker_processes: int | str = 1,
) -> str:
    """deploy/nginx/parley.conf with its placeholders filled in (each one must be given);
    the logs go under `prefix` unless named. `rest_channel` routes Rasa's REST channel (a
    benchmark's load); a public deployment leaves it out."""
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.from_string(template).render(
        prefix=str(prefix),
        listen=listen,
        servers=list(servers),
        ingress_servers=list(ingress_servers),
        rest_channel=rest_channel,
        access_log=str(access_log or f"{prefix}/access.log"),
        error_log=str(error_log or f"{prefix}/error.log"),
        worker_processes=worker_processes,
    )


COMPOSE_NGINX = PROJECT_ROOT / "deploy" / "nginx" / "compose.conf"
COMPOSE_HEADER = """\
# deploy/nginx/parley.conf rendered for docker-compose.yml's nginx service (the official
# nginx image), in front of every container of the `rasa` and `ingress` services: each
# name resolves to all of its containers when nginx starts. Edit the template, not this
# file, then write it anew with bench.scale_out.compose_nginx_config() (tests/unit/bench
# checks they agree).
"""


def compose_nginx_config() -> str:
    """What deploy/nginx/compose.conf must hold."""
    return COMPOSE_HEADER + render_nginx_config(
        TEMPLATE.read_text(),
        prefix="/var/cache/nginx",
        listen="5005",
        servers=["rasa:5005"],
        ingress_servers=["ingress:5007"],
        rest_channel=False,
        access_log="/dev/stdout",
        error_log="stderr",
        worker_processes="auto",
    )


_ACCESS_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+)[^"]*" .* upstream=(?P<upstream>.*?) upstream_status='
)


@dataclass(frozen=True)
class Served:
    """Which server answered the REST messages that went through nginx."""

    per_server: Counter[str]
    retried: int  # requests nginx tried on more than one server


def served_per_server(access_log: Iterable[str], path: str = REST_PATH) -> Served:
    """Counts the POSTs to `path` per upstream server in nginx's `upstream` log format.
    `$upstream_addr` lists every server tried ("a:1, b:2"): the last one answered."""
    per_server: Counter[str] = Counter()
    retried = 0
    for line in access_log:
        match = _ACCESS_LINE.search(line)
        if not match or match["method"] != "POST" or match["path"].split("?")[0] != path:
            continue
        tried = [address.strip() for address in match["upstream"].split(",")]
        per_server[tried[-1]] += 1
        retried += len(tried) > 1
    return Served(per_server, retried)


@dataclass
class ConversationCheck:
    """The tracker store's user messages against what the load sent, per conversation."""

    conversations: int = 0  # conversations that sent at least one message
    answered: int = 0  # messages answered 200: each must be stored once
    stored: int = 0  # user messages stored for these conversations
    out_of_order: list[str] = field(default_factory=list)  # their sender ids
    lost: int = 0  # answered, not stored
    duplicated: int = 0  # stored copies beyond the one sent
    unexpected: int = 0  # stored, never sent in that conversation

    @property
    def failed(self) -> bool:
        return bool(self.out_of_order or self.lost or self.duplicated or self.unexpected)


def _numbered(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Each text with how many times it came before: ("yes", 0), ("no", 0), ("yes", 1)."""
    seen: Counter[str] = Counter()
    numbered = []
    for message in texts:
        numbered.append((message, seen[message]))
        seen[message] += 1
    return numbered


def check_conversations(
    sent: Mapping[str, Mapping[str, int]],
    stored: Mapping[str, Sequence[str]],
    script: Callable[[str], list[str]],
) -> ConversationCheck:
    """`sent` is rest_load's record (sender id → messages `sent` and `answered`: the first
    ones of `script(sender)`); `stored` each conversation's user texts in stored order.

    A message sent but not answered (an error) may or may not have been stored: either is
    fine, once. Conversations in `stored` that `sent` does not name are not looked at."""
    check = ConversationCheck()
    for sender, record in sent.items():
        if record["sent"] == 0:
            continue  # the load ended before its first message
        check.conversations += 1
        check.answered += record["answered"]
        expected = _numbered(script(sender)[: record["sent"]])
        place = {message: index for index, message in enumerate(expected)}
        actual = stored.get(sender, [])
        check.stored += len(actual)
        places = []
        for message in _numbered(actual):
            if message in place:
                places.append(place[message])
            elif any(text == message[0] for text, _ in expected):
                check.duplicated += 1
            else:
                check.unexpected += 1
        check.lost += sum(1 for index in range(record["answered"]) if index not in places)
        if places != sorted(places):
            check.out_of_order.append(sender)
    return check


# Reading what the servers left behind.


def stored_user_texts(database_url: str, senders: Iterable[str]) -> dict[str, list[str]]:
    """The text of each `user` event of these conversations, in stored order."""
    wanted = set(senders)
    engine = create_engine(database_url)
    query = text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
    texts: dict[str, list[str]] = {}
    try:
        with engine.connect() as connection:
            for sender_id, data in connection.execute(query):
                if sender_id in wanted:
                    texts.setdefault(sender_id, []).append(json.loads(data).get("text"))
    finally:
        engine.dispose()
    return texts


class LockWatch:
    """Samples Rasa's lock keys in Redis while it is open: the conversations seen locked."""

    def __init__(self, redis_url: str) -> None:
        self.client = redis.Redis.from_url(redis_url)
        self.seen: set[bytes] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(LOCK_SAMPLE_S):
            self.seen.update(self.client.scan_iter(match=LOCK_KEYS, count=1000))

    def __enter__(self) -> LockWatch:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.client.close()


def redis_connections(pid: int, redis_url: str) -> int:
    """How many TCP connections process `pid` holds to the Redis database of `redis_url`:
    Redis's CLIENT LIST names each client's port and database, /proc the process's."""
    client = redis.Redis.from_url(redis_url)
    try:
        db = str(client.connection_pool.connection_kwargs.get("db", 0))
        server_port = int(client.connection_pool.connection_kwargs.get("port", 6379))
        ports = {
            int(entry["addr"].rsplit(":", 1)[1])
            for entry in client.client_list()
            if entry["db"] == db
        }
    finally:
        client.close()
    return len(ports & _local_ports_to(pid, server_port))


def _local_ports_to(pid: int, server_port: int) -> set[int]:
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with_target = os.readlink(descriptor) if descriptor.is_symlink() else ""
        if with_target.startswith("socket:["):
            inodes.add(with_target[len("socket:[") : -1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            columns = line.split()
            local, remote, inode = columns[1], columns[2], columns[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == server_port:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def cpu_snapshot() -> dict[int, tuple[str, float]]:
    """Every process's command name and user + system CPU seconds so far."""
    snapshot = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 1 :].split()  # state ppid ... utime stime
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        snapshot[int(entry.name)] = (name, seconds)
    return snapshot


# Command names of the shared services a run uses, as /proc/<pid>/stat spells them.
SHARED = {"postgres": "postgres", "nginx": "nginx, Redis", "redis-server": "nginx, Redis"}


def cores_used(
    before: Mapping[int, tuple[str, float]],
    after: Mapping[int, tuple[str, float]],
    elapsed: float,
    named: Mapping[str, int],
    extra: Mapping[str, float],
    machine_s: float,
) -> dict[str, float]:
    """CPU seconds per second of the run: the `named` processes, the `extra` CPU seconds
    (processes started and ended within the run), the shared services by command name,
    `machine` for all cores, and `other` for the rest of the machine's work."""
    cores = {name: 0.0 for name in [*named, *extra, *dict.fromkeys(SHARED.values())]}
    by_pid = {pid: name for name, pid in named.items()}
    for pid, (command, seconds) in after.items():
        used = seconds - before[pid][1] if pid in before else 0.0
        if pid in by_pid:
            cores[by_pid[pid]] += used / elapsed
        elif command in SHARED:
            cores[SHARED[command]] += used / elapsed
    for name, seconds in extra.items():
        cores[name] += seconds / elapsed
    cores["machine"] = machine_s / elapsed
    cores["other"] = cores["machine"] - sum(v for k, v in cores.items() if k != "machine")
    return cores


def _reaped_children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling, since boot."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in first[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


# Starting and stopping what the run needs.


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on that server, dropped on the way out."""
    name = f"parley_scale_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        print(f"PostgreSQL database {name} created", flush=True)
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE: a server that did not stop cleanly may still hold a connection.
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"PostgreSQL database {name} dropped", flush=True)
    finally:
        admin.dispose()


@contextmanager
def flushed_redis(server_url: str, db: int) -> Iterator[str]:
    """That Redis database index, flushed now and on the way out."""
    url = f"{server_url.rstrip('/')}/{db}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        print(f"Redis database {db} flushed", flush=True)
        yield url
    finally:
        client.flushdb()
        client.close()
        print(f"Redis database {db} flushed again", flush=True)


def stop_process(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM, then SIGKILL if it is still running after the grace period."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_answers(process: subprocess.Popen[bytes], url: str, name: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not answers(url):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} not answering at {url} after {READY_TIMEOUT_S}s")
        time.sleep(0.5)


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    address: str  # host:port


@contextmanager
def second_rasa(settings: Settings, model: Path, log_path: Path) -> Iterator[Server]:
    """Another Rasa server on a free port: the same settings, model and environment as the
    stack's (so the same database, Redis, action server and secret key)."""
    port = free_port()
    with output_to(log_path):
        command = rasa_command(settings.copy(update={"rasa_port": port}), model)
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_environment(settings))
    try:
        print(f"Second Rasa server starting (pid {process.pid}, port {port})", flush=True)
        wait_until_answers(process, f"http://{settings.host}:{port}/", "the second Rasa server")
        yield Server(process, f"{settings.host}:{port}")
    finally:
        stop_process(process)


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        raise SystemExit(
            "nginx is not installed: `make /usr/sbin/nginx` installs Debian's "
            "(`make bench-scale` does it first)"
        )
    return found


@contextmanager
def running_nginx(
    binary: str, prefix: Path, servers: Sequence[str], ingress_servers: Sequence[str]
) -> Iterator[str]:
    """nginx in front of `servers` (and of the ingress, for the SMS and Telegram webhooks),
    everything of its own under `prefix`; its base URL."""
    prefix.mkdir(parents=True, exist_ok=True)
    listen = f"127.0.0.1:{free_port()}"
    config = prefix / "nginx.conf"
    config.write_text(
        render_nginx_config(
            TEMPLATE.read_text(),
            prefix=prefix,
            listen=listen,
            servers=servers,
            ingress_servers=ingress_servers,
            rest_channel=True,
        )
    )
    error_log = prefix / "error.log"
    with (prefix / "stderr.log").open("ab") as output:
        process = subprocess.Popen(
            [binary, "-c", str(config), "-p", f"{prefix}/", "-e", str(error_log)],
            stdout=output,
            stderr=output,
        )
    try:
        print(f"nginx starting (pid {process.pid}, http://{listen}, config {config})", flush=True)
        try:
            wait_until_answers(process, f"http://{listen}/", "nginx")
        except RuntimeError:
            print(error_log.read_text(errors="replace") if error_log.exists() else "", end="")
            raise
        yield f"http://{listen}"
    finally:
        stop_process(process, grace_s=10)


# The measurements.


@dataclass
class Run:
    """One load run's figures, with the CPU time each process used meanwhile."""

    load: dict[str, Any]
    cores: dict[str, float]  # CPU seconds per second of the run, per process and `machine`
    locks_seen: int


def run_load(
    url: str,
    token: str,
    concurrency: int,
    seconds: float,
    pids: Mapping[str, int],
    redis_url: str,
) -> Run:
    """bench.rest_load in a process of its own, as `make bench` runs it."""
    before = cpu_snapshot()
    children_before = _reaped_children_cpu_seconds()  # the load process, once it ended
    machine_before, started = machine_busy_seconds(), time.monotonic()
    with LockWatch(redis_url) as watch:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "bench.rest_load", "--url", url, "--script", SCRIPT),
                *("--token", token),
                *("--concurrency", str(concurrency), "--seconds", str(seconds)),
                "--record-conversations",
            ],
            capture_output=True,
            text=True,
        )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"bench.rest_load failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cores = cores_used(
        before,
        cpu_snapshot(),
        elapsed,
        {**pids, "bench": os.getpid()},
        {"load": _reaped_children_cpu_seconds() - children_before},
        machine_busy_seconds() - machine_before,
    )
    load = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    return Run(load, cores, len(watch.seen))


def print_report(
    single: Run,
    scaled: Run,
    served: Served,
    names: Mapping[str, str],
    check: ConversationCheck,
    connections: Mapping[str, int],
    redis_db: int,
) -> float:
    """The table and the lines under it; returns the scaling factor."""
    one, two = single.load, scaled.load
    scaling = two["messages_per_s"] / one["messages_per_s"] if one["messages_per_s"] else 0.0
    print("\n| measure | one Rasa server | two behind nginx |\n|---|---|---|")
    print(f"| messages/s | {one['messages_per_s']} | {two['messages_per_s']} ({scaling:.2f}×) |")
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        print(f"| {key[:3]} (ms) | {one[key]} | {two[key]} |")
    print(
        f"| messages measured / errors | {one['messages']} / {one['errors']} "
        f"| {two['messages']} / {two['errors']} |"
    )
    print(f"| conversations | {len(one['conversations'])} | {len(two['conversations'])} |")
    labels = {
        "rasa_a": "rasa A",
        "rasa_b": "rasa B",
        "actions": "action server",
        "load": "load generator",
        "postgres": "PostgreSQL",
        "nginx, Redis": "nginx, Redis",
        "rest": "API, delivery worker, this process",
        "other": "everything else on the machine",
        "machine": f"whole machine, of {os.cpu_count()}",
    }
    for run in (single, scaled):
        run.cores["rest"] = sum(run.cores[key] for key in ("api", "worker", "bench"))
    for key, label in labels.items():
        if key in single.cores:  # no action server when the actions run in Rasa
            print(f"| cores used: {label} | {single.cores[key]:.2f} | {scaled.cores[key]:.2f} |")
    print(f"| Rasa lock keys seen in Redis | {single.locks_seen} | {scaled.locks_seen} |")

    total = sum(served.per_server.values())
    print("\nREST messages through nginx, per Rasa server:")
    for address, count in sorted(served.per_server.items()):
        share = 100 * count / total if total else 0.0
        print(f"  {names.get(address, address):<7} {address:<16} {count:>6}  {share:5.1f}%")
    print(f"  tried on a second server: {served.retried}")

    print(
        f"\nTracker store, conversations through nginx: {check.conversations} conversations, "
        f"{check.answered} messages answered, {check.stored} user messages stored; "
        f"out of order {len(check.out_of_order)}, lost {check.lost}, "
        f"duplicated {check.duplicated}, never sent {check.unexpected}"
    )
    for sender in check.out_of_order[:5]:
        print(f"  out of order: {sender}")

    on_redis = {name: count for name, count in connections.items() if count}
    if scaled.locks_seen and len(on_redis) == len(connections):
        held = ", ".join(f"{name} {count}" for name, count in connections.items())
        print(
            f"Rasa lock store: Redis (db {redis_db}): {scaled.locks_seen} conversations' "
            f"locks seen during the load through nginx; connections to db {redis_db}: {held}"
        )
    else:
        print(
            f"WARNING: Rasa's lock store does not look like Redis db {redis_db}: "
            f"lock keys seen {scaled.locks_seen}, connections {dict(connections)}"
        )
    return scaling


def measure(args: argparse.Namespace, scratch: Path, cleanup: ExitStack) -> int:
    database_url = cleanup.enter_context(fresh_database(args.postgres_url))
    redis_url = cleanup.enter_context(flushed_redis(args.redis_url, args.redis_db))
    settings = sms_settings(
        scratch / "var",
        "http://127.0.0.1:9/unused",
        database_url=database_url,
        redis_url=redis_url,
    )
    # One after the other: two Rasa servers creating the tracker tables at once could race.
    stack = cleanup.enter_context(running_stack(settings, args.log_path))
    model = current_model_path(settings.models_dir)  # running_stack trained it if needed
    rasa_b = cleanup.enter_context(second_rasa(settings, model, args.log_path))
    address_a, address_b = f"{settings.host}:{settings.rasa_port}", rasa_b.address
    token = rasa_api_token(settings)
    for address in (address_a, address_b):
        # The first turn traces TF's graphs.
        wait_for_first_answer(f"http://{address}", "hi", token=token)
    prefix = scratch / "nginx"
    ingress = f"{settings.host}:{settings.ingress_port}"
    nginx_url = cleanup.enter_context(
        running_nginx(args.nginx, prefix, [address_a, address_b], [ingress])
    )

    pids = {name: process.pid for name, process in stack.processes.items()}
    pids = {"rasa_a": pids.pop("rasa"), "rasa_b": rasa_b.process.pid, **pids}
    print(
        f"Load 1: {args.concurrency} conversations for {args.seconds:g} s, Rasa A alone", flush=True
    )
    single = run_load(f"http://{address_a}", token, args.concurrency, args.seconds, pids, redis_url)
    print(
        f"Load 2: {args.concurrency} conversations for {args.seconds:g} s, through nginx",
        flush=True,
    )
    scaled = run_load(nginx_url, token, args.concurrency, args.seconds, pids, redis_url)

    connections = {
        "rasa A": redis_connections(pids["rasa_a"], redis_url),
        "rasa B": redis_connections(pids["rasa_b"], redis_url),
    }
    memory = {"rasa A": rss_mb(pids["rasa_a"]), "rasa B": rss_mb(pids["rasa_b"])}
    served = served_per_server((prefix / "access.log").read_text().splitlines())
    sent = scaled.load["conversations"]
    check = check_conversations(sent, stored_user_texts(database_url, sent), SCRIPTS[SCRIPT])
    names = {address_a: "rasa A", address_b: "rasa B"}
    scaling = print_report(single, scaled, served, names, check, connections, args.redis_db)
    print("Resident memory after the loads: " + ", ".join(f"{k} {v} MB" for k, v in memory.items()))
    nginx_errors = (prefix / "error.log").read_text(errors="replace").strip()
    if nginx_errors:
        print(f"nginx error log:\n{nginx_errors[-2000:]}")
    report_log(args.log_path)
    print(
        f"RESULT single_msg_s={single.load['messages_per_s']} "
        f"scaled_msg_s={scaled.load['messages_per_s']} scaling={scaling:.2f} "
        f"conversations={check.conversations} out_of_order={len(check.out_of_order)} "
        f"lost={check.lost} duplicated={check.duplicated}",
        flush=True,
    )
    return 1 if check.failed else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale_out",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="per load run (30)")
    parser.add_argument("--concurrency", type=int, default=20, help="conversations (20)")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help="a PostgreSQL database to connect to while creating the run's own",
    )
    parser.add_argument("--redis-url", default=REDIS_URL, help="Redis server, without db")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="flushed at both ends")
    parser.add_argument(
        "--log", type=Path, help="keep the servers' output in this file (else a temp file)"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.concurrency <= 0:
        parser.error("--seconds and --concurrency must be positive")
    return args


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _hold_signals() -> None:
    """While everything is being stopped and removed (bounded in time), a second Ctrl-C or
    SIGTERM must not cut that short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.nginx = nginx_binary()
    # Set both: a process started in the background inherits SIGINT ignored, and `kill` or
    # `timeout` must still stop everything through the finally clauses.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="parley-scale-out-"))
    args.log_path = args.log or scratch / "servers.log"
    print(f"Server output goes to {args.log_path}", flush=True)
    try:
        with ExitStack() as cleanup:
            try:
                return measure(args, scratch, cleanup)
            finally:
                _hold_signals()  # before the ExitStack stops and removes everything
    except KeyboardInterrupt:
        print("Interrupted; everything started was stopped and removed.", flush=True)
        return 130
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
