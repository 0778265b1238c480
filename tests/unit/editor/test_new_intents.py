"""A new intent is added to its NLU file, the domain's intents and a rule answering it,
each file changed only by the added lines, and the result passes Rasa's validator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.editor import EditError
from bot.editor.domain_intents import add_domain_intent, domain_file_for, domain_intents
from bot.editor.new_intents import create_intent
from bot.editor.validation import validate_change

Diff = Callable[[str, str], tuple[list[str], list[str]]]


def test_domain_intents_name_the_file_listing_them(project: Path) -> None:
    listed = domain_intents(project)
    assert listed["greet"] == "bot/domain/core.yml"
    assert listed["request_human"] == "bot/domain/lead.yml"


def test_the_domain_file_follows_the_nlu_topic(project: Path) -> None:
    assert domain_file_for(project, "data/nlu/lead.yml") == "bot/domain/lead.yml"
    assert domain_file_for(project, "data/nlu/answers.yml") == "bot/domain/core.yml"


def test_a_domain_intent_is_one_added_line_after_the_list(project: Path, diff: Diff) -> None:
    before = (project / "bot/domain/core.yml").read_text(encoding="utf-8")

    edit = add_domain_intent(project, intent="ask_demo", file="bot/domain/core.yml")

    after = (project / "bot/domain/core.yml").read_text(encoding="utf-8")
    assert edit.after == after
    assert diff(before, after) == ([], ["  - ask_demo"])
    assert "  - ask_product\n  - ask_demo\n\nslots:" in after


def test_an_intent_already_listed_is_refused(project: Path) -> None:
    with pytest.raises(EditError, match="already lists intent 'greet'"):
        add_domain_intent(project, intent="greet", file="bot/domain/lead.yml")


def test_create_intent_changes_three_files_and_validates(project: Path, diff: Diff) -> None:
    edits = create_intent(
        project,
        intent="ask_demo",
        example="Can I see a demo?",
        nlu_file="data/nlu/lead.yml",
        answer="utter_pricing",
    )

    changed = {edit.file: diff(edit.before, edit.after) for edit in edits}
    assert changed == {
        "data/nlu/lead.yml": (
            [],
            ["", "- intent: ask_demo", "  examples: |", "    - Can I see a demo?"],
        ),
        "bot/domain/lead.yml": ([], ["  - ask_demo"]),
        "data/rules/conversation.yml": (
            [],
            [
                "",
                "  - rule: answer ask_demo",
                "    steps:",
                "      - intent: ask_demo",
                "      - action: utter_pricing",
            ],
        ),
    }
    for edit in edits:
        assert (project / edit.file).read_text(encoding="utf-8") == edit.after
    assert validate_change(project) == []


def test_create_intent_dry_run_writes_nothing(project: Path) -> None:
    before = (project / "data/nlu/lead.yml").read_text(encoding="utf-8")
    create_intent(
        project,
        intent="ask_demo",
        example="a live walkthrough of the product please",
        nlu_file="data/nlu/lead.yml",
        answer="utter_pricing",
        dry_run=True,
    )
    assert (project / "data/nlu/lead.yml").read_text(encoding="utf-8") == before
    assert "ask_demo" not in domain_intents(project)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"intent": "greet"}, "already an intent 'greet'"),
        ({"intent": "Ask Demo"}, "not a valid intent name"),
        ({"answer": "utter_nothing_like_it"}, "no response 'utter_nothing_like_it'"),
        ({"nlu_file": "bot/domain/core.yml"}, "data/nlu/<topic>.yml"),
    ],
)
def test_bad_new_intents_are_refused(project: Path, fields: dict[str, str], message: str) -> None:
    values = {
        "intent": "ask_demo",
        "example": "a live walkthrough of the product please",
        "nlu_file": "data/nlu/lead.yml",
        "answer": "utter_pricing",
    } | fields
    with pytest.raises(EditError, match=message):
        create_intent(
            project,
            intent=values["intent"],
            example=values["example"],
            nlu_file=values["nlu_file"],
            answer=values["answer"],
        )
