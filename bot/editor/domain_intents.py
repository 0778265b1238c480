"""The domain's `intents:` lists (`bot/domain/*.yml`): which intents the bot knows.

Rasa rejects an NLU intent the domain does not list, so a new intent is added to both in
the same save. The name is inserted as one line after the list's last item, so comments,
order and the blank line before the next section stay where they are.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.editor import paths
from bot.editor.blocks import indentation, item_end
from bot.editor.edits import Edit, EditError
from bot.editor.yaml_files import YamlDocument, load, write_atomically
from bot.settings import PROJECT_ROOT

# Where an intent goes when no domain file shares its NLU file's topic.
DEFAULT_DOMAIN_FILE = "core.yml"


def _intent_lists(root: Path) -> list[tuple[YamlDocument, CommentedSeq]]:
    found = []
    for path in paths.domain_files(root):
        document = load(path)
        if isinstance(document.data, CommentedMap) and isinstance(
            document.data.get("intents"), CommentedSeq
        ):
            found.append((document, document.data["intents"]))
    return found


def _name(item: object) -> str:
    return str(next(iter(item))) if isinstance(item, CommentedMap) else str(item)


def domain_intents(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Every intent the domain lists, with the domain file listing it."""
    return {
        _name(item): paths.relative(root, document.path)
        for document, listed in _intent_lists(root)
        for item in listed
    }


def domain_file_for(root: Path, nlu_file: str) -> str:
    """The domain file for an intent of `nlu_file`: the one of the same topic, else core."""
    lists = {document.path.name: document for document, listed in _intent_lists(root) if listed}
    if not lists:
        raise EditError("No domain file has an `intents:` list to add the intent to.")
    topic = PurePosixPath(nlu_file).name
    chosen = lists.get(topic) or lists.get(DEFAULT_DOMAIN_FILE) or next(iter(lists.values()))
    return paths.relative(root, chosen.path)


def add_domain_intent(
    root: Path = PROJECT_ROOT, *, intent: str, file: str, dry_run: bool = False
) -> Edit:
    """List `intent` at the end of the `intents:` list of domain `file`."""
    listed_in = domain_intents(root).get(intent)
    if listed_in is not None:
        raise EditError(f"The domain already lists intent '{intent}'.", file=listed_in)
    found = next(
        (
            (document, listed)
            for document, listed in _intent_lists(root)
            if paths.relative(root, document.path) == file and listed
        ),
        None,
    )
    if found is None:
        raise EditError(f"'{file}' has no `intents:` list to add the intent to.", file=file)
    document, listed = found
    before = document.path.read_text(encoding="utf-8")
    lines = before.splitlines(keepends=True)
    last = listed.lc.item(len(listed) - 1)[0]
    end = item_end(lines, last)
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    new_line = " " * indentation(lines[last]) + f"- {intent}\n"
    after = "".join([*lines[:end], new_line, *lines[end:]])
    if not dry_run:
        write_atomically(document.path, after)
    return Edit(file=file, before=before, after=after)
