"""Filing a visitor's message as a training example into a copy of the project, through
the console's editor: the placeholder text is saved (never the raw message), validated,
audited and shown as a diff; what the editor or validation refuses writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console import editing
from bot.crm import session_scope
from bot.crm.tables import AuditEntry
from bot.editor import EditError, intents
from bot.review import NewIntent, ReviewRefused, file_example, list_reviews, unreviewed_count
from tests.integration.review.conftest import Stores
from tests.integration.review.conversations import T0, Conversation, save
from tests.unit.editor.conftest import copy_project

pytestmark = pytest.mark.integration

RAW = "does it plug into zapier for www.globex.io?"
SAFE = "does it plug into zapier for https://example.com?"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project the console edits is a copy (as in the console's own tests)."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setattr(editing, "PROJECT_ROOT", root)
    return root


def nlu(project: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(project.glob("data/nlu/*.yml")))


def file(stores: Stores, message_id: str, intent: str, **options: object) -> object:
    conversation_id = message_id.rsplit("-m", 1)[0]
    with session_scope(stores.crm) as session:
        return file_example(
            session,
            stores.events,
            conversation_id=conversation_id,
            message_id=message_id,
            intent=intent,
            reviewer="maya",
            **options,  # type: ignore[arg-type]
        )


def test_a_message_is_filed_as_its_placeholder_text(seeded: Stores, project: Path) -> None:
    before = nlu(project)
    preview = file(seeded, "conv-unsure-m1", "ask_product", dry_run=True)
    assert (preview.example, preview.review) == (SAFE, None)  # type: ignore[attr-defined]
    assert nlu(project) == before  # a dry run writes nothing

    filed = file(seeded, "conv-unsure-m1", "ask_product")

    [edit] = filed.edits  # type: ignore[attr-defined]
    assert edit.file == next(i.file for i in intents(project) if i.name == "ask_product")
    [(name, lines)] = filed.diffs()  # type: ignore[attr-defined]
    assert name == edit.file and ("added", f"+    - {SAFE}") in lines
    text = nlu(project)
    assert SAFE in text and RAW not in text and "www.globex.io" not in text
    assert SAFE in next(i for i in intents(project) if i.name == "ask_product").examples
    with session_scope(seeded.crm) as session:
        [review] = list_reviews(session).reviews
        assert (review.status, review.intent, review.example, review.reviewer) == (
            "filed",
            "ask_product",
            SAFE,
            "maya",
        )
        [audit] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "training_data.edited")
        ).all()
        assert (audit.actor, audit.details) == (
            "maya",
            {"file": edit.file, "kind": "review.example_filed"},
        )
        assert unreviewed_count(session, seeded.events) == 2

    with pytest.raises(ReviewRefused, match="filed already"):
        file(seeded, "conv-unsure-m1", "ask_pricing")


def test_what_validation_refuses_is_not_saved(seeded: Stores, project: Path) -> None:
    # "about [50](headcount) people" is already an example of `inform`.
    talk = Conversation("conv-fifty", T0).begin().says("about 50 people", "ask_pricing", 0.3)
    save(seeded.tracker_url, talk)
    before = nlu(project)

    with pytest.raises(ReviewRefused) as refused:
        file(seeded, "conv-fifty-m1", "ask_pricing")

    assert isinstance(refused.value, EditError)
    [problem] = refused.value.problems
    assert problem.file and problem.file.startswith("data/nlu/") and problem.line
    assert "labeled with multiple different intents" in problem.message
    assert nlu(project) == before
    with session_scope(seeded.crm) as session:
        assert list_reviews(session).total == 0


def test_what_the_editor_refuses_is_not_saved(seeded: Stores, project: Path) -> None:
    before = nlu(project)
    talk = Conversation("conv-hi", T0).begin().says("hi there", "nlu_fallback", 0.45)
    save(seeded.tracker_url, talk)
    refusals = [
        ("conv-hi-m1", "ask_pricing", {}, "already an example of intent 'greet'"),
        ("conv-unsure-m1", "ask_zapier", {}, "There is no intent 'ask_zapier'"),
        ("conv-unsure-m1", "ask_product", {"text": "   "}, "cannot be empty"),
        (
            "conv-unsure-m1",
            "ask_zapier",
            {"new_intent": NewIntent("data/nlu/zapier.yml", "utter_nothing")},
            "There is no response 'utter_nothing'",
        ),
        ("conv-unsure-m9", "ask_product", {}, "There is no such message"),
    ]
    for message_id, intent, options, message in refusals:
        with pytest.raises(ReviewRefused, match=message):
            file(seeded, message_id, intent, **options)
    assert nlu(project) == before


def test_a_new_intent_is_created_with_the_message_as_its_first_example(
    seeded: Stores, project: Path
) -> None:
    # The reviewer's edit of the text goes through the placeholders too.
    filed = file(
        seeded,
        "conv-unsure-m1",
        "ask_integrations",
        text="this is Priya Patel, does it plug into Zapier for www.globex.io?",
        new_intent=NewIntent("data/nlu/integrations.yml", "utter_product"),
    )
    example = "this is Alex Morgan, does it plug into Zapier for https://example.com?"
    assert filed.example == example  # type: ignore[attr-defined]
    files = {edit.file for edit in filed.edits}  # type: ignore[attr-defined]
    assert "data/nlu/integrations.yml" in files and len(files) == 3
    [created] = [i for i in intents(project) if i.name == "ask_integrations"]
    assert created.examples == [example]


def test_the_same_words_from_another_visitor_are_filed_without_a_second_example(
    seeded: Stores, project: Path
) -> None:
    again = (
        Conversation("conv-again", T0)
        .begin()
        .says(RAW.replace("globex", "initech"), "nlu_fallback", 0.45)
    )
    save(seeded.tracker_url, again)
    file(seeded, "conv-unsure-m1", "ask_product")
    after_first = nlu(project)

    second = file(seeded, "conv-again-m1", "ask_product")

    assert (second.example, second.edits) == (SAFE, [])  # type: ignore[attr-defined]
    assert nlu(project) == after_first
    with session_scope(seeded.crm) as session:
        assert list_reviews(session, status="filed").total == 2
