"""Checks on a follow-up sequences file that its schema cannot express.

A step doing two things, a `goto` that jumps back, a response the domain does not define,
a segment or grade the scoring files do not have: each is reported through `Issues` at
its line (`check_workflow`), and `check_names_across` finds two files naming a sequence
alike. Each check runs only on the parts the schema found well-shaped, as the scoring
files' checks do (`bot.scoring.checks`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bot.followups.workflow_schema import STEP_KINDS, TRIGGER_KINDS, TRIGGER_VALUES
from bot.scoring.checks import check_condition
from bot.scoring.issues import Issues, NodePath, hint

if TYPE_CHECKING:
    from bot.followups.workflows import Catalogue

__all__ = ["check_names_across", "check_workflow", "sequence_names", "step_ids"]

_LISTED_IN_FULL = 12  # an unknown name lists the known ones only if there are this few


def _suggestion(given: Any, known: Collection[str]) -> str:
    """A close match, or the names known if they are few."""
    suggestion = hint(given, known)
    return "" if len(known) > _LISTED_IN_FULL and "did you mean" not in suggestion else suggestion


def _is_unknown(given: Any, known: Collection[str]) -> bool:
    """Whether `given` is not among names that could be read: with none (their own file
    has a mistake, which its own check reports), nothing is unknown."""
    return bool(known) and given not in known


def _unknown(what: str, given: Any, known: Collection[str]) -> str:
    return f"unknown {what} '{given}'{_suggestion(given, known)}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _check_twice(issues: Issues, path: list[Any], items: list[Any], what: str) -> None:
    for index, item in enumerate(items):
        if item in items[:index]:
            issues.add([*path, index], f"'{item}' is listed twice in {what}")


def _one_kind(
    issues: Issues, path: list[Any], node: Mapping[str, Any], kinds: tuple[str, ...], what: str
) -> str | None:
    """The one key of `kinds` that a trigger or a step has, or None once told why not.

    A node with no such key but a misspelt one was already told "did you mean".
    """
    found = [key for key in node if key in kinds]
    if len(found) == 1:
        return found[0]
    if found or all(key in kinds or key == "id" for key in node):
        has = f"it has {_listed(found)}" if found else "it has none"
        issues.add(path, f"{what} is exactly one of: {', '.join(kinds)}; {has}")
    return None


def _check_trigger(
    issues: Issues, path: list[Any], trigger: Mapping[str, Any], names: Catalogue
) -> None:
    kind = _one_kind(issues, path, trigger, TRIGGER_KINDS, "a trigger")
    key = TRIGGER_VALUES.get(kind or "", "")
    known = {
        "at": list(names.questions),
        "segment": sorted(names.segments),
        "grade": sorted(names.grades),
    }
    if kind is None or key not in known or not issues.clean([*path, kind, key]):
        return
    given = trigger[kind].get(key)
    if given is None or not _is_unknown(given, known[key]):
        return
    if key == "at":
        message = f"'{given}' is not a question of the lead form{_suggestion(given, known[key])}"
    else:
        message = _unknown(key, given, known[key])
    issues.add([*path, kind, key], message)


def _given_id(step: Any) -> str | None:
    given = step.get("id") if isinstance(step, Mapping) else None
    return given if isinstance(given, str) else None


def step_ids(steps: list[Any]) -> list[str]:
    """Each step's id: the one given, or "step_<n>" (1-based) for a step without one."""
    return [_given_id(step) or f"step_{n}" for n, step in enumerate(steps, 1)]


def _check_ids(issues: Issues, path: list[Any], steps: list[Any], ids: list[str]) -> None:
    first: dict[str, int] = {}
    for index, step_id in enumerate(ids):
        if step_id == "stop":
            issues.add(
                [*path, index, "id"],
                "a step cannot have the id 'stop': 'goto: stop' ends the sequence",
            )
        earlier = first.setdefault(step_id, index)
        if earlier == index:
            continue
        if _given_id(steps[earlier]) and _given_id(steps[index]):
            line = issues.line([*path, earlier])
            issues.add(
                [*path, index, "id"], f"step id '{step_id}' is used twice (first at line {line})"
            )
        else:
            given, other = (index, earlier) if _given_id(steps[index]) else (earlier, index)
            issues.add(
                [*path, given, "id"],
                f"step id '{step_id}' is the automatic id of step {other + 1} "
                f"(line {issues.line([*path, other])}); choose another",
            )


def _check_goto(issues: Issues, path: NodePath, goto: str, index: int, ids: list[str]) -> None:
    later = ids[index + 1 :]
    if goto == "stop" or goto in later:
        return
    if goto in ids:
        issues.add(
            path,
            f"goto '{goto}' goes back to step {ids.index(goto) + 1}; a branch can only go "
            "forward, to a later step, or to stop",
        )
    else:
        targets = list(dict.fromkeys([*later, "stop"]))
        issues.add(path, f"goto '{goto}' is not the id of a later step{_suggestion(goto, targets)}")


