"""The names of the failed test stories, as Rasa writes them to failed_test_stories.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.training.stories import FAILED_STORIES_FILE, failed_story_names, story_label

# As `rasa test core` writes it (abridged): names carry the story file.
FAILED = f"""version: "3.1"
stories:
- story: pricing, then declines the offer ({PROJECT_ROOT}/tests/stories/test_small_talk.yml)
  steps:
  - intent: ask_pricing
  - action: utter_pricing  # predicted: utter_product
- story: out of scope ({PROJECT_ROOT}/tests/stories/test_small_talk.yml)
  steps:
  - intent: out_of_scope  # predicted: greet: hi there
"""


def test_failed_stories_are_named_with_their_file_relative_to_the_project(
    tmp_path: Path,
) -> None:
    (tmp_path / FAILED_STORIES_FILE).write_text(FAILED)
    assert failed_story_names(tmp_path) == [
        "pricing, then declines the offer (tests/stories/test_small_talk.yml)",
        "out of scope (tests/stories/test_small_talk.yml)",
    ]


def test_none_failed(tmp_path: Path) -> None:
    (tmp_path / FAILED_STORIES_FILE).write_text("# None of the test stories failed - all good!")
    assert failed_story_names(tmp_path) == []


def test_no_results_at_all_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        failed_story_names(tmp_path)


def test_names_without_a_file_are_kept_as_they_are() -> None:
    assert story_label("greeting (sort of)") == "greeting (sort of)"
    assert story_label("plain") == "plain"


def test_stories_of_a_project_copy_are_named_relative_to_the_copy(tmp_path: Path) -> None:
    name = f"greeting ({tmp_path}/tests/stories/test_small_talk.yml)"
    assert story_label(name, tmp_path) == "greeting (tests/stories/test_small_talk.yml)"
