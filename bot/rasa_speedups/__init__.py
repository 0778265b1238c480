"""Fixes to Rasa 3.6's own hot paths, applied in every process that runs Rasa: the server
(`bot.rasa_process`), a retraining run and `make stories`.

Each fix keeps Rasa's behaviour and changes only what it costs; each module says what the
profile showed, and declares the Rasa attributes it replaces as its `PATCH`
(`bot.rasa_speedups.registry`). `PATCHES` lists them all. `install()` puts them in, before
Rasa loads a model, and refuses on a Rasa version they were not written for; installing
again changes nothing, and `uninstall()` gives Rasa back its own attributes.

Importing this package also keeps JAX out of the process. TensorFlow 2.12 imports it at
start only for TFLite's converter (`tensorflow.lite.python.util`, which does without it
when the import fails); Rasa never converts to TFLite, and JAX was 105 of the 600 MB
resident after `import tensorflow`. It must come before TensorFlow's first import.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("jax", None)  # type: ignore[arg-type]

from bot.rasa_speedups import (  # noqa: E402
    action_validation,
    debug_log,
    dialogue_history,
    model_loading,
    registry,
    sparse_features,
)
from bot.rasa_speedups.registry import Patch  # noqa: E402

PATCHES: tuple[Patch, ...] = (
    action_validation.PATCH,
    dialogue_history.PATCH,
    debug_log.PATCH,
    model_loading.PATCH,
    sparse_features.PATCH,
)


def install() -> None:
    """Puts every fix into Rasa (once, however often called)."""
    registry.install(PATCHES)


def uninstall() -> None:
    """Gives Rasa back the attributes the fixes replaced."""
    registry.uninstall(PATCHES)
