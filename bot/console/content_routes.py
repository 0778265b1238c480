"""The content and targeting editor: the web chat's triggers
(`data/targeting/triggers.yml`), the recommender's settings and each catalogue file of
`data/content`, edited as text, checked (YAML, their formats, the segments and content
items they name) before they are saved exactly as submitted. The running processes
reload them when a file changes (`bot.bootstrap.FileBacked`), so no retraining or
restart is needed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.api.deps import SessionDep
from bot.console.access import Marketer
from bot.console.auth import ConsoleUser
from bot.console.editing import (
    Version,
    YamlText,
    data_page,
    form_text,
    found,
    link,
    project_root,
    save,
    text_editor,
    version_of,
)
from bot.editor import Edit, Problem, paths
from bot.recommend.content_files import CONFIG_NAME, catalogue_files

router = APIRouter(prefix="/console", include_in_schema=False)
SECTION = "content"
TITLE = "Content and targeting"
INTRO = (
    "What the web chat opens with on each page and campaign, and the content the bot "
    "recommends. Changes apply to the next page a visitor opens and the next "
    "recommendation; no retraining is needed."
)
HINT = (
    "The whole file, comments included, saved exactly as written once the checks pass. "
    "Mistakes are reported with their line number."
)
TRIGGERS = "web-chat-triggers"


def _files(root: Path) -> dict[str, tuple[str, str, str]]:
    """Each editable file by its name in the URL: (path, title, what it holds)."""
    content = paths.CONTENT_DIR.as_posix()
    files = {
        TRIGGERS: (
            paths.TARGETING_FILE.as_posix(),
            "Web chat triggers",
            "The greeting and offer the chat opens with, by page, campaign, referrer, "
            "returning visit and segment.",
        ),
        "recommending": (
            f"{content}/{CONFIG_NAME}",
            "Recommender settings",
            "How much content similarity and what similar leads clicked count, and how "
            "many items to offer.",
        ),
    }
    for path in catalogue_files(root / paths.CONTENT_DIR):
        about = "Catalogue: " + path.stem.replace("_", " ")
        files[path.stem] = (f"{content}/{path.name}", path.stem, about)
    return files


def _lookup(name: str) -> tuple[str, str]:
    file, title, _ = found(_files(project_root()).get(name), "file")
    return file, title


@router.get("/data/content")
def content_files(request: Request, user: Marketer) -> Response:
    rows = [
        (link(SECTION, name), title, about, file)
        for name, (file, title, about) in _files(project_root()).items()
    ]
    return data_page(request, user, "data_files.html", title=TITLE, intro=INTRO, rows=rows)


def _editor(
    request: Request,
    user: ConsoleUser,
    name: str,
    *,
    text: str | None = None,
    version: str | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    root = project_root()
    file, title = _lookup(name)
    return text_editor(
        request,
        user,
        title=title,
        crumbs=[(link(), "Training data"), (link(SECTION), TITLE)],
        where=file,
        label=f"{title} ({file})",
        hint=HINT,
        text=(root / file).read_text(encoding="utf-8") if text is None else text,
        action=link(SECTION, name),
        version=version or version_of(root, [file]),
        problems=problems,
        status=status,
    )


@router.get("/data/content/{name}")
def content_page(name: str, request: Request, user: Marketer) -> Response:
    _lookup(name)
    return _editor(request, user, name)


@router.post("/data/content/{name}")
def save_content(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    file, text = _lookup(name)[0], form_text(yaml)

    def propose(root: Path) -> list[Edit]:
        return [Edit(file=file, before=(root / file).read_text(encoding="utf-8"), after=text)]

    return save(
        request,
        session,
        user,
        version=version,
        based_on=[file],
        propose=propose,
        form_again=lambda problems, status: _editor(
            request, user, name, text=text, version=version, problems=problems, status=status
        ),
        kind="content.edited",
        back=link(SECTION, name),
        needs_retraining=False,
    )
