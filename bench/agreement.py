"""How far two readers agree on which sentences of two articles are counterparts, beside the engine's score.

The quality bench measures alignment against one reader's labels (``bench/labels/basil_compare.json``). A second
reader labelled some of the same test-half pairs again (``bench/labels/basil_compare_second_reader.json``: ids and
sentence indices only), blind: reading both articles in full, without the first reader's labels, the engine's
output or any score. Each reader is then scored against the other exactly as the quality bench scores the engine
(precision over the pairs the other did not call unsure, recall over the other's counterparts), and the engine
against each reader and against the pairs both call counterparts. Where two careful readers score each other
below a target, the target asks the engine to agree with one reader more than another reader does.

``python -m bench.agreement`` prints the table (BASIL must be present; its index is built on first use).
"""

from __future__ import annotations

import json
from pathlib import Path

from .quality import LABELS, alignment_counts, predicted_pairs, site_furniture

SECOND = Path(__file__).resolve().parent / "labels" / "basil_compare_second_reader.json"


def _labels(pair: dict) -> tuple[set, set]:
    return {tuple(x) for x in pair["aligned"]}, {tuple(x) for x in pair["unsure"]}


def score(predicted: list[set], gold: list[tuple[set, set]]) -> tuple[str, str]:
    """Precision and recall of ``predicted`` (one set of pairs per article pair) against ``gold`` ((counterparts,
    unsure) per article pair), summed over the article pairs."""
    found = false = total = 0
    for pairs, (aligned, unsure) in zip(predicted, gold, strict=True):
        f, x, _ = alignment_counts(pairs, aligned, unsure)
        found, false, total = found + f, false + x, total + len(aligned)
    precision = f"{found / (found + false):.2f} ({found}/{found + false})" if found + false else "n/a"
    recall = f"{found / total:.2f} ({found}/{total})" if total else "n/a"
    return precision, recall


def table(first: list[dict], second: list[dict], engine: list[set]) -> list[tuple[str, str, str]]:
    """(what, precision, recall) rows for the article pairs both readers labelled, in the same order."""
    one = [_labels(p) for p in first]
    two = [_labels(p) for p in second]
    both = [(a1 & a2, (u1 | u2 | a1 | a2) - (a1 & a2)) for (a1, u1), (a2, u2) in zip(one, two, strict=True)]
    return [
        ("second reader, scored against the first", *score([a for a, _ in two], one)),
        ("first reader, scored against the second", *score([a for a, _ in one], two)),
        ("engine against the first reader", *score(engine, one)),
        ("engine against the second reader", *score(engine, two)),
        ("engine against the pairs both call counterparts (either's others unsure)", *score(engine, both)),
    ]


def main() -> None:
    from index.compare import compare

    from . import basil

    second = json.loads(SECOND.read_text(encoding="utf-8"))["pairs"]
    by_ids = {(p["a"], p["b"]): p for p in json.loads(LABELS.read_text(encoding="utf-8"))["same_event"]}
    first = [by_ids[(p["a"], p["b"])] for p in second]
    articles = basil.articles()
    weights = basil.articles.weights.get  # type: ignore[attr-defined]
    recurring = site_furniture(articles)
    engine = []
    for p in second:
        a, b = articles[p["a"]], articles[p["b"]]
        if [len(a.sentences), len(b.sentences)] != p["sentences"]:
            raise SystemExit(f"{p['a']} / {p['b']}: the sentences changed since the second reading")
        c = compare(a, b, weights=weights, recurring=recurring)
        engine.append(predicted_pairs(c))
    print(f"{len(second)} test-half pairs labelled by both readers")
    for what, precision, recall in table(first, second, engine):
        print(f"  {what:<75} precision {precision:<16} recall {recall}")


if __name__ == "__main__":
    main()
