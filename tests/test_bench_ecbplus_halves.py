"""The ECB+ halves of bench/ecbplus.py: the blind half's pairs are new pairs of the test topics, never the pairs
judged on the test half (made-up ids; the corpus is not needed)."""

from __future__ import annotations

from bench import ecbplus


def _stories() -> dict[str, str]:
    """Two topics (1 dev, 2 test), each with two look-alike events of twelve articles."""
    return {f"{t}_{n}{kind}": f"{t}-{kind}" for t in (1, 2) for kind in ("ecb", "ecbplus") for n in range(12)}


def test_the_blind_half_takes_new_pairs_of_the_test_topics_only():
    story_of = _stories()
    test_same, test_different = ecbplus.pairs_of("test", story_of)
    blind_same, blind_different = ecbplus.pairs_of("blind", story_of)
    test_same = [p for p in test_same if p[0].startswith("2_")]
    assert len(test_same) == 2 * ecbplus.PAIRS_PER_STORY
    assert len(blind_same) == 2 * (12 * 11 // 2 - ecbplus.PAIRS_PER_STORY)
    sample = ecbplus.same_event_pairs(story_of, blind=True, blind_limit=ecbplus.BLIND_PAIRS_PER_STORY)
    assert len(sample) == 2 * ecbplus.BLIND_PAIRS_PER_STORY and set(sample) <= set(blind_same)
    assert not set(blind_same) & set(test_same) and not set(blind_different) & set(test_different)
    assert all(a.startswith("2_") and b.startswith("2_") for a, b in blind_same + blind_different)
    assert all(story_of[a] == story_of[b] for a, b in blind_same)
    assert all(story_of[a] != story_of[b] for a, b in blind_different)
    # Every different-event pair of the test topic is in one half or the other.
    assert len([p for p in test_different if p[0].startswith("2_")]) + len(blind_different) == 12 * 12
