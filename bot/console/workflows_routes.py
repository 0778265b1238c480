"""The follow-up sequences editor: each `data/workflows/*.yml` file edited as text, checked
(YAML, the sequences' format, the responses, segments, grades and form questions they
name) before it is saved exactly as submitted (`bot.console.file_editors`). The
sequences are read while the bot runs, so no retraining is needed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.console.file_editors import EditableFile, FileSection
from bot.editor import paths
from bot.followups.workflows import sequence_names_in

router = APIRouter(prefix="/console", include_in_schema=False)
TITLE = "Follow-up sequences"


def _files(root: Path) -> dict[str, EditableFile]:
    files = {}
    for path in paths.workflow_files(root):
        names = sequence_names_in(path)
        file = f"{paths.WORKFLOWS_DIR.as_posix()}/{path.stem}.yml"
        about = ", ".join(names) if names else "no sequences yet"
        files[path.stem] = EditableFile(file, path.stem, about, label=f"{TITLE} ({file})")
    return files


SECTION = FileSection(
    slug="workflows",
    title=TITLE,
    intro="Messages the bot sends on its own, later: when to start, what to send and when to "
    "stop. Changes apply to the next step the bot takes; no retraining is needed.",
    checks="the follow-up checks",
    kind="workflows.edited",
    what="workflow file",
    files=_files,
)
SECTION.add_routes(router)
