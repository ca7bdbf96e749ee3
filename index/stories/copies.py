"""Syndicated copies: two texts are one text run twice (trimmed or retitled) when the bottom-k sketches of their
word 4-shingles (computed with the features, :func:`.features.shingle_sketch`) say they share most of their
shingles, or the shorter is mostly contained in the longer."""

from __future__ import annotations

import struct
from functools import lru_cache

from .features import SHINGLE_WORDS, SKETCH_SIZE, ArticleFeatures

#: Pairs this similar in content are checked for being copies of one text.
COPY_CONTENT = 0.5
#: Near-duplicates: estimated shingle resemblance, or containment of the shorter text in the longer.
COPY_RESEMBLANCE = 0.5
COPY_CONTAINMENT = 0.8


@lru_cache(maxsize=50_000)
def _sketch_values(sketch: str) -> frozenset[int]:
    if len(sketch) % 8 == 0:  # as written: 8 hex digits a value, read at once
        try:
            return frozenset(struct.unpack(f">{len(sketch) // 8}I", bytes.fromhex(sketch)))
        except (ValueError, struct.error):  # not as written: read as before
            pass
    return frozenset(int(sketch[i : i + 8], 16) for i in range(0, len(sketch), 8))


def resemblance(a: str, b: str, size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard resemblance of two texts' shingle sets from their sketches."""
    first, second = _sketch_values(a), _sketch_values(b)
    if not first or not second:
        return 0.0
    union = sorted(first | second)[:size]
    return sum(1 for value in union if value in first and value in second) / len(union)


def near_duplicate(a: ArticleFeatures, b: ArticleFeatures) -> bool:
    """Whether two articles are copies of one text (a wire story run twice, trimmed or retitled)."""
    if a.sketch == b.sketch and a.shingles == b.shingles:
        return bool(a.sketch)
    jaccard = resemblance(a.sketch, b.sketch)
    if jaccard >= COPY_RESEMBLANCE:
        return True
    small, large = sorted((a.shingles, b.shingles))
    if not small or jaccard <= 0:
        return False
    # |A ∩ B| = J / (1 + J) * (|A| + |B|); a trimmed copy is mostly contained in the longer text.
    shared = jaccard / (1 + jaccard) * (small + large)
    return small >= 3 * SHINGLE_WORDS and shared / small >= COPY_CONTAINMENT

