"""Where names live in the training data, to put a file and line on Rasa's warnings.

Rasa's validator names stories, rules, intents, actions and examples in quotes but not
where they are. `Locations` indexes a project copy so that a warning can be placed at
the story or rule it names, else the step using the name, else the name's definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.editor import paths
from bot.editor.yaml_files import make_yaml

QUOTED = re.compile(r"'([^'\n]+)'")

Place = tuple[str, int]  # (file relative to the root, 1-based line)


@dataclass
class Locations:
    """Indexes from most specific to least: conversations, steps, examples, definitions."""

    conversations: dict[str, list[Place]] = field(default_factory=dict)
    steps: dict[str, list[Place]] = field(default_factory=dict)
    examples: dict[str, list[Place]] = field(default_factory=dict)
    definitions: dict[str, list[Place]] = field(default_factory=dict)

    def place(self, message: str, *, prefer: Iterable[str] = ()) -> Place | None:
        """The place of the first quoted name in `message`, most specific index first.

        Among several places for a name, one in a file of `prefer` (the changed files) wins.
        """
        names = QUOTED.findall(message)
        preferred = set(prefer)
        for index in (self.conversations, self.steps, self.examples, self.definitions):
            for name in names:
                places = index.get(name) or index.get(name.casefold())
                if places:
                    return next((p for p in places if p[0] in preferred), places[0])
        return None


def _add(index: dict[str, list[Place]], name: object, place: Place) -> None:
    index.setdefault(str(name), []).append(place)


def _index_conversations(locations: Locations, data: CommentedMap, file: str) -> None:
    for key, kind in (("stories", "story"), ("rules", "rule")):
        entries = data.get(key)
        for entry in entries if isinstance(entries, CommentedSeq) else []:
            if not (isinstance(entry, CommentedMap) and kind in entry):
                continue
            _add(locations.conversations, entry[kind], (file, entry.lc.line + 1))
            for part in ("steps", "condition"):
                steps = entry.get(part)
                for step in steps if isinstance(steps, CommentedSeq) else []:
                    if isinstance(step, CommentedMap):
                        for value in step.values():
                            if isinstance(value, str):
                                _add(locations.steps, value, (file, step.lc.line + 1))


def _index_nlu(locations: Locations, data: CommentedMap, file: str) -> None:
    entries = data.get("nlu")
    for entry in entries if isinstance(entries, CommentedSeq) else []:
        if not (isinstance(entry, CommentedMap) and "intent" in entry):
            continue
        _add(locations.definitions, entry["intent"], (file, entry.lc.line + 1))
        if "examples" not in entry:
            continue
        first = entry.lc.value("examples")[0] + 2  # the line after `examples: |`, 1-based
        for offset, line in enumerate(str(entry["examples"]).splitlines()):
            text = line.strip()
            if text.startswith("-"):
                _add(locations.examples, text[1:].strip().casefold(), (file, first + offset))


def _index_domain(locations: Locations, data: CommentedMap, file: str) -> None:
    for section in ("intents", "entities", "actions", "responses", "forms", "slots"):
        value = data.get(section)
        if isinstance(value, CommentedMap):
            for name in value:
                _add(locations.definitions, name, (file, value.lc.key(name)[0] + 1))
        elif isinstance(value, CommentedSeq):
            for position, item in enumerate(value):
                name = next(iter(item)) if isinstance(item, CommentedMap) else item
                _add(locations.definitions, name, (file, value.lc.item(position)[0] + 1))


def index_project(root: Path) -> Locations:
    """Index every domain and training file under `root` that parses."""
    locations = Locations()
    yaml = make_yaml()
    for path in [*paths.domain_files(root), *paths.training_files(root)]:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except YAMLError:
            continue  # reported by the syntax check
        if not isinstance(data, CommentedMap):
            continue
        file = paths.relative(root, path)
        _index_conversations(locations, data, file)
        _index_nlu(locations, data, file)
        _index_domain(locations, data, file)
    return locations
