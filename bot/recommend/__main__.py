"""Check the content catalogue and its settings: ``python -m bot.recommend [DIR]``.

Prints every mistake as ``file:line: message`` and exits 1 if there is any; with no
argument it checks data/content, segment names against data/scoring/segments.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.followups.workflows import project_catalogue
from bot.model_archive import CONTENT_DATA
from bot.recommend.content_files import catalogue_files, validate_content


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    directory = Path(arguments[0]) if arguments else CONTENT_DATA
    errors = validate_content(directory, segments=project_catalogue().segments)
    for error in errors:
        print(error, file=sys.stderr)
    if not errors:
        print(f"{len(catalogue_files(directory))} catalogue file(s) and the settings OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
