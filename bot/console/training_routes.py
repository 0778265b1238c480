"""Retraining from the console: the page with the live model and the runs, the button
that starts a run, and the run's status as JSON for the page's progress bar.

The run itself is another process (bot/training); these routes only start it and read
its record, so a page load never waits on TensorFlow.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from bot.api.deps import Caller, SessionDep, audit
from bot.console.access import Marketer, answers_data
from bot.console.auth import ConsoleUser
from bot.console.pages import HEADERS, page
from bot.model_archive import current_model_path
from bot.settings import get_settings
from bot.training.launch import RunRefused, current_run, current_runs, start_run
from bot.training.runs import STAGES, Run
from bot.training.servers import SwapFailed, rasa_servers

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "/console/training"
SHOWN_RUNS = 10
PAGE_STATUS_TIMEOUT_S = 2.0
STATE_LABELS = {
    "queued": "Starting",
    "training": "Training the model",
    "testing": "Checking the test stories",
    "loading": "Loading the new model into the bot",
    "live": "Live",
    "failed": "Failed",
}


def status_of(run: Run) -> dict[str, Any]:
    """What the page's script shows of a run."""
    percent = round(run.progress * 100)
    label = STATE_LABELS.get(run.state, run.state)
    text = f"{label} ({percent} %)" if run.active else label
    return {
        "id": run.id,
        "state": run.state,
        "active": run.active,
        "percent": percent,
        "text": text,
        "reason": run.reason,
        "failed_stories": run.failed_stories,
    }


def live_model() -> tuple[str | None, str | None]:
    """The archive the Rasa server serves, or None and why it is not known."""
    try:
        return rasa_servers(get_settings())[0].serving(timeout=PAGE_STATUS_TIMEOUT_S), None
    except SwapFailed as failure:
        return None, str(failure)


def _training_page(
    request: Request, user: ConsoleUser, *, error: str | None = None, status: int = 200
) -> Response:
    settings = get_settings()
    runs = current_runs(settings, SHOWN_RUNS)
    serving, unreachable = live_model()
    return page(
        request,
        user,
        "training.html",
        status,
        section=SECTION,
        runs=runs,
        running=next((run for run in runs if run.active), None),
        serving=serving,
        unreachable=unreachable,
        current=current_model_path(settings.models_dir, settings.training_root).name,
        stages=STAGES,
        labels=STATE_LABELS,
        status_of=status_of,
        error=error,
    )


@router.get("/training")
def training(request: Request, user: Marketer) -> Response:
    return _training_page(request, user)


@router.post("/training/runs")
def retrain(request: Request, session: SessionDep, user: Marketer) -> Response:
    try:
        run = start_run(get_settings(), user=user.name)
    except RunRefused as refusal:
        return _training_page(request, user, error=str(refusal), status=409)
    audit(session, Caller(user.name, user.role), "model.retrain_started", run_id=run.id)
    return RedirectResponse(SECTION, status_code=303)


@router.get("/training/runs/{run_id}")
@answers_data
def run_status(run_id: str, user: Marketer) -> Response:
    run = current_run(get_settings(), run_id[:64])
    if run is None:
        return JSONResponse({"detail": "No such run"}, status_code=404, headers=HEADERS)
    return JSONResponse(status_of(run), headers=HEADERS)
