from __future__ import annotations

from pathlib import Path

from bot.model_archive import current_model_path, fingerprint, model_inputs
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
