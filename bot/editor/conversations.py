"""Stories and rules (`data/stories`, `data/rules`): their names, files and first lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.editor import paths
from bot.editor.yaml_files import load
from bot.settings import PROJECT_ROOT


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