def _check_send(issues: Issues, path: list[Any], send: Any, names: Catalogue) -> None:
    if _is_unknown(send["response"], names.responses):
        issues.add(
            [*path, "response"], _unknown("response", send["response"], sorted(names.responses))
        )
    email = send["channel"] == "email"
    if email and "subject" not in send:
        issues.add(path, "an email needs a subject")
    if not email and "subject" in send:
        issues.add(
            [*path, "subject"], f"only an email has a subject, not a message by {send['channel']}"
        )
    if email and "resume_form" in send:
        issues.add([*path, "resume_form"], "resume_form is for sms and telegram only")


def _check_wait(issues: Issues, path: list[Any], wait: Any, names: Catalogue) -> None:
    if isinstance(wait, str) and int(wait[:-1]) == 0:
        issues.add(path, f"wait {wait} waits for nothing; give a duration longer than 0")
    if isinstance(wait, Mapping):
        _check_twice(issues, [*path, "until", "days"], list(wait["until"].get("days", [])), "days")


def _check_branch(issues: Issues, path: list[Any], when: Any, names: Catalogue) -> None:
    if "segment" in when and _is_unknown(when["segment"], names.segments):
        issues.add([*path, "segment"], _unknown("segment", when["segment"], sorted(names.segments)))
    elif "replied" not in when and "segment" not in when:
        check_condition(issues, path, when, sorted(names.grades) or None)


def _check_update(issues: Issues, path: list[Any], update: Any, names: Catalogue) -> None:
    if not update:
        issues.add(path, "an update needs a score, a status or both")
    if update.get("score") == 0:
        issues.add(
            [*path, "score"], "score 0 changes nothing; give the points to add, such as 10 or -10"
        )


def _check_stop(issues: Issues, path: list[Any], stop: Any, names: Catalogue) -> None:
    if stop:
        issues.add(path, "stop takes nothing: write 'stop: {}'")


_STEP_CHECKS: dict[str, Callable[[Issues, list[Any], Any, Catalogue], None]] = {
    "send": _check_send,
    "wait": _check_wait,
    "update": _check_update,
    "stop": _check_stop,
}


def _check_step(
    issues: Issues, path: list[Any], step: Any, index: int, ids: list[str], names: Catalogue
) -> None:
    kind = _one_kind(issues, path, step, STEP_KINDS, "a step")
    if kind is None or not issues.clean([*path, kind]):
        return
    if kind == "branch":
        _check_branch(issues, [*path, kind, "when"], step[kind]["when"], names)
        _check_goto(issues, [*path, kind, "goto"], step[kind]["goto"], index, ids)
    elif kind in _STEP_CHECKS:
        _STEP_CHECKS[kind](issues, [*path, kind], step[kind], names)


def _check_sequence(
    issues: Issues, path: list[Any], sequence: Mapping[str, Any], names: Catalogue
) -> None:
    if isinstance(sequence.get("trigger"), Mapping):
        _check_trigger(issues, [*path, "trigger"], sequence["trigger"], names)
    if issues.clean([*path, "exit_when"]):
        _check_twice(issues, [*path, "exit_when"], list(sequence.get("exit_when", [])), "exit_when")
    steps = sequence.get("steps")
    if not isinstance(steps, list):
        return
    ids = step_ids(steps)
    _check_ids(issues, [*path, "steps"], steps, ids)
    for index, step in enumerate(steps):
        if isinstance(step, Mapping):
            _check_step(issues, [*path, "steps", index], step, index, ids, names)


def sequence_names(issues: Issues) -> Iterator[tuple[int, str]]:
    """(index, name) of each sequence of a parsed file that has a name, checked or not."""
    sequences = issues.root.get("sequences") if isinstance(issues.root, Mapping) else None
    for index, sequence in enumerate(sequences if isinstance(sequences, list) else []):
        if isinstance(sequence, Mapping) and isinstance(sequence.get("name"), str):
            yield index, sequence["name"]


def check_workflow(issues: Issues, names: Catalogue) -> None:
    """Checks on a workflow file, on the parts that match WORKFLOW_SCHEMA."""
    first: dict[str, int] = {}
    for index, name in sequence_names(issues):
        earlier = first.setdefault(name, index)
        if earlier != index:
            line = issues.line(["sequences", earlier])
            issues.add(
                ["sequences", index, "name"],
                f"duplicate sequence name '{name}' (first defined at line {line})",
            )
    sequences = issues.root.get("sequences") if isinstance(issues.root, Mapping) else None
    for index, sequence in enumerate(sequences if isinstance(sequences, list) else []):
        if isinstance(sequence, Mapping):
            _check_sequence(issues, ["sequences", index], sequence, names)


def check_names_across(parsed: list[Issues]) -> None:
    """Sequence names are unique across all files: the engine knows a sequence by name."""
    defined: dict[str, str] = {}
    for issues in parsed:
        here: dict[str, str] = {}
        for index, name in sequence_names(issues):
            if name in defined:
                issues.add(
                    ["sequences", index, "name"],
                    f"duplicate sequence name '{name}' (first defined at {defined[name]})",
                )
                issues.errors.sort(key=lambda error: error.line or 0)
            here.setdefault(name, f"{issues.file}:{issues.line(['sequences', index])}")
        defined = here | defined
