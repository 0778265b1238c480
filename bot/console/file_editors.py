"""Whole-file editors for the files read at run time (scoring rules, follow-up sequences,
content and targeting): a listing under ``/console/data/<slug>`` and one page per file
that edits it as text. A save is checked as every console edit is (`editing.save`: YAML,
the file's own checks, the files that name it) and written exactly as submitted; the
running processes reload the files when they change (`bot.bootstrap.FileBacked`), so no
retraining is needed.

Each section says what it lists (`FileSection`); `add_routes` gives it its three routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from bot.editor import Edit, Problem

__all__ = ["EditableFile", "FileSection"]


@dataclass(frozen=True)
class EditableFile:
    path: str  # relative to the project root, with forward slashes
    title: str  # the editor's heading, and the file's name in the listing
    about: str  # what it holds, in the listing
    label: str  # the text area's label


@dataclass(frozen=True)
class FileSection:
    slug: str  # the pages are /console/data/<slug> and /console/data/<slug>/<name>
    title: str
    intro: str
    checks: str  # what checks a save ("the scoring checks"), in the editor's hint
    kind: str  # the audit entry's kind for a save
    what: str  # what a name that is not there is called on the 404 page ("file")
    files: Callable[[Path], dict[str, EditableFile]]  # by name in the URL, in order

    @property
    def hint(self) -> str:
        return (
            f"The whole file, comments included, saved exactly as written once {self.checks} "
            "pass. Mistakes are reported with their line number."
        )

    def _lookup(self, name: str) -> EditableFile:
        return found(self.files(project_root()).get(name), self.what)

    def _listing(self, request: Request, user: ConsoleUser) -> Response:
        rows = [
            (link(self.slug, name), file.title, file.about, file.path)
            for name, file in self.files(project_root()).items()
        ]
        return data_page(
            request, user, "data_files.html", title=self.title, intro=self.intro, rows=rows
        )

    def _editor(
        self,
        request: Request,
        user: ConsoleUser,
        name: str,
        *,
        text: str | None = None,
        version: str | None = None,
        problems: list[Problem] | None = None,
        status: int = 200,
    ) -> Response:
        root, file = project_root(), self._lookup(name)
        return text_editor(
            request,
            user,
            title=file.title,
            crumbs=[(link(), "Training data"), (link(self.slug), self.title)],
            where=file.path,
            label=file.label,
            hint=self.hint,
            text=(root / file.path).read_text(encoding="utf-8") if text is None else text,
            action=link(self.slug, name),
            version=version or version_of(root, [file.path]),
            problems=problems,
            status=status,
        )

    def _save(
        self,
        request: Request,
        session: SessionDep,
        user: ConsoleUser,
        name: str,
        version: str,
        yaml: str,
    ) -> Response:
        path, text = self._lookup(name).path, form_text(yaml)

        def propose(root: Path) -> list[Edit]:
            return [Edit(file=path, before=(root / path).read_text(encoding="utf-8"), after=text)]

        return save(
            request,
            session,
            user,
            version=version,
            based_on=[path],
            propose=propose,
            form_again=lambda problems, status: self._editor(
                request, user, name, text=text, version=version, problems=problems, status=status
            ),
            kind=self.kind,
            back=link(self.slug, name),
            needs_retraining=False,
        )

    def add_routes(self, router: APIRouter) -> None:
        """The listing, each file's editor and its save, for marketers and admins."""

        @router.get(f"/data/{self.slug}")
        def listing(request: Request, user: Marketer) -> Response:
            return self._listing(request, user)

        @router.get(f"/data/{self.slug}/{{name}}")
        def editor(name: str, request: Request, user: Marketer) -> Response:
            return self._editor(request, user, name)

        @router.post(f"/data/{self.slug}/{{name}}")
        def save_file(
            name: str,
            request: Request,
            session: SessionDep,
            user: Marketer,
            version: Version = "",
            yaml: YamlText = "",
        ) -> Response:
            return self._save(request, session, user, name, version, yaml)
