"""Which inputs changed since an archive, and whether a retraining fine-tunes it or trains
in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.training.inputs import (
    FINETUNED,
    MAX_GENERATIONS,
    Manifest,
    changed_inputs,
    finetuning_base,
    input_hashes,
    manifest_path,
    only_nlu_changed,
    read_manifest,
    write_manifest,
)
from tests.unit.training.conftest import append, archive_of


def test_the_manifest_sits_beside_its_archive_and_reads_back(models: Path) -> None:
    archive = models / "parley-0123456789ab.tar.gz"
    written = Manifest({"bot/config.yml": "aa"}, FINETUNED, 2, "parley-ba9876543210.tar.gz")
    assert write_manifest(archive, written) == models / "parley-0123456789ab.inputs.json"
    assert read_manifest(archive) == written
    assert read_manifest(models / "parley-ffffffffffff.tar.gz") is None


def test_an_added_nlu_example_may_be_fine_tuned(project: Path, models: Path) -> None:
    base = archive_of(models, project)
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy there\n")
    assert changed_inputs(read_manifest(base).inputs, input_hashes(project)) == [  # type: ignore[union-attr]
        "data/nlu/chitchat.yml"
    ]
    assert finetuning_base(models, project) == base


@pytest.mark.parametrize(
    "changed",
    [
        "bot/config.yml",
        "bot/domain/lead.yml",
        "data/stories/qualification.yml",
        "data/rules/conversation.yml",
        "bot/nlu/structured_entities.py",
    ],
)
def test_anything_but_nlu_examples_changed_trains_in_full(
    project: Path, models: Path, changed: str
) -> None:
    archive_of(models, project)
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy there\n")
    append(project / changed, "\n# changed\n")
    assert finetuning_base(models, project) is None


def test_a_new_data_file_with_stories_in_the_nlu_folder_trains_in_full(
    project: Path, models: Path
) -> None:
    archive_of(models, project)
    (project / "data" / "nlu" / "more.yml").write_text(
        'version: "3.1"\nstories:\n- story: s\n  steps:\n  - intent: greet\n', encoding="utf-8"
    )
    assert finetuning_base(models, project) is None
    (project / "data" / "nlu" / "more.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - yo\n', encoding="utf-8"
    )
    assert finetuning_base(models, project) is not None


def test_nothing_changed_is_not_a_fine_tuning(project: Path) -> None:
    hashes = input_hashes(project)
    assert not only_nlu_changed(hashes, hashes, project)


def test_without_a_manifest_or_an_archive_it_trains_in_full(project: Path, models: Path) -> None:
    assert finetuning_base(models, project) is None
    archive = archive_of(models, project)
    manifest_path(archive).unlink()
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy there\n")
    assert finetuning_base(models, project) is None


def test_a_chain_of_fine_tunings_ends_in_a_full_training(project: Path, models: Path) -> None:
    hashes = input_hashes(project)
    archive_of(models, project, Manifest(hashes, FINETUNED, MAX_GENERATIONS))
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy there\n")
    assert finetuning_base(models, project) is None


def test_the_newest_compatible_archive_is_the_base(project: Path, models: Path) -> None:
    old = archive_of(models, project, Manifest(input_hashes(project), trained_at=1.0))
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy there\n")
    new = archive_of(models, project, Manifest(input_hashes(project), trained_at=2.0))
    assert old != new
    append(project / "data" / "nlu" / "chitchat.yml", "    - ahoy again\n")
    assert finetuning_base(models, project) == new
