"""Custom actions run in the Rasa server's process (`bot.in_process_actions`), called the
way Rasa calls any custom action: through its `RemoteAction`."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa_sdk import Action, Tracker
from rasa_sdk import interfaces as sdk
from rasa_sdk.events import SlotSet as SdkSlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from bot import in_process_actions
from bot.in_process_actions import InProcessActions, executor
from bot.model_archive import DOMAIN
from bot.rasa_speedups import registry
from bot.settings import PROJECT_ROOT

DOMAIN_DATA = Domain.load(str(DOMAIN))


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "in-process-1",
        [ActionExecuted("action_listen"), *events],
        slots=DOMAIN_DATA.slots,
    )


def run(action: str, endpoint: InProcessActions, state: DialogueStateTracker) -> list[Any]:
    return asyncio.run(
        RemoteAction(action, endpoint).run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(DOMAIN_DATA.responses),
            state,
            DOMAIN_DATA,
        )
    )


class Remembers(Action):
    """Notes the thread it ran on, blocks as a CRM write would, and sets a slot."""

    ran_on: ClassVar[list[int]] = []

    def name(self) -> str:
        return "action_remembers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.ran_on.append(threading.get_ident())
        time.sleep(0.3)
        dispatcher.utter_message(text=f"hello {tracker.sender_id}")
        return [SdkSlotSet("name", "Dana")]


class Refuses(Action):
    def name(self) -> str:
        return "action_refuses"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        raise sdk.ActionExecutionRejection(self.name(), "not this one")


class FallsOver(Action):
    def name(self) -> str:
        return "action_falls_over"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        raise ConnectionError("the CRM is down")


@pytest.fixture
def own_actions() -> InProcessActions:
    actions = ActionExecutor()
    for action in (Remembers, Refuses, FallsOver):
        actions.register_action(action)
    return InProcessActions(actions)


def test_parleys_actions_answer_with_their_responses_and_events() -> None:
    state = tracker(
        UserUttered("why do you need that?", {"name": "ask_why", "confidence": 1.0}),
        SlotSet("requested_slot", "budget"),
    )
    events = run("action_explain_why", InProcessActions(executor()), state)
    [said] = events
    assert isinstance(said, BotUttered)
    assert said.metadata.get("utter_action") == "utter_why_default"


def test_an_action_runs_off_the_loop_and_its_events_come_back(
    own_actions: InProcessActions,
) -> None:
    async def both() -> tuple[list[Any], int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        events = await RemoteAction("action_remembers", own_actions).run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(DOMAIN_DATA.responses),
            tracker(),
            DOMAIN_DATA,
        )
        ticker.cancel()
        return events, ticks

    Remembers.ran_on.clear()
    events, ticks = asyncio.run(both())
    assert [type(e) for e in events] == [BotUttered, SlotSet]
    assert events[0].text == "hello in-process-1"
    assert (events[1].key, events[1].value) == ("name", "Dana")
    # The action blocked its own thread for 0.3 s; the loop went on ticking meanwhile.
    assert Remembers.ran_on and Remembers.ran_on[0] != threading.get_ident()
    assert ticks >= 10


def test_a_refusal_reaches_rasa_as_the_action_servers_would(
    own_actions: InProcessActions,
) -> None:
    with pytest.raises(ActionExecutionRejection) as refused:
        run("action_refuses", own_actions, tracker())
    assert refused.value.action_name == "action_refuses"
    assert "not this one" in refused.value.message


def test_an_unknown_action_and_a_failing_one_fail(own_actions: InProcessActions) -> None:
    with pytest.raises(RasaException, match="action_nobody_wrote"):
        run("action_nobody_wrote", own_actions, tracker())
    # Raised on to Rasa's processor, which bot.action_failures turns into a failed turn.
    with pytest.raises(ConnectionError, match="the CRM is down"):
        run("action_falls_over", own_actions, tracker())


def test_every_custom_action_of_the_domain_is_registered() -> None:
    custom = {a for a in DOMAIN_DATA.user_actions if a.startswith(("action_", "validate_"))}
    assert custom and custom <= set(executor().actions)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PARLEY_ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    registry.install([in_process_actions.PATCH])
    yield
    registry.uninstall([in_process_actions.PATCH])


def test_rasas_endpoints_name_the_in_process_actions_once_installed(installed: None) -> None:
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "bot" / "endpoints.yml"))
    assert isinstance(endpoints.action, InProcessActions)
    assert endpoints.tracker_store is not None  # the rest is read as before
    registry.uninstall([in_process_actions.PATCH])
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "bot" / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
