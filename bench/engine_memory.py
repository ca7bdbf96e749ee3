"""The engine's resident memory on an index it must not write to: ``python -m bench.engine_memory CORPUS INDEX_DIR``.

The benchmark's sections bring an index up to date before measuring it (a build: the writer's lock, the format
file); this opens an existing index through ``index``'s public API and only reads it, so it can measure an index
that belongs to someone else (the 100,000-article synthetic index, say): nothing is written but the empty file a
reader holds its shared lock on, made when the index has none yet. It notes the resident set at three
points: the library open, the catalog read (what the reader reads after its first frame), and after the
searches; each as a whole and split into anonymous memory (what the process made) and file-backed pages (the
interpreter's libraries and the index files mapped in). No reader: Textual adds about 33 MB (bench: memory).

The searches: ``--queries FILE`` (a JSON list), else words of the catalog's titles spread from the most common
to rare ones (the same index gives the same words).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from index import QueryError, open_library

#: Searches run when no number is given (as the reader's memory figure).
SEARCHES = 50


def resident_mb() -> dict[str, float]:
    """The process's resident set now, its peak, and the anonymous and file-backed parts of it, in MB (Linux;
    empty elsewhere)."""
    wanted = {"VmRSS": "rss", "VmHWM": "peak", "RssAnon": "anonymous", "RssFile": "files"}
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in wanted:
                    found[wanted[name]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return found


def title_words(titles: list[str], count: int) -> list[str]:
    """``count`` words of the titles, evenly spread over the most common 5,000 (ties by the word itself)."""
    counts = Counter(word for title in titles for word in re.findall(r"[a-z]{4,}", title.lower()))
    ranked = sorted(counts, key=lambda word: (-counts[word], word))[:5000]
    if len(ranked) <= count:
        return ranked
    step = len(ranked) / count
    return [ranked[int(i * step)] for i in range(count)]


def measure(corpus: str, index_dir: str, queries: list[str] | None, searches: int = SEARCHES) -> dict:
    with open_library(corpus, index_dir) as library:
        library.search("a")  # opens the searcher (a word too common to be indexed: nothing read)
        opened = resident_mb()
        started = time.perf_counter()
        articles = library.articles()
        catalog = {"articles": len(articles), "seconds": round(time.perf_counter() - started, 2), **resident_mb()}
        queries = (queries or title_words([a.title for a in articles], searches))[:searches]
        started = time.perf_counter()
        for query in queries:
            with contextlib.suppress(QueryError):  # a query file may hold one
                library.search(query, limit=50)
        searched = {"searches": len(queries), "seconds": round(time.perf_counter() - started, 2),
                    **resident_mb()}
    return {"corpus": corpus, "index_dir": index_dir, "opened": opened, "catalog": catalog,
            "after_searches": searched}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("index_dir")
    parser.add_argument("--queries", type=Path, help="a JSON list of queries (default: words of the titles)")
    parser.add_argument("--searches", type=int, default=SEARCHES)
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8")) if args.queries else None
    print(json.dumps(measure(args.corpus, args.index_dir, queries, args.searches), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
