"""The action server, the API and the ingress stay light: none imports Rasa, TensorFlow or
spaCy. The Rasa server holds no JAX."""

from __future__ import annotations

import ast
import subprocess
import sys


def loaded_after(imports: str, heavy: tuple[str, ...]) -> list[str]:
    """Which of the `heavy` modules a fresh interpreter holds once `imports` ran (a module
    kept out is in `sys.modules` as None)."""
    held = f"sorted(n for n in {heavy!r} if sys.modules.get(n) is not None)"
    probe = f"import sys\n{imports}\nprint({held})"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return list(ast.literal_eval(result.stdout.strip()))


def test_actions_import_no_rasa_tensorflow_or_spacy() -> None:
    imports = (
        "import importlib, pkgutil, actions\n"
        "for m in pkgutil.iter_modules(actions.__path__):\n"
        "    importlib.import_module('actions.' + m.name)"
    )
    assert loaded_after(imports, ("rasa", "tensorflow", "spacy")) == []


def test_the_api_process_starts_without_rasa_tensorflow_or_scipy() -> None:
    # The console imports Rasa's validator only when a marketer first saves an edit, and
    # scipy only for an A/B test's small samples; phone place names only when needed.
    heavy = ("rasa", "tensorflow", "scipy", "phonenumbers.geocoder")
    assert loaded_after("import bot.api.app", heavy) == []


def test_the_ingress_process_starts_without_rasa_or_tensorflow() -> None:
    # It acknowledges webhooks beside the Rasa server: a second copy of Rasa's imports
    # would cost seconds at start and hundreds of MB, for nothing it needs.
    heavy = ("rasa", "tensorflow", "spacy", "scipy", "sklearn")
    assert loaded_after("import channels.ingress.__main__", heavy) == []


def test_the_rasa_server_process_holds_no_jax() -> None:
    # `bot.rasa_speedups` keeps it out (105 MB) only if imported before TensorFlow is.
    assert loaded_after("import bot.rasa_process", ("jax", "tensorflow")) == ["tensorflow"]
