"""Filing a visitor's message as a training example, the way the console's editors save.

The text saved is the message with its personal data replaced
(`bot.review.placeholders`), never the raw message; a reviewer's edited text is run
through the same replacement. It goes into the training data through the editor: an
existing intent gets it as one more example (`bot.editor.intents.add_example`), a new
intent is created with it as its first (`bot.editor.new_intents.create_intent`). As in
`bot.console.editing.save`, the edit is computed as a dry run, checked by
`validate_change` on a copy of the project, written file by file atomically, audited,
and returned with its diff, all under the console's own saving lock, so that a console
save and a filing never overwrite each other. Anything the editor refuses is refused
here, as a `ReviewRefused` (an `EditError`) with its problems, and nothing is written.

The review row is written before the files: should a concurrent reviewer have filed the
same message, the filing is refused before it touches the training data. Should the
caller's commit fail after the files were written, filing again finds the example in
place and only records the review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.console import editing
from bot.crm.repository import record_audit
from bot.crm.review_tables import MessageReview
from bot.editor import Edit, EditError, Problem, add_example, intents
from bot.editor.new_intents import create_intent
from bot.editor.yaml_files import write_atomically
from bot.review.placeholders import placeholder_text
from bot.review.reviews import ReviewRefused, find_message, record, review_of
from bot.settings import get_settings

# The audit entry of each file changed, as the console's editors write it.
AUDIT_ACTION = "training_data.edited"
AUDIT_KIND = "review.example_filed"


@dataclass(frozen=True)
class NewIntent:
    """Where a new intent goes: its NLU file (data/nlu/<topic>.yml) and the response the
    rule answering it says."""

    nlu_file: str
    answer: str


@dataclass(frozen=True)
class FiledExample:
    example: str  # the text saved (or, on a dry run, that would be)
    edits: list[Edit]  # one per file changed; none when the intent had the example already
    review: MessageReview | None  # None on a dry run

    def diffs(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each edit as the console shows a saved change: (file, [(kind, line), ...])."""
        return [(edit.file, editing.diff_lines(edit)) for edit in self.edits]


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def _propose(root: Path, intent: str, example: str, new_intent: NewIntent | None) -> list[Edit]:
    """The edits filing `example` under `intent` would make, computed as a dry run."""
    if new_intent is None:
        known = next((i for i in intents(root) if i.name == intent), None)
        if known is not None and _same(example) in {_same(e) for e in known.examples}:
            return []  # filed before (another visitor said the same): nothing to add
        return [add_example(root, intent=intent, text=example, dry_run=True)]
    return create_intent(
        root,
        intent=intent,
        example=example,
        nlu_file=new_intent.nlu_file,
        answer=new_intent.answer,
        dry_run=True,
    )


def file_example(
    session: Session,
    events: Engine | Connection,
    *,
    conversation_id: str,
    message_id: str,
    intent: str,
    reviewer: str,
    text: str | None = None,
    new_intent: NewIntent | None = None,
    dry_run: bool = False,
    root: Path | None = None,
) -> FiledExample:
    """File the message as an example of `intent` (a new one if `new_intent` says where);
    `text` is the reviewer's edit of the suggested example, if any. With `dry_run`, only
    the edits it would make, validated, for a preview.

    `events` is the tracker store; `root` the project (default: the one the console
    edits). Raises ReviewRefused for an unknown message, one filed already, and anything
    the editor or validation refuses.
    """
    message = find_message(events, conversation_id, message_id)
    reviewed = review_of(session, conversation_id, message_id)
    if reviewed is not None and reviewed.status == "filed":
        raise ReviewRefused.because(
            f"This message was filed already, as an example of '{reviewed.intent}'."
        )
    example = placeholder_text(
        message.text if text is None else text,
        entities=message.entities,
        personal=message.personal,
        region=get_settings().default_phone_region,
    )
    root = editing.project_root() if root is None else root
    with editing._saving:
        try:
            edits = [e for e in _propose(root, intent, example, new_intent) if e.before != e.after]
        except EditError as error:
            raise ReviewRefused([Problem(error.file, error.line, error.message)]) from error
        problems = editing._validate(root, {e.file: e.after for e in edits}) if edits else []
        if problems:
            raise ReviewRefused(problems)
        if dry_run:
            return FiledExample(example, edits, None)
        review = record(
            session, message, status="filed", reviewer=reviewer, intent=intent, example=example
        )
        for edit in edits:
            write_atomically(root / edit.file, edit.after)
    for edit in edits:
        record_audit(
            session,
            actor=reviewer,
            action=AUDIT_ACTION,
            details={"file": edit.file, "kind": AUDIT_KIND},
        )
    return FiledExample(example, edits, review)
