"""The quality benchmark reports BASIL's labelled figure conflicts as the engine tells them (a conflict, an update,
a difference or missed) and counts the figure pairs labelled compatible that it reports anyway, on made-up
articles."""

from __future__ import annotations

import gzip
import json

from test_bench_alignment_labels import _article

from bench import basil, quality
from index.compare import compare

# Sentence 1 of A and 0 of B disagree on a death toll (a conflict); 2 and 2 on a sum paid (a difference: the
# engine cannot tell both count one thing); 3 and 3 agree.
A = ("The storm hit the coast on Monday. Officials said 12 people were killed in the floods. The city paid 300 "
     "dollars for each family. The governor said 4,000 homes were damaged by the water.")
B = ("Officials said 40 people were killed in the floods. The storm hit the coast on Monday. The city paid 900 "
     "dollars for each family. The governor said 4,000 homes were damaged by the water.")


def _pair(event: str, conflicts: list, compatible: list) -> dict:
    return {"a": f"{event}/nyt", "b": f"{event}/fox", "half": "dev", "aligned": [[0, 1], [1, 0], [2, 2], [3, 3]],
            "unsure": [], "conflicts": conflicts, "not_conflicts": compatible, "sentences": [4, 4]}


def _figure(a: int, b: int, what: str) -> dict:
    return {"a_sentence": a, "b_sentence": b, "what": what}


def test_quality_tells_labelled_conflicts_found_as_conflict_difference_or_missed(tmp_path, monkeypatch):
    labels = {
        "same_event": [
            # The toll is found as a conflict; the date sentences hold no disagreement: missed.
            _pair("e1", [_figure(1, 0, "count"), _figure(0, 1, "date")], [_figure(3, 3, "count"),
                                                                          _figure(2, 2, "money")]),
            # The sum paid is reported only as "figures differ".
            _pair("e2", [_figure(2, 2, "money")], []),
        ],
        "unrelated": [],
    }
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels), encoding="utf-8")
    corpus = tmp_path / "basil.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("")
    monkeypatch.setattr(quality, "LABELS", path)
    monkeypatch.setattr(basil, "BASIL", corpus)
    found = {f"{e}/{s}": _article(f"{e}/{s}", A if s == "nyt" else B) for e in ("e1", "e2") for s in ("nyt", "fox")}
    r = quality.evaluate("dev", found, None, compare)
    f = r["figures"]
    assert (f["conflict"], f["update"], f["difference"], f["missed"]) == (1, 0, 1, 1)
    # Of the two figure pairs labelled compatible, the agreeing home counts are not reported; the sums paid are.
    assert (f["compatible"], f["compatible_reported"]) == (2, 1)
    assert r["conflict_precision"] == "0.50 (1/2)"
