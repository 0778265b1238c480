"""Follow-up sequences written by marketers in ``data/workflows/*.yml``, loaded and checked.

A sequence has a trigger (a lead left the form, entered a segment, got a grade, ...), the
events that end it early, and its steps: send, wait, branch, update, notify, stop.
`load_workflows` turns the files into `Sequence`s for the engine that runs them, and
`validate_workflow_files` reports every mistake as ``file:line: message``, the way the
scoring files are checked (`bot.scoring`). Names a file refers to (responses, segments,
grades, form questions) are checked against the project's `Catalogue`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeAlias

from bot.followups.workflow_checks import (
    check_names_across,
    check_workflow,
    sequence_names,
    step_ids,
)
from bot.followups.workflow_schema import STEP_KINDS, TRIGGER_VALUES, WEEKDAYS, WORKFLOW_SCHEMA
from bot.model_archive import DOMAIN, SCORING_DATA, under
from bot.scoring.issues import Issues, RulesError
from bot.scoring.rules import checked, condition, parse
from bot.scoring.segments import Condition
from bot.settings import PROJECT_ROOT

__all__ = [
    "Branch",
    "Catalogue",
    "InSegment",
    "Notify",
    "Replied",
    "Send",
    "Sequence",
    "Step",
    "Stop",
    "Trigger",
    "Update",
    "WaitFor",
    "WaitUntil",
    "load_workflows",
    "project_catalogue",
    "sequence_names_in",
    "validate_workflow_files",
]

DEFAULT_EXITS = frozenset({"replied", "converted"})
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Trigger:
    kind: str  # one of workflow_schema.TRIGGER_KINDS
    after: timedelta
    value: str | None  # the question (form_left, None: any), segment, grade or outcome


@dataclass(frozen=True)
class WaitFor:
    duration: timedelta


@dataclass(frozen=True)
class WaitUntil:
    """Until the next of these local times: one of `weekdays` (0 = Monday) at `at`."""

    weekdays: frozenset[int]
    at: datetime.time


@dataclass(frozen=True)
class Send:
    channel: str
    response: str
    subject: str | None = None
    resume_form: bool = False


@dataclass(frozen=True)
class Replied:
    replied: bool


@dataclass(frozen=True)
class InSegment:
    segment: str


@dataclass(frozen=True)
class Branch:
    when: Replied | InSegment | Condition
    goto: str  # a later step's id, or "stop"


@dataclass(frozen=True)
class Update:
    score: int | None = None  # added to the lead's score
    status: str | None = None


@dataclass(frozen=True)
class Notify:
    message: str


@dataclass(frozen=True)
class Stop:
    pass


Step: TypeAlias = WaitFor | WaitUntil | Send | Branch | Update | Notify | Stop


@dataclass(frozen=True)
class Sequence:
    name: str
    description: str
    trigger: Trigger
    exit_when: frozenset[str]
    steps: tuple[Step, ...]
    step_ids: tuple[str, ...]  # the given id, or "step_<n>" (1-based)
    file: str  # relative to the project root, with forward slashes

    def index_of(self, step_id: str) -> int:
        """The position of the step with this id; KeyError if there is none."""
        try:
            return self.step_ids.index(step_id)
        except ValueError:
            raise KeyError(step_id) from None


@dataclass(frozen=True)
class Catalogue:
    """The names a workflow may refer to. Names of a kind that could not be read (an
    empty set: their own file has a mistake, reported by its own check) are not checked,
    so one mistake is reported once."""

    responses: frozenset[str]
    segments: frozenset[str]
    grades: frozenset[str]
    questions: tuple[str, ...]  # the lead form's, in the order it asks them


# --- the project's names -----------------------------------------------------------------


def _mappings(files: Iterable[Path]) -> list[Mapping[str, Any]]:
    """The files that parse to a mapping (the other checks report the ones that don't)."""
    roots = (parse(path).root for path in files)
    return [root for root in roots if isinstance(root, Mapping)]


def _entries(node: Any, key: str) -> list[Mapping[str, Any]]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _names(nodes: Iterable[Mapping[str, Any]], list_key: str, name_key: str) -> frozenset[str]:
    return frozenset(
        str(e[name_key]) for n in nodes for e in _entries(n, list_key) if e.get(name_key)
    )


def _questions(domain: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    for node in domain:
        forms = node.get("forms")
        form = forms.get("lead_form") if isinstance(forms, Mapping) else None
        if isinstance(form, Mapping) and isinstance(form.get("required_slots"), list):
            return tuple(str(slot) for slot in form["required_slots"])
    return ()


def project_catalogue(root: Path = PROJECT_ROOT) -> Catalogue:
    """The responses of the domain, the segments and grades of the scoring files, and the
    lead form's questions, as found in the project at `root` (a copy, or this checkout)."""
    domain = _mappings(sorted(under(root, DOMAIN).rglob("*.yml")))
    scoring = _mappings(sorted(under(root, SCORING_DATA).glob("*.yml")))
    responses = (node.get("responses") for node in domain)
    return Catalogue(
        responses=frozenset(
            str(n) for found in responses if isinstance(found, Mapping) for n in found
        ),
        segments=_names(scoring, "segments", "name"),
        grades=_names(scoring, "grades", "grade"),
        questions=_questions(domain),
    )


def _shown(path: Path) -> str:
    """How errors and sequences name a file: relative to the project root if inside it."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _checked_files(paths: Iterable[Path | str], names: Catalogue) -> list[Issues]:
    files = [Path(path) for path in paths]
    parsed = [
        checked(
            parse(path, shown_as=_shown(path)),
            WORKFLOW_SCHEMA,
            lambda found: check_workflow(found, names),
        )
        for path in files
    ]
    check_names_across(parsed)
    return parsed


def validate_workflow_files(
    paths: Iterable[Path | str], *, catalogue: Catalogue
) -> list[RulesError]:
    """Every mistake in the given workflow files, in file and line order, including a
    sequence name used in two files."""
    return [error for issues in _checked_files(paths, catalogue) for error in issues.errors]


def sequence_names_in(path: Path) -> list[str]:
    """The names of the sequences in a workflow file, as far as it can be read, unchecked
    (for listings: a file with a mistake still shows what it holds)."""
    return [name for _, name in sequence_names(parse(path))]


# --- building the sequences ----------------------------------------------------------------


def _duration(text: str) -> timedelta:
    return timedelta(**{_UNITS[text[-1]]: int(text[:-1])})


def _trigger(node: Mapping[str, Any]) -> Trigger:
    [(kind, spec)] = node.items()
    value = spec.get(TRIGGER_VALUES.get(kind, ""))
    return Trigger(kind, _duration(spec.get("after", "0m")), None if value is None else str(value))


def _wait(node: Any) -> Step:
    if isinstance(node, str):
        return WaitFor(_duration(node))
    until = node["until"]
    days = until.get("days", WEEKDAYS)
    hours, minutes = (int(part) for part in str(until["time"]).split(":"))
    return WaitUntil(frozenset(WEEKDAYS.index(day) for day in days), datetime.time(hours, minutes))


def _when(node: Mapping[str, Any]) -> Replied | InSegment | Condition:
    if "replied" in node:
        return Replied(bool(node["replied"]))
    if "segment" in node:
        return InSegment(str(node["segment"]))
    return condition(node)


def _optional(value: Any, kind: Callable[[Any], Any]) -> Any:
    return None if value is None else kind(value)


_STEPS: dict[str, Callable[[Any], Step]] = {
    "send": lambda n: Send(
        str(n["channel"]),
        str(n["response"]),
        _optional(n.get("subject"), str),
        bool(n.get("resume_form", False)),
    ),
    "wait": _wait,
    "branch": lambda n: Branch(_when(n["when"]), str(n["goto"])),
    "update": lambda n: Update(_optional(n.get("score"), int), _optional(n.get("status"), str)),
    "notify": lambda n: Notify(str(n["message"])),
    "stop": lambda _: Stop(),
}


def _step(node: Mapping[str, Any]) -> Step:
    kind = next(key for key in node if key in STEP_KINDS)
    return _STEPS[kind](node[kind])


def _sequence(node: Mapping[str, Any], file: str) -> Sequence:
    return Sequence(
        name=str(node["name"]),
        description=str(node.get("description", "")),
        trigger=_trigger(node["trigger"]),
        exit_when=frozenset(map(str, node.get("exit_when", DEFAULT_EXITS))),
        steps=tuple(_step(step) for step in node["steps"]),
        step_ids=tuple(step_ids(node["steps"])),
        file=file,
    )


def load_workflows(directory: Path, *, catalogue: Catalogue) -> tuple[Sequence, ...]:
    """The sequences of every ``*.yml`` file in `directory`, file by file in name order;
    raises the first `RulesError` if any file has a mistake. No directory: none."""
    files = (
        sorted(directory.glob("*.yml"), key=lambda path: path.name) if directory.is_dir() else []
    )
    parsed = _checked_files(files, catalogue)
    errors = [error for issues in parsed for error in issues.errors]
    if errors:
        raise errors[0]
    return tuple(
        _sequence(node, issues.file) for issues in parsed for node in issues.root["sequences"]
    )
