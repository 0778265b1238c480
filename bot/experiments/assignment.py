"""Deterministic assignment of a conversation to a variant of an A/B test.

A conversation's *point* is the SHA-256 of the experiment name and the conversation id,
read as a number in [0, 1). The variants split [0, 1) into consecutive ranges in the order
given, each as wide as its share of the weights (equal shares without weights), and the
conversation gets the variant whose range holds its point. The same experiment, id,
variants and weights therefore give the same variant in every process, after every
restart and on every machine; Python's ``hash()`` is never used because it is salted per
process. Different experiments hash differently, so one experiment's split says nothing
about another's.

Changing the variant list or the weights moves the range boundaries, and a conversation
keeps its variant only if its point lies in the same variant's old and new range:

- Appending a variant with equal weights (``[A, B]`` → ``[A, B, C]``) keeps only about
  half of all conversations in their variant, and that holds for any n → n + 1 equal
  variants. Earlier assignments are *not* stable under this change.
- Appending a variant by carving its weight out of the last one keeps every earlier
  boundary: ``[A, B]`` with ``[1, 1]`` → ``[A, B, C]`` with ``[1, 0.5, 0.5]`` keeps every
  conversation of A in A and moves only the upper half of B's to C.
- Reordering variants or renaming the experiment reshuffles everyone.

Changing an experiment mid-flight also mixes populations in its statistics; starting a
new experiment name is usually the cleaner choice.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Sequence
from itertools import accumulate

# 53 bits: the most a float holds exactly, so the point is exact and always below 1.0.
_POINT_BITS = 53


def assign_variant(
    *,
    experiment: str,
    conversation_id: str,
    variants: Sequence[str],
    weights: Sequence[float] | None = None,
) -> str:
    """Return the variant of ``experiment`` that ``conversation_id`` sees.

    Raises ValueError for an empty experiment name or conversation id, no variants,
    empty or repeated variant names, or weights that are not one finite positive number
    per variant.
    """
    if not experiment:
        raise ValueError("experiment name must not be empty")
    if not conversation_id:
        raise ValueError("conversation id must not be empty")
    _check_variants(variants)
    shares = [1.0] * len(variants) if weights is None else _check_weights(weights, len(variants))

    point = assignment_point(experiment=experiment, conversation_id=conversation_id)
    total = math.fsum(shares)
    upper_bounds = [running / total for running in accumulate(shares)]
    # min(): float rounding could leave the last bound a hair below 1.0.
    return variants[min(bisect.bisect_right(upper_bounds, point), len(variants) - 1)]


def assignment_point(*, experiment: str, conversation_id: str) -> float:
    """Return the conversation's fixed point in [0, 1) for ``experiment``.

    The experiment name is length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    """
    name = experiment.encode("utf-8")
    key = f"{len(name)}:".encode() + name + conversation_id.encode("utf-8")
    digest = hashlib.sha256(key).digest()
    return (int.from_bytes(digest[:8], "big") >> (64 - _POINT_BITS)) / 2**_POINT_BITS


def _check_variants(variants: Sequence[str]) -> None:
    if isinstance(variants, str):
        raise ValueError(f"variants must be a sequence of names, not the string {variants!r}")
    if not variants:
        raise ValueError("an experiment needs at least one variant")
    if any(not isinstance(name, str) or not name for name in variants):
        raise ValueError(f"variant names must be non-empty strings, got {list(variants)!r}")
    repeated = sorted({name for name in variants if list(variants).count(name) > 1})
    if repeated:
        raise ValueError(f"variant names must be unique, repeated: {', '.join(repeated)}")


def _check_weights(weights: Sequence[float], variant_count: int) -> list[float]:
    shares = list(weights)
    if len(shares) != variant_count:
        raise ValueError(
            f"got {len(shares)} weights for {variant_count} variants; give one per variant"
        )
    for index, share in enumerate(shares):
        if isinstance(share, bool) or not isinstance(share, int | float):
            raise ValueError(f"weight {index} must be a number, got {share!r}")
        if not math.isfinite(share) or share <= 0:
            raise ValueError(f"weight {index} must be a finite number above 0, got {share!r}")
    return [float(share) for share in shares]
