"""Editing intents and responses changes only the intended lines of one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.editor import (
    EditError,
    add_example,
    add_variation,
    intents,
    remove_example,
    responses,
    rules,
    stories,
    update_variation,
)

Diff = Callable[[str, str], tuple[list[str], list[str]]]


def text_of(project: Path, file: str) -> str:
    return (project / file).read_text(encoding="utf-8")


def test_intents_are_listed_with_their_file_line_and_examples(project: Path) -> None:
    found = {intent.name: intent for intent in intents(project)}

    interest = found["express_interest"]
    assert interest.file == "data/nlu/lead.yml"
    assert interest.line == 4
    assert interest.examples[:2] == ["i'm interested", "im intrested"]
    assert "greet" in found


def test_add_example_appends_one_line_to_the_intents_block(project: Path, diff: Diff) -> None:
    before = text_of(project, "data/nlu/lead.yml")

    edit = add_example(project, intent="express_interest", text="  we want   parley now ")

    after = text_of(project, "data/nlu/lead.yml")
    assert edit.file == "data/nlu/lead.yml"
    assert (edit.before, edit.after) == (before, after)
    assert diff(before, after) == ([], ["    - we want parley now"])
    lines = after.splitlines()
    assert lines[lines.index("    - we want parley now") + 1] == ""  # blank line kept after it
    assert (
        "we want parley now"
        in next(i for i in intents(project) if i.name == "express_interest").examples
    )


def test_add_example_to_the_last_intent_of_a_file(project: Path, diff: Diff) -> None:
    last = [i for i in intents(project) if i.file == "data/nlu/lead.yml"][-1]
    before = text_of(project, "data/nlu/lead.yml")

    add_example(project, intent=last.name, text="brand new wording")

    assert diff(before, text_of(project, "data/nlu/lead.yml")) == (
        [],
        ["    - brand new wording"],
    )


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_an_empty_example_is_refused(project: Path, text: str) -> None:
    with pytest.raises(EditError, match="cannot be empty"):
        add_example(project, intent="express_interest", text=text)


def test_a_duplicate_example_is_refused_whatever_its_case(project: Path) -> None:
    before = text_of(project, "data/nlu/lead.yml")

    with pytest.raises(EditError, match="already an example of intent 'express_interest'"):
        add_example(project, intent="express_interest", text="I'M INTERESTED")
    with pytest.raises(EditError, match="already an example of intent 'greet'"):
        add_example(project, intent="express_interest", text="Hello")

    assert text_of(project, "data/nlu/lead.yml") == before


def test_a_new_intent_goes_at_the_end_of_the_named_file(project: Path, diff: Diff) -> None:
    before = text_of(project, "data/nlu/lead.yml")

    add_example(project, intent="ask_discount", text="any discounts?", file="data/nlu/lead.yml")

    after = text_of(project, "data/nlu/lead.yml")
    added = ["", "- intent: ask_discount", "  examples: |", "    - any discounts?"]
    assert diff(before, after) == ([], added)
    found = next(i for i in intents(project) if i.name == "ask_discount")
    assert (found.file, found.examples) == ("data/nlu/lead.yml", ["any discounts?"])


def test_a_new_intent_can_start_a_new_topic_file(project: Path) -> None:
    add_example(project, intent="ask_discount", text="any discounts?", file="data/nlu/pricing.yml")

    assert text_of(project, "data/nlu/pricing.yml") == (
        'version: "3.1"\n\nnlu:\n- intent: ask_discount\n  examples: |\n    - any discounts?\n'
    )


def test_an_unknown_intent_without_a_file_is_refused(project: Path) -> None:
    with pytest.raises(EditError, match="no intent 'ask_discount'"):
        add_example(project, intent="ask_discount", text="any discounts?")
    with pytest.raises(EditError, match=r"data/nlu/<topic>\.yml"):
        add_example(project, intent="ask_discount", text="any discounts?", file="bot/x.yml")


def test_remove_example_removes_only_its_line(project: Path, diff: Diff) -> None:
    before = text_of(project, "data/nlu/lead.yml")

    remove_example(project, intent="express_interest", text="Interested")

    assert diff(before, text_of(project, "data/nlu/lead.yml")) == (["    - interested"], [])
    with pytest.raises(EditError, match="has no example 'interested'"):
        remove_example(project, intent="express_interest", text="interested")


def test_the_only_example_of_an_intent_is_not_removed(project: Path) -> None:
    add_example(project, intent="ask_discount", text="any discounts?", file="data/nlu/pricing.yml")

    with pytest.raises(EditError, match="only example"):
        remove_example(project, intent="ask_discount", text="any discounts?")


def test_dry_run_returns_the_edit_without_writing(project: Path) -> None:
    before = text_of(project, "data/nlu/lead.yml")

    edit = add_example(project, intent="express_interest", text="a preview", dry_run=True)

    assert text_of(project, "data/nlu/lead.yml") == before
    assert "    - a preview\n" in edit.after


def test_responses_are_listed_with_variations_and_buttons(project: Path) -> None:
    found = {response.name: response for response in responses(project)}

    offer = found["utter_offer_qualification"]
    declared = (
        text_of(project, "bot/domain/core.yml").splitlines().index("  utter_offer_qualification:")
    )
    assert (offer.file, offer.line) == ("bot/domain/core.yml", declared + 1)
    assert offer.variations[0].text.startswith("Would you like to see whether {brand_name}")
    assert offer.variations[0].buttons[0] == {"title": "Yes, let's go", "payload": "yes"}
    assert "\n" not in found["utter_greet"].variations[0].text  # folded text, one line


def test_add_variation_goes_after_the_last_one_keeping_the_blank_line(
    project: Path, diff: Diff
) -> None:
    before = text_of(project, "bot/domain/core.yml")

    add_variation(project, response="utter_offer_qualification", text="Shall we check the fit?")

    after = text_of(project, "bot/domain/core.yml")
    assert diff(before, after) == ([], ["    - text: Shall we check the fit?"])
    lines = after.splitlines()
    assert lines[lines.index("    - text: Shall we check the fit?") + 1] == ""


def test_a_named_variant_is_written_as_variation_metadata(project: Path, diff: Diff) -> None:
    before = text_of(project, "bot/domain/core.yml")

    add_variation(
        project,
        response="utter_offer_qualification",
        text="Want a quick fit check?",
        variant="short",
    )

    assert diff(before, text_of(project, "bot/domain/core.yml")) == (
        [],
        ["    - text: Want a quick fit check?", "      metadata:", "        variant: short"],
    )
    offer = next(r for r in responses(project) if r.name == "utter_offer_qualification")
    assert [v.variant for v in offer.variations][-2:] == ["control", "short"]


@pytest.mark.parametrize("name", ["Short", "two words", "-x", "x" * 41])
def test_a_bad_variant_name_is_refused(project: Path, name: str) -> None:
    with pytest.raises(EditError, match="not a valid variant name"):
        add_variation(project, response="utter_greet", text="Hi there!", variant=name)


def test_the_control_variant_adds_no_metadata(project: Path, diff: Diff) -> None:
    before = text_of(project, "bot/domain/core.yml")

    add_variation(project, response="utter_offer_qualification", text="Check?", variant="control")

    assert diff(before, text_of(project, "bot/domain/core.yml")) == ([], ["    - text: Check?"])


def test_a_long_variation_is_folded_like_its_neighbours(project: Path, diff: Diff) -> None:
    before = text_of(project, "bot/domain/core.yml")
    text = "Hello and welcome to {brand_name}! " * 4

    add_variation(project, response="utter_greet", text=text)

    removed, added = diff(before, text_of(project, "bot/domain/core.yml"))
    assert removed == []
    assert added[0] == "    - text: >-"
    assert all(len(line) <= 8 + 81 for line in added[1:])
    greet = next(r for r in responses(project) if r.name == "utter_greet")
    assert greet.variations[-1].text == text.strip()


def test_update_variation_rewrites_only_its_text(project: Path, diff: Diff) -> None:
    before = text_of(project, "bot/domain/core.yml")

    update_variation(
        project, response="utter_offer_qualification", index=0, text="Is {brand_name} for you?"
    )

    removed, added = diff(before, text_of(project, "bot/domain/core.yml"))
    assert len(removed) == 1 and removed[0].startswith("    - text: Would you like")
    assert added == ["    - text: Is {brand_name} for you?"]


def test_update_variation_keeps_placeholders_and_checks_the_index(project: Path) -> None:
    with pytest.raises(EditError, match=r"keep the placeholder\(s\) \{brand_name\}"):
        update_variation(project, response="utter_offer_qualification", index=0, text="Go?")
    with pytest.raises(EditError, match="there is no #3"):
        update_variation(project, response="utter_offer_qualification", index=2, text="x")
    with pytest.raises(EditError, match="no response 'utter_nope'"):
        add_variation(project, response="utter_nope", text="x")


def test_stories_and_rules_are_listed_with_the_line_where_they_start(project: Path) -> None:
    story = stories(project)[0]
    rule = next(r for r in rules(project) if r.name == "unclear consent answer is asked again")

    assert (story.file, story.line) == ("data/stories/qualification.yml", 4)
    assert story.name == "visitor greets, accepts the offer and qualifies"
    assert (rule.file, rule.line) == ("data/rules/consent.yml", 14)
    assert all(r.kind == "rule" for r in rules(project))
