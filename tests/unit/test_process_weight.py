"""The action server and the API stay light: neither imports Rasa, TensorFlow or spaCy."""

from __future__ import annotations

import subprocess
import sys


def test_actions_import_no_rasa_tensorflow_or_spacy() -> None:
    probe = (
        "import sys, importlib, pkgutil, actions\n"
        "for m in pkgutil.iter_modules(actions.__path__):\n"
        "    importlib.import_module('actions.' + m.name)\n"
        "print(sorted(n for n in ('rasa', 'tensorflow', 'spacy') if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_api_process_starts_without_rasa_tensorflow_or_scipy() -> None:
    # The console imports Rasa's validator only when a marketer first saves an edit, and
    # scipy only for an A/B test's small samples; phone place names only when needed.
    probe = (
        "import sys, bot.api.app\n"
        "heavy = ('rasa', 'tensorflow', 'scipy', 'phonenumbers.geocoder')\n"
        "print(sorted(n for n in heavy if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
