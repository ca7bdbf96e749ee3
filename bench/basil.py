"""BASIL (100 events, each told by the New York Times, Fox News and HuffPost) for measuring comparison quality.

The corpus is read in place from ``../shared/corpora/basil.jsonl.gz`` (``$BYLINE_BASIL`` points elsewhere) and
indexed once under the bench scratch folder; nothing of its text enters the repository. The labels in
``bench/labels/basil_compare.json`` are ids and sentence indices as Byline splits the articles.

``python -m bench.basil show EVENT/nyt EVENT/fox`` prints both articles' sentences, numbered, to label a pair;
``python -m bench.basil candidates A B`` lists the pairs the engine (and a generous pool) proposes.
"""

from __future__ import annotations

import hashlib
import sys

from index import Article, open_library

from .corpora import BENCH_DIR, Unmeasurable, shared_corpus

BASIL = shared_corpus("basil.jsonl.gz", "BYLINE_BASIL")
INDEX = BENCH_DIR / "indexes" / "basil"


def available() -> bool:
    return BASIL.is_file()


def half(event: str) -> str:
    """``"dev"`` or ``"test"``, fixed by the event id alone (decided before any result was seen)."""
    return "dev" if int(hashlib.sha1(event.encode()).hexdigest(), 16) % 2 == 0 else "test"


def articles(*, build: bool = True) -> dict[str, Article]:
    """Every BASIL article, annotated, by id (indexes the corpus on first use; ``build=False`` reads an index
    already built as it is, without the corpus's writer lock, which another process may hold)."""
    if not available():
        raise Unmeasurable(f"BASIL is not at {BASIL} (set $BYLINE_BASIL)")
    with open_library(BASIL, INDEX) as lib:
        if build or not INDEX.is_dir():
            lib.build()
        weights = lib.term_weights()
        found = {row.id: lib.article(row.id) for row in lib.articles()}
        # The weights are looked up lazily: materialise them while the library is open.
        vocabulary = {t for art in found.values() for t in _terms(art)}
        table = {t: weights(t) for t in vocabulary}
    articles.weights = table  # type: ignore[attr-defined]
    return found


def _terms(article: Article) -> set[str]:
    from index.analysis import analyze

    return {term for term, _, _ in analyze(article.text)}


def show(ids: list[str]) -> None:
    found = articles()
    for ident in ids:
        art = found[ident]
        print(f"=== {ident}  {art.title}  ({art.published})")
        for i, (s, e) in enumerate(art.sentences):
            print(f"{i:3d} {' '.join(art.text[s:e].split())}")
        print()


if __name__ == "__main__":
    if sys.argv[1] == "show":
        show(sys.argv[2:])


PAIR_KINDS = (("nyt", "fox"), ("nyt", "hpo"), ("fox", "hpo"))


def chosen_pairs(found: dict[str, Article], count: int = 30) -> list[tuple[str, str]]:
    """``count`` same-event pairs, one per event, events in a fixed pseudo-random order, outlets rotating."""
    events = sorted({ident.split("/")[0] for ident in found}, key=lambda e: hashlib.sha1(f"pair:{e}".encode()).digest())
    out = []
    for event in events:
        x, y = PAIR_KINDS[len(out) % 3]
        if f"{event}/{x}" in found and f"{event}/{y}" in found:
            out.append((f"{event}/{x}", f"{event}/{y}"))
        if len(out) == count:
            break
    return out


def unrelated_pairs(found: dict[str, Article], count: int = 10) -> list[tuple[str, str]]:
    """``count`` pairs of two different events (one outlet each), fixed pseudo-randomly."""
    ids = sorted(found, key=lambda i: hashlib.sha1(f"unrelated:{i}".encode()).digest())
    out = []
    for x, y in zip(ids[::2], ids[1::2], strict=False):
        if x.split("/")[0] != y.split("/")[0]:
            out.append((x, y))
        if len(out) == count:
            break
    return out
