"""The shared channel pipeline with an in-memory channel and dialogue core: dedupe, order,
retries, recovery after a crash, the web chat's wait for its replies, and the pickup of
messages another process (the ingress) recorded, when its wake-up comes or at the next
look."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rasa.core.channels.channel import UserMessage
from sqlalchemy import select

from bot import bootstrap
from bot.crm import InboundMessage, session_scope, upgrade_to_head
from bot.crm.inbox import Claim, claim_next, record_inbound
from bot.settings import get_settings
from channels.answers import Answers
from channels.inbound import Inbound
from channels.locks import ConversationLocks
from channels.outbound import GatedOutput, KeptOutput
from channels.pickup import NewRows
from channels.pipeline import Pipeline, PipelineSettings
from channels.recorder import Recorder
from channels.turn_slots import TurnSlots
from channels.wakeup import NoWakeup, SentAfterCommit, SocketWakeup, Wakeup


class EchoOutput(GatedOutput):
    delivered: ClassVar[list[str]] = []  # every message any of them delivered, in order

    async def deliver(self, recipient_id: str, message: dict[str, Any]) -> None:
        EchoOutput.delivered.append(str(message["text"]))


class FakeChannel:
    @classmethod
    def name(cls) -> str:
        return "fake"

    def output_for(self, claim: Claim) -> GatedOutput:
        return EchoOutput(claim.payload.get("address"))

    async def before_core(self, claim: Claim, output: GatedOutput) -> str | None:
        text = str(claim.payload["text"])
        if text == "KEYWORD":
            await output.send_response(claim.conversation_id, {"text": "handled"})
            return None
        return text


class FakeCore:
    """Records turns; answers each with one message; can fail or be slow on demand."""

    def __init__(self) -> None:
        self.turns: list[tuple[str, str, str]] = []
        self.fail_on: set[str] = set()
        self.delay_s = 0.0
        self.running = 0
        self.most_at_once = 0

    async def __call__(self, message: UserMessage) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self._turn(message)
        finally:
            self.running -= 1

    async def _turn(self, message: UserMessage) -> None:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if message.text in self.fail_on:
            self.fail_on.discard(message.text)
            # Said before a later action of the turn failed (see bot.action_failures).
            await message.output_channel.send_response(message.sender_id, {"text": "half"})
            raise RuntimeError("the core fell over")
        self.turns.append((message.sender_id, message.text or "", message.message_id))
        await message.output_channel.send_response(
            message.sender_id, {"text": f"re: {message.text}"}
        )


@pytest.fixture(autouse=True)
def crm() -> None:
    upgrade_to_head(get_settings().crm_database_url)
    EchoOutput.delivered.clear()


def make(
    core: FakeCore,
    slots: int = 4,
    wakeup: Wakeup | None = None,
    channel: FakeChannel | None = None,
    **overrides: Any,
) -> Pipeline:
    settings = PipelineSettings(**{"retry_backoff": timedelta(0), "sweep_s": 0.05, **overrides})
    locks = ConversationLocks(None, timeout_s=60)
    pipeline = Pipeline(
        channel or FakeChannel(),
        locks,
        settings,
        slots=TurnSlots(slots),
        recorder=Recorder(),
        answers=Answers(wakeup or NoWakeup()),
        wakeup=wakeup,
    )
    pipeline._on_new_message = core
    return pipeline


def inbound(external_id: str, text: str, conversation: str = "fake:1") -> Inbound:
    return Inbound("fake", external_id, conversation, text, address="+15550001")


async def settle(seconds: float = 10) -> dict[str, str]:
    """The inbox once no message waits or is in progress (turns run on another thread)."""
    for _ in range(int(seconds / 0.02)):
        current = statuses()
        if current and not set(current.values()) & {"received", "processing"}:
            return current
        await asyncio.sleep(0.02)
    raise AssertionError(f"the inbox never settled: {statuses()}")


def statuses() -> dict[str, str]:
    with session_scope(bootstrap.crm_engine()) as session:
        rows = session.execute(select(InboundMessage.external_id, InboundMessage.status))
        return {external_id: status for external_id, status in rows}


async def test_messages_run_once_each_in_arrival_order_per_conversation() -> None:
    core = FakeCore()
    core.delay_s = 0.01
    pipeline = make(core)
    for n in range(5):
        assert await pipeline.accept(inbound(f"a{n}", f"a{n}")) is not None
        assert await pipeline.accept(inbound(f"b{n}", f"b{n}", "fake:2")) is not None
    assert await pipeline.accept(inbound("a0", "a0")) is None  # seen before
    await settle()
    by_conversation = {c: [t for s, t, _ in core.turns if s == c] for c in ("fake:1", "fake:2")}
    assert by_conversation == {
        "fake:1": [f"a{n}" for n in range(5)],
        "fake:2": [f"b{n}" for n in range(5)],
    }
    assert [m for _, _, m in core.turns if m.startswith("a")] == [f"a{n}" for n in range(5)]
    assert set(statuses().values()) == {"processed"}


async def test_conversations_take_turns_the_first_to_ask_first() -> None:
    """A conversation with a backlog goes to the back of the queue after each turn."""
    core = FakeCore()
    core.delay_s = 0.3  # the first turn is still running when the others have arrived
    pipeline = make(core, slots=1)
    for n in range(3):
        await pipeline.accept(inbound(f"a{n}", f"a{n}"))
    await pipeline.accept(inbound("b0", "b0", "fake:2"))
    await pipeline.accept(inbound("c0", "c0", "fake:3"))
    await settle()
    assert [text for _, text, _ in core.turns] == ["a0", "b0", "c0", "a1", "a2"]
    assert core.most_at_once == 1


async def replies(pipeline: Pipeline, message: Inbound) -> list[dict[str, Any]] | None:
    """What a request that sent `message` to this process gets back."""
    row_id = await pipeline.accept(message)
    assert row_id is not None
    return await pipeline.answers.wait(row_id, 5, scheduled_here=True)


async def test_a_waiting_request_gets_its_turns_replies() -> None:
    pipeline = make(FakeCore())
    assert await replies(pipeline, inbound("w1", "hello")) == [{"text": "re: hello"}]


class KeptChannel(FakeChannel):
    def output_for(self, claim: Claim) -> GatedOutput:
        return KeptOutput(None)


async def test_a_request_gets_the_replies_of_a_turn_another_process_ran() -> None:
    """The request waits in one process (the ingress, or one Rasa server), the turn runs
    in another: the replies come from the row, found at the look without a wake-up."""
    here, there = make(FakeCore(), channel=KeptChannel()), make(FakeCore(), channel=KeptChannel())
    here.answers.start()
    there.start()
    try:
        row_id = await here.recorder.record(inbound("x1", "hello"))  # not scheduled here
        assert row_id is not None
        assert await here.answers.wait(row_id, 5) == [{"text": "re: hello"}]
    finally:
        await here.answers.stop()
        await there.stop()


async def test_a_waiting_request_gets_the_replies_of_the_retry_that_succeeded() -> None:
    core = FakeCore()
    core.fail_on = {"hello"}
    pipeline = make(core)
    pipeline.start()
    try:
        assert await replies(pipeline, inbound("w2", "hello")) == [{"text": "re: hello"}]
    finally:
        await pipeline.stop()


async def test_the_channel_can_answer_without_the_core() -> None:
    core = FakeCore()
    pipeline = make(core)
    assert await replies(pipeline, inbound("k1", "KEYWORD")) == [{"text": "handled"}]
    assert core.turns == []
    assert statuses() == {"k1": "processed"}


async def test_a_failed_turn_is_retried_and_later_messages_wait_for_it() -> None:
    core = FakeCore()
    core.fail_on = {"first"}
    pipeline = make(core)
    pipeline.start()
    try:
        await pipeline.accept(inbound("f1", "first"))
        await pipeline.accept(inbound("f2", "second"))
        assert await settle() == {"f1": "processed", "f2": "processed"}
    finally:
        await pipeline.stop()
    assert [text for _, text, _ in core.turns] == ["first", "second"]
    # What the failed try said never went out; the retry said it all, once.
    assert EchoOutput.delivered == ["re: first", "re: second"]


async def test_a_message_that_keeps_failing_is_set_aside_and_the_rest_go_on() -> None:
    core = FakeCore()
    pipeline = make(core, max_attempts=1)
    core.fail_on = {"poison"}
    await pipeline.accept(inbound("p1", "poison"))
    await pipeline.accept(inbound("p2", "fine"))
    await settle()
    assert statuses() == {"p1": "failed", "p2": "processed"}
    assert EchoOutput.delivered == ["re: fine"]
    assert [text for _, text, _ in core.turns] == ["fine"]


async def test_a_message_left_mid_turn_by_a_crash_is_processed_after_restart() -> None:
    with session_scope(bootstrap.crm_engine()) as session:  # received, claimed, then a crash
        record_inbound(
            session,
            channel="fake",
            external_id="c1",
            conversation_id="fake:1",
            payload=inbound("c1", "left behind").payload(),
        )
        assert claim_next(session, conversation_id="fake:1", lease=timedelta(seconds=-1))
    core = FakeCore()
    restarted = make(core)
    restarted.start()
    try:
        assert await settle() == {"c1": "processed"}
    finally:
        await restarted.stop()
    assert [text for _, text, _ in core.turns] == ["left behind"]


def record_elsewhere(
    external_id: str, text: str, conversation: str = "fake:1", wakeup: Wakeup | None = None
) -> None:
    """What the ingress process does: the message is in the inbox, nobody scheduled it;
    with `wakeup`, the Rasa servers are woken once it is committed."""
    with session_scope(bootstrap.crm_engine()) as session:
        record_inbound(
            session,
            channel="fake",
            external_id=external_id,
            conversation_id=conversation,
            payload=inbound(external_id, text, conversation).payload(),
        )
        if wakeup is not None:
            wakeup.on_commit(session, "fake")


class Watched:
    """Counts a started pipeline's sweeps and looks; `after_look` runs on the inbox thread
    once a look has read the inbox."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.sweeps = self.looks = 0
        self.after_look: Callable[[], None] | None = None
        due, look = pipeline._due, pipeline._look

        def counted_due() -> list[str]:
            found = due()
            self.sweeps += 1
            return found

        def counted_look(new_rows: NewRows) -> list[str]:
            found = look(new_rows)
            self.looks += 1
            if self.after_look is not None:
                self.after_look()
            return found

        pipeline._due = counted_due  # type: ignore[method-assign]
        pipeline._look = counted_look  # type: ignore[method-assign]


