"""Search latency: Byline beside ``rg -i`` over the same text as plain files and SQLite FTS5 over the same articles.

Byline is timed as the reader calls it (``Library.search(query, limit=20)``: ranked hits with highlighted
snippets, source and entity facets, a spelling suggestion when there are few hits). *Warm*: after one pass over
the set, the median of ``reps`` runs of each query. *Cold*: the first query after ``open_library`` in a warm
process, and a whole ``byline search`` process. ripgrep runs as a whole process per query (``rg -i -l``: the
files that match, the least work rg can do; an AND is two passes, the second over the first one's files, as a
user would pipe them). FTS5 runs top-20 by ``bm25`` with ``snippet()``, warm, in this process.

Speed is never bought with wrong answers: beside the timings, every query's whole hit set is compared with
FTS5's (mean recall and precision of FTS5's hit set, per kind). FTS5 stems a prefix (``news*`` is ``new*``
there), so prefixes are compared with a table of the same articles that does not stem; an entity query is an
entity's names in Byline and a phrase of its words in FTS5, so its agreement says how far the two differ.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from index import Library, QueryError, open_library

from .corpora import BENCH_DIR, REPO, Corpus, child_env
from .queries import KINDS, Query, RgQuery
from .report import Report, percentile, summary

LIMIT = 20
#: ripgrep gets paths on its command line for an AND's second pass; this many per process, as xargs would.
RG_PATHS_PER_CALL = 10_000


def _median_times(run: Callable[[str], object], items: Sequence[str], reps: int) -> tuple[list[float], list]:
    """Per item, the median of ``reps`` timings (seconds) after one untimed warm-up pass, and what the warm-up
    pass returned."""
    results = [run(item) for item in items]
    samples: list[list[float]] = [[] for _ in items]
    for _ in range(reps):
        for number, item in enumerate(items):
            started = time.perf_counter()
            run(item)
            samples[number].append(time.perf_counter() - started)
    return [statistics.median(s) for s in samples], results


def byline_search(lib: Library, query: str) -> int:
    try:
        return lib.search(query, limit=LIMIT).total
    except QueryError:
        return -1


# --- ripgrep --------------------------------------------------------------------------------------------

def rg_available() -> str | None:
    return shutil.which("rg")


def run_rg(rg: str, folder: Path, query: RgQuery) -> int:
    """Files matching ``query`` below ``folder``, with ripgrep as a user would run it (whole processes)."""
    base = [rg, "-i", "-l", "--no-messages", "-g", "*.txt"] + (["-U"] if query.multiline else [])
    files: list[str] | None = None
    for group in query.groups:
        patterns = [arg for pattern in group for arg in ("-e", pattern)]
        if files is None:
            done = subprocess.run([*base, *patterns, "."], cwd=folder, capture_output=True, text=True)
            files = done.stdout.splitlines()
        else:
            found: list[str] = []
            for i in range(0, len(files), RG_PATHS_PER_CALL):
                done = subprocess.run([*base, *patterns, "--", *files[i:i + RG_PATHS_PER_CALL]], cwd=folder,
                                      capture_output=True, text=True)
                found += done.stdout.splitlines()
            files = found
        if not files:
            break
    return len(files or ())


# --- SQLite FTS5 ----------------------------------------------------------------------------------------

def fts_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    except sqlite3.OperationalError:
        return False
    return True


#: Bump when the tables of the FTS5 database change, so an older one is rebuilt.
FTS_LAYOUT = "2"


def fts_database(corpus: Corpus, report: Report) -> Path:
    """The corpus in an FTS5 table (porter stemming, like Byline's analyzer), built once per corpus."""
    path = BENCH_DIR / "fts" / f"{corpus.name}.sqlite"
    stamp = f"{FTS_LAYOUT}|{corpus.path}|{corpus.path.stat().st_mtime_ns if corpus.path.is_file() else ''}"
    if path.exists():
        db = sqlite3.connect(path)
        try:
            if db.execute("SELECT value FROM meta WHERE key='stamp'").fetchone() == (stamp,):
                return path
        except sqlite3.DatabaseError:
            pass
        finally:
            db.close()
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    articles = corpus.articles()
    started = time.perf_counter()
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
        db.executemany("INSERT INTO docs (title, body) VALUES (?, ?)", ((a.title, a.text) for a in articles))
        db.execute("CREATE VIRTUAL TABLE plain USING fts5(title, body, tokenize='unicode61')")
        db.execute("INSERT INTO plain (rowid, title, body) SELECT rowid, title, body FROM docs")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('stamp', ?)", (stamp,))
    db.close()
    report.data.setdefault("search", {})["fts5_build_seconds"] = round(time.perf_counter() - started, 2)
    return path


FTS_SQL = ("SELECT rowid, title, snippet(docs, 1, '\x02', '\x03', '…', 24) FROM docs "
           f"WHERE docs MATCH ? ORDER BY rank LIMIT {LIMIT}")


def fts_search(db: sqlite3.Connection, match: str) -> int:
    try:
        return len(db.execute(FTS_SQL, (match,)).fetchall())
    except sqlite3.OperationalError:
        return -1


def fts_hit_set(db: sqlite3.Connection, match: str) -> set[int] | None:
    """Every FTS5 row matching ``match`` (rowids: the corpus's articles in order, from 1), or None if FTS5
    refuses it. A prefix is looked up in the table that does not stem."""
    table = "plain" if match.endswith("*") else "docs"
    try:
        return {row[0] for row in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,))}
    except sqlite3.OperationalError:
        return None


