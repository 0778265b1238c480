"""The whole Parley stack on free loopback ports, for a benchmark.

Started as the end-to-end fixture (`tests/e2e/conftest.py`) starts it: embedded defaults
(SQLite, in-process locks) in a fresh var dir, the trained model, every process stopped
on the way out. What differs: no CRM sink, the SMS channel pointed at a fake Twilio API
(its webhook served by the ingress, on a port of its own), and the processes' output
written to a log file so the benchmark's own report stays readable.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.model_archive import ensure_model
from bot.settings import Settings
from bot.stack import Stack

TWILIO_ACCOUNT_SID = "AC" + "be4c" * 8
TWILIO_AUTH_TOKEN = "bench-twilio-auth-token"
TWILIO_FROM = "+15005550006"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_settings(var_dir: Path, **overrides: Any) -> Settings:
    """A stack on embedded defaults and free loopback ports, delivering to no CRM sink;
    `overrides` (settings field names) on top."""
    ports = {name: free_port() for name in ("rasa", "actions", "api", "worker", "ingress")}
    # parse_obj: pydantic parses the URL strings; other fields come from the environment.
    return Settings.parse_obj(
        {
            "var_dir": var_dir,
            "rasa_port": ports["rasa"],
            "actions_port": ports["actions"],
            "api_port": ports["api"],
            "worker_port": ports["worker"],
            "ingress_port": ports["ingress"],
            "action_server_url": f"http://127.0.0.1:{ports['actions']}/webhook",
            "default_phone_region": "US",
            "database_url": None,
            "redis_url": None,
            "sinks": "none",
            **overrides,
        }
    )


def sms_settings(
    var_dir: Path,
    twilio_api_url: str,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
) -> Settings:
    """Settings for a stack whose SMS channel talks to the fake Twilio API at that URL."""
    return loopback_settings(
        var_dir,
        database_url=database_url,
        redis_url=redis_url,
        twilio_account_sid=TWILIO_ACCOUNT_SID,
        twilio_auth_token=TWILIO_AUTH_TOKEN,
        twilio_from_number=TWILIO_FROM,
        twilio_api_url=twilio_api_url,
    )


@contextmanager
def running_stack(settings: Settings, log_path: Path) -> Iterator[Stack]:
    """The stack, started and answering; its processes write to `log_path`."""
    stack = Stack(settings, ensure_model(settings.models_dir))
    try:
        with output_to(log_path):
            stack.start()
        pids = ", ".join(f"{name} {p.pid}" for name, p in stack.processes.items())
        print(f"Stack starting ({pids}); its output goes to {log_path}", flush=True)
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()


@contextmanager
def output_to(log_path: Path) -> Iterator[None]:
    """Points this process's stdout and stderr at a file while children are started:
    Stack starts them with inherited descriptors and takes no output argument."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with log_path.open("ab") as log:
        try:
            for fd in saved:
                os.dup2(log.fileno(), fd)
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, original in saved.items():
                os.dup2(original, fd)
                os.close(original)
