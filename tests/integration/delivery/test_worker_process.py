"""`python -m bot.delivery` as the supervisor runs it: healthy, delivering, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.crm import make_engine, upgrade_to_head
from bot.settings import PROJECT_ROOT
from tests.integration.delivery.delivery_helpers import capture, outbox
from tests.integration.delivery.fakes import FakeWebhookReceiver, closed_port

pytestmark = pytest.mark.integration


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def environment(var_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.pop("DATABASE_URL", None)
    return env | {"PARLEY_VAR_DIR": str(var_dir), **settings}


async def test_the_worker_process_serves_health_delivers_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    receiver = await FakeWebhookReceiver().start()
    engine = make_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    upgrade_to_head(str(engine.url))
    lead = capture(engine, "priya@globex.com", ("webhook",))
    port = closed_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.delivery",
        cwd=PROJECT_ROOT,
        env=environment(
            tmp_path,
            PARLEY_SINKS="webhook",
            PARLEY_WEBHOOK_URL=f"{receiver.url}/hooks",
            PARLEY_WEBHOOK_SECRET=FakeWebhookReceiver.secret,
            PARLEY_WORKER_PORT=str(port),
            PARLEY_DELIVERY_POLL_S="0.05",
        ),
    )
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not (receiver.successes and answers(f"http://127.0.0.1:{port}/health")):
            assert process.returncode is None, "the worker exited"
            assert asyncio.get_running_loop().time() < deadline, "no delivery within 30 s"
            await asyncio.sleep(0.1)
        assert receiver.successes == [f"webhook:{lead.id}:1"]
        [row] = outbox(engine)
        assert row.status == "delivered"

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await receiver.close()
        engine.dispose()


async def test_a_sink_without_its_settings_stops_the_worker_at_startup(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.delivery",
        cwd=PROJECT_ROOT,
        env=environment(tmp_path, PARLEY_SINKS="hubspot"),
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    assert b"PARLEY_HUBSPOT_TOKEN" in stderr
