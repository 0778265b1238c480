"""Rasa's training output read into a percentage, as `rasa train` writes it."""

from __future__ import annotations

import io
from pathlib import Path

from bot.model_archive import CONFIG
from bot.training.progress import Component, LineSplitter, TrainingProgress, components

# As Rasa 3.6 writes it (tqdm redraws its bar with \r; lines abridged).
CACHED_NLU_EDIT = (
    "2026-11-23 02:41:47 INFO rasa.cli.train - Started validating domain and training data...\n"
    "2026-11-23 02:42:01 INFO rasa.engine.training.hooks - "
    "Starting to train component 'RegexFeaturizer'.\n"
    "2026-11-23 02:42:01 INFO rasa.engine.training.hooks - "
    "Finished training component 'RegexFeaturizer'.\n"
    "2026-11-23 02:42:05 INFO rasa.engine.training.hooks - "
    "Starting to train component 'DIETClassifier'.\n"
    "Epochs:   0%|          | 0/100 [00:00<?, ?it/s]"
    "\rEpochs:  40%|####      | 40/100 [00:54<01:03,  1.06s/it, t_loss=2.52, i_acc=0.999]"
    "\rEpochs: 100%|##########| 100/100 [01:40<00:00,  1.01s/it, t_loss=2.13, i_acc=1]\n"
    "2026-11-23 02:43:49 INFO rasa.engine.training.hooks - "
    "Finished training component 'DIETClassifier'.\n"
    "2026-11-23 02:43:50 INFO rasa.engine.training.hooks - "
    "Restored component 'TEDPolicy' from cache.\n"
)
PLAN = [
    Component("WhitespaceTokenizer", 0),
    Component("RegexFeaturizer", 0),
    Component("DIETClassifier", 100),
    Component("TEDPolicy", 40),
]


def test_the_plan_is_read_from_the_config_with_epochs() -> None:
    plan = components(CONFIG)
    names = [component.name for component in plan]
    assert names.count("CountVectorsFeaturizer") == 2
    assert "StructuredEntityExtractor" in names  # dotted custom names are shortened
    assert Component("DIETClassifier", 100) in plan
    assert Component("TEDPolicy", 40) in plan


def test_components_and_epochs_move_the_fraction() -> None:
    progress = TrainingProgress(PLAN)  # weights 1 + 1 + 101 + 41 = 144
    fractions = []

    def seen(line: str) -> None:
        if progress.feed(line):
            fractions.append(round(progress.fraction, 3))

    stream = LineSplitter(seen, io.StringIO())
    stream.write(CACHED_NLU_EDIT[:200])  # lines arrive in pieces
    stream.write(CACHED_NLU_EDIT[200:])
    assert fractions == [
        round(1 / 144, 3),  # RegexFeaturizer finished
        round((1 + 0.4 * 100) / 144, 3),  # DIET at 40 %
        round((1 + 100) / 144, 3),  # DIET's bar at 100 %
        round((1 + 101) / 144, 3),  # DIET finished
        0.99,  # TED restored from cache: done but for packaging
    ]


def test_the_fraction_stays_below_one_until_the_archive_exists() -> None:
    progress = TrainingProgress([Component("RegexFeaturizer", 0)])
    progress.feed("Finished training component 'RegexFeaturizer'.")
    assert progress.fraction == 0.99


def test_an_epochs_bar_outside_a_component_and_unknown_components_are_ignored() -> None:
    progress = TrainingProgress(PLAN)
    assert not progress.feed("Epochs:  50%|#####     | 50/100")
    assert progress.feed("Finished training component 'SomethingElse'.")
    assert progress.fraction == 0.0


def test_the_splitter_copies_everything_and_skips_empty_lines(tmp_path: Path) -> None:
    lines: list[str] = []
    copy = io.StringIO()
    stream = LineSplitter(lines.append, copy)
    stream.write("one\r\ntwo\rthr")
    stream.write("ee\n")
    assert lines == ["one", "two", "three"]
    assert copy.getvalue() == "one\r\ntwo\rthree\n"


def test_a_fine_tuning_plans_the_pipeline_with_its_epochs_and_no_policies() -> None:
    from bot.training.progress import finetuning_plan

    plan = finetuning_plan(CONFIG, 10)
    assert Component("DIETClassifier", 10) in plan
    assert not any(c.name.endswith("Policy") for c in plan)
    assert sum(c.epochs for c in plan) == 10
