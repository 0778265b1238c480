"""What the training-data editors of the console share: the project they edit, the
version stamp of a form, and the one way every change is saved.

A save goes (its CSRF token already checked by the console's routers): the files the form
was rendered from are unchanged (else it is refused: someone saved meanwhile, and
overwriting would silently drop their change) → the edit computed as a dry run →
`validate_change` on a project copy → written, atomically file by file → audited → its
diff shown. Any refusal shows the editor's form again with the marketer's input and the
problems (file:line), and writes nothing. Saves hold one lock per process, so another save
cannot slip in between the version check and the write.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.api.deps import Caller, audit
from bot.console.access import NoSuchThing
from bot.console.auth import ConsoleUser
from bot.console.pages import page
from bot.editor import Edit, EditError, Problem
from bot.editor import paths as editor_paths
from bot.editor.yaml_files import write_atomically
from bot.settings import PROJECT_ROOT

SECTION = "/console/data"
RETRAIN = "/console/training"
Version = Annotated[str, Form(max_length=100)]
Field = Annotated[str, Form(max_length=1_000)]
YamlText = Annotated[str, Form(max_length=200_000)]
# Shows the form again with these problems and this HTTP status.
FormAgain = Callable[[list[Problem], int], Response]

T = TypeVar("T")

_saving = threading.Lock()


def project_root() -> Path:
    """The project whose files the console edits (tests point `PROJECT_ROOT` at a copy)."""
    return PROJECT_ROOT


def link(*parts: str) -> str:
    """A URL under /console/data with each name percent-encoded as one path segment."""
    return SECTION + "".join(f"/{quote(part, safe='')}" for part in parts)


def version_of(root: Path, files: Iterable[str]) -> str:
    """A stamp of the files' current content, sent with a form to detect later saves."""
    digest = hashlib.sha256()
    for file in sorted(set(files)):
        path = root / file
        digest.update(file.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def editable_files(root: Path) -> list[str]:
    """Every domain and training data file: what a new intent's form depends on."""
    files = [*editor_paths.domain_files(root), *editor_paths.training_files(root)]
    return [editor_paths.relative(root, path) for path in files]


def form_text(value: str) -> str:
    """A submitted text with the browser's CRLF line ends as the files have them (LF)."""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def diff_lines(edit: Edit) -> list[tuple[str, str]]:
    """The edit as a unified diff: (kind, line) with kind file, hunk, added, removed or same."""
    lines = difflib.unified_diff(
        edit.before.splitlines(),
        edit.after.splitlines(),
        fromfile=f"{edit.file} (before)",
        tofile=f"{edit.file} (after)",
        lineterm="",
    )
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [
        ("file" if number < 2 else kinds.get(line[:1], "same"), line)
        for number, line in enumerate(lines)
    ]


def found(thing: T | None, what: str) -> T:
    """The thing a page is about (an intent, a response, ...), or NoSuchThing naming `what`,
    which the console answers with its "No such ..." page."""
    if thing is None:
        raise NoSuchThing(what)
    return thing


def data_page(
    request: Request, user: ConsoleUser, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A training-data page: the console's page with its section and `link` filled in."""
    return page(request, user, template, status, section=SECTION, link=link, **context)


def save(
    request: Request,
    session: Session,
    user: ConsoleUser,
    *,
    version: str,
    based_on: Iterable[str],
    propose: Callable[[Path], list[Edit]],
    form_again: FormAgain,
    kind: str,
    back: str,
    needs_retraining: bool = True,
) -> Response:
    """Validate and save the edits `propose` computes (as a dry run) on the project."""
    root = project_root()
    files = list(based_on)
    with _saving:
        if version != version_of(root, files):
            return form_again([stale(files)], 409)
        try:
            edits = [edit for edit in propose(root) if edit.before != edit.after]
            changes = {edit.file: edit.after for edit in edits}
            problems = _validate(root, changes) if changes else []
        except EditError as error:
            return form_again([Problem(error.file, error.line, error.message)], 422)
        if problems:
            return form_again(problems, 422)
        for edit in edits:
            write_atomically(root / edit.file, edit.after)
    caller = Caller(user.name, user.role)
    for edit in edits:
        audit(session, caller, "training_data.edited", file=edit.file, kind=kind)
    return data_page(
        request,
        user,
        "data_saved.html",
        title="Saved",
        diffs=[(edit.file, diff_lines(edit)) for edit in edits],
        back=back,
        retrain=RETRAIN if needs_retraining else None,
    )


def stale(files: list[str]) -> Problem:
    where = files[0] if len(files) == 1 else None
    return Problem(
        where,
        None,
        "Someone else saved a change to this since you opened the page, so nothing was "
        "saved (yours would have overwritten theirs). Copy your text if you need it, open "
        "the page again to see their change, then make yours.",
    )


def text_editor(
    request: Request,
    user: ConsoleUser,
    *,
    title: str,
    crumbs: list[tuple[str, str]],
    where: str,
    label: str,
    hint: str,
    text: str,
    action: str,
    version: str,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The page editing YAML as text (a story, a rule, a scoring file)."""
    return data_page(
        request,
        user,
        "data_text.html",
        status,
        title=title,
        crumbs=crumbs,
        where=where,
        label=label,
        hint=hint,
        text=text,
        action=action,
        version=version,
        problems=problems or [],
    )


def _validate(root: Path, changes: dict[str, str]) -> list[Problem]:
    # Imported on the first save: Rasa's validator brings TensorFlow, which the API
    # process need not load (nor wait for at start) until a marketer saves an edit.
    from bot.editor.validation import validate_change

    return validate_change(root, changes=changes)
