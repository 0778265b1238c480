"""The response generator with A/B tests: one arm per conversation, kept; stock Rasa for
everything else; conditions and channels still honoured; exposures recorded once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rasa.core.actions.action import ActionBotResponse
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from bot.experiments import assign_variant
from bot.nlg import experiments
from bot.nlg.experiments import ExperimentNLG, arm_shown
from bot.settings import PROJECT_ROOT

GREET = "utter_greet"
DOMAIN = {
    "slots": {"plan": {"type": "text", "mappings": [{"type": "custom"}]}},
    "responses": {
        GREET: [
            {"text": "Hello."},
            {"text": "Hey there!", "metadata": {"variant": "friendly"}},
        ],
        "utter_plain": [{"text": "Plain one."}, {"text": "Plain two."}],
        "utter_offer": [
            {"text": "Our offer."},
            {"text": "Our offer, by SMS.", "channel": "sms"},
            {"text": "A great offer!", "metadata": {"variant": "bold"}},
            {
                "text": "A great pro offer!",
                "metadata": {"variant": "bold"},
                "condition": [{"type": "slot", "name": "plan", "value": "pro"}],
            },
        ],
        "utter_sms_only": [
            {"text": "Standard."},
            {"text": "Texted variant.", "channel": "sms", "metadata": {"variant": "short"}},
        ],
    },
}
ARMS = ("control", "friendly")
TEXTS = {"control": "Hello.", "friendly": "Hey there!"}


class Recorded:
    """An exposure log in memory."""

    def __init__(self, error: Exception | None = None, wait: threading.Event | None = None):
        self.rows: list[tuple[str, str, str]] = []
        self.error = error
        self.wait = wait

    def record(self, *, experiment: str, conversation_id: str, variant: str) -> None:
        if self.wait is not None:
            self.wait.wait(5)
        if self.error is not None:
            raise self.error
        self.rows.append((experiment, conversation_id, variant))


def make(log: Recorded | None = None, responses: dict[str, Any] | None = None) -> ExperimentNLG:
    domain = Domain.from_dict({**DOMAIN, "responses": responses or DOMAIN["responses"]})
    return ExperimentNLG(domain=domain, exposures=log or Recorded())


def tracker(sender: str, *events: Any) -> DialogueStateTracker:
    domain = Domain.from_dict(DOMAIN)
    return DialogueStateTracker.from_events(sender, list(events), slots=domain.slots)


async def say(
    nlg: ExperimentNLG, conversation: DialogueStateTracker, name: str = GREET, channel: str = "rest"
) -> BotUttered:
    """Runs the response as Rasa does and adds the bot event to the tracker."""
    domain = Domain.from_dict(DOMAIN)
    output = CollectingOutputChannel()
    output.name = lambda: channel  # type: ignore[method-assign]
    [event] = await ActionBotResponse(name).run(output, nlg, conversation, domain)
    assert isinstance(event, BotUttered)
    conversation.update(event)
    return event


def assigned(sender: str) -> str:
    return assign_variant(experiment=GREET, conversation_id=sender, variants=ARMS)


async def test_each_conversation_gets_its_assigned_arm_and_both_arms_occur() -> None:
    nlg = make()
    seen = set()
    for number in range(40):
        sender = f"visitor-{number}"
        event = await say(nlg, tracker(sender))
        assert event.text == TEXTS[assigned(sender)]
        assert event.metadata["metadata"] == {"variant": assigned(sender)}
        seen.add(assigned(sender))
    assert seen == set(ARMS)


async def test_a_conversation_keeps_its_arm_across_turns_and_restarts() -> None:
    conversation = tracker("visitor-7")
    first = await say(make(), conversation)
    for _ in range(5):
        assert (await say(make(), conversation)).text == first.text  # a new generator each time
    # As a tracker store keeps and reloads it: events as JSON-ready dicts.
    stored = [event.as_dict() for event in conversation.events]
    restarted = DialogueStateTracker.from_dict("visitor-7", stored, Domain.from_dict(DOMAIN).slots)
    assert arm_shown(restarted, GREET) == assigned("visitor-7")
    assert (await say(make(), restarted)).text == first.text


async def test_a_conversation_keeps_the_arm_it_was_shown_when_the_arms_change() -> None:
    sender = next(f"v{n}" for n in range(100) if assigned(f"v{n}") == "control")
    shown = BotUttered(
        "Hey there!", metadata={"utter_action": GREET, "metadata": {"variant": "friendly"}}
    )
    event = await say(make(), tracker(sender, shown))
    assert event.text == "Hey there!"


async def test_the_exposure_is_recorded_once_per_conversation() -> None:
    log = Recorded()
    nlg = make(log)
    conversation = tracker("visitor-1")
    for _ in range(3):
        await say(nlg, conversation)
    assert log.rows == [(GREET, "visitor-1", assigned("visitor-1"))]
    assert arm_shown(conversation, GREET) == assigned("visitor-1")


async def test_responses_without_variants_are_stock_rasa_and_record_nothing() -> None:
    log = Recorded()
    event = await say(make(log), tracker("visitor-1"), "utter_plain")
    assert event.text in ("Plain one.", "Plain two.")
    assert "metadata" not in event.metadata
    assert log.rows == []


def offer_arm(sender: str) -> str:
    return assign_variant(
        experiment="utter_offer", conversation_id=sender, variants=("control", "bold")
    )


async def test_conditions_and_channels_are_honoured_within_an_arm() -> None:
    bold = next(f"b{n}" for n in range(100) if offer_arm(f"b{n}") == "bold")
    control = next(f"c{n}" for n in range(100) if offer_arm(f"c{n}") == "control")
    pro = SlotSet("plan", "pro")
    assert (await say(make(), tracker(bold, pro), "utter_offer")).text == "A great pro offer!"
    assert (await say(make(), tracker(bold), "utter_offer")).text == "A great offer!"
    assert (await say(make(), tracker(control), "utter_offer", "sms")).text == "Our offer, by SMS."
    assert (await say(make(), tracker(control), "utter_offer")).text == "Our offer."


async def test_an_arm_with_nothing_for_the_channel_falls_back_uncounted() -> None:
    arms = ("control", "short")
    sender = next(
        f"s{n}"
        for n in range(100)
        if assign_variant(experiment="utter_sms_only", conversation_id=f"s{n}", variants=arms)
        == "short"
    )
    log = Recorded()
    event = await say(make(log), tracker(sender), "utter_sms_only", "rest")
    assert event.text == "Standard." and "metadata" not in event.metadata
    assert log.rows == []
    event = await say(make(log), tracker(sender), "utter_sms_only", "sms")
    assert event.text == "Texted variant."
    assert log.rows == [("utter_sms_only", sender, "short")]


async def test_a_failing_crm_never_breaks_the_reply(caplog: pytest.LogCaptureFixture) -> None:
    event = await say(make(Recorded(error=RuntimeError("database down"))), tracker("visitor-2"))
    assert event.text == TEXTS[assigned("visitor-2")]
    assert "Could not record an exposure to utter_greet" in caplog.text


async def test_a_slow_crm_does_not_hold_up_the_reply(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(experiments, "RECORD_TIMEOUT", 0.05)
    release = threading.Event()
    log = Recorded(wait=release)
    event = await say(make(log), tracker("visitor-3"))
    release.set()
    assert event.text == TEXTS[assigned("visitor-3")]
    assert "took over" in caplog.text


def test_rasa_builds_it_from_the_endpoints_file() -> None:
    config = read_endpoint_config(str(PROJECT_ROOT / "bot" / "endpoints.yml"), "nlg")
    assert isinstance(config, EndpointConfig)
    nlg = NaturalLanguageGenerator.create(config, Domain.from_dict(DOMAIN))
    assert isinstance(nlg, ExperimentNLG)
    assert set(nlg.responses) == set(DOMAIN["responses"])
