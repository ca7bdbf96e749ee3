"""The blind BASIL measure compares only the pairs of outlets no alignment label covers, and counts each reported
disagreement by its verdict (real, false, or not judged yet), on made-up articles; its verdict file stays apart
from the labelled pairs."""

from __future__ import annotations

import json

from test_bench_alignment_labels import _article
from test_bench_figure_labels import A, B

from bench import basilblind, quality
from index.compare import compare


def test_blind_pairs_leave_out_the_labelled_pair_and_verdicts_count_by_kind(tmp_path, monkeypatch):
    alignment = {"same_event": [{"a": "e1/nyt", "b": "e1/fox", "half": "dev"}], "unrelated": []}
    (tmp_path / "alignment.json").write_text(json.dumps(alignment), encoding="utf-8")
    monkeypatch.setattr(quality, "LABELS", tmp_path / "alignment.json")
    # Three outlets of one event: nyt and hpo tell the toll of A, fox that of B.
    found = {f"e1/{s}": _article(f"e1/{s}", B if s == "fox" else A) for s in ("nyt", "fox", "hpo")}
    assert basilblind.pairs(found) == [("e1/nyt", "e1/hpo"), ("e1/fox", "e1/hpo")]
    entries = basilblind._reported(found, None, compare)
    # The two accounts telling the same figures report nothing; the other pair reports the toll as a conflict.
    conflicts = [(a, b, e) for a, b, e in entries if e["kind"] == "conflict"]
    assert [(a, b) for a, b, _ in conflicts] == [("e1/fox", "e1/hpo")]
    a, b, entry = conflicts[0]
    judged = [{"a": a, "b": b, **{k: entry[k] for k in ("a_sentence", "b_sentence", "a_span", "b_span")},
               "verdict": "real"}]
    (tmp_path / "blind.json").write_text(json.dumps({"judged": judged}), encoding="utf-8")
    monkeypatch.setattr(basilblind, "LABELS", tmp_path / "blind.json")
    r = basilblind.evaluate(found, None, compare)
    assert r["pairs"] == 2
    assert r["counts"]["conflict"] == {"right": 1, "false": 0, "unjudged": 0}
    others = sum(c["right"] + c["false"] for kind, c in r["counts"].items() if kind != "conflict")
    assert others == 0


def test_the_blind_verdicts_name_pairs_no_alignment_label_covers():
    labelled = {frozenset((p["a"], p["b"])) for p in json.loads(quality.LABELS.read_text())["same_event"]}
    judged = json.loads(basilblind.LABELS.read_text(encoding="utf-8"))["judged"]
    assert judged
    for j in judged:
        assert frozenset((j["a"], j["b"])) not in labelled
        assert j["a"].split("/")[0] == j["b"].split("/")[0] and j["a"] != j["b"]
        assert j["verdict"] in ("real", "false") and j["kind"] in basilblind.KINDS
        assert all(isinstance(x, int) for x in (j["a_sentence"], j["b_sentence"], *j["a_span"], *j["b_span"]))
