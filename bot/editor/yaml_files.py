"""Round-trip YAML for marketers' files: load, change, write back with a minimal diff.

ruamel.yaml's round-trip mode keeps comments, key order, quotes and block scalars, but
its indentation is one setting per dump. The project's files use two layouts (domain,
stories and rules indent sequences under their key; NLU files do not), so each file is
loaded with the layout that reproduces it byte for byte, and written back with it.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

# Lines are never re-wrapped: an edit must not reflow its neighbours.
LINE_WIDTH = 4096


@dataclass(frozen=True)
class Layout:
    """ruamel's indentation setting: mapping indent, sequence indent, dash offset."""

    mapping: int
    sequence: int
    offset: int


INDENTED_SEQUENCES = Layout(mapping=2, sequence=4, offset=2)  # `key:\n  - item`
FLUSH_SEQUENCES = Layout(mapping=2, sequence=2, offset=0)  # `key:\n- item`
LAYOUTS = (INDENTED_SEQUENCES, FLUSH_SEQUENCES)


class _Representer(RoundTripRepresenter):
    """Writes None as `null`, as Rasa's files spell it (ruamel's default is empty)."""


def _represent_none(representer: RoundTripRepresenter, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_Representer.add_representer(type(None), _represent_none)


def make_yaml(layout: Layout = INDENTED_SEQUENCES) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = LINE_WIDTH  # type: ignore[assignment]
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return yaml


def dumps(data: Any, *, layout: Layout = INDENTED_SEQUENCES) -> str:
    buffer = io.StringIO()
    make_yaml(layout).dump(data, buffer)
    return buffer.getvalue()


@dataclass
class YamlDocument:
    """A loaded file and the layout that writes it back unchanged."""

    path: Path
    data: Any
    layout: Layout
    round_trips: bool

    def dumps(self) -> str:
        return dumps(self.data, layout=self.layout)

    def save(self) -> None:
        write_atomically(self.path, self.dumps())


def parse(text: str, *, path: Path) -> YamlDocument:
    """Parse `text`, choosing the first layout whose dump reproduces it exactly.

    Raises ruamel's `MarkedYAMLError` for invalid YAML.
    """
    data = make_yaml().load(text)
    for layout in LAYOUTS:
        if dumps(data, layout=layout) == text:
            return YamlDocument(path=path, data=data, layout=layout, round_trips=True)
    return YamlDocument(path=path, data=data, layout=_guess_layout(text), round_trips=False)


def load(path: Path) -> YamlDocument:
    return parse(path.read_text(encoding="utf-8"), path=path)


def _guess_layout(text: str) -> Layout:
    """For a file no layout reproduces: flush if any line under a key starts with `- `."""
    lines = text.splitlines()
    for previous, line in itertools.pairwise(lines):
        if previous.rstrip().endswith(":") and line.startswith("- "):
            return FLUSH_SEQUENCES
    return INDENTED_SEQUENCES


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old file or the new, never half."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
