"""`retrain_s`: from a one-example edit of the training data to the new model answering.

    .venv/bin/python -m bench.retrain [--keep] [--log stack.log]

Against a running stack whose settings come from `retraining_scratch` (a copy of the
project files and a models directory of its own, so the checkout's data/ and models/ are
never touched):

1. checks that the live model does not yet read `EXAMPLE` as `INTENT` (Rasa's
   `POST /model/parse`);
2. adds `EXAMPLE` to `INTENT` as the console's save does (`bot.editor.add_example` as a
   dry run, the console's checks `validate_change`, then the atomic write);
3. starts a run as the console's Retrain button does (`bot.training.launch.start_run`:
   the run record, `python -m bot.training <run-id>`, training, the story gate, the load
   into every Rasa server in PARLEY_RASA_API_URLS) and follows it until live or failed;
4. polls every Rasa server until it reads the example as the intent.

`retrain_s` runs from the moment the edit is written to that answer; the run's own record
gives the time of each stage. Alone, it starts a stack of its own (as bench/sms_storm.py
does) and prints the figures and a RESULT line; `make bench` calls `measure_retrain` on
Parley's stack after its long conversation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from bench.stack_runner import running_stack, sms_settings
from bot.editor import Edit, add_example
from bot.editor.paths import ACTIONS_DIR
from bot.editor.yaml_files import write_atomically
from bot.model_archive import CONFIG, CUSTOM_COMPONENTS, DATA, DOMAIN, ensure_model
from bot.rasa_server import rasa_api_token
from bot.settings import PROJECT_ROOT, Settings
from bot.stack import child_environment
from bot.training.inputs import manifest_path
from bot.training.launch import current_run, spawn_process, start_run, store_of
from bot.training.runs import STAGES, Run, RunStore
from bot.training.stories import TEST_STORIES_DIR

# Not in the training data, and read as `inform` (confidence 1.0) by the model trained
# from it; a model retrained with the example reads it as `ask_pricing`.
INTENT = "ask_pricing"
EXAMPLE = "how many quid will it set me back"
USER = "bench"
# What a retraining reads: config, domain, data, the custom NLU components (part of the
# archive's fingerprint) and the test stories; the actions for the console's checks.
PROJECT_FILES = (
    *(path.relative_to(PROJECT_ROOT) for path in (CONFIG, DOMAIN, DATA, CUSTOM_COMPONENTS)),
    TEST_STORIES_DIR,
    ACTIONS_DIR,
)
RASA_CACHE = ".rasa/cache"  # Rasa's default, relative to the run's working directory
RASA_CACHE_DB = "cache.db"
RUN_TIMEOUT_S = 1800.0
ANSWER_TIMEOUT_S = 120.0
POLL_S = 0.5
PROGRESS_EVERY_S = 15.0
STOP_GRACE_S = 15.0


class RetrainFailed(RuntimeError):
    """The edit was refused, the run failed, or the new model never read the example."""


# --- the scratch project and models ------------------------------------------------------


def copy_project(root: Path, copy: Path) -> Path:
    """The files a retraining reads (and the console's checks need), copied from `root`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for relative in PROJECT_FILES:
        source, target = root / relative, copy / relative
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


@contextmanager
def retraining_scratch(settings: Settings, scratch: Path) -> Iterator[Settings]:
    """`settings` with retraining reading a copy of the project files and writing to a
    models directory of its own, both in the new folder `scratch` (removed on the way out,
    with the copy of Rasa's cache that `rasa_cache_index` puts there).

    The current model is copied in with its manifest (what it was trained from, so the
    run may fine-tune it), so the stack serves it and the Rasa servers' model swap (which
    only loads archives from their models directory) accepts the new one.
    Nothing trained on the edited data reaches the checkout's models/.
    """
    model = ensure_model(settings.models_dir)
    scratch.mkdir(parents=True)
    try:
        models = scratch / "models"
        models.mkdir()
        shutil.copy2(model, models / model.name)
        shutil.copy2(manifest_path(model), models / manifest_path(model).name)
        project = copy_project(PROJECT_ROOT, scratch / "project")
        yield settings.copy(update={"models_dir": models, "training_root": project})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def rasa_cache_index(scratch: Path) -> dict[str, str]:
    """Environment giving the run a copy of the index of Rasa's training cache.

    The index's entries point at the checkout's cached results, which the run only reads,
    so it restores every component the edit leaves unchanged, as a run from the console
    does; what it trains is cached under `scratch`. So the checkout's cache does not
    learn the edited data, and every measurement trains the example as new.
    """
    location = Path(os.environ.get("RASA_CACHE_DIRECTORY", RASA_CACHE))
    name = os.environ.get("RASA_CACHE_NAME", RASA_CACHE_DB)
    index = (location if location.is_absolute() else PROJECT_ROOT / location) / name
    copy = scratch / "rasa-cache"
    copy.mkdir(parents=True, exist_ok=True)
    if index.exists():
        with sqlite3.connect(index) as source, sqlite3.connect(copy / name) as target:
            source.backup(target)
    return {"RASA_CACHE_DIRECTORY": str(copy), "RASA_CACHE_NAME": name}


# --- the edit ----------------------------------------------------------------------------


def one_example_edit(root: Path, intent: str, text: str) -> Edit:
    """The console's edit adding `text` to `intent` (not written): one line more."""
    edit = add_example(root, intent=intent, text=text, dry_run=True)
    before, after = edit.before.splitlines(), edit.after.splitlines()
    added = [line for line in after if line not in before]
    if len(after) != len(before) + 1 or added != [f"    - {' '.join(text.split())}"]:
        raise RetrainFailed(f"adding one example changed more than one line of {edit.file}")
    return edit


def save_like_the_console(root: Path, edit: Edit) -> None:
    """The console's save of a computed edit: its checks on a copy, then the write."""
    from bot.editor.validation import validate_change  # loads Rasa, as the API's first save

    problems = validate_change(root, changes={edit.file: edit.after})
    if problems:
        raise RetrainFailed("the console would refuse the edit: " + "; ".join(map(str, problems)))
    write_atomically(root / edit.file, edit.after)


# --- the Rasa servers --------------------------------------------------------------------


def read_intent(url: str, token: str, text: str) -> tuple[str, float]:
    """The intent (and confidence) a Rasa server reads in `text`: `POST /model/parse`."""
    response = httpx.post(
        f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60.0
    )
    response.raise_for_status()
    intent = response.json()["intent"]
    return str(intent["name"]), float(intent["confidence"])


def wait_until_read_as(settings: Settings, text: str, intent: str) -> dict[str, float]:
    """Polls every Rasa server until each reads `text` as `intent`; their confidences."""
    token = rasa_api_token(settings)
    waiting = list(settings.rasa_api_url_list)
    confidences: dict[str, float] = {}
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while waiting:
        for url in list(waiting):
            read, confidence = read_intent(url, token, text)
            if read == intent:
                confidences[url] = confidence
                waiting.remove(url)
        if waiting and time.monotonic() > deadline:
            raise RetrainFailed(
                f"after the run went live, {waiting[0]} still reads {text!r} as {read} "
                f"({confidence:.2f}), not {intent}"
            )
        if waiting:
            time.sleep(POLL_S)
    return confidences


# --- the run -----------------------------------------------------------------------------


def run_process_ids(run_id: str) -> list[int]:
    """The process of run `run_id` (`python -m bot.training <run-id>`), if it lives."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"bot.training" in arguments and run_id.encode() in arguments:
            found.append(int(entry.name))
    return found


def stop_run_process(run_id: str, *, after_s: float = 0.0) -> None:
    """Ends a run's process if it is still there after `after_s` (it has a session of its
    own, so it would outlive us): TERM, then KILL."""
    deadline = time.monotonic() + after_s
    while (pids := run_process_ids(run_id)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while pids and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = run_process_ids(run_id)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def wait_for_run(settings: Settings, run_id: str) -> Run:
    """The run once it is live or failed, with its progress printed now and then."""
    started = time.monotonic()
    reported = started
    while True:
        run = current_run(settings, run_id)
        if run is None:
            raise RetrainFailed(f"run {run_id} has no record")
        if not run.active:
            return run
        now = time.monotonic()
        if now - started > RUN_TIMEOUT_S:
            raise RetrainFailed(f"run {run_id} was still {run.state} after {RUN_TIMEOUT_S:.0f} s")
        if now - reported >= PROGRESS_EVERY_S:
            reported = now
            print(f"    {now - started:4.0f} s: {run.state} ({run.progress:.0%})", flush=True)
        time.sleep(POLL_S)


def stage_seconds(run: Run) -> dict[str, float]:
    """Each stage the run went through, in seconds."""
    return {
        name: round(stage.seconds, 1)
        for name in STAGES
        if (stage := run.stages.get(name)) is not None and stage.seconds is not None
    }


def start_like_the_console(settings: Settings, environment: dict[str, str]) -> Run:
    """`start_run` as the API calls it; the run's process gets the environment the API
    process of this stack has (its settings), plus `environment`."""

    wanted = child_environment(settings) | environment

    def spawn(command: list[str], descriptor: int, store: RunStore, run: Run) -> None:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(wanted)
        try:
            spawn_process(command, descriptor, store, run)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    return start_run(settings, user=USER, spawn=spawn)


def measure_retrain(
    settings: Settings, scratch: Path, *, intent: str = INTENT, example: str = EXAMPLE
) -> dict[str, Any]:
    """Edit, retrain and wait for the answer on the running stack of `settings` (from
    `retraining_scratch`); `retrain_s`, the run's stages and where its log is."""
    if settings.training_root.resolve() == PROJECT_ROOT:
        raise RetrainFailed("the benchmark edits a copy of the project: use retraining_scratch")
    token = rasa_api_token(settings)
    before, confidence = read_intent(settings.rasa_api_url_list[0], token, example)
    if before == intent:
        raise RetrainFailed(f"the live model already reads {example!r} as {intent}")
    print(f"  retrain: the live model reads {example!r} as {before} ({confidence:.2f})")
    edit = one_example_edit(settings.training_root, intent, example)
    checked = time.monotonic()
    save_like_the_console(settings.training_root, edit)
    edited = time.monotonic()
    edited_at = time.time()
    print(f"  retrain: added to {intent} in {edit.file} (checked in {edited - checked:.1f} s)")
    run = start_like_the_console(settings, rasa_cache_index(scratch))
    log = store_of(settings).log_path(run.id)
    print(f"  retrain: run {run.id} started; its log is {log}", flush=True)
    try:
        run = wait_for_run(settings, run.id)
    except BaseException:
        stop_run_process(run.id)
        raise
    stop_run_process(run.id, after_s=STOP_GRACE_S)  # it ends once its record is final
    if run.state != "live":
        failing = ", ".join(run.failed_stories)
        stories = f" Failing stories: {failing}." if failing else ""
        raise RetrainFailed(f"run {run.id} failed: {run.reason}{stories} See {log}.")
    live_s = time.monotonic() - edited
    confidences = wait_until_read_as(settings, example, intent)
    retrain_s = time.monotonic() - edited
    stages = stage_seconds(run)
    training = run.stages.get("training")
    return {
        "retrain_s": round(retrain_s, 1),
        "stages_s": stages,
        "process_start_s": round(training.started - edited_at, 1) if training else None,
        "live_s": round(live_s, 1),
        "check_s": round(edited - checked, 1),
        "intent_before": before,
        "confidence_after": round(min(confidences.values()), 2),
        "model": run.model,
        "run_id": run.id,
        "log": str(log),
    }


