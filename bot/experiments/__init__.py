"""A/B tests of bot messages: who sees which variant, and whether a variant converts better.

Pure domain code (no Rasa, no database, no I/O), for the console and the dialogue to build
on. `assign_variant` gives a conversation its variant from a SHA-256 of the experiment
name and conversation id, so the choice survives restarts and agrees across processes.
`compare` tests two `Arm` tallies of a conversion metric (pooled two-proportion z-test,
or Fisher's exact test for small counts) and `sample_size_needed` says how many
exposures per arm an effect of a given size needs. `bot.experiments.results` turns
recorded exposures and conversions into per-variant comparisons and verdicts.
`bot.experiments.variants` holds the vocabulary the domain files use: which variant a
variation belongs to (`variant_of`), the control arm's name (`CONTROL`) and what a
variant may be called (`VARIANT_NAME`).
"""

from bot.experiments.assignment import assign_variant, assignment_point
from bot.experiments.statistics import (
    MIN_EXPECTED_COUNT,
    OBSERVED_EFFECT_POWER,
    Arm,
    Comparison,
    SignificanceTest,
    compare,
    sample_size_needed,
)
from bot.experiments.variants import CONTROL, VARIANT_NAME, variant_of

__all__ = [
    "CONTROL",
    "MIN_EXPECTED_COUNT",
    "OBSERVED_EFFECT_POWER",
    "VARIANT_NAME",
    "Arm",
    "Comparison",
    "SignificanceTest",
    "assign_variant",
    "assignment_point",
    "compare",
    "sample_size_needed",
    "variant_of",
]
