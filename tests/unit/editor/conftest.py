"""A copy of the project's bot files, training data and actions for each editing test."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bot").mkdir()
    shutil.copy2(PROJECT_ROOT / "bot" / "config.yml", tmp_path / "bot" / "config.yml")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PROJECT_ROOT / "bot" / "domain", tmp_path / "bot" / "domain", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "actions", tmp_path / "actions", ignore=ignore)
    return tmp_path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return (
        [line[2:] for line in diff if line.startswith("- ")],
        [line[2:] for line in diff if line.startswith("+ ")],
    )


@pytest.fixture
def diff() -> Callable[[str, str], tuple[list[str], list[str]]]:
    return changed_lines
