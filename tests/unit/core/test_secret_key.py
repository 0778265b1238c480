from __future__ import annotations

import stat
from pathlib import Path

from bot.secret_key import secret_key
from bot.settings import Settings


def test_configured_key_is_used(tmp_path: Path) -> None:
    settings = Settings(secret_key="s3cret", var_dir=tmp_path)  # type: ignore[call-arg]
    assert secret_key(settings) == b"s3cret"
    assert not (tmp_path / "secret_key").exists()


def test_embedded_key_is_generated_once_and_private(tmp_path: Path) -> None:
    settings = Settings(secret_key=None, var_dir=tmp_path / "var")  # type: ignore[call-arg]
    first = secret_key(settings)
    assert len(first) == 64
    assert secret_key(settings) == first
    mode = stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["secret_key"]
