"""Alignment misses and false pairs on BASIL's dev half, to read before changing the rule.

``python -m bench.aligndev`` prints, for each labelled dev pair, the counterparts the engine missed (with the
score the pair got) and the pairs it linked that the labels do not hold, then the dev totals. Only the dev half:
the test half is measured (``python -m bench --only quality``), never read. ``--totals`` prints the dev totals only;
``--measure`` prints both halves' totals, as the quality benchmark measures them; ``--unlabelled`` prints the
weakest paraphrase pairs found on dev events no label covers yet (where false pairs live); ``--many`` prints the
pairs a second link would add (a sentence whose counterpart is already linked), with what decides them.
The articles are read from the BASIL index (``bench.basil``); their text is printed, never written anywhere.
"""

from __future__ import annotations

import json
import pickle
import sys

from . import basil
from .corpora import BENCH_DIR
from .quality import LABELS, site_furniture


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _articles():
    """BASIL's articles and term weights, kept in the bench scratch folder between runs (never the repository)."""
    cache = BENCH_DIR / "basil-articles.pickle"
    sources = [basil.BASIL, basil.INDEX, *(basil.INDEX.iterdir() if basil.INDEX.is_dir() else ())]
    if cache.is_file() and cache.stat().st_mtime > max(p.stat().st_mtime for p in sources if p.exists()):
        with cache.open("rb") as f:
            return pickle.load(f)
    found = basil.articles(build=False)
    weights = basil.articles.weights  # type: ignore[attr-defined]
    with cache.open("wb") as f:
        pickle.dump((found, weights), f)
    return found, weights


def _measure(found, weights) -> None:
    """Both halves' totals as ``python -m bench --only quality`` gives them (the test half is only measured)."""
    from index.compare import compare

    from .quality import evaluate

    for half in ("dev", "test"):
        r = evaluate(half, found, weights.get, compare)
        print(f"{half}: alignment {r['alignment_precision']} / {r['alignment_recall']} "
              f"(unsure found {r['alignment_unsure']}: {r['alignment_precision_unsure_wrong']}); unique "
              f"{r['unique_precision']} / {r['unique_recall']}; unrelated (aligned, conflicts) {r['unrelated']}")


def _dev_pairs(found, weights, labels: dict):
    """Each dev pair of ``labels``, compared as the quality benchmark compares it: ``(pair, a, b, comparison,
    gold, unsure, recurring)``. Pairs of the test half are skipped before anything of them is read."""
    from index.compare import compare

    lookup = weights.get if weights is not None else None
    recurring = site_furniture(found)
    for pair in labels["same_event"]:
        if pair["half"] != "dev":
            continue
        a, b = found[pair["a"]], found[pair["b"]]
        yield (pair, a, b, compare(a, b, weights=lookup, recurring=recurring), {tuple(x) for x in pair["aligned"]},
               {tuple(x) for x in pair["unsure"]}, recurring)


def dev_report(found, weights, labels: dict, *, details: bool = True) -> list[str]:
    """The lines to print: for each dev pair of ``labels``, its misses and false pairs (``details``), then the
    dev totals. Pairs of the test half are skipped before anything of them is read."""
    from index.compare.align import Scorer
    from index.compare.reading import read
    from index.compare.sentences import boilerplate

    lookup = weights.get if weights is not None else None
    lines = []
    tp = fp = gold_total = unsure_found = 0
    for pair, a, b, c, gold, unsure, recurring in _dev_pairs(found, weights, labels):
        predicted = {(i, j) for p in c.pairs for i in p.a for j in p.b}
        missed = sorted(gold - predicted)
        false = sorted(predicted - gold - unsure)
        tp += len(predicted & gold)
        fp += len(false)
        gold_total += len(gold)
        unsure_found += len(predicted & unsure)
        if not details:
            continue
        pa = read(a, boilerplate(a, recurring)).profiles
        pb = read(b, boilerplate(b, recurring)).profiles
        scorer = Scorer(pa, pb, lookup)
        competed = scorer.pairs(pa, pb)
        lines.append(f"=== {pair['a']} vs {pair['b']}: {len(predicted & gold)}/{len(gold)} found, {len(false)} false")
        for kind, items in (("MISS", missed), ("FALSE", false)):
            for i, j in items:
                raw = scorer.score(pa[i], pb[j])
                after = competed.get((i, j))
                lines.append(f"  {kind} ({i}, {j}) raw {raw.score:.2f} lex {raw.lexical:.2f} after "
                             f"{f'{after.score:.2f}' if after else 'dropped'} distinct {raw.distinct} "
                             f"shared {' '.join(raw.shared)}")
                s, e = a.sentences[i]
                lines.append(f"     A: {_short(a.text[s:e])}")
                s, e = b.sentences[j]
                lines.append(f"     B: {_short(b.text[s:e])}")
    found_total = tp + fp
    lines.append(f"dev: precision {tp / max(found_total, 1):.3f} ({tp}/{found_total}), recall "
                 f"{tp / max(gold_total, 1):.3f} ({tp}/{gold_total}); {unsure_found} found pairs labelled unsure "
                 f"(counted wrong: precision {tp / max(found_total + unsure_found, 1):.3f})")
    return lines


