"""Rasa's templated response generator, extended with A/B tests of messages.

A response is an experiment when a variation names a variant (`metadata: {variant: …}`,
see `bot.experiments.variants`); unnamed variations form the control arm. A conversation's
arm comes from `assign_variant` over `experiment_arms`, so it is the same in every process
and after every restart. Once a conversation has been shown an arm, it keeps it even if
a retrain changes the arms: the arm shown is marked in the bot event's metadata, and the
tracker remembers it (for its current session, which is what Rasa's tracker store loads;
a later session is assigned by the hash again, the same arm unless the arms changed).

Within its arm, a conversation gets stock Rasa's choice: conditions on slots and
channel-specific variations are filtered exactly as `ResponseVariationFilter` does. When
nothing in the arm fits (its variations are all for another channel or condition), the
control arm's, then all variations are tried, and the reply is not counted as the arm's.
Every other response goes through Rasa untouched.

The first time a conversation is shown its arm, the exposure is recorded in the CRM
(`bot.crm.exposures`) from a worker thread, so the server's event loop keeps serving other
conversations; a slow or failing CRM is logged and never holds up or breaks the reply.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import random
from typing import Any, Protocol

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import bootstrap
from bot.crm.database import session_scope
from bot.crm.exposures import record_exposure
from bot.experiments import CONTROL, assign_variant, variant_of
from bot.experiments.results import experiment_arms

logger = logging.getLogger(__name__)

# The longest a reply waits for its exposure to be written; the write itself carries on.
RECORD_TIMEOUT = 2.0
VARIANT = "variant"  # the key of a variation's metadata that names its arm

Variations = list[dict[str, Any]]


class ExposureLog(Protocol):
    """Where exposures go; `record` blocks, so it is called from a worker thread."""

    def record(self, *, experiment: str, conversation_id: str, variant: str) -> None: ...


class CrmExposureLog:
    """Exposures in the CRM database the settings name."""

    def record(self, *, experiment: str, conversation_id: str, variant: str) -> None:
        with session_scope(bootstrap.crm_engine()) as session:
            record_exposure(
                session, experiment=experiment, conversation_id=conversation_id, variant=variant
            )


def arms_of(variations: Variations) -> tuple[str, ...]:
    """The response's arms; empty for a response that is no experiment."""
    return experiment_arms((variant_of(v) for v in variations), control=CONTROL)


def arm_shown(tracker: DialogueStateTracker, response: str) -> str | None:
    """The arm of `response` this conversation was last shown, from its bot events."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered) and event.metadata.get("utter_action") == response:
            metadata = event.metadata.get("metadata")
            if isinstance(metadata, dict) and metadata.get(VARIANT):
                return str(metadata[VARIANT])
    return None


class ExperimentNLG(TemplatedNaturalLanguageGenerator):
    """Templated responses; a response with variants shows each conversation one arm."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        *,
        exposures: ExposureLog | None = None,
    ) -> None:
        # Rasa replaces `self.responses` whenever it loads a model, so nothing is derived
        # from the responses here: each reply reads the current ones.
        super().__init__(domain.responses if domain else {})
        self.endpoint_config = endpoint_config
        self.exposures: ExposureLog = exposures or CrmExposureLog()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        variations: Variations = self.responses.get(utter_action) or []
        arms = arms_of(variations)
        if not arms or not tracker.sender_id:
            return await super().generate(utter_action, tracker, output_channel, **kwargs)

        shown = arm_shown(tracker, utter_action)
        arm = shown if shown in arms else None
        if arm is None:
            arm = assign_variant(
                experiment=utter_action, conversation_id=tracker.sender_id, variants=arms
            )
        filled_slots = tracker.current_slot_values()
        chosen = self._choose(utter_action, variations, arm, output_channel, filled_slots)
        if chosen is None:
            return None
        response, own_arm = chosen
        if own_arm and shown is None:
            await self._record(utter_action, tracker.sender_id, arm)
        return self._fill_response(response, filled_slots, **kwargs)

    def _choose(
        self,
        utter_action: str,
        variations: Variations,
        arm: str,
        output_channel: str,
        filled_slots: dict[str, Any],
    ) -> tuple[dict[str, Any], bool] | None:
        """A copy of the variation to show, marked with its arm, and whether the arm is
        the conversation's own (False for a fallback, which is then left unmarked)."""
        for candidates_arm in (arm, CONTROL, None):
            candidates = [
                v for v in variations if candidates_arm is None or variant_of(v) == candidates_arm
            ]
            suitable = ResponseVariationFilter(
                {utter_action: candidates}
            ).responses_for_utter_action(utter_action, output_channel, filled_slots)
            if suitable:
                response = copy.deepcopy(random.choice(suitable))
                own_arm = candidates_arm == arm
                metadata = dict(response.get("metadata") or {})
                metadata.pop(VARIANT, None)
                if own_arm:
                    metadata[VARIANT] = arm
                response.pop("metadata", None)
                if metadata:
                    response["metadata"] = metadata
                return response, own_arm
        return None

    async def _record(self, experiment: str, conversation_id: str, variant: str) -> None:
        try:
            await asyncio.wait_for(
                asyncio.to_thread(
                    self.exposures.record,
                    experiment=experiment,
                    conversation_id=conversation_id,
                    variant=variant,
                ),
                timeout=RECORD_TIMEOUT,
            )
        except asyncio.TimeoutError:
            # The conversation id is left out of logs: on SMS it is a phone number.
            logger.warning(
                "Recording an exposure to %s took over %ss; the reply went on without it",
                experiment,
                RECORD_TIMEOUT,
            )
        except Exception:
            logger.exception("Could not record an exposure to %s", experiment)
