"""Validate proposed file contents before they are saved: YAML, Rasa, scoring,
follow-up sequence and content catalogue checks.

`validate_change` copies the project's config, domain, data and actions to a temporary
directory, writes the proposed files there and runs, on the copy:

1. a YAML syntax check of every domain and data file (file and line from ruamel);
2. Rasa's validator with warnings as errors, as `bot/data_check.py` runs it, each
   warning placed by `bot.editor.locations` at the story or rule it names, the step
   using the name, or the name's definition;
3. the lead scoring rules and segments check (`bot.scoring.validate_rule_files`);
4. the follow-up sequences check (`bot.followups.workflows.validate_workflow_files`),
   against the copy's responses, segments, grades and lead form;
5. the content catalogue and the recommender's settings (`bot.recommend.validate_content`),
   against the copy's segments;
6. the web chat's triggers (`bot.targeting.triggers.validate_trigger_file`), against the
   copy's segments and catalogue.

Rasa is only run when the YAML parses, since it cannot load broken files.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from rasa.shared.exceptions import RasaException
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.utils.validation import YamlValidationException
from rasa.utils.common import EXPECTED_WARNINGS
from ruamel.yaml.error import MarkedYAMLError

from bot.data_check import ParleyValidator
from bot.editor import paths
from bot.editor.edits import EditError, Problem
from bot.editor.locations import Locations, index_project
from bot.editor.yaml_files import make_yaml
from bot.followups.workflows import project_catalogue, validate_workflow_files
from bot.handoff.config import validate_handoff_file
from bot.recommend.content_files import catalogue_ids, validate_content
from bot.scoring import RulesError, validate_rule_files
from bot.settings import PROJECT_ROOT
from bot.targeting.triggers import validate_trigger_file

# Rasa's story structure conflicts are logged, not warned.
RASA_VALIDATOR_LOGGER = "rasa.validator"
EDITABLE = (paths.CONFIG_FILE, paths.DOMAIN_DIR, paths.DATA_DIR)


def validate_change(
    root: Path = PROJECT_ROOT, *, changes: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem the project would have with `changes` (relative path -> new text)."""
    changes = dict(changes or {})
    for file in changes:
        _check_editable(file)
    with tempfile.TemporaryDirectory(prefix="parley-editor-") as temporary:
        copy = Path(temporary)
        _copy_project(root, copy)
        for file, text in changes.items():
            target = copy / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        problems = syntax_problems(copy)
        if problems:
            return problems
        problems = [
            *rasa_problems(copy, prefer=changes.keys()),
            *scoring_problems(copy),
            *workflow_problems(copy),
            *content_problems(copy),
            *targeting_problems(copy),
        ]
    return list(dict.fromkeys(problems))


def _check_editable(file: str) -> None:
    path = PurePosixPath(file)
    inside = any(path == allowed or Path(path).is_relative_to(allowed) for allowed in EDITABLE)
    if path.is_absolute() or ".." in path.parts or path.suffix != ".yml" or not inside:
        raise EditError(f"'{file}' is not a training data, domain or config file.", file=file)


def _copy_project(root: Path, copy: Path) -> None:
    (copy / paths.CONFIG_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / paths.CONFIG_FILE, copy / paths.CONFIG_FILE)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for directory in (paths.DOMAIN_DIR, paths.DATA_DIR, paths.ACTIONS_DIR):
        if (root / directory).is_dir():
            shutil.copytree(root / directory, copy / directory, ignore=ignore)


# --- YAML syntax -------------------------------------------------------------------------


def syntax_problems(root: Path) -> list[Problem]:
    problems = []
    files = [
        root / paths.CONFIG_FILE,
        *paths.domain_files(root),
        *(root / paths.DATA_DIR).rglob("*.yml"),
    ]
    for path in sorted(files):
        try:
            make_yaml().load(path.read_text(encoding="utf-8"))
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = " ".join(part for part in (error.context, error.problem) if part)
            problems.append(
                Problem(
                    file=paths.relative(root, path),
                    line=mark.line + 1 if mark is not None else None,
                    message=f"This is not valid YAML: {message or error}",
                )
            )
    return problems


# --- Rasa --------------------------------------------------------------------------------


class _CopyValidator(ParleyValidator):
    """ParleyValidator reading the actions and follow-up sequences of the project copy,
    not of the real project."""

    actions_package: Path
    workflows_dir: Path


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _rasa_messages() -> Iterator[list[str]]:
    """Rasa's warnings and logged story conflicts, collected instead of printed."""
    collector = _Collector()
    logger = logging.getLogger(RASA_VALIDATOR_LOGGER)
    logger.addHandler(collector)
    messages: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield messages
    finally:
        logger.removeHandler(collector)
    messages.extend(
        str(w.message)
        for w in caught
        if issubclass(w.category, UserWarning)
        and "rasa" in Path(w.filename).parts
        and not _expected(w.category, str(w.message))
    )
    messages.extend(collector.messages)


