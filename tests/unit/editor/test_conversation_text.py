"""Editing one story or rule as text replaces exactly its lines, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.editor import EditError
from bot.editor.conversations import conversation_text, replace_conversation, rules, stories

Diff = Callable[[str, str], tuple[list[str], list[str]]]


def test_every_story_and_rule_round_trips_unchanged(project: Path) -> None:
    for found in [*stories(project), *rules(project)]:
        shown = conversation_text(project, kind=found.kind, name=found.name)
        assert shown.text.startswith(f"- {found.kind}: {found.name}\n")
        # Browsers send a textarea's lines with CRLF.
        edit = replace_conversation(
            project, kind=found.kind, name=found.name, text=shown.text.replace("\n", "\r\n")
        )
        assert edit.before == edit.after, found


def test_an_edit_changes_only_the_lines_of_its_story(project: Path, diff: Diff) -> None:
    story = stories(project)[1]
    path = project / story.file
    before = path.read_text(encoding="utf-8")
    text = conversation_text(project, kind="story", name=story.name).text
    edited = text.replace("  - intent: express_interest\n", "  - intent: ask_pricing\n")

    edit = replace_conversation(project, kind="story", name=story.name, text=edited)

    assert path.read_text(encoding="utf-8") == edit.after
    assert diff(before, edit.after) == (
        ["      - intent: express_interest"],
        ["      - intent: ask_pricing"],
    )


def test_the_last_rule_of_a_file_keeps_what_follows(project: Path, diff: Diff) -> None:
    rule = [r for r in rules(project) if r.file == "data/rules/conversation.yml"][-1]
    before = (project / rule.file).read_text(encoding="utf-8")
    text = conversation_text(project, kind="rule", name=rule.name).text

    edit = replace_conversation(
        project, kind="rule", name=rule.name, text=text.replace(rule.name, "renamed rule", 1)
    )

    assert diff(before, edit.after) == ([f"  - rule: {rule.name}"], ["  - rule: renamed rule"])
    assert edit.after.endswith(before[before.rindex("\n", 0, -1) + 1 :])


def test_bad_yaml_is_refused_with_the_line_in_the_file(project: Path) -> None:
    story = stories(project)[0]
    before = (project / story.file).read_text(encoding="utf-8")
    broken = f"- story: {story.name}\n  steps:\n    - intent: greet\n   - action: [oops\n"

    with pytest.raises(EditError, match="not valid YAML") as refused:
        replace_conversation(project, kind="story", name=story.name, text=broken)

    assert refused.value.file == story.file
    assert refused.value.line is not None and refused.value.line >= story.line
    assert (project / story.file).read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "text",
    ["steps: []\n", "- rule: a rule\n  steps: []\n", "- story: a\n- story: b\n", "- story:\n"],
)
def test_text_that_is_not_one_story_is_refused(project: Path, text: str) -> None:
    story = stories(project)[0]
    with pytest.raises(EditError):
        replace_conversation(project, kind="story", name=story.name, text=text)


def test_a_rename_onto_another_story_is_refused(project: Path) -> None:
    first, second = stories(project)[:2]
    text = conversation_text(project, kind="story", name=first.name).text
    with pytest.raises(EditError, match="already a story named"):
        replace_conversation(
            project, kind="story", name=first.name, text=text.replace(first.name, second.name, 1)
        )


def test_an_unknown_story_is_refused(project: Path) -> None:
    with pytest.raises(EditError, match="There is no story 'nope'"):
        conversation_text(project, kind="story", name="nope")
