"""``python -m bench.aligndev --vectors`` measures a sentence-meaning signal through the whole alignment rule
(as a bonus before competition, a gate, a second pass, a second link), on the dev half only; on made-up articles
with a made-up vector function."""

from __future__ import annotations

from test_bench_alignment_labels import _article, _Guarded

from bench import aligndev
from index.compare.align import Scorer, link
from index.compare.reading import read

# The senator's resignation is told in other words on each side; the bridge in the same words.
A = "The senator resigned on Monday after the vote. The bridge over the river will close for repairs in May."
B = "A lawmaker quit his seat once ballots were counted. The bridge over the river closes for repairs in May."
SECRET = "Nobody may read this sentence of the held-out half."


def _meaning(sentences: list[str]) -> list[list[float]]:
    """Two topics, as a vector function would tell them: who left office, and the bridge."""
    def vector(text: str) -> list[float]:
        lowered = text.lower()
        return [float("senator" in lowered or "lawmaker" in lowered), float("bridge" in lowered), 0.1]

    return [vector(s) for s in sentences]


def test_a_bonus_is_added_to_the_candidates_scores_before_competition():
    a, b = _article("e1/nyt", A), _article("e1/fox", B)
    pa, pb = read(a, ()).profiles, read(b, ()).profiles
    scorer = Scorer(pa, pb, None)
    assert (0, 0) not in {(g[0][0], g[1][0]) for g in link(scorer.pairs(pa, pb))}
    # The reworded pair shares no word, so it is no candidate, and a bonus leaves it out; the bridge pair gains.
    lifted = scorer.pairs(pa, pb, bonus=lambda i, j: 0.5 if (i, j) == (1, 1) else 0.0)
    assert (0, 0) not in lifted
    assert lifted[(1, 1)].score > scorer.pairs(pa, pb)[(1, 1)].score + 0.4


def test_the_meaning_report_finds_the_reworded_counterpart_and_never_reads_the_test_half():
    found = _Guarded({
        "e1/nyt": _article("e1/nyt", A),
        "e1/fox": _article("e1/fox", B),
        "e2/nyt": _article("e2/nyt", SECRET),
        "e2/fox": _article("e2/fox", SECRET),
    })
    labels = {
        "same_event": [
            {"a": "e1/nyt", "b": "e1/fox", "half": "dev", "aligned": [[0, 0], [1, 1]], "unsure": [],
             "conflicts": [], "sentences": [2, 2]},
            {"a": "e2/nyt", "b": "e2/fox", "half": "test", "aligned": [[0, 0]], "unsure": [], "conflicts": [],
             "sentences": [1, 1]},
        ],
        "unrelated": [],
    }
    seen: list[str] = []

    def encode(sentences: list[str]) -> list[list[float]]:
        seen.extend(sentences)
        return _meaning(sentences)

    kept: dict = {}
    lines = aligndev.meaning_report(found, None, labels, encode, kept)
    text = "\n".join(lines)
    assert "held-out" not in text and not any("held-out" in s for s in seen)
    assert lines[0].startswith("1 dev pairs; 4 sentences encoded")
    assert "rule : found 1/2 false 0" in text
    # The lexical rule misses the reworded pair; linking mutual-best meanings among leftovers finds it.
    assert "mutual cos 0.5: found 2/2 false 0" in text
    assert "mutual, chosen on the other pairs:" in text and "bonus, chosen on the other pairs:" in text
    # Vectors are kept for the next run: a second run encodes nothing.
    seen.clear()
    again = aligndev.meaning_report(found, None, labels, encode, kept)
    assert not seen and again[0].endswith("(all kept from an earlier run)")


def test_the_vector_function_is_named_by_module_and_function():
    assert aligndev.encoder("test_bench_meaning:_meaning") is _meaning
