"""The retraining benchmark's own logic: the project copy it edits, the one-example edit,
the copy of Rasa's cache index and the stage times it reads from a run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.retrain import (
    EXAMPLE,
    INTENT,
    copy_project,
    one_example_edit,
    rasa_cache_index,
    retraining_scratch,
    stage_seconds,
)
from bot.editor import EditError
from bot.editor.yaml_files import write_atomically
from bot.model_archive import current_model_path
from bot.settings import PROJECT_ROOT, Settings
from bot.training.inputs import manifest_path, read_manifest
from bot.training.runs import Run, StageTime


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(PROJECT_ROOT, tmp_path / "project")


def test_the_copy_has_what_training_and_the_story_gate_read(project: Path) -> None:
    models = project.parent / "models"
    assert current_model_path(models, project) == current_model_path(models)
    assert sorted(p.name for p in (project / "tests" / "stories").glob("*.yml")) == sorted(
        p.name for p in (PROJECT_ROOT / "tests" / "stories").glob("*.yml")
    )
    assert (project / "actions").is_dir()
    assert not list(project.rglob("__pycache__"))


def test_the_scratch_serves_the_current_model_and_retrains_from_the_copy(
    tmp_path: Path,
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    current = current_model_path(models)
    current.write_bytes(b"the current model")
    settings = Settings(var_dir=tmp_path / "var", models_dir=models)  # type: ignore[call-arg]
    scratch = tmp_path / "scratch"
    with retraining_scratch(settings, scratch) as scratched:
        assert scratched.models_dir == scratch / "models"
        assert scratched.training_root == scratch / "project"
        assert (scratched.models_dir / current.name).read_bytes() == b"the current model"
        # with what it was trained from, so the run may fine-tune it
        assert read_manifest(scratched.models_dir / current.name) == read_manifest(current)
        assert current_model_path(scratched.models_dir, scratched.training_root).exists()
        assert scratched.var_dir == settings.var_dir
    assert not scratch.exists()
    assert {p.name for p in models.iterdir()} == {current.name, manifest_path(current).name}


def test_the_edit_adds_one_example_to_the_intent_in_the_copy_only(project: Path) -> None:
    checkout = (PROJECT_ROOT / "data" / "nlu" / "lead.yml").read_bytes()
    edit = one_example_edit(project, INTENT, EXAMPLE)
    assert edit.file == "data/nlu/lead.yml"
    assert edit.before == checkout.decode()
    added = [line for line in edit.after.splitlines() if line not in edit.before.splitlines()]
    assert added == [f"    - {EXAMPLE}"]
    block = edit.after.split(f"- intent: {INTENT}\n", 1)[1].split("\n\n", 1)[0]
    assert block.endswith(f"    - {EXAMPLE}")
    assert (project / edit.file).read_text() == edit.before  # a dry run
    write_atomically(project / edit.file, edit.after)
    models = project.parent / "models"
    assert current_model_path(models, project) != current_model_path(models)
    assert (PROJECT_ROOT / "data" / "nlu" / "lead.yml").read_bytes() == checkout


def test_an_example_already_given_is_refused(project: Path) -> None:
    with pytest.raises(EditError):
        one_example_edit(project, INTENT, "how much is it")


def test_the_run_gets_a_copy_of_the_cache_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / "cache.db") as index:
        index.execute("CREATE TABLE cache_entry (fingerprint_key TEXT, result_location TEXT)")
        index.execute("INSERT INTO cache_entry VALUES ('abc', '.rasa/cache/tmp1')")
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(cache))
    monkeypatch.delenv("RASA_CACHE_NAME", raising=False)
    environment = rasa_cache_index(tmp_path / "scratch")
    copy = Path(environment["RASA_CACHE_DIRECTORY"])
    assert copy == tmp_path / "scratch" / "rasa-cache"
    assert environment["RASA_CACHE_NAME"] == "cache.db"
    with sqlite3.connect(copy / "cache.db") as index:
        rows = index.execute("SELECT * FROM cache_entry").fetchall()
    assert rows == [("abc", ".rasa/cache/tmp1")]


def test_without_a_cache_the_run_starts_with_an_empty_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "none"))
    environment = rasa_cache_index(tmp_path / "scratch")
    assert list(Path(environment["RASA_CACHE_DIRECTORY"]).iterdir()) == []


def test_stage_seconds_come_from_the_run_record() -> None:
    run = Run(
        id="20261123-000000-abcdef",
        user="bench",
        created=100.0,
        state="live",
        stages={
            "training": StageTime(101.0, 190.25),
            "testing": StageTime(190.25, 226.0),
            "loading": StageTime(226.0, 250.0),
        },
        finished=250.0,
    )
    assert stage_seconds(run) == {"training": 89.2, "testing": 35.8, "loading": 24.0}
    assert stage_seconds(Run(id=run.id, user="bench", created=1.0)) == {}
