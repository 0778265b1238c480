"""The training stage of a run: fine-tune the previous archive, or train in full.

When only NLU examples changed since an archive in the models directory
(`inputs.finetuning_base`), its NLU is fine-tuned (`finetune`); otherwise, or if the
fine-tuning fails, `rasa train` runs with the same arguments as `parley train`, on Rasa's
training cache. Either way the archive gets its manifest (`inputs.write_manifest`): the
inputs it was trained from, so the next run can decide the same way.

Rasa runs in this process; its output goes to the run's log and, line by line, to the
progress parser.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.model_archive import CONFIG, train_arguments, under
from bot.settings import PROJECT_ROOT
from bot.training.finetune import FINETUNING_EPOCHS, finetune
from bot.training.inputs import (
    FINETUNED,
    Manifest,
    finetuning_base,
    input_hashes,
    read_manifest,
    write_manifest,
)
from bot.training.progress import LineSplitter, TrainingProgress, components, finetuning_plan
from bot.training.runs import RunFailed

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def rasa_output(
    progress: TrainingProgress, on_fraction: Callable[[float], None], errors: list[str]
) -> Iterator[None]:
    """Rasa's log and stderr, to the run's log and the progress parser; errors kept."""

    def on_line(line: str) -> None:
        if " ERROR " in line:
            errors.append(line.split(" - ", 1)[-1].strip())
        if progress.feed(line):
            on_fraction(progress.fraction)

    output = LineSplitter(on_line, sys.stderr)
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        with contextlib.redirect_stderr(output):
            yield
    finally:
        root.removeHandler(handler)


def train_in_full(
    models_dir: Path, name: str, on_fraction: Callable[[float], None], project: Path
) -> Path:
    """`models_dir/<name>.tar.gz` trained by Rasa's own `rasa train`, in this process."""
    from rasa.__main__ import create_argument_parser
    from rasa.cli.train import run_training

    errors: list[str] = []
    progress = TrainingProgress(components(under(project, CONFIG)))
    try:
        with rasa_output(progress, on_fraction, errors):
            arguments = create_argument_parser().parse_args(
                train_arguments(models_dir, name, project)
            )
            trained = run_training(arguments, can_exit=False)
    except SystemExit:
        # Rasa's data validation exits the process when it finds errors.
        trained = None
    if not trained or not Path(trained).exists():
        found = f" Rasa said: {errors[0]}" if errors else ""
        raise RunFailed(f"Rasa could not train a model from the training data.{found}")
    return Path(trained)


def finetune_from(
    base: Path, output: Path, on_fraction: Callable[[float], None], project: Path
) -> Path:
    """`output` fine-tuned from `base`, with the run's progress."""
    progress = TrainingProgress(finetuning_plan(under(project, CONFIG), FINETUNING_EPOCHS))
    with rasa_output(progress, on_fraction, []):
        return finetune(base, output, project)


def train(
    models_dir: Path,
    name: str,
    on_fraction: Callable[[float], None],
    project: Path = PROJECT_ROOT,
) -> Path:
    """Train `models_dir/<name>.tar.gz` from the project files at `project`, fine-tuned
    when only NLU examples changed since an archive there, and record its manifest."""
    inputs = input_hashes(project)
    base = finetuning_base(models_dir, project)
    archive = models_dir / f"{name}.tar.gz"
    if base is not None:
        before = read_manifest(base)
        generation = before.generation + 1 if before else 1
        print(f"Fine-tuning {base.name}: only NLU examples changed since it.", flush=True)
        try:
            finetune_from(base, archive, on_fraction, project)
        except Exception:
            logger.exception("fine-tuning %s failed; training in full instead", base.name)
            archive.unlink(missing_ok=True)
        else:
            write_manifest(archive, Manifest(inputs, FINETUNED, generation, base.name))
            return archive
    print("Training in full.", flush=True)
    trained = train_in_full(models_dir, name, on_fraction, project)
    write_manifest(trained, Manifest(inputs))
    return trained
