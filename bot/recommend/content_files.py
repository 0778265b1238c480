"""Where the recommender's files are: the catalogue and its settings in ``data/content``,
read at run time (bot.model_archive.RUN_TIME_DATA), never trained on."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot.model_archive import CONTENT_DATA
from bot.recommend.catalogue import Catalogue, load_catalogue, validate_catalogue_files
from bot.recommend.config import RecommenderConfig, load_config, validate_config_file
from bot.scoring.issues import RulesError

__all__ = ["catalogue_files", "catalogue_ids", "load_content", "validate_content"]

CONFIG_NAME = "recommending.yml"


def catalogue_files(directory: Path = CONTENT_DATA) -> list[Path]:
    """Every catalogue file: each YAML file of `directory` but the settings."""
    return sorted(p for p in directory.glob("*.yml") if p.name != CONFIG_NAME)


def catalogue_ids(directory: Path = CONTENT_DATA) -> list[str]:
    """The ids of the catalogue's items; [] when the catalogue has a mistake (reported
    by `validate_content`)."""
    try:
        return [item.id for item in load_catalogue(catalogue_files(directory)).items]
    except RulesError:
        return []


def validate_content(
    directory: Path = CONTENT_DATA, *, segments: Collection[str] = ()
) -> list[RulesError]:
    """Every mistake in the catalogue and the settings, with file and line."""
    return [
        *validate_catalogue_files(catalogue_files(directory), segments=segments),
        *validate_config_file(directory / CONFIG_NAME),
    ]


def load_content(
    directory: Path = CONTENT_DATA, *, segments: Collection[str] = ()
) -> tuple[Catalogue, RecommenderConfig]:
    """The catalogue and the settings; raises the first `RulesError` if any."""
    catalogue = load_catalogue(catalogue_files(directory), segments=segments)
    return catalogue, load_config(directory / CONFIG_NAME)
