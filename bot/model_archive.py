"""Trained model archives named by a fingerprint of everything that shapes them.

The archive for the current config, domain, training data and custom NLU code is
`models/parley-<fingerprint>.tar.gz`; training runs only when that file is missing, so a
second `make run` starts at once and any edit retrains exactly once.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "bot" / "config.yml"
DOMAIN = PROJECT_ROOT / "bot" / "domain"
DATA = PROJECT_ROOT / "data"
CUSTOM_COMPONENTS = PROJECT_ROOT / "bot" / "nlu"
# Lead scoring rules and segments, the follow-up sequences and the content catalogue live
# under data/ too, but are read at run time.
SCORING_DATA = DATA / "scoring"
WORKFLOWS_DATA = DATA / "workflows"
CONTENT_DATA = DATA / "content"
TARGETING_DATA = DATA / "targeting"
RUN_TIME_DATA = (SCORING_DATA, WORKFLOWS_DATA, CONTENT_DATA, TARGETING_DATA)


def under(root: Path, path: Path) -> Path:
    """`path` (one of the constants above) in the project copy at `root`."""
    return root / path.relative_to(PROJECT_ROOT)


def model_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file whose content changes the trained model, in a stable order."""
    run_time = {under(root, directory) for directory in RUN_TIME_DATA}
    training_data = [p for p in under(root, DATA).rglob("*.yml") if run_time.isdisjoint(p.parents)]
    domain = under(root, DOMAIN).rglob("*.yml")
    custom = under(root, CUSTOM_COMPONENTS).rglob("*.py")
    return sorted([under(root, CONFIG), *domain, *training_data, *custom])


def fingerprint(files: Iterable[Path], root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def current_model_path(models_dir: Path, root: Path = PROJECT_ROOT) -> Path:
    """The archive for the project files at `root` (this checkout unless a copy is named):
    the same name for the same contents wherever the copy is."""
    return models_dir / f"parley-{fingerprint(model_inputs(root), root)}.tar.gz"


def train_arguments(models_dir: Path, name: str, root: Path = PROJECT_ROOT) -> list[str]:
    """`rasa train`'s arguments (after `rasa`) writing `models_dir/<name>.tar.gz` from the
    project files at `root`.

    Shared by the command line and the console's retraining, which runs the same training
    in its own process (bot/training).
    """
    return [
        "train",
        "--config",
        str(under(root, CONFIG)),
        "--domain",
        str(under(root, DOMAIN)),
        "--data",
        str(under(root, DATA)),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        name,
    ]


def ensure_model(models_dir: Path) -> Path:
    """The current model archive, training it first (in full) if the inputs changed.

    An archive the console fine-tuned (bot/training) is served as it is when its inputs
    are the current files; its manifest, or a new one for an archive without, records
    what it was trained from (its name proves it is the current files).
    """
    from bot.training.inputs import Manifest, input_hashes, manifest_path, write_manifest

    target = current_model_path(models_dir)
    if target.exists():
        shown = target.relative_to(PROJECT_ROOT) if PROJECT_ROOT in target.parents else target
        print(f"Model is up to date: {shown}", flush=True)
        if not manifest_path(target).exists():
            write_manifest(target, Manifest(input_hashes()))
        return target
    inputs = input_hashes()
    print(f"Training changed: building {target.name} ...", flush=True)
    name = target.name.removesuffix(".tar.gz")
    command = [sys.executable, "-m", "rasa", *train_arguments(models_dir, name)]
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} was not written")
    write_manifest(target, Manifest(inputs))
    return target
