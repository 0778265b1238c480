"""`parley run` (what `make run` starts): every process answers, then Ctrl-C stops them all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def test_run_serves_every_process_and_ctrl_c_stops_them(tmp_path: Path) -> None:
    # The custom actions run in the Rasa server: no action server (PARLEY_ACTIONS unset).
    ports = {name: free_port() for name in ("RASA", "API", "WORKER", "INGRESS")}
    environment = {**os.environ, **{f"PARLEY_{n}_PORT": str(p) for n, p in ports.items()}}
    environment["PARLEY_VAR_DIR"] = str(tmp_path)
    unsets = (
        "DATABASE_URL",
        "REDIS_URL",
        "PARLEY_PUBLIC_URL",
        "TELEGRAM_BOT_TOKEN",
        "PARLEY_ACTIONS",
    )
    for unset in unsets:
        environment.pop(unset, None)
    # SMS open, Telegram closed: the webhooks part says where Twilio must call, and what
    # Telegram still needs.
    environment.update(
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="run-command-token",
        TWILIO_FROM_NUMBER="+15005550006",
    )
    log_path = tmp_path / "stderr.log"  # read back should it fail to start
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,  # its children join its process group: a failure kills all
        )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Press Ctrl-C") or process.poll() is not None:
                break
        printed = "".join(lines)
        logged = log_path.read_text()[-4000:]
        assert "Parley is up" in printed, f"{printed}\n--- its log ends:\n{logged}"
        for port in ports.values():
            assert f":{port}/" in printed
        sms_webhook = f"http://127.0.0.1:{ports['INGRESS']}/webhooks/sms/webhook"
        assert sms_webhook in printed
        assert "Telegram off: set TELEGRAM_BOT_TOKEN" in printed
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['API']}/api/health") as reply:
            assert reply.status == 200
        health = f"http://127.0.0.1:{ports['INGRESS']}/health"
        with urllib.request.urlopen(health) as reply:
            assert json.load(reply)["webhooks"] == ["/webhooks/sms/webhook"]
        children = children_of(process.pid)
        assert len(children) == 4

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        # The supervisor waited for each child, so none is left, not even as a zombie.
        assert not [child for child in children if os.path.exists(f"/proc/{child}")]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
