"""Intents and their examples (`data/nlu/*.yml`): list, add and remove examples.

Each edit changes only its own lines and returns an `Edit`; with `dry_run=True` nothing is
written, so a caller can validate the change first (`validate_change`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    LiteralScalarString,
)

from bot.editor import paths
from bot.editor.edits import Edit, EditError, save
from bot.editor.yaml_files import YamlDocument, load, parse, write_atomically
from bot.settings import PROJECT_ROOT

NEW_NLU_FILE = 'version: "3.1"\n\nnlu:\n'


@dataclass(frozen=True)
class Intent:
    name: str
    file: str
    line: int
    examples: list[str] = field(default_factory=list)


def _examples(block: str) -> list[str]:
    return [
        line.strip()[1:].strip() for line in str(block).splitlines() if line.strip().startswith("-")
    ]


def _nlu_entries(root: Path) -> Iterator[tuple[YamlDocument, CommentedSeq, CommentedMap]]:
    for path in paths.training_files(root):
        document = load(path)
        if isinstance(document.data, CommentedMap) and isinstance(
            document.data.get("nlu"), CommentedSeq
        ):
            for entry in document.data["nlu"]:
                if isinstance(entry, CommentedMap) and "intent" in entry:
                    yield document, document.data["nlu"], entry


def intents(root: Path = PROJECT_ROOT) -> list[Intent]:
    """Every intent with NLU examples, in file order."""
    return [
        Intent(
            name=str(entry["intent"]),
            file=paths.relative(root, document.path),
            line=entry.lc.line + 1,
            examples=_examples(entry.get("examples") or ""),
        )
        for document, _, entry in _nlu_entries(root)
    ]


def _clean_example(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise EditError("An example cannot be empty.")
    return cleaned


def _find_intent(root: Path, intent: str) -> tuple[YamlDocument, CommentedMap] | None:
    for document, _, entry in _nlu_entries(root):
        if entry["intent"] == intent:
            return document, entry
    return None


def add_example(
    root: Path = PROJECT_ROOT,
    *,
    intent: str,
    text: str,
    file: str | None = None,
    dry_run: bool = False,
) -> Edit:
    """Append `text` to `intent`'s examples, in the file that defines the intent.

    A new intent is added to `file` (e.g. ``data/nlu/pricing.yml``, created if missing);
    it must also be listed under `intents:` in the domain before the bot can use it.
    Refuses empty examples and examples already given (case-insensitively) to any intent.
    """
    example = _clean_example(text)
    for known in intents(root):
        if example.casefold() in {e.casefold() for e in known.examples}:
            raise EditError(
                f"'{example}' is already an example of intent '{known.name}'.", file=known.file
            )
    found = _find_intent(root, intent)
    if found is not None:
        document, entry = found
        before = document.path.read_text(encoding="utf-8")
        block = str(entry.get("examples") or "")
        if block and not block.endswith("\n"):
            block += "\n"
        entry["examples"] = LiteralScalarString(f"{block}- {example}\n")
        return save(root, document, before, dry_run=dry_run)
    if file is None:
        raise EditError(f"There is no intent '{intent}'; name the NLU file for a new intent.")
    return _add_intent(root, intent=intent, example=example, file=file, dry_run=dry_run)


def _add_intent(root: Path, *, intent: str, example: str, file: str, dry_run: bool) -> Edit:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", intent):
        raise EditError(f"'{intent}' is not a valid intent name: use lowercase and underscores.")
    path = root / file
    nlu_dir = root / paths.DATA_DIR / "nlu"
    if path.suffix != ".yml" or path.parent.resolve() != nlu_dir.resolve():
        raise EditError(f"A new intent goes in a data/nlu/<topic>.yml file, not '{file}'.")
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    # Appended as text: ruamel would attach the new item to the previous one's trailing
    # blank lines and comments, moving them; a new block at the end changes nothing above.
    separator = "" if not before or before.endswith("\n\n") else "\n"
    entry = f"- intent: {intent}\n  examples: |\n    - {example}\n"
    after = (before or NEW_NLU_FILE) + (separator if before else "") + entry
    document = parse(after, path=path)
    if not (isinstance(document.data, CommentedMap) and "nlu" in document.data):
        raise EditError(f"'{file}' has no `nlu:` section to add the intent to.", file=file)
    if not dry_run:
        write_atomically(path, after)
    return Edit(file=paths.relative(root, path), before=before, after=after)


def remove_example(
    root: Path = PROJECT_ROOT, *, intent: str, text: str, dry_run: bool = False
) -> Edit:
    """Remove one example (matched case-insensitively) from `intent`; never the last one."""
    found = _find_intent(root, intent)
    if found is None:
        raise EditError(f"There is no intent '{intent}'.")
    document, entry = found
    wanted = _clean_example(text).casefold()
    lines = str(entry.get("examples") or "").splitlines(keepends=True)
    matches = [
        i
        for i, line in enumerate(lines)
        if _examples(line) and _examples(line)[0].casefold() == wanted
    ]
    file = paths.relative(root, document.path)
    if not matches:
        raise EditError(f"Intent '{intent}' has no example '{text.strip()}'.", file=file)
    if len(_examples("".join(lines))) == 1:
        raise EditError(f"'{text.strip()}' is the only example of intent '{intent}'.", file=file)
    before = document.path.read_text(encoding="utf-8")
    del lines[matches[0]]
    entry["examples"] = LiteralScalarString("".join(lines))
    return save(root, document, before, dry_run=dry_run)
