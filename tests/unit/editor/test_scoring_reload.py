"""Scoring rules and segments saved from the console reach a running process: the
composition root reloads them when their file changes, without a restart."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import bootstrap
from bot.editor.yaml_files import write_atomically


@pytest.fixture
def scoring_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    rules = shutil.copy2(bootstrap.SCORING_RULES, tmp_path / "rules.yml")
    segments = shutil.copy2(bootstrap.SEGMENTS, tmp_path / "segments.yml")
    monkeypatch.setattr(bootstrap, "SCORING_RULES", Path(rules))
    monkeypatch.setattr(bootstrap, "SEGMENTS", Path(segments))
    bootstrap.scoring_rules.cache_clear()
    bootstrap.segments.cache_clear()
    yield Path(rules), Path(segments)
    bootstrap.scoring_rules.cache_clear()
    bootstrap.segments.cache_clear()


def test_unchanged_files_are_not_read_again(scoring_copy: tuple[Path, Path]) -> None:
    assert bootstrap.scoring_rules() is bootstrap.scoring_rules()
    assert bootstrap.segments() is bootstrap.segments()


def test_a_saved_change_is_picked_up_on_the_next_call(scoring_copy: tuple[Path, Path]) -> None:
    rules, segments = scoring_copy
    first = bootstrap.segments()[0].name
    old_rules = bootstrap.scoring_rules()

    text = segments.read_text(encoding="utf-8")
    write_atomically(segments, text.replace(f"name: {first}", "name: renamed_segment", 1))
    rules_text = rules.read_text(encoding="utf-8")
    write_atomically(rules, rules_text.replace("points: 15", "points: 16", 1))

    assert bootstrap.segments()[0].name == "renamed_segment"
    assert bootstrap.scoring_rules() != old_rules


def test_a_broken_file_keeps_the_last_good_rules(
    scoring_copy: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    _, segments = scoring_copy
    good = bootstrap.segments()

    write_atomically(segments, "segments: not a list\n")

    assert bootstrap.segments() == good
    assert "no longer loads" in caplog.text
