from __future__ import annotations

import shutil
from pathlib import Path

from bot.model_archive import current_model_path, fingerprint, model_inputs, train_arguments
from bot.settings import PROJECT_ROOT


def test_inputs_cover_config_domain_data_and_custom_components() -> None:
    names = {p.relative_to(PROJECT_ROOT).as_posix() for p in model_inputs()}
    assert "bot/config.yml" in names
    assert "bot/domain/lead.yml" in names
    assert "data/nlu/answers.yml" in names
    assert "bot/nlu/structured_entities.py" in names
    assert not any(n.startswith("tests/") for n in names)


def test_fingerprint_changes_with_content_only(tmp_path: Path) -> None:
    first = PROJECT_ROOT / "bot" / "config.yml"
    assert fingerprint([first]) == fingerprint([first])
    assert fingerprint([first]) != fingerprint(model_inputs())


def test_model_name_is_stable(tmp_path: Path) -> None:
    assert current_model_path(tmp_path) == current_model_path(tmp_path)
    assert current_model_path(tmp_path).name.startswith("parley-")


def test_a_copy_of_the_project_files_names_the_same_archive_and_trains_from_the_copy(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "project"
    for path in model_inputs():
        target = copy / path.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    models = tmp_path / "models"
    assert current_model_path(models, copy) == current_model_path(models)
    assert [p.relative_to(copy) for p in model_inputs(copy)] == [
        p.relative_to(PROJECT_ROOT) for p in model_inputs()
    ]
    arguments = train_arguments(models, "m", copy)
    assert arguments[arguments.index("--data") + 1] == str(copy / "data")
    nlu = copy / "data" / "nlu" / "chitchat.yml"
    nlu.write_text(nlu.read_text() + "    - ahoy\n")
    assert current_model_path(models, copy) != current_model_path(models)


def test_run_time_data_is_not_a_model_input() -> None:
    names = {p.relative_to(PROJECT_ROOT).as_posix() for p in model_inputs()}
    for run_time in ("data/scoring/", "data/workflows/", "data/content/"):
        assert not any(name.startswith(run_time) for name in names)
    assert (PROJECT_ROOT / "data" / "content" / "recommending.yml").exists()
