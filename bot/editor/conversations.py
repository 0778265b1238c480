"""Stories and rules (`data/stories`, `data/rules`): list them, show one as YAML text and
replace it with edited text.

A story or rule is edited as its own YAML (one `- story:` or `- rule:` item, shown without
the file's indentation) and written back in place of exactly its lines, so the rest of the
file, comments and blank lines included, stays byte for byte as it was.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from bot.editor import paths
from bot.editor.blocks import dedent, indent, indentation, item_end
from bot.editor.edits import Edit, EditError
from bot.editor.yaml_files import load, make_yaml, write_atomically
from bot.settings import PROJECT_ROOT

SECTIONS = {"story": "stories", "rule": "rules"}


@dataclass(frozen=True)
class Conversation:
    """A story or a rule: its name, file and the (1-based) line where it starts."""

    kind: str  # "story" or "rule"
    name: str
    file: str
    line: int


def _conversations(root: Path, key: str, kind: str) -> list[Conversation]:
    found = []
    for path in paths.training_files(root):
        data = load(path).data
        entries = data.get(key) if isinstance(data, CommentedMap) else None
        for entry in entries if isinstance(entries, CommentedSeq) else []:
            if isinstance(entry, CommentedMap) and kind in entry:
                found.append(
                    Conversation(
                        kind=kind,
                        name=str(entry[kind]),
                        file=paths.relative(root, path),
                        line=entry.lc.line + 1,
                    )
                )
    return found


def stories(root: Path = PROJECT_ROOT) -> list[Conversation]:
    return _conversations(root, "stories", "story")


def rules(root: Path = PROJECT_ROOT) -> list[Conversation]:
    return _conversations(root, "rules", "rule")


@dataclass(frozen=True)
class ConversationText:
    """A story or rule and its YAML text, unindented (`- story: ...` at column 0)."""

    conversation: Conversation
    text: str


def _conversations_of(root: Path, kind: str) -> list[Conversation]:
    if kind not in SECTIONS:
        raise EditError(f"'{kind}' is neither a story nor a rule.")
    return _conversations(root, SECTIONS[kind], kind)


def _located(root: Path, kind: str, name: str) -> tuple[Conversation, list[str], int, int]:
    """The conversation, its file's lines and the [start, end) line range of its item."""
    found = next((c for c in _conversations_of(root, kind) if c.name == name), None)
    if found is None:
        raise EditError(f"There is no {kind} '{name}'.")
    lines = (root / found.file).read_text(encoding="utf-8").splitlines(keepends=True)
    start = found.line - 1
    return found, lines, start, item_end(lines, start)


def conversation_text(root: Path = PROJECT_ROOT, *, kind: str, name: str) -> ConversationText:
    """The story or rule `name` (`kind` is "story" or "rule") as the YAML a marketer edits."""
    found, lines, start, end = _located(root, kind, name)
    return ConversationText(found, dedent(lines[start:end], indentation(lines[start])))


def _trimmed(text: str) -> list[str]:
    """`text`'s lines without the blank lines around them (browsers send CRLF)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).split("\n")


def _checked_item(text: str, *, kind: str, file: str, line: int) -> str:
    """The name of the single `kind` item in `text`; raises EditError placed in the file."""
    try:
        data = make_yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise EditError(
            f"This is not valid YAML: {message or error}",
            file=file,
            line=line + (mark.line if mark is not None else 0),
        ) from error
    if not (
        isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict) and kind in data[0]
    ):
        raise EditError(
            f"The text must be one {kind}: a single item starting with '- {kind}: <name>'.",
            file=file,
            line=line,
        )
    name = str(data[0][kind] or "").strip()
    if not name:
        raise EditError(f"The {kind} needs a name after '- {kind}:'.", file=file, line=line)
    return name


def replace_conversation(
    root: Path = PROJECT_ROOT, *, kind: str, name: str, text: str, dry_run: bool = False
) -> Edit:
    """Replace the lines of story or rule `name` with `text` (one item, as shown by
    `conversation_text`), indented like the item it replaces. It may be renamed, but not
    to the name of another story or rule of its kind."""
    found, lines, start, end = _located(root, kind, name)
    new_lines = _trimmed(text)
    if not new_lines:
        raise EditError(f"The {kind} cannot be empty.", file=found.file, line=found.line)
    snippet = "\n".join(new_lines) + "\n"
    new_name = _checked_item(snippet, kind=kind, file=found.file, line=found.line)
    others = {c.name for c in _conversations_of(root, kind)} - {name}
    if new_name in others:
        raise EditError(
            f"There is already a {kind} named '{new_name}'.", file=found.file, line=found.line
        )
    before = "".join(lines)
    after = "".join(
        [*lines[:start], *indent("\n".join(new_lines), indentation(lines[start])), *lines[end:]]
    )
    if not dry_run:
        write_atomically(root / found.file, after)
    return Edit(file=found.file, before=before, after=after)
