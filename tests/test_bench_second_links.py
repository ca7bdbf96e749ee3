"""``python -m bench.aligndev --many`` lists the counterparts the linker leaves out because one of their sentences
is already linked (one sentence, several counterparts), with their labels, and never reads a test pair; on
made-up articles."""

from __future__ import annotations

from test_bench_alignment_labels import _article, _Guarded

from bench import aligndev

# A says two things in one sentence; B says them in two sentences that are not next to each other.
A = ("The senator resigned on Monday after the vote, and the bridge over the river will close for repairs in May. "
     "Stocks fell.")
B = ("The senator resigned on Monday after the vote. The weather was cold and grey all week. The bridge over the "
     "river closes for repairs in May.")
SECRET = "Nobody may read this sentence of the held-out half."


def test_the_second_link_report_lists_a_sentence_with_two_counterparts_and_skips_the_test_half():
    found = _Guarded({
        "e1/nyt": _article("e1/nyt", A),
        "e1/fox": _article("e1/fox", B),
        "e2/nyt": _article("e2/nyt", SECRET),
        "e2/fox": _article("e2/fox", SECRET),
    })
    labels = {
        "same_event": [
            {"a": "e1/nyt", "b": "e1/fox", "half": "dev", "aligned": [[0, 0], [0, 2]], "unsure": [],
             "conflicts": [], "sentences": [2, 3]},
            {"a": "e2/nyt", "b": "e2/fox", "half": "test", "aligned": [[0, 0]], "unsure": [], "conflicts": [],
             "sentences": [1, 1]},
        ],
        "unrelated": [],
    }
    lines = aligndev.many_report(found, None, labels)
    text = "\n".join(lines)
    assert "e2/" not in text and "held-out" not in text
    # The linker pairs A's sentence with B's first; the bridge, a second counterpart, is listed as left out, and
    # everything it shares with A's sentence is what the first link does not cover.
    assert "RIGHT e1/nyt (0, 2)" in text and "fresh 1.00" in text
    assert lines[-1] == "dev: second links passing the rule: 1 right, 0 false, 0 unsure"
