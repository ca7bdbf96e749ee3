"""ECB+ (982 articles, 43 topics, each with two look-alike events: ``1-ecb`` and ``1-ecbplus``) for measuring
conflict precision: rich in tolls, sums and dates that outlets give differently.

The corpus is read in place from ``../shared/corpora/ecbplus.jsonl.gz`` (``$BYLINE_ECBPLUS`` points elsewhere)
and indexed once under the bench scratch folder; nothing of its text enters the repository. The labels in
``bench/labels/ecbplus_conflicts.json`` are article ids, sentence indices and figure offsets as Byline reads
the articles, with a verdict for each reported disagreement.

The halves are fixed by topic before any result was seen: odd topics are dev (tune), even topics test (measure
only). The test half's false conflicts were read while tuning an earlier round, so it is no longer blind; the
*blind* half is the other pairs of the same even topics, compared only once the rules were frozen: every
same-event pair of each even story after the test half's (its first ``BLIND_PAIRS_PER_STORY`` in the same hash
order, chosen first, are also reported on their own as its sample), and every different-event pair of each even
topic after the test half's.

``python -m bench.ecbplus dump [dev|test|blind] [--unjudged]`` prints every conflict, update and "figures differ" item
compare reports on the half's pairs, with both sentences, to label them (only conflicts and updates are scored;
``--unjudged``: only the conflicts and updates with no verdict yet);
``python -m bench.ecbplus show ID`` prints an article's sentences.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from itertools import combinations
from pathlib import Path

from index import Article, open_library

from .corpora import BENCH_DIR, Unmeasurable, shared_corpus

ECBPLUS = shared_corpus("ecbplus.jsonl.gz", "BYLINE_ECBPLUS")
INDEX = BENCH_DIR / "indexes" / "ecbplus"
LABELS = Path(__file__).resolve().parent / "labels" / "ecbplus_conflicts.json"
#: Same-event pairs per test story (all pairs of the test stories would be ~2,600; these are chosen by a fixed
#: hash).
PAIRS_PER_STORY = 12
#: The dev sample of rounds 0-5: the first 24 pairs of each dev story in the same order (the first twelve were
#: those of rounds 0-3). Since round 6 dev measures every pair of its stories (2,925): 24 gave only 16 reported
#: disagreements once the rules were strict, too few to tune on. The 24 are still measured on their own.
DEV_PAIRS_PER_STORY = 24
#: Different-event pairs (the two look-alike events of a topic) per test topic; a dev topic gives every pair of
#: one article of each event since round 6 (~2,900), the first two unchanged.
UNRELATED_PER_TOPIC = 2
#: The blind half's sample: same-event pairs per even story after the test half's ``PAIRS_PER_STORY``, in the
#: same hash order (fixed before any was compared; 857 pairs compared gave three conflicts, so the blind half was then
#: widened to every other pair, the rules unchanged). Its different-event pairs are all those of an even topic
#: after the test half's ``UNRELATED_PER_TOPIC``.
BLIND_PAIRS_PER_STORY = 24
#: The halves, in the order they are reported.
HALVES = ("dev", "test", "blind")


def available() -> bool:
    return ECBPLUS.is_file()


def half(topic: str) -> str:
    """``"dev"`` for odd topics, ``"test"`` for even ones (decided before any result was seen)."""
    return "dev" if int(topic) % 2 else "test"


def stories() -> dict[str, str]:
    """Article id -> story (``"1-ecb"``)."""
    with gzip.open(ECBPLUS, "rt", encoding="utf-8") as lines:
        return {row["id"]: row["story"] for row in map(json.loads, lines)}


def articles() -> dict[str, Article]:
    """Every ECB+ article, annotated, by id (indexes the corpus on first use); ``articles.weights`` holds the
    corpus IDF of every term they use."""
    if not available():
        raise Unmeasurable(f"ECB+ is not at {ECBPLUS} (set $BYLINE_ECBPLUS)")
    from index.analysis import analyze

    with open_library(ECBPLUS, INDEX) as lib:
        lib.build()
        weights = lib.term_weights()
        found = {row.id: lib.article(row.id) for row in lib.articles()}
        vocabulary = {t for art in found.values() for t, _, _ in analyze(art.text)}
        table = {t: weights(t) for t in vocabulary}
    articles.weights = table  # type: ignore[attr-defined]
    return found


def _order(tag: str, x: str) -> bytes:
    return hashlib.sha1(f"{tag}:{x}".encode()).digest()


def same_event_pairs(
    story_of: dict[str, str], *, dev_limit: int | None = None, blind: bool = False, blind_limit: int | None = None
) -> list[tuple[str, str]]:
    """Up to ``PAIRS_PER_STORY`` pairs of articles of one story each on test stories, every pair on dev stories
    (only the first ``dev_limit`` when given: ``DEV_PAIRS_PER_STORY`` is the sample of rounds 0-5), in an order
    fixed by hash, ids sorted within a pair; a dev story's first 24 are those of the earlier rounds. ``blind``:
    the blind half instead, every other pair of each test story (only the next ``blind_limit`` when given:
    ``BLIND_PAIRS_PER_STORY`` is its sample)."""
    by_story: dict[str, list[str]] = {}
    for ident, story in story_of.items():
        by_story.setdefault(story, []).append(ident)
    out = []
    for story in sorted(by_story):
        pairs = sorted(combinations(sorted(by_story[story]), 2), key=lambda p: _order("same", "|".join(p)))
        if blind:
            if half(story.split("-")[0]) == "test":
                out.extend(pairs[PAIRS_PER_STORY : None if blind_limit is None else PAIRS_PER_STORY + blind_limit])
            continue
        out.extend(pairs[: dev_limit if half(story.split("-")[0]) == "dev" else PAIRS_PER_STORY])
    return out


def different_event_pairs(
    story_of: dict[str, str], *, dev_limit: int | None = None, blind: bool = False
) -> list[tuple[str, str]]:
    """Per topic, pairs of one article of each of its two look-alike events: ``UNRELATED_PER_TOPIC`` on test
    topics, every one on dev topics (the first ``dev_limit`` when given), the first ones unchanged. ``blind``:
    the blind half instead, every pair of a test topic after its ``UNRELATED_PER_TOPIC``."""
    by_topic: dict[str, dict[str, list[str]]] = {}
    for ident, story in story_of.items():
        by_topic.setdefault(story.split("-")[0], {}).setdefault(story, []).append(ident)
    out = []
    for topic in sorted(by_topic, key=int):
        groups = sorted(by_topic[topic].values())
        if len(groups) != 2:
            continue
        pairs = sorted(((x, y) for x in sorted(groups[0]) for y in sorted(groups[1])),
                       key=lambda p: _order("different", "|".join(p)))
        if blind:
            if half(topic) == "test":
                out.extend(pairs[UNRELATED_PER_TOPIC:])
            continue
        out.extend(pairs[: dev_limit if half(topic) == "dev" else UNRELATED_PER_TOPIC])
    return out


def pairs_of(which: str, story_of: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The same-event and different-event pairs of a half (``HALVES``)."""
    blind = which == "blind"
    return same_event_pairs(story_of, blind=blind), different_event_pairs(story_of, blind=blind)


