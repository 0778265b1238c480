"""Webhook messages are recorded in batches while a write is under way, each keeping its
own answer: its row id, None for a redelivery, or the database's error; a batch wakes the
Rasa servers for the channels it recorded new messages of."""

from __future__ import annotations

import asyncio

import pytest

from bot.crm import upgrade_to_head
from bot.settings import get_settings
from channels import recorder
from channels.inbound import Inbound
from channels.recorder import Recorder
from channels.wakeup import Wakeup
from tests.fakes.wakeup import Sent


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)


def message(external_id: str) -> Inbound:
    return Inbound("sms", external_id, "sms:+14155550100", "hi", address="+14155550100")


async def test_messages_arriving_together_are_written_in_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches: list[int] = []
    record_all = recorder._record_all

    def counted(batch: list[Inbound], wakeup: Wakeup | None) -> list[int | None]:
        batches.append(len(batch))
        return record_all(batch, wakeup)

    monkeypatch.setattr(recorder, "_record_all", counted)
    recording = Recorder()
    ids = ["m1", "m2", "m3", "m2", "m4"]  # m2 twice: a redelivery in the same batch
    results = await asyncio.gather(*(recording.record(message(i)) for i in ids))
    assert results[3] is None
    assert all(isinstance(row_id, int) for n, row_id in enumerate(results) if n != 3)
    assert len(set(results) - {None}) == 4
    assert batches == [5]  # all arrived before the write began
    await asyncio.gather(recording.record(message("m5")), recording.record(message("m6")))
    assert batches == [5, 2]
    assert await recording.record(message("m1")) is None  # seen before


async def test_a_failed_write_fails_every_message_of_its_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(batch: list[Inbound], wakeup: Wakeup | None) -> list[int | None]:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(recorder, "_record_all", broken)
    recording = Recorder()
    results = await asyncio.gather(
        *(recording.record(message(f"f{n}")) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(result, RuntimeError) for result in results)


async def test_a_batch_wakes_each_channel_it_recorded_a_new_message_of_once() -> None:
    wake = Sent()
    assert await Recorder().record(message("w0")) is not None  # runs here: nobody to wake
    assert wake.sent == []
    waking = Recorder(wake)
    telegram = Inbound("telegram", "t1", "telegram:42", "hi", address="42")
    await asyncio.gather(
        *(waking.record(message(i)) for i in ("w1", "w2", "w0")), waking.record(telegram)
    )
    assert wake.sent == [["sms", "telegram"]]  # one batch, one transaction
    assert await waking.record(message("w1")) is None
    assert wake.sent == [["sms", "telegram"]]  # a redelivery alone is nobody's news
