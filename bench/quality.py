"""Comparison quality on BASIL: alignment, conflicts, quote speakers and unique sentences against hand labels.

Labels live in ``bench/labels/basil_compare.json`` (ids and sentence indices; see its ``about``; a label naming a
piece of a sentence compare joins at a title abbreviation names every piece, see ``bench/joinlabels.py``). Each
measure is printed for the dev half (what the rules were tuned on) and the test half (only measured), split by
event id.

- *alignment*: sentence pairs (A index, B index; a pair of several sentences counts each of its index pairs);
  precision over the predicted pairs not labelled "unsure", recall over the labelled pairs. How many predicted
  pairs were labelled "unsure" is shown beside it, with the precision they would give if each were wrong: the
  halves were labelled with different shares of "unsure" pairs, so compare the halves on both.
  Beside it, the recall a linker pairing each sentence at most once could reach at best (the largest matching
  of the labelled pairs, pair by pair): readers link one sentence to several (a lede and the paragraphs that
  repeat its facts), so a one-to-one linker's recall has this ceiling.
- *unique*: sentences with no labelled (or unsure) counterpart are truly unique to their side.
- *conflicts*: reported conflicts, distinct by sentence pair; precision is the share labelled real.
- *figures*: the labelled figure conflicts (``conflicts``, by sentence pair) found as a conflict, an update or a
  difference ("figures differ"), or missed; and the figure pairs read and labelled compatible (``not_conflicts``)
  that the engine reports as any of the three.
- *shared quotes*: a quote of A matched with one of B is right when a sentence holding the one and a sentence
  holding the other are labelled counterparts (the same statement), false when no pair of them is labelled at all
  (two statements sharing words: scare quotes, a slogan, two people's words).
- *speakers*: BASIL's own annotations (``bias_spans`` with ``quote`` = yes and a named ``speaker``) over every
  article of the half: a quote holding an annotated span is right when its speaker is that person, unclear
  when it has none, wrong when it names someone else.
- *unrelated*: pairs of two different events: aligned sentence pairs and conflicts (both should be about 0).

BASIL's labelled pairs hold few real conflicts (twelve), so conflicts are also measured on ECB+
(``bench/ecbplus.py``, verdicts in ``bench/labels/ecbplus_conflicts.json``): the share of reported conflicts (and
updates) read as real disagreements, on same-event pairs of odd topics (dev: every pair of its stories, and
apart the 24-pair sample of the earlier rounds) and even topics (test: 12 pairs a story), and the
disagreements reported on pairs of a topic's two look-alike events (all false). A reported disagreement with no
verdict yet is counted as unjudged, never as right.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from pathlib import Path

from . import basil
from .report import Report

LABELS = Path(__file__).resolve().parent / "labels" / "basil_compare.json"


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "n/a (0/0)"


def predicted_pairs(comparison) -> set[tuple[int, int]]:
    """The sentence pairs (A index, B index) a comparison aligns, each index pair of a group of several."""
    return {(i, j) for p in comparison.pairs for i in p.a for j in p.b}


def alignment_counts(predicted: set, gold: set, unsure: set) -> tuple[int, int, int]:
    """How ``predicted`` sentence pairs fare against one reader's labels: (labelled counterparts found, pairs
    labelled neither counterpart nor unsure, pairs labelled unsure). Precision is the first over the first two,
    recall the first over ``len(gold)``."""
    return len(predicted & gold), len(predicted - gold - unsure), len(predicted & unsure)


def one_to_one_ceiling(pairs: set[tuple[int, int]]) -> int:
    """How many of the labelled counterpart ``pairs`` (A index, B index) a linker using each sentence at most
    once could find at best: the size of their largest matching (augmenting paths; a pair's few dozen labels)."""
    partners: dict[int, list[int]] = {}
    for a, b in sorted(pairs):
        partners.setdefault(a, []).append(b)
    taken_by: dict[int, int] = {}

    def augment(a: int, seen: set[int]) -> bool:
        for b in partners[a]:
            if b not in seen:
                seen.add(b)
                if b not in taken_by or augment(taken_by[b], seen):
                    taken_by[b] = a
                    return True
        return False

    return sum(augment(a, set()) for a in partners)


def _conflict_sentences(comparison, kind: str = "conflicts") -> set[tuple[int, int]]:
    """The sentence pairs (A index, B index) holding the figures of ``comparison.<kind>`` (``conflicts``,
    ``updates`` or ``differences``)."""
    out = set()
    for c in getattr(comparison, kind):
        out.add((comparison.figures_a[c.a].sentence, comparison.figures_b[c.b].sentence))
    return out


def _figures(comparison, labelled: list[dict], compatible: list[dict]) -> dict[str, int]:
    """The labelled figure conflicts of one pair as the engine reports them (as a conflict, else an update, else
    a difference, else missed), and the figure pairs labelled compatible that it reports as any of the three."""
    reported = {kind: _conflict_sentences(comparison, kind) for kind in ("conflicts", "updates", "differences")}
    out = {"conflict": 0, "update": 0, "difference": 0, "missed": 0, "compatible": 0, "compatible_reported": 0}
    for x in labelled:
        at = (x["a_sentence"], x["b_sentence"])
        kind = next((k for k in ("conflicts", "updates", "differences") if at in reported[k]), "")
        out[{"conflicts": "conflict", "updates": "update", "differences": "difference"}.get(kind, "missed")] += 1
    for x in compatible:
        out["compatible"] += 1
        at = (x["a_sentence"], x["b_sentence"])
        out["compatible_reported"] += any(at in found for found in reported.values())
    return out


_GROUP_WORDS = frozenset("democrats republicans lawmakers campaign officials members party committee house "
                         "senate companies".split())


def _speaker_annotations(half: str) -> list[tuple[str, str, str]]:
    """(article id, annotated quoted words, speaker surname) for named speakers of the half's events."""
    out = []
    with gzip.open(basil.BASIL, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if basil.half(row["id"].split("/")[0]) != half:
                continue
            for span in row.get("bias_spans") or ():
                names = [w for w in (span.get("speaker") or "").split("_") if w.lower() not in ("jr.", "jr", "sr.")]
                # A named person ("Donald_Trump"): not "other_anti", "House_Democrats" or "Obama_campaign".
                if span.get("quote") != "yes" or len(names) < 2 or not all(w[:1].isupper() for w in names):
                    continue
                if any(w.lower() in _GROUP_WORDS for w in names):
                    continue
                out.append((row["id"], span["txt"], names[-1].lower()))
    return out


def _speakers(articles, half: str) -> dict[str, int]:
    from index.compare import extract_quotes

    counts = {"right": 0, "unclear": 0, "wrong": 0}
    quotes_of: dict[str, list] = {}
    for ident, words, surname in _speaker_annotations(half):
        article = articles.get(ident)
        if article is None:
            continue
        at = article.text.find(words)
        if at < 0:
            continue
        if ident not in quotes_of:
            quotes_of[ident] = extract_quotes(article.text, article.entities)
        holding = [q for q in quotes_of[ident] if any(a <= at < b for a, b in q.parts)]
        if not holding:
            continue
        speaker = holding[0].speaker
        if speaker is None or speaker.how == "role-unresolved":
            counts["unclear"] += 1
        elif surname in speaker.name.lower().replace("’", "'").split() or surname in speaker.name.lower():
            counts["right"] += 1
        else:
            counts["wrong"] += 1
    return counts


def site_furniture(articles) -> frozenset:
    """Sentences that recur across one source's articles (site furniture), over every source of ``articles``
    (a mapping of id to article): what ``compare(..., recurring=...)`` leaves out."""
    from index.compare import recurring_sentences

    by_source: dict[str, list] = {}
    for article in articles.values():
        by_source.setdefault(article.source, []).append(article)
    return frozenset().union(*(recurring_sentences(group) for group in by_source.values()))


def evaluate(half: str, articles, weights, compare) -> dict:
    from index.compare.align import quote_sentences

    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    recurring = site_furniture(articles)
    tp = fp = gold_total = unsure_found = ceiling = 0
    unique = {"tp": 0, "predicted": 0, "gold": 0}
    #: Sentences said again (second counterparts): how many, how many have a labelled counterpart, and how many
    #: of those have the very sentence named as theirs.
    again = {"reported": 0, "linked": 0, "like": 0}
    conflicts = {"reported": 0, "real": 0}
    #: Shared quotes by the labels of the sentences holding them: right when a pair of them is a labelled
    #: counterpart, unsure when only an unsure pair is, else false (two different statements).
    quotes = {"right": 0, "unsure": 0, "false": 0}
    figures = dict.fromkeys(("conflict", "update", "difference", "missed", "compatible", "compatible_reported"), 0)
    times = []
    drift = 0
    for pair in labels["same_event"]:
        if pair["half"] != half:
            continue
        a, b = articles[pair["a"]], articles[pair["b"]]
        drift += [len(a.sentences), len(b.sentences)] != pair["sentences"]
        started = time.perf_counter()
        c = compare(a, b, weights=weights, recurring=recurring)
        times.append(time.perf_counter() - started)
        gold = {tuple(x) for x in pair["aligned"]}
        unsure = {tuple(x) for x in pair["unsure"]}
        found, false, doubtful = alignment_counts(predicted_pairs(c), gold, unsure)
        tp += found
        fp += false
        unsure_found += doubtful
        gold_total += len(gold)
        ceiling += one_to_one_ceiling(gold)
        for side, uniques in (("a", c.unique_a), ("b", c.unique_b)):
            k = 0 if side == "a" else 1
            linked = {x[k] for x in gold | unsure}
            article = a if side == "a" else b
            real = {i for u in uniques for i in u.indices}
            furniture = set(c.boilerplate_a if side == "a" else c.boilerplate_b)
            truly = {i for i in range(len(article.sentences)) if i not in linked and i not in furniture}
            unique["tp"] += len(real & truly)
            unique["predicted"] += len(real)
            unique["gold"] += len(truly)
            for second in c.second_a if side == "a" else c.second_b:
                partners = {link[1 - k] for link in gold | unsure if link[k] in second.indices}
                again["reported"] += 1
                again["linked"] += bool(partners)
                again["like"] += bool(partners & set(second.like))
        for match in c.shared_quotes:
            held = {(i, j) for i in quote_sentences(a, c.quotes_a[match.a])
                    for j in quote_sentences(b, c.quotes_b[match.b])}
            verdict = "right" if held & gold else "unsure" if held & unsure else "false"
            quotes[verdict] += 1
        real_conflicts = {(x["a_sentence"], x["b_sentence"]) for x in pair["conflicts"]}
        found = _conflict_sentences(c)
        conflicts["reported"] += len(found)
        conflicts["real"] += len(found & real_conflicts)
        for key, n in _figures(c, pair["conflicts"], pair.get("not_conflicts", ())).items():
            figures[key] += n
    unrelated = []
    for pair in labels["unrelated"]:
        if pair["half"] != half:
            continue
        c = compare(articles[pair["a"]], articles[pair["b"]], weights=weights, recurring=recurring)
        unrelated.append((len(predicted_pairs(c)), len(c.conflicts)))
    return {
        "pairs": len(times),
        "alignment_precision": _ratio(tp, tp + fp),
        "alignment_recall": _ratio(tp, gold_total),
        "alignment_unsure": unsure_found,
        "alignment_recall_one_to_one_ceiling": _ratio(ceiling, gold_total),
        "alignment_precision_unsure_wrong": _ratio(tp, tp + fp + unsure_found),
        "unique_precision": _ratio(unique["tp"], unique["predicted"]),
        "unique_recall": _ratio(unique["tp"], unique["gold"]),
        "said_again": again,
        "shared_quotes": quotes,
        "conflict_precision": _ratio(conflicts["real"], conflicts["reported"]),
        "figures": figures,
        "speakers": _speakers(articles, half),
        "unrelated": unrelated,
        "ms_per_pair": round(statistics.mean(times) * 1000, 1) if times else 0.0,
        "label_drift": drift,
    }


def _ecbplus(report: Report) -> None:
    from index.compare import compare

    from . import ecbplus

    if not ecbplus.available():
        report.add("quality", "ECB+ conflicts", "not measured", versus=f"ECB+ is not at {ecbplus.ECBPLUS}")
        return
    found = ecbplus.articles()
    weights = ecbplus.articles.weights.get  # type: ignore[attr-defined]
    data = report.data.setdefault("quality", {})
    for half in ecbplus.HALVES:
        result = ecbplus.evaluate(half, found, weights, compare)
        data[f"ecbplus_{half}"] = result
        _ecbplus_rows(report, result, half)
        if "sample" in result:
            # Dev measures every pair of its stories since round 6; the sample of rounds 0-5 is shown on its own, and
            # the blind half's sample chosen first likewise.
            size = ecbplus.DEV_PAIRS_PER_STORY if half == "dev" else ecbplus.BLIND_PAIRS_PER_STORY
            _ecbplus_rows(report, result["sample"], f"{half} ({size}-pair sample)")


def _ecbplus_rows(report: Report, r: dict, half: str) -> None:
    for kind in ("conflict", "update"):
        n = r[kind]
        report.add("quality", f"{half}: ECB+ {kind} precision ({r['pairs']} same-event pairs)",
                   _ratio(n["right"], n["right"] + n["false"] + n["unjudged"]),
                   budget="≥ 0.90" if kind == "conflict" else "",
                   versus=f"{n['false']} false, {n['unjudged']} unjudged")
    report.add("quality", f"{half}: ECB+ disagreements once judged real (or updates) still reported",
               _ratio(r["known_real_reported"], r["known_real"]),
               versus="conflicts and updates alike, each as first judged")
    report.add("quality", f"{half}: ECB+ disagreements per different-event pair",
               f"{r['different_conflicts'] / max(r['different_pairs'], 1):.2f}",
               budget="0", versus=f"{r['different_conflicts']} on {r['different_pairs']} pairs")


def run(report: Report) -> None:
    from index.compare import compare

    _ecbplus(report)
    articles = basil.articles()  # raises Unmeasurable when BASIL is absent
    weights = basil.articles.weights.get  # type: ignore[attr-defined]
    data = report.data.setdefault("quality", {})
    for half in ("dev", "test"):
        r = evaluate(half, articles, weights, compare)
        data[half] = r
        s = r["speakers"]
        total = sum(s.values())
        unrelated = r["unrelated"]
        report.add("quality", f"{half}: alignment precision / recall ({r['pairs']} pairs)",
                   f"{r['alignment_precision']} / {r['alignment_recall']}", budget="≥ 0.90 / ≥ 0.80",
                   versus=f"{r['alignment_unsure']} found pairs labelled unsure; counted wrong, precision "
                          f"{r['alignment_precision_unsure_wrong']}; recall of the best one-to-one linking "
                          f"{r['alignment_recall_one_to_one_ceiling']}")
        report.add("quality", f"{half}: unique sentences precision / recall",
                   f"{r['unique_precision']} / {r['unique_recall']}")
        again = r["said_again"]
        report.add("quality", f"{half}: sentences said again that have a labelled counterpart",
                   _ratio(again["linked"], again["reported"]),
                   versus=f"the sentence named as the one it is like: {again['like']} of {again['reported']}")
        q = r["shared_quotes"]
        report.add("quality", f"{half}: shared quotes in labelled counterpart sentences",
                   _ratio(q["right"], q["right"] + q["false"]),
                   versus=f"{q['unsure']} more in sentences labelled unsure")
        report.add("quality", f"{half}: conflicts precision", r["conflict_precision"], budget="≥ 0.90")
        f = r["figures"]
        report.add("quality", f"{half}: labelled figure conflicts found as conflict / update / difference / missed",
                   f"{f['conflict']} / {f['update']} / {f['difference']} / {f['missed']}",
                   versus=f"figure pairs labelled compatible reported as any of them: {f['compatible_reported']} "
                          f"of {f['compatible']}")
        report.add("quality", f"{half}: quote speakers right or unclear",
                   _ratio(s["right"] + s["unclear"], total), budget="≥ 0.95",
                   versus=f"right {s['right']}, unclear {s['unclear']}, wrong {s['wrong']}")
        report.add("quality", f"{half}: unrelated pairs: most aligned, conflicts",
                   f"{max((u[0] for u in unrelated), default=0)}, {sum(u[1] for u in unrelated)}",
                   budget="≤ 1, 0", versus=f"{len(unrelated)} pairs")
        report.add("quality", f"{half}: time per pair", f"{r['ms_per_pair']:.1f} ms")
        if r["label_drift"]:
            report.add("quality", f"{half}: pairs whose sentence split changed since labelling",
                       str(r["label_drift"]))
    _basil_blind(report, articles, weights, compare)


def _basil_blind(report: Report, articles, weights, compare) -> None:
    """The disagreements compare reports on BASIL's 200 pairs no label covers, against verdicts given blind."""
    from . import basilblind

    r = basilblind.evaluate(articles, weights, compare)
    report.data.setdefault("quality", {})["basil_blind"] = r
    for kind, name in (("conflict", "conflicts"), ("update", "updates"), ("differs", '"figures differ" items')):
        c = r["counts"][kind]
        report.add("quality", f"blind: BASIL {name} judged real ({r['pairs']} pairs no label covers)",
                   _ratio(c["right"], c["right"] + c["false"] + c["unjudged"]),
                   budget="≥ 0.90" if kind == "conflict" else "",
                   versus=f"{c['false']} false, {c['unjudged']} unjudged")