async def listening(pipeline: Pipeline, ready: Callable[[], bool], seconds: float = 10) -> Watched:
    """Starts the pipeline and waits until it swept and looked once (a row recorded from
    then on is found only by a look) and its wake-up is `ready` to receive."""
    watched = Watched(pipeline)
    pipeline.start()
    for _ in range(int(seconds / 0.01)):
        if watched.sweeps and watched.looks and ready():
            return watched
        await asyncio.sleep(0.01)
    await pipeline.stop()
    raise AssertionError("the pipeline never started listening")


async def test_messages_another_process_recorded_are_picked_up_long_before_the_sweep() -> None:
    core = FakeCore()
    pipeline = make(core, sweep_s=60.0, pickup_s=0.05)
    pipeline.start()
    try:
        await asyncio.sleep(0.2)  # the sweep has run once, and won't again in this test
        for n in range(3):
            record_elsewhere(f"e{n}", f"e{n}")
        record_elsewhere("o1", "o1", "fake:2")
        assert await settle(seconds=3) == {f"e{n}": "processed" for n in range(3)} | {
            "o1": "processed"
        }
    finally:
        await pipeline.stop()
    assert [text for conversation, text, _ in core.turns if conversation == "fake:1"] == [
        "e0",
        "e1",
        "e2",
    ]


