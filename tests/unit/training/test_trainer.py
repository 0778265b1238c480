"""The training stage chooses between fine-tuning and a full training, falls back to a
full one when fine-tuning fails, and records each archive's manifest (Rasa faked)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.training import trainer
from bot.training.inputs import FINETUNED, FULL, Manifest, input_hashes, read_manifest
from tests.unit.training.conftest import append, archive_of

Progress = Callable[[float], None]


class FakeRasa:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, finetuning: Exception | None = None):
        self.calls: list[str] = []
        self.finetuning = finetuning
        monkeypatch.setattr(trainer, "finetune_from", self.finetune_from)
        monkeypatch.setattr(trainer, "train_in_full", self.train_in_full)

    def finetune_from(self, base: Path, output: Path, on_fraction: Progress, project: Path) -> Path:
        self.calls.append(f"finetune {base.name}")
        output.write_bytes(b"half")
        if self.finetuning:
            raise self.finetuning
        return output

    def train_in_full(self, models: Path, name: str, on_fraction: Progress, project: Path) -> Path:
        self.calls.append("full")
        archive = models / f"{name}.tar.gz"
        archive.write_bytes(b"model")
        return archive


def test_an_nlu_edit_fine_tunes_the_archive_it_was_made_from(
    project: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa = FakeRasa(monkeypatch)
    base = archive_of(models, project, Manifest(input_hashes(project), FINETUNED, 2, "x"))
    append(project / "data" / "nlu" / "lead.yml", "    - how many quid\n")
    archive = trainer.train(models, ".candidate-1", lambda f: None, project)
    assert rasa.calls == [f"finetune {base.name}"]
    manifest = read_manifest(archive)
    assert manifest is not None and manifest.kind == FINETUNED
    assert (manifest.base, manifest.generation) == (base.name, 3)
    assert manifest.inputs == input_hashes(project)


def test_a_failed_fine_tuning_trains_in_full(
    project: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa = FakeRasa(monkeypatch, finetuning=ValueError("new intent"))
    archive_of(models, project)
    append(project / "data" / "nlu" / "lead.yml", "    - how many quid\n")
    archive = trainer.train(models, ".candidate-1", lambda f: None, project)
    assert rasa.calls[-1] == "full" and len(rasa.calls) == 2
    assert read_manifest(archive).kind == FULL  # type: ignore[union-attr]
    assert archive.read_bytes() == b"model"


def test_a_domain_edit_trains_in_full(
    project: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa = FakeRasa(monkeypatch)
    archive_of(models, project)
    append(project / "data" / "nlu" / "lead.yml", "    - how many quid\n")
    append(project / "bot" / "domain" / "lead.yml", "\n# edited\n")
    archive = trainer.train(models, ".candidate-1", lambda f: None, project)
    assert rasa.calls == ["full"]
    assert read_manifest(archive) == Manifest(
        input_hashes(project), trained_at=read_manifest(archive).trained_at
    )  # type: ignore[union-attr]
