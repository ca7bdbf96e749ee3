"""The alignment quality tools keep BASIL's split: the dev report never reads a test pair, and pairs labelled
"unsure" are counted apart (neither right nor wrong, but shown), on small made-up articles."""

from __future__ import annotations

import gzip
import re

from bench import aligndev, basil, quality
from index.compare import compare
from index.models import Article


def _article(ident: str, text: str) -> Article:
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]
    sentences = [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in sentences]
    return Article(id=ident, title=ident, text=text, sentences=tuple(sentences), source=ident.split("/")[1])


A = "The senator resigned on Monday after the vote. The bridge over the river will close for repairs in May."
B = "The bridge over the river closes for repairs in May. The senator resigned on Monday after the vote."
SECRET = "Nobody may read this sentence of the held-out half."


def _labels(half_of_secret: str = "test") -> dict:
    return {
        "same_event": [
            {"a": "e1/nyt", "b": "e1/fox", "half": "dev", "aligned": [[0, 1]], "unsure": [[1, 0]],
             "conflicts": [], "sentences": [2, 2]},
            {"a": "e2/nyt", "b": "e2/fox", "half": half_of_secret, "aligned": [[0, 0]], "unsure": [],
             "conflicts": [], "sentences": [1, 1]},
        ],
        "unrelated": [],
    }


class _Guarded(dict):
    """The articles, failing loudly when a test-half article is read."""

    held_out = ("e2/",)

    def __getitem__(self, key):
        if key.startswith(self.held_out):
            raise AssertionError(f"the dev report read {key}, an article of the test half")
        return super().__getitem__(key)


def _found() -> dict[str, Article]:
    return {
        "e1/nyt": _article("e1/nyt", A),
        "e1/fox": _article("e1/fox", B),
        "e2/nyt": _article("e2/nyt", SECRET),
        "e2/fox": _article("e2/fox", SECRET),
    }


def test_the_dev_report_never_reads_a_test_pair():
    found = _Guarded(_found())
    lines = aligndev.dev_report(found, None, _labels())
    text = "\n".join(lines)
    assert "e2/" not in text and "held-out" not in text
    # Both counterparts are found: the labelled one is right, the one labelled unsure is shown apart.
    assert lines[-1].startswith("dev: precision 1.000 (1/1), recall 1.000 (1/1); 1 found pairs labelled unsure")


def test_quality_counts_found_pairs_labelled_unsure(tmp_path, monkeypatch):
    labels = tmp_path / "labels.json"
    import json

    labels.write_text(json.dumps(_labels(half_of_secret="dev")), encoding="utf-8")
    corpus = tmp_path / "basil.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("")
    monkeypatch.setattr(quality, "LABELS", labels)
    monkeypatch.setattr(basil, "BASIL", corpus)
    r = quality.evaluate("dev", _found(), None, compare)
    assert r["alignment_unsure"] == 1
    # e1: one right, one unsure; e2: the identical sentences pair, labelled right.
    assert r["alignment_precision"] == "1.00 (2/2)"
    assert r["alignment_precision_unsure_wrong"] == "0.67 (2/3)"


def _event_of(half: str) -> str:
    return next(f"u{n}" for n in range(100) if basil.half(f"u{n}") == half)


def test_unlabelled_dev_events_are_shown_and_test_events_never_compared():
    dev, test = _event_of("dev"), _event_of("test")
    found = _Guarded(_found())
    found.held_out = ("e2/", f"{test}/")
    x, y = basil.PAIR_KINDS[0]
    # The dev event's two accounts say one thing in other words; the test event's are never read.
    found[f"{dev}/{x}"] = _article(f"{dev}/{x}", "The senator quit his post on Monday after a vote on the budget.")
    found[f"{dev}/{y}"] = _article(f"{dev}/{y}", "After the budget vote the senator stepped down from his post Monday.")
    found[f"{test}/{x}"] = _article(f"{test}/{x}", SECRET)
    found[f"{test}/{y}"] = _article(f"{test}/{y}", SECRET)
    lines = aligndev.unlabelled_report(found, None, _labels(), below=2.0)
    text = "\n".join(lines)
    assert lines[0] == "1 dev events without labels"
    assert f"--- {dev}/{x} [0] vs {dev}/{y} [0]" in text
    assert test not in text and "held-out" not in text


def test_the_label_file_is_consistent():
    """Each labelled pair sits in the half its event's hash gives, names two outlets of one event, and labels
    each sentence pair once, with indices inside the sentence counts it was labelled at."""
    import json

    labels = json.loads(quality.LABELS.read_text(encoding="utf-8"))
    seen = set()
    for pair in labels["same_event"]:
        event = pair["a"].split("/")[0]
        assert pair["b"].split("/")[0] == event and pair["a"] != pair["b"], pair["a"]
        assert pair["half"] == basil.half(event), (pair["a"], pair["half"])
        assert (pair["a"], pair["b"]) not in seen, pair["a"]
        seen.add((pair["a"], pair["b"]))
        aligned, unsure = {tuple(x) for x in pair["aligned"]}, {tuple(x) for x in pair["unsure"]}
        assert len(aligned) == len(pair["aligned"]) and len(unsure) == len(pair["unsure"]), pair["a"]
        assert not aligned & unsure, (pair["a"], sorted(aligned & unsure))
        count_a, count_b = pair["sentences"]
        assert all(0 <= i < count_a and 0 <= j < count_b for i, j in aligned | unsure), pair["a"]
        assert pair.get("method", "candidates") in ("candidates", "exhaustive"), pair["a"]
    for pair in labels["unrelated"]:
        assert pair["a"].split("/")[0] != pair["b"].split("/")[0], pair


def test_the_one_to_one_ceiling_counts_what_a_linker_using_each_sentence_once_can_find():
    # A lede (0) with three counterparts, one of them (5) also the counterpart of A's sentence 4: a linker
    # using each sentence once finds at most two of the four (0-6 and 4-5), and an augmenting path is needed
    # to see it (0 takes 5 first).
    assert quality.one_to_one_ceiling({(0, 5), (0, 6), (4, 5)}) == 2
    assert quality.one_to_one_ceiling({(0, 5), (0, 6), (0, 7), (4, 5)}) == 2
    assert quality.one_to_one_ceiling({(1, 1), (2, 2), (3, 3)}) == 3
    assert quality.one_to_one_ceiling(set()) == 0
