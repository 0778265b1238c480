"""Check the scoring files before deploying: ``python -m bot.scoring [FILE ...]``.

Prints every mistake as ``file:line: message`` and exits 1 if there is any, so it can
gate a deploy; with no arguments it checks the shipped data/scoring files.
"""

from __future__ import annotations

import sys

from bot.scoring.rules import validate_rule_files

DEFAULT_FILES = ("data/scoring/rules.yml", "data/scoring/segments.yml")


def main(argv: list[str] | None = None) -> int:
    paths = (sys.argv[1:] if argv is None else argv) or list(DEFAULT_FILES)
    errors = validate_rule_files(paths)
    for error in errors:
        print(error, file=sys.stderr)
    if not errors:
        print(f"{len(paths)} scoring file(s) OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
