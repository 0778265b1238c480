"""Content recommendations: a catalogue of marketing content and a recommender.

Pure domain code (no Rasa, no database). ``data/content/*.yml`` is the catalogue
(`catalogue`) and its settings (`config`), found by `content_files`; a `Lead` is built
from the lead form's answers; `rules` keeps what a lead may be shown; `content_based`
and `collaborative` rank it; `blend.Recommender` combines them into the top items, each
with a one-line reason, weighing the rankers as the settings say or as the conversation's
variant of an A/B test of ranking strategies says (`strategies`). `question` reads a
visitor's question for content ("a case study for retail?") and `answer` picks the items
of the kind asked for, or the closest.
`bench/recommend.py` measures the rankers offline.

The exception is `offering`, the glue the wrap-up and a visitor's question call: it reads
the click history from the CRM and records what it offers, with signed links (`links`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.recommend.blend import Recommendation, Recommender
    from bot.recommend.catalogue import Catalogue, Item, load_catalogue, validate_catalogue_files
    from bot.recommend.collaborative import CollaborativeRanker
    from bot.recommend.config import RecommenderConfig, load_config, validate_config_file
    from bot.recommend.content_based import ContentRanker
    from bot.recommend.content_files import catalogue_files, load_content, validate_content
    from bot.recommend.lead import Lead
    from bot.recommend.rules import Exclusion, eligible, exclusion_reason

# Where each name lives: loaded on first use, so a process that only reads the catalogue
# (the API's click redirect) does not import the rankers' scikit-learn and SciPy.
_MODULES = {
    "Recommendation": "blend",
    "Recommender": "blend",
    "Catalogue": "catalogue",
    "Item": "catalogue",
    "load_catalogue": "catalogue",
    "validate_catalogue_files": "catalogue",
    "CollaborativeRanker": "collaborative",
    "RecommenderConfig": "config",
    "load_config": "config",
    "validate_config_file": "config",
    "ContentRanker": "content_based",
    "catalogue_files": "content_files",
    "load_content": "content_files",
    "validate_content": "content_files",
    "Lead": "lead",
    "Exclusion": "rules",
    "eligible": "rules",
    "exclusion_reason": "rules",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)


__all__ = [
    "Catalogue",
    "CollaborativeRanker",
    "ContentRanker",
    "Exclusion",
    "Item",
    "Lead",
    "Recommendation",
    "Recommender",
    "RecommenderConfig",
    "catalogue_files",
    "eligible",
    "exclusion_reason",
    "load_catalogue",
    "load_config",
    "load_content",
    "validate_catalogue_files",
    "validate_config_file",
    "validate_content",
]
