"""A turn whose custom action failed fails as a whole, so that the inbox retries it.

Rasa 3.6 catches whatever a custom action raises (the action server down, its CRM write
refused, a time-out), logs it and carries on: the action's events are lost and the turn
is saved as if it had happened. In Parley the CRM writes happen in actions, so a lead or
an opt-out would be lost with them. Here the processor raises instead, before the turn is
saved: the channel pipeline leaves the message in the inbox and tries the whole turn
again with back-off (`channels.pipeline`), sending nothing the failed try said
(`channels.outbound`). The actions' CRM writes are idempotent (one lead per conversation,
consent proof and outbox rows once each), so however many tries it takes, each happens
once. Over the REST channel the request fails and nothing of the turn is kept.

An action that refuses to run (`ActionExecutionRejection`, a form's answer rejected) is
not a failure: Rasa handles it as before.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor

RASA_REMOTE_RUN = RemoteAction.run
RASA_RUN_ACTION = MessageProcessor._run_action

# The failure of a custom action during the action the processor is running.
_failure: ContextVar[BaseException | None] = ContextVar("parley_action_failure", default=None)


class ActionFailed(Exception):
    """A custom action failed: the turn is not saved, and is tried again."""


async def _run_remote(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    try:
        return await RASA_REMOTE_RUN(self, *args, **kwargs)
    except ActionExecutionRejection:
        raise
    except Exception as error:
        _failure.set(error)  # Rasa's processor swallows it; `_run_action` raises it again
        raise


async def _run_action(self: MessageProcessor, action: Any, *args: Any, **kwargs: Any) -> Any:
    token = _failure.set(None)
    try:
        keep_going = await RASA_RUN_ACTION(self, action, *args, **kwargs)
        failure = _failure.get()
    finally:
        _failure.reset(token)
    if failure is not None:
        raise ActionFailed(f"custom action {action.name()!r} failed: {failure}") from failure
    return keep_going


def install() -> None:
    RemoteAction.run = _run_remote  # type: ignore[method-assign]
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
