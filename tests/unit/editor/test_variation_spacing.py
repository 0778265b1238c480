"""A variation added after a folded or literal text keeps the blank line and comments that
followed the response, with or without an A/B variant's nested metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.editor import add_variation

Diff = Callable[[str, str], tuple[list[str], list[str]]]


@pytest.mark.parametrize("variant", [None, "friendly"])
@pytest.mark.parametrize("text", ["Plans start small; ask me!", "Two lines:\nsee our plans"])
def test_only_lines_are_added_after_a_folded_text(
    project: Path, diff: Diff, variant: str | None, text: str
) -> None:
    before = (project / "bot/domain/core.yml").read_text(encoding="utf-8")
    assert "  utter_pricing:\n    - text: >-\n" in before

    edit = add_variation(project, response="utter_pricing", text=text, variant=variant)

    removed, added = diff(before, edit.after)
    assert removed == []
    assert added[0].startswith("    - text: ")
    assert "\n\n  utter_product:\n" in edit.after
    if variant:
        assert added[-2:] == ["      metadata:", "        variant: friendly"]
