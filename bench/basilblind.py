"""BASIL's other pairs, for a blind measure of the disagreements compare reports on political news.

The alignment labels (``bench/labels/basil_compare.json``) cover one pair of outlets per event; the other two pairs
of each event (200) were never read while rules were written. Every conflict, update and "figures differ" item
compare reports on them was read once, with both sentences, and judged; the verdicts live in
``bench/labels/basil_blind_figures.json`` as ids, sentence indices and figure offsets (no article text), each with
the code it was first reported by (``commit``). Nothing here is tuned on: a rule changed because of one of these
pairs would make the measure no longer blind, and the label file says so when it happens.

``python -m bench.basilblind dump [--unjudged]`` prints what compare reports on the pairs, with both sentences,
to judge (``--unjudged``: only what has no verdict yet).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index import Article

from . import basil
from .ecbplus import key, reported

LABELS = Path(__file__).resolve().parent / "labels" / "basil_blind_figures.json"
#: What compare reports, as the verdicts file names it.
KINDS = ("conflict", "update", "differs")


def pairs(found: dict[str, Article]) -> list[tuple[str, str]]:
    """Every pair of two outlets of one event that the alignment labels do not cover, events in id order."""
    from .quality import LABELS as ALIGNMENT_LABELS

    labelled = json.loads(ALIGNMENT_LABELS.read_text(encoding="utf-8"))["same_event"]
    covered = {frozenset((p["a"], p["b"])) for p in labelled}
    out = []
    for event in sorted({ident.split("/")[0] for ident in found}):
        for x, y in basil.PAIR_KINDS:
            a, b = f"{event}/{x}", f"{event}/{y}"
            if a in found and b in found and frozenset((a, b)) not in covered:
                out.append((a, b))
    return out


def _reported(found: dict[str, Article], weights, compare, compared: list[tuple[str, str]] | None = None
              ) -> list[tuple[str, str, dict]]:
    from .quality import site_furniture

    recurring = site_furniture(found)
    out = []
    for a, b in pairs(found) if compared is None else compared:
        comparison = compare(found[a], found[b], weights=weights, recurring=recurring)
        out.extend((a, b, entry) for entry in reported(comparison, differences=True))
    return out


def evaluate(found: dict[str, Article], weights, compare) -> dict:
    """Per kind (``KINDS``), how many reported items were judged real (a conflict or an update the two outlets
    truly tell differently), false, or not judged yet; and how many pairs were compared."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    verdict = {(j["a"], j["b"], *key(j)): j["verdict"] for j in labels["judged"]}
    counts = {kind: {"right": 0, "false": 0, "unjudged": 0} for kind in KINDS}
    compared = pairs(found)
    for a, b, entry in _reported(found, weights, compare, compared):
        said = verdict.get((a, b, *key(entry)))
        counts[entry["kind"]]["unjudged" if said is None else "false" if said == "false" else "right"] += 1
    return {"pairs": len(compared), "counts": counts}


def dump(*, unjudged: bool = False) -> None:
    from index.compare import compare

    found = basil.articles()
    labels = json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.is_file() else {"judged": []}
    judged = {(j["a"], j["b"], *key(j)) for j in labels["judged"]}
    for a, b, entry in _reported(found, basil.articles.weights.get, compare):  # type: ignore[attr-defined]
        if unjudged and (a, b, *key(entry)) in judged:
            continue
        x, y = found[a], found[b]
        print(json.dumps({"a": a, "b": b, **entry}))
        for side, article, span, sentence in (("A", x, entry["a_span"], entry["a_sentence"]),
                                              ("B", y, entry["b_span"], entry["b_sentence"])):
            start, end = article.sentences[sentence]
            print(f"  {side} [{article.text[span[0]:span[1]]}]: {' '.join(article.text[start:end].split())}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump(unjudged="--unjudged" in sys.argv)
    else:
        print(__doc__)