def print_retrain(figures: dict[str, Any]) -> None:
    stages = ", ".join(f"{name} {seconds:g} s" for name, seconds in figures["stages_s"].items())
    print(
        f"\nOne-example edit to the new model answering: {figures['retrain_s']:g} s "
        f"(run process start {figures['process_start_s']} s, {stages}; "
        f"live after {figures['live_s']:g} s)"
    )
    print(
        f"The new model reads the example as {INTENT} ({figures['confidence_after']:.2f}), "
        f"the old one read {figures['intent_before']}; run log: {figures['log']}"
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.retrain",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--log", type=Path, help="keep the stack's output in this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep the stack's var dir (the run's log and record)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # So that `kill` or `timeout` still stops the stack and the run through the finally clauses.
    signal.signal(signal.SIGTERM, _interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="parley-retrain-"))
    log_path = args.log or scratch / "stack.log"
    try:
        base = sms_settings(scratch / "var", "http://127.0.0.1:9/unused")
        with (
            retraining_scratch(base, scratch / "retrain") as settings,
            running_stack(settings, log_path),
        ):
            figures = measure_retrain(settings, scratch / "retrain")
        print_retrain(figures)
        stages = figures["stages_s"]
        print(
            f"RESULT retrain_s={figures['retrain_s']:g} "
            + " ".join(f"{name}_s={stages[name]:g}" for name in stages),
            flush=True,
        )
        return 0
    except RetrainFailed as failure:
        print(f"Retraining failed: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the stack and the run were stopped.")
        return 130
    finally:
        if args.keep:
            print(f"Kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
