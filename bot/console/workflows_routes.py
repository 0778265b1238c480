"""The follow-up sequences editor: each `data/workflows/*.yml` file edited as text, checked
(YAML, the sequences' format, the responses, segments, grades and form questions they
name) before it is saved exactly as submitted. The sequences are read while the bot
runs, so no retraining is needed."""

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
from bot.followups.workflows import sequence_names_in

router = APIRouter(prefix="/console", include_in_schema=False)
WORKFLOWS_DIR = paths.WORKFLOWS_DIR.as_posix()
TITLE = "Follow-up sequences"
INTRO = (
    "Messages the bot sends on its own, later: when to start, what to send and when to "
    "stop. Changes apply to the next step the bot takes; no retraining is needed."
)
HINT = (
    "The whole file, comments included, saved exactly as written once the follow-up "
    "checks pass. Mistakes are reported with their line number."
)


def _file(name: str) -> str:
    return f"{WORKFLOWS_DIR}/{name}.yml"


def _about(path: Path) -> str:
    names = sequence_names_in(path)
    return ", ".join(names) if names else "no sequences yet"


@router.get("/data/workflows")
def workflow_files(request: Request, user: Marketer) -> Response:
    rows = [
        (link("workflows", path.stem), path.stem, _about(path), _file(path.stem))
        for path in paths.workflow_files(project_root())
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
    root, file = project_root(), _file(name)
    return text_editor(
        request,
        user,
        title=name,
        crumbs=[(link(), "Training data"), (link("workflows"), TITLE)],
        where=file,
        label=f"{TITLE} ({file})",
        hint=HINT,
        text=(root / file).read_text(encoding="utf-8") if text is None else text,
        action=link("workflows", name),
        version=version or version_of(root, [file]),
        problems=problems,
        status=status,
    )


def _lookup(name: str) -> str:
    known = {path.stem for path in paths.workflow_files(project_root())}
    return found(name if name in known else None, "workflow file")


@router.get("/data/workflows/{name}")
def workflow_page(name: str, request: Request, user: Marketer) -> Response:
    return _editor(request, user, _lookup(name))


@router.post("/data/workflows/{name}")
def save_workflow(
    name: str,
    request: Request,
    session: SessionDep,
    user: Marketer,
    version: Version = "",
    yaml: YamlText = "",
) -> Response:
    name = _lookup(name)
    file, text = _file(name), form_text(yaml)

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
        kind="workflows.edited",
        back=link("workflows", name),
        needs_retraining=False,
    )
