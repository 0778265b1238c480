"""The model-swap endpoint's checks, and that a load leaves the event loop free."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain

from bot import model_swap
from bot.api_token import Refused, check_token
from bot.model_swap import ModelSwapInput, archive_path, swap_in

TOKEN = "swap-token"
DOMAIN = Domain.from_dict({"responses": {"utter_hi": [{"text": "Hi!"}]}})


def request(agent: Agent, body: Any, token: str | None = TOKEN, bearer: bool = False) -> Any:
    args = {"token": token} if token and not bearer else {}
    headers = {"Authorization": f"Bearer {token}"} if token and bearer else {}
    return SimpleNamespace(
        args=args,
        headers=headers,
        body=json.dumps(body).encode(),
        app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)),
    )


def fake_processor(model: Path) -> Any:
    return SimpleNamespace(
        domain=DOMAIN,
        model_filename=model.name,
        model_metadata=SimpleNamespace(model_id="id-" + model.name),
    )


@pytest.fixture
def models(tmp_path: Path) -> Path:
    (tmp_path / "new.tar.gz").write_bytes(b"archive")
    return tmp_path


def test_the_token_is_required_and_compared() -> None:
    with pytest.raises(Refused) as missing:
        check_token(None, TOKEN)
    assert missing.value.status == 401
    with pytest.raises(Refused) as wrong:
        check_token("other", TOKEN)
    assert wrong.value.status == 403
    check_token(TOKEN, TOKEN)


@pytest.mark.parametrize(
    "body",
    [None, [], {"model_file": ""}, {"model_file": 3}, {"model_server": "http://x"}],
)
def test_a_body_without_a_model_file_is_refused(models: Path, body: Any) -> None:
    with pytest.raises(Refused) as refused:
        archive_path(json.dumps(body).encode(), models)
    assert refused.value.status == 400
    assert "model_file" in str(refused.value)


def test_invalid_json_is_refused(models: Path) -> None:
    with pytest.raises(Refused, match="not valid JSON"):
        archive_path(b"{nope", models)


@pytest.mark.parametrize(
    "named",
    ["../new.tar.gz", "/etc/passwd", "sub/new.tar.gz", "missing.tar.gz", "new.tar"],
)
def test_only_an_existing_archive_in_the_models_directory_loads(models: Path, named: str) -> None:
    (models / "sub").mkdir()
    (models / "sub" / "new.tar.gz").write_bytes(b"archive")
    (models / "new.tar").write_bytes(b"archive")
    with pytest.raises(Refused) as refused:
        archive_path(json.dumps({"model_file": named}).encode(), models)
    assert refused.value.status == 400


def test_a_link_out_of_the_models_directory_is_refused(models: Path, tmp_path_factory: Any) -> None:
    outside = tmp_path_factory.mktemp("outside") / "evil.tar.gz"
    outside.write_bytes(b"archive")
    (models / "link.tar.gz").symlink_to(outside)
    with pytest.raises(Refused):
        archive_path(json.dumps({"model_file": str(models / "link.tar.gz")}).encode(), models)


def test_an_archive_is_named_by_absolute_or_relative_path(models: Path) -> None:
    absolute = json.dumps({"model_file": str(models / "new.tar.gz")}).encode()
    assert archive_path(absolute, models) == (models / "new.tar.gz").resolve()
    assert archive_path(b'{"model_file": "new.tar.gz"}', models) == archive_path(absolute, models)


def test_swapping_in_updates_everything_the_agent_derives_from_the_model(models: Path) -> None:
    agent = Agent()
    before = agent.fingerprint
    swap_in(agent, fake_processor(models / "new.tar.gz"))
    assert agent.processor is not None and agent.processor.model_filename == "new.tar.gz"
    assert agent.domain is DOMAIN
    assert agent.tracker_store.domain is DOMAIN
    assert agent.nlg.responses == DOMAIN.responses  # type: ignore[attr-defined]
    assert agent.fingerprint != before


async def test_a_load_runs_off_the_event_loop_and_one_at_a_time(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_build(agent: Agent, model: Path) -> Any:
        time.sleep(0.5)
        return fake_processor(model)

    monkeypatch.setattr(model_swap, "build_processor", slow_build)
    channel = ModelSwapInput(token=TOKEN, models_dir=models)
    agent = Agent()
    body = {"model_file": str(models / "new.tar.gz")}
    loading = asyncio.create_task(channel.swap(request(agent, body)))
    await asyncio.sleep(0.05)
    with pytest.raises(Refused) as busy:
        await channel.swap(request(agent, body, bearer=True))
    assert busy.value.status == 409
    longest_tick = 0.0
    while not loading.done():
        started = time.monotonic()
        await asyncio.sleep(0.01)
        longest_tick = max(longest_tick, time.monotonic() - started)
    assert longest_tick < 0.2
    answer = await loading
    assert answer["model_file"] == "new.tar.gz"
    assert answer["model_id"] == "id-new.tar.gz"
    assert answer["fingerprint"] == agent.fingerprint
    assert channel.loading is not None and channel.loading.done()


async def test_a_failed_load_keeps_the_current_model(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_build(agent: Agent, model: Path) -> Any:
        raise OSError("not a model archive")

    monkeypatch.setattr(model_swap, "build_processor", broken_build)
    channel = ModelSwapInput(token=TOKEN, models_dir=models)
    agent = Agent()
    with pytest.raises(OSError):
        await channel.swap(request(agent, {"model_file": "new.tar.gz"}))
    assert agent.processor is None
    assert channel.loading is not None and channel.loading.done()


async def test_a_wrong_token_is_refused_before_the_body_is_read(models: Path) -> None:
    channel = ModelSwapInput(token=TOKEN, models_dir=models)
    with pytest.raises(Refused) as refused:
        await channel.swap(request(Agent(), None, token="wrong"))
    assert refused.value.status == 403


async def test_an_agent_replaced_during_the_load_is_left_alone(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = ModelSwapInput(token=TOKEN, models_dir=models)
    agent = Agent()
    incoming = request(agent, {"model_file": "new.tar.gz"})
    replacement = Agent()

    def build_then_replace(built_for: Agent, model: Path) -> Any:
        incoming.app.ctx.agent = replacement
        return fake_processor(model)

    monkeypatch.setattr(model_swap, "build_processor", build_then_replace)
    with pytest.raises(Refused) as refused:
        await channel.swap(incoming)
    assert refused.value.status == 409
    assert agent.processor is None and replacement.processor is None


async def test_a_caller_hanging_up_does_not_stop_the_load(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_build(agent: Agent, model: Path) -> Any:
        time.sleep(0.3)
        return fake_processor(model)

    monkeypatch.setattr(model_swap, "build_processor", slow_build)
    channel = ModelSwapInput(token=TOKEN, models_dir=models)
    agent = Agent()
    caller = asyncio.create_task(channel.swap(request(agent, {"model_file": "new.tar.gz"})))
    await asyncio.sleep(0.05)
    caller.cancel()
    with pytest.raises(Refused) as busy:
        await channel.swap(request(agent, {"model_file": "new.tar.gz"}))
    assert busy.value.status == 409
    assert channel.loading is not None
    await channel.loading
    assert agent.processor is not None and agent.processor.model_filename == "new.tar.gz"