def agreement(mine: set, theirs: set) -> tuple[float, float]:
    """Recall and precision of ``mine`` against ``theirs`` (1.0 where there is nothing to find / nothing found)."""
    both = len(mine & theirs)
    return (both / len(theirs) if theirs else 1.0), (both / len(mine) if mine else 1.0)


def hit_agreement(lib: Library, db: sqlite3.Connection, queries: Sequence[Query],
                  rowids: dict[str, int]) -> list[tuple[float, float] | None]:
    """Per query, the recall and precision of Byline's whole hit set against FTS5's (None: no equivalent)."""
    out: list[tuple[float, float] | None] = []
    for query in queries:
        theirs = fts_hit_set(db, query.fts) if query.fts is not None else None
        if theirs is None:
            out.append(None)
            continue
        try:
            found = lib.search(query.byline, limit=len(rowids) + 1, highlight=False, facets=False).hits
        except QueryError:
            found = ()
        out.append(agreement({rowids[hit.id] for hit in found if hit.id in rowids}, theirs))
    return out


def _mean_agreement(pairs: Sequence[tuple[float, float] | None]) -> tuple[float, float] | None:
    known = [p for p in pairs if p is not None]
    if not known:
        return None
    return statistics.mean(r for r, _ in known), statistics.mean(p for _, p in known)


# --- the section ----------------------------------------------------------------------------------------

def _by_kind(queries: Sequence[Query], times: Sequence[float | None]) -> dict[str, list[float]]:
    kinds: dict[str, list[float]] = {}
    for query, seconds in zip(queries, times, strict=True):
        if seconds is not None:
            kinds.setdefault(query.kind, []).append(seconds * 1000)
    return kinds


def _byline_command() -> list[str]:
    script = Path(sys.executable).with_name("byline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader.cli"]


