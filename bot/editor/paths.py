"""Where marketers' files live, relative to a project root (the real one or a copy)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from bot.model_archive import (
    CONFIG,
    CONTENT_DATA,
    DATA,
    DOMAIN,
    RUN_TIME_DATA,
    SCORING_DATA,
    TARGETING_DATA,
    WORKFLOWS_DATA,
)
from bot.settings import PROJECT_ROOT

CONFIG_FILE = CONFIG.relative_to(PROJECT_ROOT)
DOMAIN_DIR = DOMAIN.relative_to(PROJECT_ROOT)
DATA_DIR = DATA.relative_to(PROJECT_ROOT)
SCORING_DIR = SCORING_DATA.relative_to(PROJECT_ROOT)
WORKFLOWS_DIR = WORKFLOWS_DATA.relative_to(PROJECT_ROOT)
CONTENT_DIR = CONTENT_DATA.relative_to(PROJECT_ROOT)
TARGETING_FILE = TARGETING_DATA.relative_to(PROJECT_ROOT) / "triggers.yml"
RUN_TIME_DIRS = tuple(directory.relative_to(PROJECT_ROOT) for directory in RUN_TIME_DATA)
ACTIONS_DIR = Path("actions")


def relative(root: Path, path: Path) -> str:
    """`path` as the editor names files: relative to the root, with forward slashes."""
    return PurePosixPath(path.relative_to(root).as_posix()).as_posix()


def domain_files(root: Path) -> list[Path]:
    return sorted((root / DOMAIN_DIR).rglob("*.yml"))


def training_files(root: Path) -> list[Path]:
    """NLU, story and rule files: everything under data/ except the files read at run
    time (the scoring rules, the follow-up sequences, the content catalogue, the web
    chat's triggers)."""
    run_time = {root / directory for directory in RUN_TIME_DIRS}
    return sorted(p for p in (root / DATA_DIR).rglob("*.yml") if run_time.isdisjoint(p.parents))


HANDOFF_FILE = SCORING_DIR / "handoff.yml"


def scoring_files(root: Path) -> list[Path]:
    """The scoring rules and segments (the handoff settings beside them are not scoring)."""
    return sorted(p for p in (root / SCORING_DIR).glob("*.yml") if p != root / HANDOFF_FILE)


def workflow_files(root: Path) -> list[Path]:
    return sorted((root / WORKFLOWS_DIR).glob("*.yml"))