def _topic_half(which: str) -> str:
    """The topics' half a half's pairs come from: the blind half's are the test topics'."""
    return "test" if which == "blind" else which


def topic_of(ident: str, story_of: dict[str, str]) -> str:
    return story_of[ident].split("-")[0]


def reported(comparison, *, differences: bool = False) -> list[dict]:
    """Every conflict and update of a comparison as ids and offsets: one entry per reported disagreement.
    ``differences``: also the weaker "figures differ" items (never counted in the precision)."""
    out = []
    kinds = [("conflict", comparison.conflicts), ("update", comparison.updates)]
    if differences:
        kinds.append(("differs", comparison.differences))
    for kind, found in kinds:
        for c in found:
            x, y = comparison.figures_a[c.a], comparison.figures_b[c.b]
            out.append({"kind": kind, "what": c.what, "basis": c.basis, "a_sentence": x.sentence,
                        "b_sentence": y.sentence, "a_span": list(c.a_span), "b_span": list(c.b_span)})
    return out


def key(entry: dict) -> tuple:
    """What identifies a reported disagreement across runs: the sentences and the figures' offsets."""
    return (entry["a_sentence"], entry["b_sentence"], tuple(entry["a_span"]), tuple(entry["b_span"]))


def _sentence(article: Article, index: int) -> str:
    s, e = article.sentences[index]
    return " ".join(article.text[s:e].split())


