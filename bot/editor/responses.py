"""Responses and their variations (`bot/domain/*.yml`): list, add and reword variations,
keeping each text's style (plain, quoted or folded) and its {placeholders}.

A variation may name an A/B test variant (`metadata: {variant: friendly}`). A response
with named variants is an experiment: each conversation sees one variant's variations,
and the unnamed variations are its control arm (`CONTROL`, see `bot.experiments.variants`
and `bot.nlg`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from bot.editor import paths
from bot.editor.edits import Edit, EditError, save
from bot.editor.yaml_files import YamlDocument, load
from bot.experiments.variants import CONTROL, VARIANT_NAME, variant_of
from bot.settings import PROJECT_ROOT

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Folded response texts (`text: >-`) are re-folded at about this many characters.
FOLD_WIDTH = 80


@dataclass(frozen=True)
class Variation:
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)
    variant: str = CONTROL


@dataclass(frozen=True)
class Response:
    name: str
    file: str
    line: int
    variations: list[Variation] = field(default_factory=list)


def _response_entries(root: Path) -> Iterator[tuple[YamlDocument, str, CommentedSeq]]:
    for path in paths.domain_files(root):
        document = load(path)
        responses_map = document.data.get("responses") if isinstance(document.data, dict) else None
        if isinstance(responses_map, CommentedMap):
            for name, variations in responses_map.items():
                yield document, str(name), variations


def responses(root: Path = PROJECT_ROOT) -> list[Response]:
    """Every response in the domain files, with its variations, in file order."""
    found = []
    for document, name, variations in _response_entries(root):
        parent = document.data["responses"]
        found.append(
            Response(
                name=name,
                file=paths.relative(root, document.path),
                line=parent.lc.key(name)[0] + 1,
                variations=[
                    Variation(
                        text=str(v.get("text", "")),
                        buttons=[dict(b) for b in v.get("buttons") or []],
                        variant=variant_of(v),
                    )
                    for v in variations or []
                    if isinstance(v, dict)
                ],
            )
        )
    return found


def _find_response(root: Path, response: str) -> tuple[YamlDocument, CommentedSeq]:
    for document, name, variations in _response_entries(root):
        if name == response:
            if not isinstance(variations, CommentedSeq):
                raise EditError(f"Response '{response}' has no list of variations.")
            return document, variations
    raise EditError(f"There is no response '{response}'.")


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise EditError("A response text cannot be empty.")
    return cleaned


def _folded(text: str) -> FoldedScalarString:
    """A folded scalar that ruamel writes over lines of about FOLD_WIDTH characters."""
    folded = FoldedScalarString(text)
    positions, line_start, last_space = [], 0, None
    for index, char in enumerate(text):
        if char == " ":
            if index - line_start > FOLD_WIDTH and last_space is not None:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = index
    if last_space is not None and len(text) - line_start > FOLD_WIDTH and last_space > line_start:
        positions.append(last_space)
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def _styled_like(previous: Any, text: str) -> Any:
    """`text` written in the style of `previous` (plain, quoted, folded or literal)."""
    if "\n" in text or isinstance(previous, LiteralScalarString):
        return LiteralScalarString(text if "\n" in text else text + "\n")
    if isinstance(previous, FoldedScalarString) and len(text) > FOLD_WIDTH:
        return _folded(text)
    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(previous, style):
            return style(text)
    return text


def add_variation(
    root: Path = PROJECT_ROOT,
    *,
    response: str,
    text: str,
    variant: str | None = None,
    dry_run: bool = False,
) -> Edit:
    """Add a variation to `response`, written in the style of its last variation.

    With `variant`, the variation belongs to that A/B test variant (lowercase letters,
    digits, `-` and `_`; `control` is the unnamed variations' arm, so it adds none).
    """
    document, variations = _find_response(root, response)
    before = document.path.read_text(encoding="utf-8")
    previous = (
        variations[-1].get("text") if variations and isinstance(variations[-1], dict) else None
    )
    variation = CommentedMap(text=_styled_like(previous, _clean_text(text)))
    if variant is not None and variant.strip() and variant.strip() != CONTROL:
        name = variant.strip()
        if not VARIANT_NAME.fullmatch(name):
            raise EditError(
                f"'{name}' is not a valid variant name: use up to 40 lowercase letters, "
                "digits, '-' or '_', starting with a letter.",
                file=paths.relative(root, document.path),
            )
        variation["metadata"] = CommentedMap(variant=name)
    _move_trailing_comment(variations, variation)
    variations.append(variation)
    return save(root, document, before, dry_run=dry_run)


def _move_trailing_comment(sequence: CommentedSeq, new_last: CommentedMap) -> None:
    """Blank lines and comments after a list belong after its new last item.

    ruamel stores them on the last item's last key; left there, they would end up
    between the old last item and the new one.
    """
    if not sequence or not isinstance(sequence[-1], CommentedMap):
        return
    last_map, last_key = _innermost_last(sequence[-1])
    tokens = last_map.ca.items.pop(last_key, None)
    if tokens is not None:
        # Also innermost in the new item: after `metadata:`'s nested map, not on its key.
        target_map, target_key = _innermost_last(new_last)
        was_block = _is_block(last_map[last_key])
        if tokens[2] is not None and was_block != _is_block(target_map[target_key]):
            tokens = [*tokens[:2], _rebased(tokens[2], to_block=not was_block), *tokens[3:]]
        target_map.ca.items[target_key] = tokens


def _is_block(value: Any) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def _rebased(token: CommentToken, *, to_block: bool) -> CommentToken:
    """The comment token after a value, for a value of the other kind.

    After a plain value the token starts with the end of its line (`\n  # note\n`); a
    block scalar ends its own line, so after one it starts at the comment (`# note\n`,
    its column kept in the token's mark).
    """
    value = token.value
    if to_block:
        rest = value[1:] if value.startswith("\n") else value
        stripped = rest.lstrip(" ")
        return CommentToken(stripped if stripped.startswith("#") else rest, token.start_mark)
    lead = " " * token.start_mark.column if value.startswith("#") else ""
    return CommentToken(f"\n{lead}{value}", token.start_mark)


def _innermost_last(mapping: CommentedMap) -> tuple[CommentedMap, Any]:
    """The map and key written last in `mapping`, descending into nested maps and lists."""
    while True:
        last_key = list(mapping.keys())[-1]
        value = mapping[last_key]
        if isinstance(value, CommentedMap) and value:
            mapping = value
            continue
        if isinstance(value, CommentedSeq) and value and isinstance(value[-1], CommentedMap):
            mapping = value[-1]
            continue
        return mapping, last_key


def update_variation(
    root: Path = PROJECT_ROOT, *, response: str, index: int, text: str, dry_run: bool = False
) -> Edit:
    """Replace the text of variation `index` (0-based), keeping its placeholders and style."""
    document, variations = _find_response(root, response)
    file = paths.relative(root, document.path)
    if not 0 <= index < len(variations):
        raise EditError(
            f"Response '{response}' has {len(variations)} variation(s); there is no #{index + 1}.",
            file=file,
        )
    variation = variations[index]
    new_text = _clean_text(text)
    old_placeholders = set(PLACEHOLDER.findall(str(variation.get("text", ""))))
    missing = sorted(old_placeholders - set(PLACEHOLDER.findall(new_text)))
    if missing:
        names = ", ".join(f"{{{name}}}" for name in missing)
        raise EditError(f"The new text must keep the placeholder(s) {names}.", file=file)
    before = document.path.read_text(encoding="utf-8")
    variation["text"] = _styled_like(variation.get("text"), new_text)
    return save(root, document, before, dry_run=dry_run)
