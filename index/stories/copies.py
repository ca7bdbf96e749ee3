"""Syndicated copies: two texts are one text run twice (trimmed or retitled) when the bottom-k sketches of their
word 4-shingles say they share most of their shingles, or the shorter is mostly contained in the longer."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .features import ArticleFeatures

#: Word shingle length and sketch size for near-duplicate detection.
SHINGLE_WORDS = 4
SKETCH_SIZE = 48

#: Pairs this similar in content are checked for being copies of one text.
COPY_CONTENT = 0.5
#: Near-duplicates: estimated shingle resemblance, or containment of the shorter text in the longer.
COPY_RESEMBLANCE = 0.5
COPY_CONTAINMENT = 0.8

def shingle_sketch(words: Sequence[str], size: int = SKETCH_SIZE) -> tuple[str, int]:
    """A bottom-``size`` sketch of the 4-shingles of ``words`` (a text's tokens; hex), and the number of
    distinct shingles.

    Words are hashed with CRC-32 (Python salts ``hash()`` per process, and sketches are stored), shingles
    by mixing their words' hashes, in numpy.
    """
    import numpy as np

    if not words:
        return "", 0
    hashes = np.asarray([zlib.crc32(w.casefold().encode("utf-8", "surrogatepass")) for w in words],
                        dtype=np.uint64)
    if len(hashes) < SHINGLE_WORDS:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE_WORDS - len(hashes), dtype=np.uint64)])
    width = len(hashes) - SHINGLE_WORDS + 1
    mixed = np.zeros(width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset, multiplier in enumerate(_SHINGLE_MULTIPLIERS):
            mixed = mixed * np.uint64(multiplier) + hashes[offset : offset + width]
        mixed ^= mixed >> np.uint64(29)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(32)
    shingles = np.unique(mixed & np.uint64(0xFFFFFFFF))  # sorted
    return "".join(f"{int(value):08x}" for value in shingles[:size]), len(shingles)


#: Odd 64-bit constants that mix a shingle's word hashes in order (any fixed odd values would do).
_SHINGLE_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)


@lru_cache(maxsize=50_000)
def _sketch_values(sketch: str) -> frozenset[int]:
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

