"""Custom actions run inside the Rasa server's process (`PARLEY_ACTIONS=in-process`, the
default).

Rasa 3.6 runs a custom action by posting the whole tracker and the whole domain as JSON to
the action server, which decodes them, runs the action with rasa_sdk's executor and
encodes its answer; a form answer takes two or three such calls. Here the Rasa server's
action endpoint is that same executor, called with the tracker state as Rasa builds it:
no HTTP, and no JSON either way. Everything else of Rasa's `RemoteAction` is unchanged: it
validates the answer, says the responses and turns the events into Rasa's. An action
refusing to run (a form's answer rejected) is answered as the action server answers it
(400), an unknown action as 404, and an action that raises fails its turn
(`bot.action_failures`), which the inbox tries again.

An action runs on a worker thread, with an event loop of its own kept per thread, not on
the loop that runs the turns: the actions' CRM writes block, and the other
conversations' turns go on meanwhile.

The actions get Rasa's own objects (slot values, parse data, the domain), not copies, and
treat them as read-only: whatever an action changes, it returns as events.

`PARLEY_ACTIONS=server` keeps the standalone action server (`bot.actions_process`) at
PARLEY_ACTION_SERVER_URL instead.
"""

from __future__ import annotations

import asyncio
import json
import threading
from functools import cache
from typing import Any

from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from bot.rasa_speedups.registry import Patch, Replacement

ACTIONS_PACKAGE = "actions"

# Each worker thread's own event loop, on which the actions it runs are awaited.
_thread = threading.local()


class InProcessActions(EndpointConfig):
    """Rasa's action endpoint, answered by rasa_sdk's executor in this process."""

    def __init__(self, executor: ActionExecutor) -> None:
        super().__init__(url=f"in-process:{ACTIONS_PACKAGE}")
        self._executor = executor

    async def request(
        self,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        """The action call in `json` run, and its answer (Rasa's `RemoteAction.run` asks)."""
        return await asyncio.to_thread(self._run, kwargs["json"])

    def _run(self, action_call: dict[str, Any]) -> dict[str, Any] | None:
        loop = getattr(_thread, "loop", None)
        if loop is None:
            loop = _thread.loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(self._executor.run(action_call))
        except ActionExecutionRejection as rejection:
            raise _refused(400, "Bad Request", rejection) from rejection
        except ActionNotFoundException as missing:
            raise _refused(404, "Not Found", missing) from missing


def _refused(
    status: int, reason: str, error: ActionExecutionRejection | ActionNotFoundException
) -> ClientResponseError:
    """What Rasa would have heard from the action server (rasa_sdk.endpoint)."""
    body = {"error": error.message, "action_name": error.action_name}
    return ClientResponseError(status, reason, json.dumps(body))


@cache
def executor() -> ActionExecutor:
    """rasa_sdk's executor with Parley's actions, built once per process."""
    actions = ActionExecutor()
    actions.register_package(ACTIONS_PACKAGE)
    return actions


_READ_ENDPOINTS = vars(AvailableEndpoints)["read_endpoints"].__func__


def _read_endpoints(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
    """Rasa's endpoints from `endpoint_file`, with the actions run in this process."""
    endpoints = _READ_ENDPOINTS(cls, endpoint_file)
    endpoints.action = InProcessActions(executor())
    return endpoints


PATCH = Patch(
    name=__name__,
    rasa_version="3.6.21",
    replacements=(
        Replacement(
            "rasa.core.utils:AvailableEndpoints.read_endpoints", classmethod(_read_endpoints)
        ),
    ),
)
