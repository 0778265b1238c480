"""The content catalogue marketers write in ``data/content/*.yml``, loaded and checked.

Each file holds a top-level ``content:`` list (not a key of Rasa's, which reads every
YAML file under data/). Every item is checked by a JSON Schema for its shape and then
for what a schema cannot say (a URL that is no web address, a date that is no date, an
id used twice across files, a segment the scoring files do not define); every mistake
is a `RulesError` naming file and line, as for the scoring files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.scoring.facts import CONTENT_STAGES
from bot.scoring.issues import Issues, RulesError, hint
from bot.scoring.rules import checked, parse

__all__ = [
    "ANY",
    "KINDS",
    "REGIONS",
    "SIZE_BANDS",
    "STAGES",
    "Catalogue",
    "Item",
    "load_catalogue",
    "validate_catalogue_files",
]

CONTENT = "content"
ANY = "any"
KINDS = ("case_study", "guide", "webinar", "plan", "integration")
STAGES = CONTENT_STAGES
SIZE_BANDS = ("1-10", "11-50", "51-200", "201-1000", "1000+")
# Where a lead is: from their phone number's country (bot.recommend.lead).
REGIONS = ("na", "latam", "uk", "eu", "mea", "apac")
_TAG = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "a snake_case tag"}
_TAGS = {"type": "array", "minItems": 1, "items": _TAG}
_TEXT = {"type": "string", "minLength": 1}

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "url", "summary", "kind", "stage", "industries", "use_cases"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]*$",
            "description": "an id of lower-case letters, digits and dashes",
        },
        "title": _TEXT,
        "url": _TEXT,
        "summary": _TEXT,
        "kind": {"enum": list(KINDS)},
        "stage": {"enum": list(STAGES)},
        "industries": {**_TAGS, "description": "a list of industries, or [any]"},
        "size_bands": {"type": "array", "minItems": 1, "items": {"enum": list(SIZE_BANDS)}},
        "use_cases": _TAGS,
        "language": {
            "type": "string",
            "pattern": "^[a-z]{2}$",
            "description": "a two-letter language code such as en",
        },
        # A list of regions, or the word "any".
        "regions": {
            "type": ["string", "array"],
            "pattern": "^any$",
            "description": "'any' or a list of regions",
            "minItems": 1,
            "items": {"enum": list(REGIONS)},
        },
        "valid_until": {},  # a date: ruamel reads 2027-03-31 as one; checked below
        "gated": {"type": "boolean"},
        "segments": {"type": "array", "minItems": 1, "items": _TEXT},
    },
    "additionalProperties": False,
}
CATALOGUE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [CONTENT],
    "properties": {CONTENT: {"type": "array", "items": ITEM_SCHEMA}},
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Item:
    """One piece of content that may be recommended."""

    id: str
    title: str
    url: str
    summary: str
    kind: str
    stage: str
    industries: tuple[str, ...]  # ("any",) fits every industry
    use_cases: tuple[str, ...]
    size_bands: tuple[str, ...] = SIZE_BANDS
    language: str = "en"
    regions: tuple[str, ...] = (ANY,)
    valid_until: date | None = None
    gated: bool = False  # needs the lead's marketing consent
    segments: tuple[str, ...] = ()  # only for leads in one of them; () for everyone
    source: str = ""  # file:line, for messages

    def fits_industry(self, industry: str | None) -> bool:
        return ANY in self.industries or industry in self.industries


@dataclass(frozen=True)
class Catalogue:
    items: tuple[Item, ...]

    def __len__(self) -> int:
        return len(self.items)

    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _check_item(
    issues: Issues, index: int, node: Mapping[str, Any], segments: Collection[str]
) -> None:
    path = [CONTENT, index]
    url = urlsplit(str(node["url"]))
    if url.scheme not in ("http", "https") or not url.netloc or " " in str(node["url"]):
        issues.add([*path, "url"], f"url {str(node['url'])!r} is not a web address (https://…)")
    if "valid_until" in node and _as_date(node["valid_until"]) is None:
        given = node["valid_until"]
        issues.add(
            [*path, "valid_until"], f"valid_until {given!r} is not a date such as 2027-03-31"
        )
    industries = [str(name) for name in node["industries"]]
    if ANY in industries and len(industries) > 1:
        issues.add([*path, "industries"], "industries: 'any' stands alone, without other names")
    for key in ("use_cases", "size_bands", "industries"):
        names = [str(name) for name in node.get(key) or ()]
        for name in sorted({n for n in names if names.count(n) > 1}):
            issues.add([*path, key], f"{key} lists '{name}' twice")
    for name in node.get("segments") or ():
        if segments and str(name) not in segments:
            message = f"unknown segment '{name}'{hint(name, sorted(segments))}"
            issues.add([*path, "segments"], message)


def _check_items(issues: Issues, segments: Collection[str]) -> None:
    for index, node in enumerate(issues.root.get(CONTENT) or ()):
        if issues.clean([CONTENT, index]):
            _check_item(issues, index, node, segments)


def _check_duplicates(parsed: Sequence[Issues]) -> None:
    first: dict[str, str] = {}
    for issues in parsed:
        if not isinstance(issues.root, Mapping):
            continue
        for index, node in enumerate(issues.root.get(CONTENT) or ()):
            if not isinstance(node, Mapping) or not isinstance(node.get("id"), str):
                continue
            here = f"{issues.file}:{issues.line([CONTENT, index, 'id'])}"
            if node["id"] in first:
                message = f"duplicate id '{node['id']}'; it is already used at {first[node['id']]}"
                issues.add([CONTENT, index, "id"], message)
            else:
                first[node["id"]] = here


def _checked_files(paths: Iterable[Path | str], segments: Collection[str]) -> list[Issues]:
    parsed = [parse(Path(path)) for path in paths]
    for issues in parsed:
        checked(issues, CATALOGUE_SCHEMA, lambda found: _check_items(found, segments))
    _check_duplicates(parsed)
    for issues in parsed:
        issues.errors.sort(key=lambda error: error.line or 0)
    return parsed


def validate_catalogue_files(
    paths: Iterable[Path | str], *, segments: Collection[str] = ()
) -> list[RulesError]:
    """Every mistake in the catalogue files, file by file in line order. Segment names
    are checked against `segments` when given."""
    return [error for issues in _checked_files(paths, segments) for error in issues.errors]


def _tuple(node: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = node.get(key)
    if value is None or value == ANY:
        return default
    return tuple(str(name) for name in value)


def _item(node: Mapping[str, Any], source: str) -> Item:
    return Item(
        id=str(node["id"]),
        title=str(node["title"]),
        url=str(node["url"]),
        summary=" ".join(str(node["summary"]).split()),
        kind=str(node["kind"]),
        stage=str(node["stage"]),
        industries=_tuple(node, "industries", (ANY,)),
        use_cases=_tuple(node, "use_cases", ()),
        size_bands=_tuple(node, "size_bands", SIZE_BANDS),
        language=str(node.get("language", "en")),
        regions=_tuple(node, "regions", (ANY,)),
        valid_until=_as_date(node["valid_until"]) if "valid_until" in node else None,
        gated=bool(node.get("gated", False)),
        segments=_tuple(node, "segments", ()),
        source=source,
    )


def load_catalogue(paths: Iterable[Path | str], *, segments: Collection[str] = ()) -> Catalogue:
    """The items of every file, in file order; raises the first `RulesError` if any."""
    parsed = _checked_files(sorted(Path(path) for path in paths), segments)
    for issues in parsed:
        if issues.errors:
            raise issues.errors[0]
    return Catalogue(
        tuple(
            _item(node, f"{issues.file}:{issues.line([CONTENT, index])}")
            for issues in parsed
            for index, node in enumerate(issues.root[CONTENT])
        )
    )
