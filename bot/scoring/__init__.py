"""Lead scoring and segmentation, driven by YAML files that marketers edit.

Pure domain code (no Rasa, no database): `LeadFacts.from_slots` reads what the lead form
collected, `score_lead` scores it against ``data/scoring/rules.yml`` with a sentence for
every point, and `segments_for` names the ``data/scoring/segments.yml`` segments it falls
in. `validate_rule_files` lists every mistake in those files with its file and line.
"""

from bot.scoring.facts import Consent, LeadFacts, OpenedContent, Signals, Span
from bot.scoring.model import Band, BandScale, DomainList, Grade, ScoringRules
from bot.scoring.rules import (
    RulesError,
    load_scoring_rules,
    load_segments,
    validate_rule_files,
)
from bot.scoring.score import Contribution, LeadScore, score_lead
from bot.scoring.segments import AllOf, AnyOf, Comparison, Condition, Not, Segment, segments_for

__all__ = [
    "AllOf",
    "AnyOf",
    "Band",
    "BandScale",
    "Comparison",
    "Condition",
    "Consent",
    "Contribution",
    "DomainList",
    "Grade",
    "LeadFacts",
    "LeadScore",
    "Not",
    "OpenedContent",
    "RulesError",
    "ScoringRules",
    "Segment",
    "Signals",
    "Span",
    "load_scoring_rules",
    "load_segments",
    "score_lead",
    "segments_for",
    "validate_rule_files",
]
