"""Every project file survives a load and dump byte for byte; writes are atomic."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.editor.yaml_files import FLUSH_SEQUENCES, INDENTED_SEQUENCES, load, write_atomically
from bot.settings import PROJECT_ROOT

PROJECT_FILES = sorted(
    [
        PROJECT_ROOT / "bot" / "config.yml",
        *(PROJECT_ROOT / "bot" / "domain").rglob("*.yml"),
        *(PROJECT_ROOT / "data").rglob("*.yml"),
    ]
)


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_project_file_round_trips_byte_for_byte(path: Path) -> None:
    document = load(path)

    assert document.round_trips
    assert document.dumps() == path.read_text(encoding="utf-8")


def test_nlu_files_keep_their_flush_sequences_and_stories_their_indented_ones() -> None:
    assert load(PROJECT_ROOT / "data" / "nlu" / "lead.yml").layout == FLUSH_SEQUENCES
    assert load(PROJECT_ROOT / "data" / "stories" / "qualification.yml").layout == (
        INDENTED_SEQUENCES
    )


def test_nulls_stay_spelled_null(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n  - rule: r\n    steps:\n      - active_loop: null\n")

    assert load(path).dumps() == path.read_text()


def test_atomic_write_replaces_the_file_keeps_its_mode_and_leaves_no_temp_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "greet.yml"
    path.write_text("old\n")
    path.chmod(0o640)

    write_atomically(path, "new\n")

    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["greet.yml"]
