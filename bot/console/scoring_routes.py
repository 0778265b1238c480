"""The scoring rules, segments and handoff editor: `data/scoring/rules.yml`,
`segments.yml` and `handoff.yml` edited as text, checked (YAML, their schemas, segments
against the grades, handoff rules against both) before they are saved exactly as
submitted. The running processes reload them when the file
changes (`bot.bootstrap.FileBacked`), so no retraining or restart is needed."""

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
HINT = (
    "The whole file, comments included, saved exactly as written once the scoring checks "
    "pass. Mistakes are reported with their line number."
)


def _file(name: str) -> str:
    return f"{SCORING_DIR}/{name}.yml"


@router.get("/data/scoring")
def scoring_files(request: Request, user: Marketer) -> Response:
    rows = [
        (link("scoring", name), title, about, _file(name)) for name, (title, about) in FILES.items()
    ]
    return data_page(
        request,
        user,
        "data_files.html",
        title="Scoring rules, segments and handoff",
        intro="Changes apply to the next lead scored and the next request for a person; "
        "no retraining is needed.",
        rows=rows,
    )


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
        title=FILES[name][0],
        crumbs=[
            (link(), "Training data"),
            (link("scoring"), "Scoring rules, segments and handoff"),
        ],
        where=file,
        label=f"{FILES[name][0]} ({file})",
        hint=HINT,
        text=(root / file).read_text(encoding="utf-8") if text is None else text,
        action=link("scoring", name),
        version=version or version_of(root, [file]),
        problems=problems,
        status=status,
    )


def _lookup(name: str) -> str:
    return found(name if name in FILES else None, "file")


@router.get("/data/scoring/{name}")
def scoring_page(name: str, request: Request, user: Marketer) -> Response:
    return _editor(request, user, _lookup(name))


@router.post("/data/scoring/{name}")
def save_scoring(
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
        kind="scoring.edited",
        back=link("scoring", name),
        needs_retraining=False,
    )