def run(report: Report, corpus: Corpus, lib: Library, queries: Sequence[Query], *, reps: int, cold: int) -> None:
    """Time every query on Byline, ripgrep and FTS5; add the rows and the per-query figures to ``report``."""
    data = report.data.setdefault("search", {})
    data["limit"] = LIMIT
    data["reps"] = reps
    texts = [q.byline for q in queries]

    byline, hits = _median_times(lambda q: byline_search(lib, q), texts, reps)

    # Cold: the first query after opening the library, imports already done.
    cold_queries = [q for kind in KINDS for q in [x for x in queries if x.kind == kind][:cold]]
    cold_times = []
    for query in cold_queries:
        started = time.perf_counter()
        with open_library(corpus.path, corpus.index_dir) as fresh:
            byline_search(fresh, query.byline)
        cold_times.append(time.perf_counter() - started)

    rg = rg_available()
    rg_times: list[float | None] = [None] * len(queries)
    rg_counts: dict[str, int] = {}
    if rg is None:
        report.skip("search: ripgrep", "`rg` is not installed (Debian/Ubuntu: apt-get install ripgrep)")
    else:
        with_rg = [(i, q) for i, q in enumerate(queries) if q.rg is not None]
        medians, counts = _median_times(lambda i: run_rg(rg, corpus.plain, queries[int(i)].rg),
                                        [str(i) for i, _ in with_rg], reps)
        for (i, _), seconds, count in zip(with_rg, medians, counts, strict=True):
            rg_times[i] = seconds
            rg_counts[queries[i].byline] = count

    fts_times: list[float | None] = [None] * len(queries)
    agreements: list[tuple[float, float] | None] = [None] * len(queries)
    if not fts_available():
        report.skip("search: FTS5", "this Python's sqlite3 has no FTS5")
    else:
        db = sqlite3.connect(fts_database(corpus, report))
        with_fts = [(i, q) for i, q in enumerate(queries) if q.fts is not None]
        medians, _ = _median_times(lambda m: fts_search(db, m), [q.fts for _, q in with_fts], reps)
        for (i, _), seconds in zip(with_fts, medians, strict=True):
            fts_times[i] = seconds
        rowids = {article.id: number for number, article in enumerate(corpus.articles(), start=1)}
        agreements = hit_agreement(lib, db, queries, rowids)
        db.close()

    # Whole processes, side by side: `byline search` against `rg -i` for the cold queries (after one untimed
    # process, which leaves the bytecode cached as an installed Byline has it).
    subprocess.run([*_byline_command(), "search", "x", "--corpus", str(corpus.path), "--index-dir",
                    str(corpus.index_dir), "--json"], capture_output=True, check=False, env=child_env(), cwd=REPO)
    process_times, rg_process = [], []
    for query in cold_queries:
        command = [*_byline_command(), "search", query.byline, "--corpus", str(corpus.path),
                   "--index-dir", str(corpus.index_dir), "--json", "-n", str(LIMIT)]
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=child_env(), cwd=REPO)
        process_times.append(time.perf_counter() - started)
        if rg is not None and query.rg is not None:
            started = time.perf_counter()
            run_rg(rg, corpus.plain, query.rg)
            rg_process.append(time.perf_counter() - started)

    data["queries"] = [
        q.to_dict() | {"byline_ms": round(b * 1000, 3), "byline_hits": h,
                       "rg_ms": None if r is None else round(r * 1000, 3), "rg_files": rg_counts.get(q.byline),
                       "fts5_ms": None if f is None else round(f * 1000, 3),
                       "fts5_recall": None if a is None else round(a[0], 4),
                       "fts5_precision": None if a is None else round(a[1], 4)}
        for q, b, h, r, f, a in zip(queries, byline, hits, rg_times, fts_times, agreements, strict=True)
    ]
    all_ms = [t * 1000 for t in byline]
    data["warm_ms"] = summary(all_ms)
    data["cold_first_query_ms"] = summary([t * 1000 for t in cold_times])
    data["cold_process_ms"] = summary([t * 1000 for t in process_times])
    data["rg_process_ms"] = summary([t * 1000 for t in rg_process])

    p95 = percentile(all_ms, 95)
    report.add("search", f"warm, all {len(queries)} queries: p50 / p95", f"{percentile(all_ms, 50):.1f} / {p95:.1f} ms",
               budget="p95 ≤ 50 ms", met=p95 <= 50,
               versus=_versus(rg_times, fts_times, byline))
    overall = _mean_agreement(agreements)
    if overall is not None:
        data["fts5_agreement"] = {"recall": round(overall[0], 4), "precision": round(overall[1], 4)}
        report.add("search", f"hit sets against FTS5 ({sum(a is not None for a in agreements)} queries): "
                   "mean recall / precision", f"{overall[0]:.3f} / {overall[1]:.3f}",
                   versus="differences: stemming (Porter2 against Porter), acronyms in capitals, entity names")
    byline_kinds, rg_kinds, fts_kinds = _by_kind(queries, byline), _by_kind(queries, rg_times), \
        _by_kind(queries, fts_times)
    data["by_kind"] = {}
    for kind in KINDS:
        if kind not in byline_kinds:
            continue
        mine = byline_kinds[kind]
        entry = {"byline": summary(mine), "rg": summary(rg_kinds.get(kind, [])),
                 "fts5": summary(fts_kinds.get(kind, []))}
        agreed = _mean_agreement([a for q, a in zip(queries, agreements, strict=True) if q.kind == kind])
        if agreed is not None:
            entry["fts5_agreement"] = {"recall": round(agreed[0], 4), "precision": round(agreed[1], 4)}
        data["by_kind"][kind] = entry
        parts = []
        for name, theirs in (("rg -i", rg_kinds.get(kind)), ("FTS5", fts_kinds.get(kind))):
            if theirs:
                ratio = percentile(mine, 50) / percentile(theirs, 50)
                parts.append(f"{name} {percentile(theirs, 50):.1f} ms (×{ratio:.2f})")
            else:
                parts.append(f"{name}: no equivalent")
        if agreed is not None:
            parts.append(f"hits vs FTS5: recall {agreed[0]:.2f}, precision {agreed[1]:.2f}")
        report.add("search", f"  {kind} (n={len(mine)}): p50 / p95",
                   f"{percentile(mine, 50):.1f} / {percentile(mine, 95):.1f} ms", versus="; ".join(parts))
    slower = [q.byline for q, b, r in zip(queries, byline, rg_times, strict=True) if r is not None and b >= r]
    compared = sum(1 for r in rg_times if r is not None)
    if compared:
        data["slower_than_rg"] = slower
        report.add("search", "queries faster than rg -i", f"{compared - len(slower)} of {compared}",
                   budget="every query", met=not slower,
                   versus=("slowest vs rg: " + ", ".join(slower[:3])) if slower else "")
    cold_ms = [t * 1000 for t in cold_times]
    report.add("search", "cold: first query after open: p50 / max",
               f"{percentile(cold_ms, 50):.1f} / {max(cold_ms):.1f} ms")
    proc_ms = [t * 1000 for t in process_times]
    rg_ms = [t * 1000 for t in rg_process]
    report.add("search", "cold: whole `byline search` process, p50", f"{percentile(proc_ms, 50):.0f} ms",
               versus=f"rg -i process p50 {percentile(rg_ms, 50):.0f} ms" if rg_ms else "")


