"""A model swap on the running Rasa server while visitors talk to it: every message is
answered within seconds although the load takes much longer, and `GET /status` then
reports the new archive. Rasa's own `PUT /model` is measured the same way for comparison
(printed; run with -s to see the figures).

The archives swapped in are copies of the one being served, under the models directory
(which others may change meanwhile); the retraining run's client (bot/training/servers.py)
loads the second copy; the server is given its original back if it still exists, and the
copies are removed.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bot.settings import Settings
from bot.training.servers import SWAP_PATH, RasaServer, go_live
from tests.e2e.rest_client import API_TOKEN, Conversation

ANSWER_WITHIN_S = 5.0


def rasa_url(stack: Settings) -> str:
    return f"http://{stack.host}:{stack.rasa_port}"


def serving(stack: Settings) -> str:
    status = httpx.get(f"{rasa_url(stack)}/status", params={"token": API_TOKEN}, timeout=30)
    status.raise_for_status()
    return Path(status.json()["model_file"]).name


def swap(stack: Settings, model: Path | str, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("params", {"token": API_TOKEN})
    body = {"model_file": str(model)}
    return httpx.put(f"{rasa_url(stack)}{SWAP_PATH}", json=body, timeout=300, **kwargs)


def talk_while(load: threading.Thread, stack: Settings) -> list[float]:
    """Sends messages until `load` ends; how long each took to be answered."""
    visitor = Conversation(rasa_url(stack))
    took: list[float] = []
    while load.is_alive():
        started = time.monotonic()
        assert visitor.say("hello"), "the bot did not answer"
        took.append(time.monotonic() - started)
        time.sleep(0.2)
    return took


def timed(call: Any) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        outcome["response"] = call()
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)  # the load has begun (a load can take as little as 1.5 s)
    return thread, outcome


def test_conversations_are_answered_while_a_model_loads(stack: Settings) -> None:
    original = stack.models_dir / serving(stack)
    copy, second_copy = (
        stack.models_dir / f"parley-swaptest-{uuid.uuid4().hex[:8]}.tar.gz" for _ in range(2)
    )
    shutil.copyfile(original, copy)
    shutil.copyfile(original, second_copy)
    try:
        assert swap(stack, copy, params={}).status_code == 401
        assert swap(stack, copy, params={"token": "wrong"}).status_code == 403
        outside = swap(stack, stack.models_dir / ".." / "pyproject.toml")
        assert outside.status_code == 400
        assert "error" in outside.json()

        load, outcome = timed(lambda: swap(stack, copy))
        busy = swap(stack, second_copy, params={}, headers={"Authorization": f"Bearer {API_TOKEN}"})
        took = talk_while(load, stack)
        load.join()
        print(
            f"\nswap endpoint: load {outcome['seconds']:.1f} s; {len(took)} messages, "
            f"slowest answer {max(took):.2f} s, mean {sum(took) / len(took):.2f} s"
        )
        assert busy.status_code == 409
        answer = outcome["response"]
        assert answer.status_code == 200, answer.text
        assert answer.json()["model_file"] == copy.name
        assert answer.json()["model_id"]
        assert serving(stack) == copy.name
        # Answered one after another while the load ran: a load holding the event loop
        # would let one message through, at its end.
        assert len(took) >= 3
        assert max(took) < ANSWER_WITHIN_S
        assert Conversation(rasa_url(stack)).say("hello")

        # Rasa's own PUT /model, measured the same way (reloading the same archive).
        rasa_load, rasa_outcome = timed(
            lambda: httpx.put(
                f"{rasa_url(stack)}/model",
                params={"token": API_TOKEN},
                json={"model_file": str(copy)},
                timeout=300,
            )
        )
        stalled = talk_while(rasa_load, stack)
        rasa_load.join()
        print(
            f"Rasa's PUT /model: load {rasa_outcome['seconds']:.1f} s; {len(stalled)} "
            f"messages, slowest answer {max(stalled):.2f} s"
        )
        assert rasa_outcome["response"].status_code == 204

        # The retraining run's own client loads through the endpoint and confirms.
        go_live([RasaServer(rasa_url(stack), API_TOKEN)], second_copy)
        assert serving(stack) == second_copy.name
    finally:
        if original.exists() and serving(stack) != original.name:
            swap(stack, original)
        copy.unlink(missing_ok=True)
        second_copy.unlink(missing_ok=True)
