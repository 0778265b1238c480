"""validate_change: YAML, Rasa and scoring problems of a proposed change, with file:line.

Rasa's validator takes a few seconds per run, so each test here runs it at most once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.editor import EditError, add_example, paths
from bot.editor.validation import Problem, validate_change
from bot.settings import PROJECT_ROOT

STORIES = "data/stories/qualification.yml"


def story_text() -> str:
    return (PROJECT_ROOT / STORIES).read_text(encoding="utf-8")


def test_the_real_project_without_changes_has_no_problems() -> None:
    assert validate_change(PROJECT_ROOT, changes={}) == []


def test_a_story_step_with_an_unknown_intent_is_placed_on_that_step() -> None:
    changed = story_text().replace("- intent: express_interest", "- intent: express_intrest", 1)

    problems = validate_change(PROJECT_ROOT, changes={STORIES: changed})

    line = changed.splitlines().index("      - intent: express_intrest") + 1
    assert problems
    assert {(p.file, p.line) for p in problems} == {(STORIES, line)}
    assert any("express_intrest" in p.message for p in problems)
    assert (PROJECT_ROOT / STORIES).read_text(encoding="utf-8") == story_text()


def test_broken_indentation_is_a_yaml_problem_with_its_line() -> None:
    changed = story_text().replace(
        "      - active_loop: lead_form", "     - active_loop: lead_form", 1
    )

    problems = validate_change(PROJECT_ROOT, changes={STORIES: changed})

    line = changed.splitlines().index("     - active_loop: lead_form") + 1
    assert len(problems) == 1
    assert problems[0].file == STORIES
    assert problems[0].line in {line, line + 1}
    assert problems[0].message.startswith("This is not valid YAML")


def test_a_misspelt_key_is_placed_by_rasas_schema_check() -> None:
    changed = story_text().replace("- intent: express_interest", "- intnt: express_interest", 1)

    problems = validate_change(PROJECT_ROOT, changes={STORIES: changed})

    line = changed.splitlines().index("      - intnt: express_interest") + 1
    assert Problem(file=STORIES, line=line, message=problems[0].message) in problems
    assert "Key 'intnt' was not defined" in problems[0].message


def test_an_example_given_to_two_intents_is_placed_in_the_changed_file(project: Path) -> None:
    edit = add_example(project, intent="express_interest", text="sign me up now", dry_run=True)
    changed = edit.after.replace("    - sign me up now\n", "    - hello there\n")

    problems = validate_change(project, changes={edit.file: changed})

    line = changed.splitlines().index("    - hello there") + 1
    assert [(p.file, p.line) for p in problems] == [("data/nlu/lead.yml", line)]
    assert "'hello there' was found labeled with multiple different intents" in (
        problems[0].message
    )


def test_a_scoring_mistake_is_reported_with_its_file_and_line(project: Path) -> None:
    rules_file = "data/scoring/rules.yml"
    changed = (project / rules_file).read_text(encoding="utf-8").replace("grades:", "grdes:")

    problems = validate_change(project, changes={rules_file: changed})

    assert problems
    assert all(p.file == rules_file and p.line for p in problems)
    assert any("grdes" in p.message for p in problems)


def test_a_content_catalogue_mistake_is_reported_with_its_file_and_line(project: Path) -> None:
    catalogue = "data/content/case_studies.yml"
    text = (project / catalogue).read_text(encoding="utf-8")
    changed = text.replace("stage: decision", "stage: decisoin", 1)

    problems = validate_change(project, changes={catalogue: changed})

    line = changed.splitlines().index("    stage: decisoin") + 1
    assert [(p.file, p.line) for p in problems] == [(catalogue, line)]
    assert "did you mean 'decision'?" in problems[0].message
    assert "data/content/case_studies.yml" not in {
        paths.relative(project, file) for file in paths.training_files(project)
    }


@pytest.mark.parametrize("file", ["../etc/passwd.yml", "/tmp/x.yml", "bot/endpoints.yml"])
def test_only_training_data_domain_and_config_files_can_be_changed(file: str) -> None:
    with pytest.raises(EditError, match="not a training data, domain or config file"):
        validate_change(PROJECT_ROOT, changes={file: "x: 1\n"})


def test_a_story_structure_conflict_is_placed_at_the_story_rasa_names() -> None:
    added = "  - story: greet straight to the offer\n    steps:\n      - intent: greet\n"
    changed = story_text() + "\n" + added + "      - action: utter_offer_qualification\n"

    problems = validate_change(PROJECT_ROOT, changes={STORIES: changed})

    start = changed.splitlines().index("  - story: greet straight to the offer") + 1
    assert [(p.file, p.line) for p in problems] == [(STORIES, start)]
    assert problems[0].message.startswith("Story structure conflict after intent 'greet'")
