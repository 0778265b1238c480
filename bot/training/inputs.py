"""What an archive was trained from, and whether a retraining may fine-tune it.

Beside each archive `models/parley-<fingerprint>.tar.gz`, `parley-<fingerprint>.inputs.json`
records the hash of every model input (`bot.model_archive.model_inputs`), how the archive
was trained (`full`: every component from its config; `finetuned`: DIET trained on from
another archive for a few epochs, the rest of that archive kept) and, for a fine-tuned
one, how many fine-tunings separate it from a full training.

A retraining fine-tunes only when the NLU examples are all that changed since an archive
(config, domain, stories, rules and custom components identical), and that archive is at
most `MAX_GENERATIONS` fine-tunings from a full training; anything else trains in full.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from bot.model_archive import DATA, PROJECT_ROOT, model_inputs, under

ARCHIVE_SUFFIX = ".tar.gz"
MANIFEST_SUFFIX = ".inputs.json"
NLU_DATA = DATA / "nlu"
NLU_KEYS = {"version", "nlu"}  # what a file of NLU examples may hold, and nothing else
# A fine-tuned DIET keeps the vocabulary of the full training it descends from (new
# words are unknown to it), so a chain of fine-tunings ends in a full training.
MAX_GENERATIONS = 5
FULL, FINETUNED = "full", "finetuned"


@dataclass(frozen=True)
class Manifest:
    inputs: dict[str, str]
    kind: str = FULL
    generation: int = 0  # fine-tunings since the last full training
    base: str | None = None  # the archive a fine-tuned one was trained on from
    trained_at: float = field(default_factory=time.time)


def input_hashes(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Every model input of the project at `root`, by path relative to it: its sha256."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in model_inputs(root)
    }


def manifest_path(archive: Path) -> Path:
    return archive.with_name(archive.name.removesuffix(ARCHIVE_SUFFIX) + MANIFEST_SUFFIX)


def write_manifest(archive: Path, manifest: Manifest) -> Path:
    path = manifest_path(archive)
    draft = path.with_name(f".{path.name}.draft")
    draft.write_text(json.dumps(asdict(manifest), indent=1, sort_keys=True), encoding="utf-8")
    draft.replace(path)
    return path


def move_archive(archive: Path, target: Path) -> Path:
    """Renames `archive` to `target`, its manifest with it."""
    if manifest_path(archive).exists():
        manifest_path(archive).replace(manifest_path(target))
    return archive.replace(target)


def read_manifest(archive: Path) -> Manifest | None:
    try:
        data = json.loads(manifest_path(archive).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def is_nlu_only(relative: str, root: Path) -> bool:
    """Whether the input `relative` (to `root`) holds NLU examples and nothing else."""
    nlu = under(root, NLU_DATA).relative_to(root).as_posix() + "/"
    if not relative.startswith(nlu):
        return False
    path = root / relative
    if not path.exists():
        return True  # a file of examples taken out
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and set(data) <= NLU_KEYS


def changed_inputs(before: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """The inputs added, removed or changed between two sets of hashes."""
    return sorted(name for name in {*before, *now} if before.get(name) != now.get(name))


def only_nlu_changed(before: Mapping[str, str], now: Mapping[str, str], root: Path) -> bool:
    """Whether something changed, and only files of NLU examples did."""
    changed = changed_inputs(before, now)
    return bool(changed) and all(is_nlu_only(name, root) for name in changed)


def finetuning_base(models_dir: Path, root: Path = PROJECT_ROOT) -> Path | None:
    """The newest archive in `models_dir` that the project at `root` may be fine-tuned
    from (only NLU examples changed since it, within MAX_GENERATIONS), or None."""
    now = input_hashes(root)
    candidates = []
    for archive in models_dir.glob(f"parley-*{ARCHIVE_SUFFIX}"):
        manifest = read_manifest(archive)
        if (
            manifest is not None
            and manifest.generation < MAX_GENERATIONS
            and only_nlu_changed(manifest.inputs, now, root)
        ):
            candidates.append((manifest.trained_at, archive))
    return max(candidates)[1] if candidates else None