# The Rasa server's own pickup waits for the wake-up or this long, whichever comes first:
# a message picked up in a test with it could only have been woken up.
NEVER_S = 60.0


def socket_bound(directory: Path) -> Callable[[], bool]:
    return lambda: any(directory.glob("*.sock"))


async def test_a_message_recorded_elsewhere_is_picked_up_when_its_wakeup_comes(
    tmp_path: Path,
) -> None:
    wakeup = SocketWakeup(tmp_path / "wakeup")  # the default: SQLite, every process on one host
    core = FakeCore()
    pipeline = make(core, sweep_s=NEVER_S, pickup_s=NEVER_S, wakeup=wakeup)
    await listening(pipeline, socket_bound(wakeup.directory))
    try:
        record_elsewhere("s1", "s1", wakeup=wakeup)
        record_elsewhere("s2", "s2", "fake:2", wakeup=wakeup)
        assert await settle() == {"s1": "processed", "s2": "processed"}
    finally:
        await pipeline.stop()
        wakeup.close()
    assert sorted(text for _, text, _ in core.turns) == ["s1", "s2"]


async def test_a_message_whose_wakeup_was_lost_is_found_by_the_next_look(
    tmp_path: Path,
) -> None:
    wakeup = SocketWakeup(tmp_path / "wakeup")
    pipeline = make(FakeCore(), sweep_s=NEVER_S, pickup_s=0.2, wakeup=wakeup)
    await listening(pipeline, socket_bound(wakeup.directory))
    try:
        record_elsewhere("l1", "lost")  # no wake-up sent
        assert await settle() == {"l1": "processed"}
    finally:
        await pipeline.stop()
        wakeup.close()


class LoopWakeup(SentAfterCommit):
    """Wakes the readers through their own loop, before the writer's thread hands anything
    else back to it: a wake-up sent from a look's thread arrives while that look runs."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: asyncio.AbstractEventLoop | None = None

    def send(self, channels: Collection[str]) -> None:
        assert self.loop is not None
        for channel in channels:
            self.loop.call_soon_threadsafe(self._wake, channel)

    async def _receive(self) -> None:
        self.loop = asyncio.get_running_loop()
        await asyncio.Future()


async def test_a_wakeup_that_comes_while_a_look_runs_calls_for_another_look() -> None:
    wakeup = LoopWakeup()
    pipeline = make(FakeCore(), sweep_s=NEVER_S, pickup_s=NEVER_S, wakeup=wakeup)
    watched = await listening(pipeline, lambda: wakeup.loop is not None)

    def record_behind_the_look() -> None:  # after the look read the inbox, before it ends
        watched.after_look = None
        record_elsewhere("r1", "recorded during a look", wakeup=wakeup)

    watched.after_look = record_behind_the_look
    try:
        record_elsewhere("t1", "wakes a look", "fake:2", wakeup=wakeup)
        assert await settle() == {"t1": "processed", "r1": "processed"}
    finally:
        await pipeline.stop()
