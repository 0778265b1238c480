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
# Lead scoring rules and segments live under data/ too, but are read at run time.
SCORING_DATA = DATA / "scoring"


def model_inputs() -> list[Path]:
    """Every file whose content changes the trained model, in a stable order."""
    training_data = [p for p in DATA.rglob("*.yml") if SCORING_DATA not in p.parents]
    files = [CONFIG, *DOMAIN.rglob("*.yml"), *training_data, *CUSTOM_COMPONENTS.rglob("*.py")]
    return sorted(files)


def fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def current_model_path(models_dir: Path) -> Path:
    return models_dir / f"parley-{fingerprint(model_inputs())}.tar.gz"


def train_arguments(models_dir: Path, name: str) -> list[str]:
    """`rasa train`'s arguments (after `rasa`) writing `models_dir/<name>.tar.gz`.

    Shared by the command line and the console's retraining, which runs the same training
    in its own process (bot/training).
    """
    return [
        "train",
        "--config",
        str(CONFIG),
        "--domain",
        str(DOMAIN),
        "--data",
        str(DATA),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        name,
    ]


def ensure_model(models_dir: Path) -> Path:
    """The current model archive, training it first if the inputs changed."""
    target = current_model_path(models_dir)
    if target.exists():
        print(f"Model is up to date: {target.relative_to(PROJECT_ROOT)}", flush=True)
        return target
    print(f"Training changed: building {target.name} ...", flush=True)
    name = target.name.removesuffix(".tar.gz")
    command = [sys.executable, "-m", "rasa", *train_arguments(models_dir, name)]
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} was not written")
    return target
