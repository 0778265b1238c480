"""A copy of the project's bot files, training data and actions for each editing test."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT


def copy_project(target: Path) -> Path:
    """Copy the config, domain, training data and actions to `target`; returns it."""
    (target / "bot").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "bot" / "config.yml", target / "bot" / "config.yml")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PROJECT_ROOT / "bot" / "domain", target / "bot" / "domain", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "data", target / "data", ignore=ignore)
    shutil.copytree(PROJECT_ROOT / "actions", target / "actions", ignore=ignore)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


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
