"""Sequence items as lines of text: where a story, rule or list item starts and ends.

Whole items are replaced or appended as text rather than through ruamel's tree: ruamel
attaches the blank lines and comments after an item to that item, so a tree edit near
them moves them. Working on lines leaves every byte outside the item alone.
"""

from __future__ import annotations


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _filler(line: str) -> bool:
    """A blank or comment-only line: it never ends an item by itself."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def item_end(lines: list[str], start: int) -> int:
    """The index after the last line of the sequence item whose `- ` is on `lines[start]`.

    The item runs until the next line indented no deeper than its dash (the next item or
    the next key); blank lines and such outdented comments before that line stay outside
    (they separate items or introduce the next one).
    """
    dash = indentation(lines[start])
    end = start + 1
    while end < len(lines) and (_filler(lines[end]) or indentation(lines[end]) > dash):
        end += 1
    while end > start + 1 and _filler(lines[end - 1]):
        line = lines[end - 1]
        if line.strip() and indentation(line) > dash:
            break
        end -= 1
    return end


def dedent(lines: list[str], columns: int) -> str:
    """`lines` with `columns` leading spaces taken off, as an item is shown on its own."""
    prefix = " " * columns
    return "".join(
        line[columns:] if line.startswith(prefix) else line.lstrip(" ") for line in lines
    )


def indent(text: str, columns: int) -> list[str]:
    """`text`'s lines indented by `columns` (blank lines left empty), each ending in \\n."""
    prefix = " " * columns
    return [f"{prefix}{line}\n" if line.strip() else "\n" for line in text.split("\n")]