def many_report(found, weights, labels: dict) -> list[str]:
    """For each dev pair of ``labels``: the pairs that pass the rule (score and gate) but are not linked because one
    of their sentences is already linked elsewhere, each with its label (right, false or unsure), its score beside
    the score of the link that took the sentence (``rel``), and ``fresh``: the share of the words the two sentences
    share (weighted, in the sentence already linked) that its current partners do not share with it, so a second
    partner that says something else of a long sentence shows a high share. Then the totals by label. Pairs of the
    test half are skipped before anything of them is read."""
    from index.compare.align import ALIGN_THRESHOLD, Scorer, _enough
    from index.compare.reading import read
    from index.compare.sentences import boilerplate

    lookup = weights.get if weights is not None else None
    lines = []
    totals = {"right": 0, "false": 0, "unsure": 0}
    for labelled, a, b, c, gold, unsure, recurring in _dev_pairs(found, weights, labels):
        pa = read(a, boilerplate(a, recurring)).profiles
        pb = read(b, boilerplate(b, recurring)).profiles
        scorer = Scorer(pa, pb, lookup)
        of_a = {i: p for p in c.pairs for i in p.a}
        of_b = {j: p for p in c.pairs for j in p.b}
        for (i, j), s in sorted(scorer.pairs(pa, pb).items(), key=lambda item: -item[1].score):
            if s.score < ALIGN_THRESHOLD or (i in of_a) == (j in of_b) or not _enough(s):
                continue
            # The sentence already linked, its current partners and the new one.
            many, taken, partners, new = (pa[i], of_a[i], [pb[k] for k in of_a[i].b], pb[j]) if i in of_a else (
                pb[j], of_b[j], [pa[k] for k in of_b[j].a], pa[i])
            old = set().union(*(p.terms for p in partners))
            shared = [scorer.tw[t] for t in many.terms if t in new.terms]
            fresh = sum(scorer.tw[t] for t in many.terms if t in new.terms and t not in old)
            kind = "right" if (i, j) in gold else "unsure" if (i, j) in unsure else "false"
            totals[kind] += 1
            lines.append(f"  {kind.upper()} {labelled['a']} ({i}, {j}) score {s.score:.2f} rel "
                         f"{s.score / taken.score:.2f} fresh {fresh / sum(shared):.2f} shared {' '.join(s.shared)}")
            for side, article, k in (("A", a, i), ("B", b, j)):
                start, end = article.sentences[k]
                lines.append(f"     {side}: {_short(article.text[start:end])}")
    lines.append(f"dev: second links passing the rule: {totals['right']} right, {totals['false']} false, "
                 f"{totals['unsure']} unsure")
    return lines


def unlabelled_report(found, weights, labels: dict, *, below: float = 0.32) -> list[str]:
    """Paraphrase pairs scoring under ``below`` on dev-half events no label covers yet (one pair of outlets per
    event, rotating as ``bench.basil.chosen_pairs`` does): where false pairs live, to read, or to label next.
    Events of the test half are never compared."""
    from index.compare import compare

    lookup = weights.get if weights is not None else None
    labelled = {p[k].split("/")[0] for group in ("same_event", "unrelated") for p in labels[group] for k in "ab"}
    events = sorted({ident.split("/")[0] for ident in found})
    free = [e for e in events if basil.half(e) == "dev" and e not in labelled]
    recurring = site_furniture(found)
    lines = [f"{len(free)} dev events without labels"]
    for k, event in enumerate(free):
        x, y = basil.PAIR_KINDS[k % len(basil.PAIR_KINDS)]
        if f"{event}/{x}" not in found or f"{event}/{y}" not in found:
            continue
        c = compare(found[f"{event}/{x}"], found[f"{event}/{y}"], weights=lookup, recurring=recurring)
        for p in c.pairs:
            if p.kind == "paraphrase" and p.score < below:
                lines.append(f"--- {event}/{x} {list(p.a)} vs {event}/{y} {list(p.b)}: score {p.score:.2f}, shared "
                             f"{' '.join(t.term for t in p.evidence.terms)}")
                lines.append(f"     A: {_short(p.a_text)}")
                lines.append(f"     B: {_short(p.b_text)}")
    return lines


def main(argv: list[str]) -> None:
    found, weights = _articles()
    if "--measure" in argv:
        _measure(found, weights)
        return
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    if "--many" in argv:
        print("\n".join(many_report(found, weights, labels)))
        return
    if "--unlabelled" in argv:
        print("\n".join(unlabelled_report(found, weights, labels)))
        return
    print("\n".join(dev_report(found, weights, labels, details="--totals" not in argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
