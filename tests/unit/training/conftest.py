"""A copy of the project's model inputs and a models folder, for the training tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.model_archive import current_model_path, model_inputs
from bot.settings import PROJECT_ROOT
from bot.training.inputs import Manifest, input_hashes, write_manifest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for path in model_inputs():
        target = copy / path.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return copy


@pytest.fixture
def models(tmp_path: Path) -> Path:
    directory = tmp_path / "models"
    directory.mkdir()
    return directory


def archive_of(models: Path, project: Path, manifest: Manifest | None = None) -> Path:
    """A (fake) archive trained from the project's current files, with its manifest."""
    archive = current_model_path(models, project)
    archive.write_bytes(b"model")
    write_manifest(archive, manifest or Manifest(input_hashes(project)))
    return archive


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
