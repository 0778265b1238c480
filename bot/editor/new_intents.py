"""A new intent in one save: its first example, its place in the domain, and its answer.

Rasa's validator (warnings as errors) rejects an intent missing from the domain and one
that no story or rule uses, so a new intent needs three changes to be valid: the example
in an NLU file, the name in the domain's `intents:`, and a rule answering it with an
existing response. `create_intent` computes all three and writes them together.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.editor import paths
from bot.editor.blocks import indentation, item_end
from bot.editor.conversations import rules
from bot.editor.domain_intents import add_domain_intent, domain_file_for, domain_intents
from bot.editor.edits import Edit, EditError
from bot.editor.intents import add_example, intents
from bot.editor.responses import responses
from bot.editor.yaml_files import load, write_atomically
from bot.settings import PROJECT_ROOT

# Where the answering rule goes when no rules file shares the NLU file's topic.
DEFAULT_RULES_FILE = "conversation.yml"
RESPONSE_NAME = re.compile(r"utter_[a-z0-9_]+")


def rules_file_for(root: Path, nlu_file: str) -> str:
    rules_dir = root / paths.DATA_DIR / "rules"
    topic = rules_dir / PurePosixPath(nlu_file).name
    chosen = topic if topic.exists() else rules_dir / DEFAULT_RULES_FILE
    return paths.relative(root, chosen)


def answer_rule_name(intent: str) -> str:
    return f"answer {intent}"


def add_answer_rule(
    root: Path = PROJECT_ROOT, *, intent: str, response: str, file: str, dry_run: bool = False
) -> Edit:
    """Append the rule "`intent` is answered with `response`" to rules `file`."""
    if not RESPONSE_NAME.fullmatch(response) or response not in {r.name for r in responses(root)}:
        raise EditError(f"There is no response '{response}' to answer with.")
    name = answer_rule_name(intent)
    if name in {rule.name for rule in rules(root)}:
        raise EditError(f"There is already a rule named '{name}'.")
    document = load(root / file)
    listed = document.data.get("rules") if isinstance(document.data, CommentedMap) else None
    if not (isinstance(listed, CommentedSeq) and listed):
        raise EditError(f"'{file}' has no rules to add the new rule after.", file=file)
    before = document.path.read_text(encoding="utf-8")
    lines = before.splitlines(keepends=True)
    last = listed.lc.item(len(listed) - 1)[0]
    end = item_end(lines, last)
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    rule = " " * indentation(lines[last])
    step = rule + "  " + " " * document.layout.offset
    block = [
        "\n",
        f"{rule}- rule: {name}\n",
        f"{rule}  steps:\n",
        f"{step}- intent: {intent}\n",
        f"{step}- action: {response}\n",
    ]
    after = "".join([*lines[:end], *block, *lines[end:]])
    if not dry_run:
        write_atomically(document.path, after)
    return Edit(file=file, before=before, after=after)


def create_intent(
    root: Path = PROJECT_ROOT,
    *,
    intent: str,
    example: str,
    nlu_file: str,
    answer: str,
    dry_run: bool = False,
) -> list[Edit]:
    """Add `intent` with its first `example` to `nlu_file`, to the domain (unless listed
    already) and a rule answering it with response `answer`; one `Edit` per file."""
    if intent in {known.name for known in intents(root)}:
        raise EditError(f"There is already an intent '{intent}'; add the example to it instead.")
    edits = [add_example(root, intent=intent, text=example, file=nlu_file, dry_run=True)]
    if intent not in domain_intents(root):
        domain_file = domain_file_for(root, nlu_file)
        edits.append(add_domain_intent(root, intent=intent, file=domain_file, dry_run=True))
    rules_file = rules_file_for(root, nlu_file)
    edits.append(
        add_answer_rule(root, intent=intent, response=answer, file=rules_file, dry_run=True)
    )
    if not dry_run:
        for edit in edits:
            write_atomically(root / edit.file, edit.after)
    return edits
