"""Fine-tuning an archive's NLU after an edit of the NLU examples only.

Rasa's graph, as `rasa train --finetune` builds it (the components are loaded from the
base archive and trained on), but only the NLU part of it runs: the featurizers extend
their vocabularies with the new words and DIET, its input layers grown to match, trains
`epochs` more epochs from the base's weights. The dialogue policies, the domain and
everything else the base archive holds are kept as they are: their inputs did not change
(`bot.training.inputs` decides that). `rasa train --finetune` itself would retrain TED,
whose config the epoch fraction changes.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.model_archive import CONFIG, DATA, DOMAIN, under

if TYPE_CHECKING:
    from rasa.engine.graph import GraphModelConfiguration
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.shared.core.domain import Domain

FINETUNING_EPOCHS = 10


def trains_in_nlu(node: object) -> bool:
    """Whether a train-graph node trains an NLU component (not a dialogue policy)."""
    from rasa.core.policies.policy import Policy

    uses = getattr(node, "uses", None)
    return (
        getattr(node, "fn", None) == "train"
        and isinstance(uses, type)
        and not issubclass(uses, Policy)
    )


def finetune(base: Path, output: Path, root: Path, epochs: int = FINETUNING_EPOCHS) -> Path:
    """Train `output` (an archive) from `base` on the project files at `root`: the NLU
    components trained on for `epochs` epochs, the rest of `base` kept."""
    from rasa.engine.constants import PLACEHOLDER_IMPORTER
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.recipes.recipe import Recipe
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.training.hooks import LoggingHook
    from rasa.shared.data import TrainingType
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.utils.tensorflow.constants import EPOCHS

    from bot.rasa_speedups import install

    install()  # DIET loads without tracing a training step, as in the server
    importer = TrainingDataImporter.load_from_config(
        str(under(root, CONFIG)), str(under(root, DOMAIN)), [str(under(root, DATA))]
    )
    config = importer.get_config()
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    config, _, _ = recipe.auto_configure(
        importer.get_config_file_for_auto_config(), config, TrainingType.BOTH
    )
    configuration = recipe.graph_config_for_recipe(
        config, {}, training_type=TrainingType.BOTH, is_finetuning=True
    )
    schema = configuration.train_schema
    targets = [name for name, node in schema.nodes.items() if trains_in_nlu(node)]
    nlu_schema = copy.deepcopy(schema.minimal_graph_schema(targets))
    for name in targets:
        if EPOCHS in nlu_schema.nodes[name].config:
            nlu_schema.nodes[name].config[EPOCHS] = epochs

    domain = copy.deepcopy(importer.get_domain())
    with tempfile.TemporaryDirectory(prefix="parley-finetune-") as directory:
        # An existing, empty directory: Rasa moves each component of the archive into it.
        storage, _ = LocalModelStorage.from_model_archive(Path(directory), base)
        runner = DaskGraphRunner.create(
            graph_schema=nlu_schema,
            model_storage=storage,
            execution_context=ExecutionContext(graph_schema=schema, is_finetuning=True),
            hooks=[LoggingHook(pruned_schema=nlu_schema)],
        )
        runner.run(inputs={PLACEHOLDER_IMPORTER: importer})
        package(storage, Path(directory), output, configuration, domain)
    return output


def package(
    storage: LocalModelStorage,
    directory: Path,
    output: Path,
    configuration: GraphModelConfiguration,
    domain: Domain,
) -> None:
    """`storage.create_model_package`, faster: the components are archived from where
    they are (not copied first), and compressed at gzip's level 1 rather than 9 (TensorFlow
    weights hardly compress: 22.0 MB either way, 0.7 s instead of 1.1). The layout is
    Rasa's (`metadata.json` beside `components/`), still a `.tar.gz` that any Rasa loads."""
    from rasa.engine.storage.local_model_storage import (
        MODEL_ARCHIVE_COMPONENTS_DIR,
        MODEL_ARCHIVE_METADATA_FILE,
    )
    from tarsafe import TarSafe

    with tempfile.TemporaryDirectory(prefix="parley-metadata-") as metadata_directory:
        metadata = storage._create_model_metadata(domain, configuration)
        storage._persist_metadata(metadata, Path(metadata_directory))
        output.parent.mkdir(parents=True, exist_ok=True)
        with TarSafe.open(output, "w:gz", compresslevel=1) as tar:
            tar.add(
                Path(metadata_directory, MODEL_ARCHIVE_METADATA_FILE), MODEL_ARCHIVE_METADATA_FILE
            )
            tar.add(directory, MODEL_ARCHIVE_COMPONENTS_DIR)
