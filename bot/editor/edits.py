"""What every edit returns or raises, how it is written (or, on a dry run, not), and the
`Problem`s validation reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.editor import paths
from bot.editor.yaml_files import YamlDocument, write_atomically


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake: the file relative to the project root, its 1-based line if known."""

    file: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        return f"{where}: {self.message}" if where else self.message


class EditError(ValueError):
    """A change the editor refuses, with a message a marketer can act on."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


@dataclass(frozen=True)
class Edit:
    """One file's text before and after a change (file relative to the project root)."""

    file: str
    before: str
    after: str


def save(root: Path, document: YamlDocument, before: str, *, dry_run: bool) -> Edit:
    after = document.dumps()
    if not dry_run:
        write_atomically(document.path, after)
    return Edit(file=paths.relative(root, document.path), before=before, after=after)
