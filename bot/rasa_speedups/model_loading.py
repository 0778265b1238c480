"""Loading a TensorFlow model (DIET, TED) without tracing a training step.

To give a model its weights' shapes before reading the weights back, Rasa trains it for
one step on one example (`RasaModel.load`), and Keras first traces that step, gradients
included, into a graph. That tracing was 20 of the 27 s it took to load Parley's model
(py-spy): 15 s in TED, 5 s in DIET. It is the same in Rasa's server at start, in a
retrained model's story gate and in the server when that model goes live.

Here the one step runs eagerly: the same operations build the same variables, without a
graph, and then the saved weights replace them exactly as before. The model keeps its
own `run_eagerly` setting for everything after, so predictions still run as a traced
graph (traced once at load, as in Rasa).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_speedups.registry import Patch, Replacement

RASA_LOAD = RasaModel.load  # Rasa's own, for comparison


def load(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """`RasaModel.load`, with the shape-giving step run eagerly."""
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    learning_rate = config.get(LEARNING_RATE, 0.001)
    run_eagerly = config.get(RUN_EAGERLY)

    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.load_weights(model_file_name)
    # What `compile(run_eagerly=run_eagerly)` would have set: predictions are traced.
    model.run_eagerly = run_eagerly
    model.train_function = None  # the eager one; a fine-tuning `fit` makes its own

    if not finetune_mode and predict_data_example:
        model.run_inference(predict_data_example)
    return model


PATCH = Patch(
    name=__name__,
    rasa_version="3.6.21",
    replacements=(Replacement("rasa.utils.tensorflow.models:RasaModel.load", classmethod(load)),),
)
