"""Runs Parley's processes together: the Rasa server, the API, the delivery worker, the
ingress (the web chat, the SMS and Telegram webhooks), and the action server when the
actions do not run in the Rasa server (PARLEY_ACTIONS=server).

Starts each, waits until each answers on its health URL, prints where they listen and
where Twilio and Telegram must send their webhooks, and on Ctrl-C (or SIGTERM, or one of
them dying) stops all of them: SIGTERM first, SIGKILL only for a process still running
after a grace period.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bot.crm import upgrade_to_head
from bot.rasa_server import rasa_api_token
from bot.settings import PROJECT_ROOT, Settings
from channels.enabled import INGRESS_PATHS, SMS, TELEGRAM, missing_settings, write_credentials

READY_TIMEOUT_S = 240
STOP_GRACE_S = 15


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    health_url: str
    public_url: str


def rasa_command(settings: Settings, model: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "bot.rasa_process",  # Rasa's command line, its hot path fixed (see there)
        "run",
        "--model",
        str(model),
        "--endpoints",
        "bot/endpoints.yml",
        "--credentials",
        str(write_credentials(settings)),
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
    ]
    # Always on behind a token (the console loads retrained models through it), which
    # bot.rasa_process reads from the environment: never on the command line.
    # No --cors: no browser calls the Rasa server (the web chat is the ingress's).
    return [*command, "--enable-api"]


def started_services(settings: Settings, model: Path) -> list[Service]:
    """The services `parley run` starts: the action server only if the actions run there."""
    return [
        s for s in services(settings, model) if s.name != "actions" or settings.actions == "server"
    ]


def services(settings: Settings, model: Path) -> list[Service]:
    """Every service a deployment may run (`parley serve NAME` runs one)."""
    host = settings.host
    python = sys.executable
    rasa = f"http://{host}:{settings.rasa_port}"
    actions = f"http://{host}:{settings.actions_port}"
    api = f"http://{host}:{settings.api_port}"
    worker = f"http://{host}:{settings.worker_port}"
    ingress = f"http://{host}:{settings.ingress_port}"
    return [
        Service(
            "actions",
            [
                python,
                "-m",
                "bot.actions_process",  # rasa_sdk's command line, its logs masked
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],
            f"{actions}/health",
            f"{actions}/webhook",
        ),
        Service(
            "rasa",
            rasa_command(settings, model),
            f"{rasa}/",
            f"{rasa}/",
        ),
        Service(
            "api",
            [
                python,
                "-m",
                "uvicorn",
                "bot.api.app:create_app",
                "--factory",
                # Rasa pins websockets 10, which uvicorn's websocket support can't use;
                # the API serves plain HTTP only.
                "--ws",
                "none",
                "--host",
                host,
                "--port",
                str(settings.api_port),
                # Behind a TLS proxy, https from its X-Forwarded-Proto: Secure cookies.
                "--proxy-headers",
                "--forwarded-allow-ips",
                settings.forwarded_allow_ips,
            ],
            f"{api}/api/health",
            f"{api}/",
        ),
        Service(
            "worker",
            [python, "-m", "bot.delivery"],
            f"{worker}/health",
            f"{worker}/health",
        ),
        Service(
            "ingress",
            [python, "-m", "channels.ingress"],
            f"{ingress}/health",
            f"{ingress}/webhooks/webchat/",  # the webhooks' URLs follow, public ones if set
        ),
    ]


def webhook_instructions(settings: Settings) -> list[str]:
    """Where Twilio and Telegram must send their webhooks, or what each channel still needs."""
    how = {
        SMS: ("SMS", "in Twilio: the number's 'A message comes in' webhook, HTTP POST"),
        TELEGRAM: ("Telegram", "`parley telegram set-webhook` registers it"),
    }
    lines = []
    for channel, (label, hint) in how.items():
        missing = missing_settings(settings, channel)
        if missing:
            lines.append(f"  {label:<8} off: set {', '.join(missing)}")
        else:
            lines.append(f"  {label:<8} {settings.ingress_url}{INGRESS_PATHS[channel]}  ({hint})")
    return lines


# REST messages are under 10 KB; Rasa's own API (behind its token) may take a
# training data file.
RASA_MAX_BODY_BYTES = 2 * 1024 * 1024


def child_environment(settings: Settings) -> dict[str, str]:
    """Our environment with these settings in it, so every process reads the same ones."""
    env = dict(os.environ)
    for name, value in settings.as_environment().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PARLEY_ACTION_SERVER_URL"] = settings.action_endpoint
    env["PARLEY_RASA_API_TOKEN"] = rasa_api_token(settings)
    # The Rasa server's Sanic reads SANIC_* settings: bodies beyond this are refused (413)
    # before they are read (Sanic's default is 100 MB).
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(RASA_MAX_BODY_BYTES))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    def __init__(self, settings: Settings, model: Path) -> None:
        self.settings = settings
        self.services = started_services(settings, model)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, only: Iterable[str] | None = None) -> None:
        """Starts every service, or those named in `only` (one stopped by `stop`, again)."""
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        upgrade_to_head(self.settings.crm_database_url)
        env = child_environment(self.settings)
        names = set(only) if only is not None else None
        for service in self.services:
            if names is None or service.name in names:
                self.processes[service.name] = subprocess.Popen(
                    service.command, cwd=PROJECT_ROOT, env=env
                )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        waiting = list(self.services)
        while waiting:
            self.raise_if_any_died()
            waiting = [s for s in waiting if not answers(s.health_url)]
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                raise RuntimeError(f"not answering after {READY_TIMEOUT_S}s: {names}")
            if waiting:
                time.sleep(0.5)

    def raise_if_any_died(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode}")

    def stop(self, only: Iterable[str] | None = None) -> None:
        """Stops every service, or those named in `only`."""
        names = set(only) if only is not None else set(self.processes)
        stopping = [process for name, process in self.processes.items() if name in names]
        for process in stopping:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for process in stopping:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_stack(settings: Settings, model: Path) -> int:
    """Runs until Ctrl-C; returns the exit status for the command line."""
    # Set both explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    stack = Stack(settings, model)
    try:
        stack.start()
        stack.wait_until_ready()
        print("\nParley is up:", flush=True)
        for service in stack.services:
            print(f"  {service.name:<8} {service.public_url}", flush=True)
        print("Webhooks, served by the ingress:", flush=True)
        for line in webhook_instructions(settings):
            print(line, flush=True)
        print("Press Ctrl-C to stop.\n", flush=True)
        while True:
            stack.raise_if_any_died()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping Parley ...", flush=True)
        return 0
    except RuntimeError as failure:
        print(f"\nParley could not keep running: {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop()
