"""Fixes to Rasa 3.6's own hot paths, applied in every process that runs Rasa: the server
(`bot.rasa_process`), a retraining run and `make stories`.

Each fix keeps Rasa's behaviour and changes only what it costs; each module says what the
profile showed. `install()` applies them all, before Rasa loads a model.

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
    sparse_features,
)


def install() -> None:
    action_validation.install()
    dialogue_history.install()
    debug_log.install()
    model_loading.install()
    sparse_features.install()