def _expected(category: type[Warning], message: str) -> bool:
    """Warnings Rasa itself silences (`rasa data validate` does not show them)."""
    return any(
        issubclass(category, kind) and re.match(pattern, message)
        for kind, pattern in EXPECTED_WARNINGS
    )


def _checks(validator: ParleyValidator) -> list[tuple[str, Callable[[], bool]]]:
    return [
        ("domain", validator.verify_domain_validity),
        ("actions", validator.verify_actions_in_stories_rules),
        ("forms", validator.verify_forms_in_stories_rules),
        ("form slots", validator.verify_form_slots),
        ("slot mappings", validator.verify_slot_mappings),
        ("NLU", lambda: validator.verify_nlu(ignore_warnings=False)),
        ("story structure", lambda: validator.verify_story_structure(ignore_warnings=False)),
    ]


def rasa_problems(root: Path, *, prefer: Iterable[str] = ()) -> list[Problem]:
    """Rasa's validator on the project at `root`, every warning an error."""
    preferred = list(prefer)
    failed: list[str] = []
    with _rasa_messages() as messages:
        try:
            importer = TrainingDataImporter.load_from_config(
                config_path=str(root / paths.CONFIG_FILE),
                domain_path=str(root / paths.DOMAIN_DIR),
                training_data_paths=[str(root / paths.DATA_DIR)],
            )
            validator = _CopyValidator.from_importer(importer)
            validator.actions_package = root / paths.ACTIONS_DIR
            validator.workflows_dir = root / paths.WORKFLOWS_DIR
            failed = [name for name, check in _checks(validator) if not check()]
        except YamlValidationException as error:
            return _schema_problems(root, error)
        except RasaException as error:
            return [Problem(file=None, line=None, message=_without_root(root, str(error)))]
    locations = index_project(root)
    problems = [_placed(root, locations, message, preferred) for message in messages]
    if failed and not problems:
        problems = [Problem(None, None, f"Rasa's {name} check failed.") for name in failed]
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file or "", p.line or 0, p.message))


def _without_root(root: Path, message: str) -> str:
    for prefix in (f"{root.resolve()}/", f"{root}/"):
        message = message.replace(prefix, "")
    return message.strip()


def _placed(root: Path, locations: Locations, message: str, preferred: list[str]) -> Problem:
    text = _without_root(root, message)
    place = locations.place(text, prefer=preferred)
    if place is None:
        named = paths_in(root, text)
        return Problem(file=named[0] if named else None, line=None, message=text)
    return Problem(file=place[0], line=place[1], message=text)


def paths_in(root: Path, message: str) -> list[str]:
    """Project files named in a message (Rasa's loader names the file it read)."""
    files = [root / paths.CONFIG_FILE, *paths.domain_files(root), *paths.training_files(root)]
    return [name for name in (paths.relative(root, f) for f in files) if name in message]


def _schema_problems(root: Path, error: YamlValidationException) -> list[Problem]:
    file = paths.relative(root, Path(error.filename)) if error.filename else None
    if not error.validation_errors:
        return [Problem(file=file, line=None, message=_without_root(root, error.message))]
    return [
        Problem(
            file=file,
            line=error._line_number_for_path(error.content, entry.path),
            message=f"{error.message}: {entry}",
        )
        for entry in error.validation_errors
    ]


# --- lead scoring and follow-up sequences ------------------------------------------------


def _placed_errors(root: Path, errors: list[RulesError]) -> list[Problem]:
    problems = []
    for error in errors:
        file = Path(error.file)
        name = paths.relative(root, file) if file.is_absolute() else error.file
        problems.append(Problem(file=name, line=error.line, message=error.message))
    return problems


def scoring_problems(root: Path) -> list[Problem]:
    """The scoring rules and segments, and the handoff settings that name them."""
    errors = validate_rule_files(paths.scoring_files(root))
    handoff = root / paths.HANDOFF_FILE
    if handoff.exists():
        names = project_catalogue(root)
        errors += validate_handoff_file(handoff, segments=names.segments, grades=names.grades)
    return _placed_errors(root, errors)


def workflow_problems(root: Path) -> list[Problem]:
    catalogue = project_catalogue(root)
    return _placed_errors(
        root, validate_workflow_files(paths.workflow_files(root), catalogue=catalogue)
    )


def content_problems(root: Path) -> list[Problem]:
    """The content catalogue and the recommender's settings, when the copy has them."""
    directory = root / paths.CONTENT_DIR
    if not directory.is_dir():
        return []
    segments = project_catalogue(root).segments
    return _placed_errors(root, validate_content(directory, segments=segments))


def targeting_problems(root: Path) -> list[Problem]:
    """The web chat's triggers, when the copy has them: segments and offered items must
    exist (items only once the catalogue itself loads)."""
    file = root / paths.TARGETING_FILE
    if not file.exists():
        return []
    names = project_catalogue(root)
    items = catalogue_ids(root / paths.CONTENT_DIR)
    return _placed_errors(root, validate_trigger_file(file, segments=names.segments, items=items))
