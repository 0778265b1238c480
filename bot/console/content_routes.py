"""The content and targeting editor: the web chat's triggers
(`data/targeting/triggers.yml`), the recommender's settings and each catalogue file of
`data/content`, edited as text, checked (YAML, their formats, the segments and content
items they name) before they are saved exactly as submitted
(`bot.console.file_editors`). No retraining or restart is needed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.console.file_editors import EditableFile, FileSection
from bot.editor import paths
from bot.recommend.content_files import CONFIG_NAME, catalogue_files

router = APIRouter(prefix="/console", include_in_schema=False)


def _file(path: str, title: str, about: str) -> EditableFile:
    return EditableFile(path, title, about, label=f"{title} ({path})")


def _files(root: Path) -> dict[str, EditableFile]:
    content = paths.CONTENT_DIR.as_posix()
    files = {
        "web-chat-triggers": _file(
            paths.TARGETING_FILE.as_posix(),
            "Web chat triggers",
            "The greeting and offer the chat opens with, by page, campaign, referrer, "
            "returning visit and segment.",
        ),
        "recommending": _file(
            f"{content}/{CONFIG_NAME}",
            "Recommender settings",
            "How much content similarity and what similar leads clicked count, and how "
            "many items to offer.",
        ),
    }
    for path in catalogue_files(root / paths.CONTENT_DIR):
        about = "Catalogue: " + path.stem.replace("_", " ")
        files[path.stem] = _file(f"{content}/{path.name}", path.stem, about)
    return files


SECTION = FileSection(
    slug="content",
    title="Content and targeting",
    intro="What the web chat opens with on each page and campaign, and the content the bot "
    "recommends. Changes apply to the next page a visitor opens and the next "
    "recommendation; no retraining is needed.",
    checks="the checks",
    kind="content.edited",
    what="file",
    files=_files,
)
SECTION.add_routes(router)
