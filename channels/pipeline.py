"""The path every channel message takes after its webhook verified and parsed it.

    accept:  dedupe + persist in the inbox (bot.crm.inbox) ─▶ the webhook acknowledges
    pick up: the web chat's own process schedules at once; SMS and Telegram are accepted
             by the ingress process, whose wake-up (`channels.wakeup`) has a Rasa server
             look for them at once (and every `pickup_s` anyway, should one be lost)
    drain:   per conversation, in arrival order, under a lock (channels.locks), each
             turn in its turn across conversations (channels.turn_slots):
             claim ─▶ channel's pre-core step (SMS keywords) ─▶ Rasa ─▶ gated replies ─▶ finish
             (a follow-up the engine queued is a turn too: `channels.followup_turn`;
             so is a sales rep's message, and while a rep holds the conversation the
             bot only listens: `channels.agent_turn`)

A webhook never waits for a turn, so a slow turn never makes Twilio or Telegram retry:
the web chat, SMS and Telegram are acknowledged by a process that runs no turns at all
(`channels.ingress`). The turns run on the Rasa server's own event loop, beside its API's
requests (the REST channel's among them), with the database work on the inbox thread
(`channels.inbox_thread`).
A process that dies mid-turn leaves its message claimed under a lease; the sweep (at start
and every few seconds) hands it out again, and a message the tracker already holds is not
run twice. A turn that raises (a custom action that failed fails its turn:
`bot.action_failures`) is retried with back-off, then left failed for an operator; what it
said before failing is not sent (`GatedOutput.release`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import bootstrap
from bot.crm import read_scope, session_scope
from bot.crm.database import utcnow
from bot.crm.handoff_tables import latest_handoff_status
from bot.crm.inbox import (
    Claim,
    claim_next,
    due_conversations,
    finish,
    give_up_or_retry,
    has_unfinished,
)
from bot.handoff.queue import AGENT_KEY, end_for, person_wrote
from channels.agent_turn import opts_out, run_agent_row, set_paused
from channels.answers import Answers
from channels.followup_turn import say_follow_up
from channels.inbound import Adapter, Inbound
from channels.inbox_thread import in_inbox_thread
from channels.locks import ConversationLocks
from channels.outbound import GatedOutput
from channels.pickup import NewRows
from channels.recorder import Recorder
from channels.turn_slots import TurnSlots
from channels.wakeup import REPLIED, NoWakeup, Wakeup

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass
class PipelineSettings:
    lease: timedelta = timedelta(seconds=120)
    # A failed turn (a custom action that failed: the action server down, the CRM
    # locked) is tried again after 5 s, 10 s, 20 s … at most 5 min apart: about ten
    # minutes in all before it is left failed for an operator.
    max_attempts: int = 8
    retry_backoff: timedelta = timedelta(seconds=5)
    retry_cap: timedelta = timedelta(minutes=5)
    sweep_s: float = 2.0
    # Messages another process recorded (the ingress) are looked for when its wake-up
    # comes, and every `pickup_s` seconds in case one was lost; None when only this process
    # records the channel's messages and schedules them itself.
    pickup_s: float | None = None
    # Looks start at least this far apart: in a storm the ingress wakes the Rasa server
    # for every message, and one look then takes the messages of a few wake-ups at once
    # rather than each costing the turns a millisecond or two of CPU.
    pickup_gap_s: float = 0.02


class Pipeline:
    def __init__(
        self,
        adapter: Adapter,
        locks: ConversationLocks,
        settings: PipelineSettings,
        *,
        slots: TurnSlots,
        recorder: Recorder,
        answers: Answers,
        wakeup: Wakeup | None = None,
    ) -> None:
        self.adapter = adapter
        self.locks = locks
        self.settings = settings
        self.slots = slots
        self.recorder = recorder
        self.answers = answers
        self.wakeup = wakeup or NoWakeup()
        self._on_new_message: OnNewMessage | None = None
        self._app: Sanic | None = None
        self._draining: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._picker: asyncio.Task[None] | None = None

    # Wiring: called from the channel's blueprint

    def attach(self, blueprint: Any, on_new_message: OnNewMessage) -> None:
        """Runs the sweep while the Rasa server runs (it also recovers after a crash)."""
        self._on_new_message = on_new_message

        @blueprint.listener("after_server_start")
        async def _start(app: Sanic, _: Any) -> None:
            self._app = app
            self.start()

        @blueprint.listener("before_server_stop")
        async def _stop(app: Sanic, _: Any) -> None:
            await self.stop()

    def start(self) -> None:
        """Starts the sweep on the running loop: due messages, then every `sweep_s`
        seconds; and the pickup of messages other processes record, if they do."""
        self._sweeper = asyncio.create_task(self._sweep_forever())
        self.answers.start()
        if self.settings.pickup_s is not None:
            self._picker = asyncio.create_task(self._pick_up_forever(self.settings.pickup_s))

    async def stop(self) -> None:
        for task in (self._sweeper, self._picker):
            if task is not None:
                task.cancel()
        await self.answers.stop()
        await self.locks.close()

    # Accepting

    async def accept(self, inbound: Inbound) -> int | None:
        """Records the message and starts its processing: its inbox row, or None when it
        was seen before. `answers.wait` waits for what its turn says."""
        row_id = await self.recorder.record(inbound)
        if row_id is not None:
            self.schedule(inbound.conversation_id)
        return row_id

    # Draining

    def schedule(self, conversation_id: str) -> None:
        if conversation_id in self._draining:
            self._again.add(conversation_id)  # the running drain may be past its last claim
            return
        self._draining[conversation_id] = asyncio.create_task(self.drain(conversation_id))

    async def drain(self, conversation_id: str) -> None:
        """Processes the conversation's due messages in order until none is left."""
        try:
            while await self._process_next(conversation_id):
                pass
        except Exception:
            logger.exception("Inbox processing of %s stopped; the sweep retries", conversation_id)
        finally:
            del self._draining[conversation_id]
            if conversation_id in self._again:
                self._again.discard(conversation_id)
                self.schedule(conversation_id)

    async def _process_next(self, conversation_id: str) -> bool:
        async with self.slots.turn():
            return await self._process_held(conversation_id)

    async def _process_held(self, conversation_id: str) -> bool:
        async with self.locks.hold(conversation_id) as held:
            if not held:
                return False  # another process is on it
            claim = await in_inbox_thread(self._claim, conversation_id)
            if claim is None:
                return False
            output = self.adapter.output_for(claim)
            try:
                await self._run(claim, output)
            except Exception as error:
                output.discard()
                logger.exception("Message %s of %s failed", claim.external_id, conversation_id)
                status = await in_inbox_thread(self._retry_later, claim, repr(error))
                if status == "failed":  # out of the way: go on with the next one
                    self.answers.answered(claim.id, [])
                    return True
                return False  # a waiting request keeps waiting, for the retry's replies
            await output.release()
            kept = output.sent if output.kept_with_row else None
            more = await in_inbox_thread(self._finish, claim, kept)
            self.answers.answered(claim.id, output.sent)  # a request here waits for them
            # With nothing left, no claim that would find nothing: one write fewer per
            # message. One recorded from now on schedules the conversation again.
            return more

    def _agent(self) -> Agent:
        if self._app is None:
            raise RuntimeError("the pipeline is not attached to a Rasa server")
        return cast(Agent, self._app.ctx.agent)

    async def _run(self, claim: Claim, output: GatedOutput) -> None:
        from_rep = claim.payload.get(AGENT_KEY)
        if from_rep:  # a sales rep's message or hand-back (`bot.handoff`)
            await run_agent_row(self._agent(), claim.conversation_id, from_rep, output)
            return
        held_by, handed_off = await in_inbox_thread(self._handoff_state, claim.conversation_id)
        followup = claim.payload.get("followup")
        if followup:  # the bot speaks first (`bot.followups`); it checks for a repeat itself
            if held_by is None:  # never while a rep holds the conversation
                await say_follow_up(self._agent(), claim.conversation_id, followup, output)
            return
        if claim.retried and await self._already_processed(claim):
            logger.info("Message %s had been processed before a restart", claim.external_id)
            return
        text = await self.adapter.before_core(claim, output)
        if text is None:
            return
        if self._on_new_message is None:
            raise RuntimeError("the pipeline is not attached to a Rasa server")
        message = UserMessage(
            text=text,
            output_channel=output,
            sender_id=claim.conversation_id,
            input_channel=self.adapter.name(),
            message_id=claim.external_id,
            metadata=claim.payload.get("metadata") or None,
        )
        if held_by is not None:
            await self._while_held(message, output)
        elif handed_off:  # ended without the bot's return (a STOP): it must not stay paused
            await set_paused(self._agent(), claim.conversation_id, output, paused=False)
        await self._on_new_message(message)

    async def _while_held(self, message: UserMessage, output: GatedOutput) -> None:
        """A rep holds the conversation: the bot only listens (Rasa's pause), unless the
        person opts out, which ends the handoff and is answered as always."""
        agent, conversation_id = self._agent(), message.sender_id
        opted_out = await opts_out(agent, message)
        if opted_out:
            await in_inbox_thread(self._end_handoff, conversation_id)
        await set_paused(agent, conversation_id, output, paused=not opted_out)

    async def tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """The conversation's tracker as the Rasa server stores it."""
        if self._app is None:
            return None
        return await self._app.ctx.agent.tracker_store.retrieve(conversation_id)

    async def _already_processed(self, claim: Claim) -> bool:
        """Whether the tracker holds the message: a crash came after the turn was saved."""
        tracker = await self.tracker(claim.conversation_id)
        if tracker is None:
            return False
        return any(
            isinstance(event, UserUttered) and event.message_id == claim.external_id
            for event in reversed(tracker.events)
        )

    @staticmethod
    def _handoff_state(conversation_id: str) -> tuple[str | None, bool]:
        """The rep holding the conversation, if one does, and whether it was ever handed
        to the team; an open handoff is marked changed (the inbox shows the message)."""
        engine = bootstrap.crm_engine()
        with read_scope(engine) as session:  # most conversations never asked for anyone
            latest = latest_handoff_status(session, conversation_id)
        if latest is None:
            return None, False
        if latest == "ended":
            return None, True
        with session_scope(engine) as session:
            return person_wrote(session, conversation_id, utcnow()), True

    @staticmethod
    def _end_handoff(conversation_id: str) -> None:
        with session_scope(bootstrap.crm_engine()) as session:
            end_for(session, conversation_id, reason="opted_out", now=utcnow())

    def _claim(self, conversation_id: str) -> Claim | None:
        with session_scope(bootstrap.crm_engine()) as session:
            return claim_next(session, conversation_id=conversation_id, lease=self.settings.lease)

    def _finish(self, claim: Claim, replies: list[dict[str, Any]] | None) -> bool:
        """Marks the claim processed; whether the conversation has more messages waiting."""
        with session_scope(bootstrap.crm_engine()) as session:
            finish(session, message_id=claim.id, replies=replies)
            if replies is not None:  # a request in another process waits for them
                self.wakeup.on_commit(session, REPLIED)
            return has_unfinished(session, conversation_id=claim.conversation_id)

    def _retry_later(self, claim: Claim, error: str) -> str:
        with session_scope(bootstrap.crm_engine()) as session:
            status = give_up_or_retry(
                session,
                message_id=claim.id,
                error=error,
                max_attempts=self.settings.max_attempts,
                backoff=self.settings.retry_backoff,
                cap=self.settings.retry_cap,
            )
            if status == "failed":  # a request waiting in another process stops waiting
                self.wakeup.on_commit(session, REPLIED)
            return status

    # Recovering

    async def _sweep_forever(self) -> None:
        while True:
            try:
                for conversation_id in await in_inbox_thread(self._due):
                    if conversation_id not in self._draining:
                        self.schedule(conversation_id)
            except Exception:
                logger.exception("The %s inbox sweep failed; trying again", self.adapter.name())
            await asyncio.sleep(self.settings.sweep_s)

    def _due(self) -> list[str]:
        with read_scope(bootstrap.crm_engine()) as session:
            return due_conversations(session, channel=self.adapter.name())

    async def _pick_up_forever(self, pickup_s: float) -> None:
        channel = self.adapter.name()
        new_rows = NewRows(channel)
        loop = asyncio.get_running_loop()
        async with self.wakeup.listening(channel) as woken:
            while True:
                woken.clear()  # a wake-up from now on calls for another look
                looked_at = loop.time()
                try:
                    for conversation_id in await in_inbox_thread(self._look, new_rows):
                        self.schedule(conversation_id)  # a drain under way takes it too
                except Exception:
                    logger.exception("The %s inbox pickup failed; trying again", channel)
                    await asyncio.sleep(pickup_s)
                    continue
                await woken.wait(pickup_s)
                gap = looked_at + self.settings.pickup_gap_s - loop.time()
                if gap > 0:
                    await asyncio.sleep(gap)

    @staticmethod
    def _look(new_rows: NewRows) -> list[str]:
        with read_scope(bootstrap.crm_engine()) as session:
            return new_rows.look(session)