def dump(which: str, *, unjudged: bool = False) -> None:
    """Print what compare reports on the half's pairs with both sentences; ``unjudged``: only the conflicts and
    updates with no verdict yet."""
    from index.compare import compare

    found = articles()
    story_of = stories()
    weights = articles.weights.get  # type: ignore[attr-defined]
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    judged = {(j["a"], j["b"], *key(j)) for j in labels["judged"]}
    for kind, pairs in zip(("same", "different"), pairs_of(which, story_of), strict=True):
        for a_id, b_id in pairs:
            if a_id not in found or b_id not in found or half(topic_of(a_id, story_of)) != _topic_half(which):
                continue
            a, b = found[a_id], found[b_id]
            c = compare(a, b, weights=weights)
            for entry in reported(c, differences=not unjudged):
                if unjudged and (a_id, b_id, *key(entry)) in judged:
                    continue
                print(json.dumps({"pair": kind, "a": a_id, "b": b_id, **entry}))
                print(f"   A[{entry['a_sentence']}] {_sentence(a, entry['a_sentence'])}")
                print(f"   B[{entry['b_sentence']}] {_sentence(b, entry['b_sentence'])}")
                print(f"   {a.text[slice(*entry['a_span'])]!r} vs {b.text[slice(*entry['b_span'])]!r}")


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2], unjudged="--unjudged" in sys.argv[3:])
    elif sys.argv[1] == "show":
        found = articles()
        for ident in sys.argv[2:]:
            art = found[ident]
            print(f"=== {ident}  {art.title}")
            for i in range(len(art.sentences)):
                print(f"{i:3d} {_sentence(art, i)}")


def evaluate(which: str, found: dict[str, Article], weights, compare) -> dict:
    """Conflict and update precision on the half's (``HALVES``) same-event pairs against the hand verdicts, and
    conflicts on its different-event pairs (all false by construction). On dev, ``sample`` holds the same measures
    on the first ``DEV_PAIRS_PER_STORY`` pairs of each story and the first ``UNRELATED_PER_TOPIC`` different-event
    pairs of each topic (the sample of rounds 0-5), so a figure can be set beside the earlier ones; on the blind
    half, on its first ``BLIND_PAIRS_PER_STORY`` pairs of each story (the sample chosen first)."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    verdict = {(j["a"], j["b"], *key(j)): j["verdict"] for j in labels["judged"]}
    story_of = stories()
    old = set(same_event_pairs(story_of, dev_limit=DEV_PAIRS_PER_STORY))
    old |= set(different_event_pairs(story_of, dev_limit=UNRELATED_PER_TOPIC))
    if which == "blind":
        # The blind sample chosen first; its different-event pairs are the whole half's.
        old = set(same_event_pairs(story_of, blind=True, blind_limit=BLIND_PAIRS_PER_STORY))
        old |= set(different_event_pairs(story_of, blind=True))

    def empty() -> dict:
        return {"pairs": 0, "different_pairs": 0, "different_conflicts": 0, "found": set(),
                "conflict": {"right": 0, "false": 0, "unjudged": 0}, "update": {"right": 0, "false": 0, "unjudged": 0}}

    whole, sample = empty(), empty()
    for kind, chosen in zip(("same", "different"), pairs_of(which, story_of), strict=True):
        for a_id, b_id in chosen:
            if a_id not in found or b_id not in found or half(topic_of(a_id, story_of)) != _topic_half(which):
                continue
            c = compare(found[a_id], found[b_id], weights=weights)
            for counts in (whole, sample) if (a_id, b_id) in old else (whole,):
                if kind == "different":
                    counts["different_pairs"] += 1
                    counts["different_conflicts"] += len(c.conflicts) + len(c.updates)
                    continue
                counts["pairs"] += 1
                for entry in reported(c):
                    counts["found"].add((a_id, b_id, *key(entry)))
                    v = verdict.get((a_id, b_id, *key(entry)))
                    slot = "unjudged" if v is None else "right" if v in ("real", "update") else "false"
                    counts[entry["kind"]][slot] += 1
    # The disagreements ever judged real (or an update) on this half's pairs that are still reported: what a
    # stricter rule silenced shows here, beside the precision it bought.
    known = {(j["a"], j["b"], *key(j)) for j in labels["judged"]
             if j["half"] == which and j["pair"] == "same" and j["verdict"] in ("real", "update")}
    for counts, pairs in ((whole, None), (sample, old)):
        chosen = known if pairs is None else {k for k in known if k[:2] in pairs}
        counts["known_real"], counts["known_real_reported"] = len(chosen), len(chosen & counts.pop("found"))
    return {**whole, "sample": sample} if which in ("dev", "blind") else whole
