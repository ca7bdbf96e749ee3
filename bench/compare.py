"""Comparing two articles: two of about 2,000 words each, and every pair of the seeds.

Times are of articles never read before (the comparison keeps what it read of the last few articles; that is
dropped before each timed call); the long pair is also timed with both articles read before, beside it.

The long pair is generated from the Reuters text (the seeds when Reuters is absent): article A strings together
paragraphs of oil stories; B shares a third of A's paragraphs, in another order, among paragraphs of other oil
stories, so that the comparison has real agreement and difference to find. Both are indexed (spaCy entities and
sentences, as for any article) and compared from ``Library.article`` records, as the reader compares them.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from index import Article, bundled_corpus, open_library
from index.ingest import read_corpus

from .corpora import BENCH_DIR, REUTERS
from .report import Report

TARGET_WORDS = 2000


def _compare_function() -> Callable[[Article, Article], object] | None:
    try:
        from index.compare import compare
    except ImportError:
        return None
    return compare


def _fresh(compare: Callable[[Article, Article], object]) -> Callable[[Article, Article], object]:
    """``compare`` of two articles never read before: what the comparison keeps of each article is dropped
    before every call (``index.compare.forget``), so the time is the whole work, not a repeat's."""
    from index.compare import forget

    def fresh(a: Article, b: Article) -> object:
        forget()
        return compare(a, b)

    return fresh


def _long_pair(folder: Path) -> None:
    source = read_corpus(REUTERS).articles if REUTERS.is_file() else read_corpus(bundled_corpus()).articles
    oil = [a for a in source if "oil" in a.title.lower() or "crude" in a.title.lower()] or source
    paragraphs = [p.strip() for a in oil for p in a.text.split("\n\n") if len(p.split()) >= 15]
    rng = random.Random("byline-bench-compare-1")
    rng.shuffle(paragraphs)

    def take(pool: list[str]) -> list[str]:
        chosen, words = [], 0
        for paragraph in pool:
            if words >= TARGET_WORDS:
                break
            chosen.append(paragraph)
            words += len(paragraph.split())
        return chosen

    a = take(paragraphs)
    shared = a[::3]
    rest = [p for p in paragraphs if p not in a]
    pool = shared + rest[: len(a) * 2]
    # A small corpus (the seeds, where Reuters is absent) has fewer paragraphs than the pair would like.
    b = take(rng.sample(pool, min(len(pool), len(shared) + len(a) * 2)))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text("OIL PRICES: THE FIRST ACCOUNT\n\n" + "\n\n".join(a) + "\n", encoding="utf-8")
    (folder / "b.txt").write_text("OIL PRICES: THE SECOND ACCOUNT\n\n" + "\n\n".join(b) + "\n", encoding="utf-8")


def _time(compare: Callable[[Article, Article], object], a: Article, b: Article, reps: int) -> tuple[float, float]:
    """The first call's time and the median of ``reps`` further calls (seconds)."""
    started = time.perf_counter()
    compare(a, b)
    first = time.perf_counter() - started
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        compare(a, b)
        times.append(time.perf_counter() - started)
    return first, statistics.median(times)


def run(report: Report, reps: int) -> None:
    compare = _compare_function()
    if compare is None:
        report.skip("compare", "index.compare.compare is not there yet")
        return
    folder = BENCH_DIR / "corpora" / "compare-pair"
    if not (folder / "b.txt").exists():
        _long_pair(folder)
    data = report.data.setdefault("compare", {})
    with open_library(folder, BENCH_DIR / "indexes" / "compare-pair") as lib:
        lib.build()
        a, b = lib.article("a"), lib.article("b")
    first, warm = _time(_fresh(compare), a, b, reps)
    _, kept = _time(compare, a, b, reps)
    data["long_pair"] = {"words": [a.words, b.words], "sentences": [len(a.sentences), len(b.sentences)],
                         "first_ms": round(first * 1000, 2), "median_ms": round(warm * 1000, 2),
                         "articles_read_before_ms": round(kept * 1000, 2)}
    report.add("compare", f"two long articles ({a.words:,} and {b.words:,} words), never read before",
               f"{warm * 1000:.0f} ms", budget="< 100 ms", met=warm < 0.1,
               versus=f"first call {first * 1000:.0f} ms; both read before {kept * 1000:.0f} ms")

    seeds = BENCH_DIR / "indexes" / "seeds"
    with open_library(bundled_corpus(), seeds) as lib:
        lib.build()
        articles = [lib.article(s.id) for s in lib.articles()]
    pairs = []
    for x, y in itertools.combinations(articles, 2):
        _, seconds = _time(_fresh(compare), x, y, max(1, reps // 2))
        pairs.append(seconds)
    data["seed_pairs_ms"] = [round(s * 1000, 2) for s in pairs]
    report.add("compare", f"two seeds (all {len(pairs)} pairs): median / max",
               f"{statistics.median(pairs) * 1000:.0f} / {max(pairs) * 1000:.0f} ms")
