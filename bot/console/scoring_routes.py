"""The scoring rules, segments and handoff editor: `data/scoring/rules.yml`,
`segments.yml` and `handoff.yml` edited as text, checked (YAML, their schemas, segments
against the grades, handoff rules against both) before they are saved exactly as
submitted (`bot.console.file_editors`). No retraining or restart is needed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.console.file_editors import EditableFile, FileSection
from bot.editor import paths

router = APIRouter(prefix="/console", include_in_schema=False)
SCORING_DIR = paths.SCORING_DIR.as_posix()
FILES = {
    "rules": ("Scoring rules", "How many points each answer is worth, and the grades."),
    "segments": ("Segments", "Which groups of leads exist, by their answers and grade."),
    "handoff": (
        "Handoff to the team",
        "Business hours, the wait for a rep, which leads go straight to a rep, and who takes what.",
    ),
}


def _files(_: Path) -> dict[str, EditableFile]:
    files = {}
    for name, (title, about) in FILES.items():
        file = f"{SCORING_DIR}/{name}.yml"
        files[name] = EditableFile(file, title, about, label=f"{title} ({file})")
    return files


SECTION = FileSection(
    slug="scoring",
    title="Scoring rules, segments and handoff",
    intro="Changes apply to the next lead scored and the next request for a person; "
    "no retraining is needed.",
    checks="the scoring checks",
    kind="scoring.edited",
    what="file",
    files=_files,
)
SECTION.add_routes(router)
