"""Rasa's training output turned into a percentage for the progress bar.

Rasa logs `Starting to train component 'X'.`, then `Finished training component 'X'.`
or `Restored component 'X' from cache.` for each graph component, and the components that
train for epochs (DIET, TED) draw a tqdm bar `Epochs:  42%|...` while they do. Each
component of `bot/config.yml` weighs one plus its epochs, so a cached component jumps the
bar while DIET's epochs, where the time goes, move it steadily. Components that never
train (the tokenizer, fallback and guard components) leave a few percent that the end of
training fills.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import yaml

COMPONENT = re.compile(
    r"(?P<event>Starting to train|Finished training|Restored) component '(?P<name>[\w.]+)'"
)
EPOCHS = re.compile(r"Epochs:\s*(?P<percent>\d{1,3})%")
LINE_BREAK = re.compile(r"[\r\n]")


@dataclass(frozen=True)
class Component:
    name: str
    epochs: int

    @property
    def weight(self) -> int:
        return 1 + self.epochs


def components(config: Path, *, policies: bool = True) -> list[Component]:
    """The pipeline components and policies of a Rasa config, with their epochs."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    entries = [*(data.get("pipeline") or []), *(data.get("policies") or [] if policies else [])]
    return [
        Component(str(entry["name"]).rsplit(".", 1)[-1], int(entry.get("epochs", 0)))
        for entry in entries
        if isinstance(entry, dict) and "name" in entry
    ]


def finetuning_plan(config: Path, epochs: int) -> list[Component]:
    """What a fine-tuning trains (`bot.training.finetune`): the pipeline, each component
    that trains for epochs doing `epochs` of them."""
    return [
        Component(c.name, epochs if c.epochs else 0) for c in components(config, policies=False)
    ]


@dataclass
class TrainingProgress:
    """Fed Rasa's output line by line; `fraction` is how far training has come (0–1)."""

    plan: list[Component]
    done: int = 0
    current: Component | None = None
    current_fraction: float = 0.0
    remaining: list[Component] = field(init=False)

    def __post_init__(self) -> None:
        self.remaining = list(self.plan)

    @property
    def total(self) -> int:
        return sum(c.weight for c in self.plan) or 1

    @property
    def fraction(self) -> float:
        partial = 0.0 if self.current is None else self.current_fraction * self.current.epochs
        return min(0.99, (self.done + partial) / self.total)

    def feed(self, line: str) -> bool:
        """Read one line; True when it moved the progress."""
        found = COMPONENT.search(line)
        if found:
            return self._component(found["event"], found["name"])
        epochs = EPOCHS.search(line)
        if epochs and self.current is not None:
            fraction = min(100, int(epochs["percent"])) / 100
            moved = fraction != self.current_fraction
            self.current_fraction = fraction
            return moved
        return False

    def _component(self, event: str, name: str) -> bool:
        planned = next((c for c in self.remaining if c.name == name), None)
        if event == "Starting to train":
            self.current = planned
            self.current_fraction = 0.0
            return False
        if planned is not None:
            self.remaining.remove(planned)
            self.done += planned.weight
        self.current = None
        self.current_fraction = 0.0
        return True


class LineSplitter(io.TextIOBase):
    """A write-only text stream that hands complete lines (split at \\n or \\r, as tqdm
    redraws with \\r) to `on_line`, and copies everything to `copy_to`."""

    def __init__(self, on_line: Callable[[str], None], copy_to: TextIO) -> None:
        super().__init__()
        self.on_line = on_line
        self.copy_to = copy_to
        self.pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.copy_to.write(text)
        parts = LINE_BREAK.split(self.pending + text)
        self.pending = parts.pop()
        for part in parts:
            if part:
                self.on_line(part)
        return len(text)

    def flush(self) -> None:
        self.copy_to.flush()