def _versus(rg_times, fts_times, byline) -> str:
    parts = []
    for name, theirs in (("rg -i", rg_times), ("FTS5", fts_times)):
        ms = [t * 1000 for t in theirs if t is not None]
        if ms:
            mine = [b * 1000 for b, t in zip(byline, theirs, strict=True) if t is not None]
            parts.append(f"{name} {percentile(ms, 50):.1f} / {percentile(ms, 95):.1f} ms "
                         f"(p50 ×{percentile(mine, 50) / percentile(ms, 50):.2f})")
    return "; ".join(parts)


def typing(report: Report, lib: Library, queries: Sequence[Query], per_kind: int) -> None:
    """Replay queries typed one character at a time: the engine's latency for every keystroke."""
    chosen = [q.byline for kind in KINDS for q in [x for x in queries if x.kind == kind][:per_kind]]
    latencies: list[float] = []
    errors = 0
    for query in chosen:
        for end in range(1, len(query) + 1):
            prefix = query[:end]
            if not prefix.strip():
                continue
            started = time.perf_counter()
            try:
                lib.search(prefix.strip(), limit=LIMIT)
            except QueryError:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)
    report.data["typing"] = {"queries": chosen, "keystrokes": len(latencies), "refused_as_incomplete": errors,
                             "engine_ms": summary(latencies)}
    p95 = percentile(latencies, 95)
    report.add("typing", f"engine per keystroke ({len(latencies)} keys, {len(chosen)} queries): p50 / p95 / max",
               f"{percentile(latencies, 50):.1f} / {p95:.1f} / {max(latencies):.1f} ms",
               budget="p95 ≤ 50 ms", met=p95 <= 50)
