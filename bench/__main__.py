"""``python -m bench``: measure Byline on a corpus and print the table (see ``--help``)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

SECTIONS = ("search", "typing", "startup", "memory", "compare", "quality", "incremental", "build", "stories")
RESULTS = Path(__file__).resolve().parent / "results"
#: Sections that build indexes of their own, always with spaCy, and what they build.
SPACY_SECTIONS = {"incremental": "a copy of the corpus", "build": "the corpus from nothing"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Byline's speed and memory where a user feels them, side by side with rg -i and SQLite FTS5. "
                    "Prints a table and writes JSON (default bench/results/). Nothing here is a pass/fail test: "
                    "budgets are shown beside the figures.",
    )
    parser.add_argument("--corpus", default="seeds",
                        help="seeds, reuters or synthetic:N; several separated by commas (default seeds)")
    parser.add_argument("--quick", action="store_true",
                        help="a small query set, one repetition, --jobs 1 builds: checks that everything runs")
    parser.add_argument("--only", default="", help=f"comma-separated sections to run ({', '.join(SECTIONS)})")
    parser.add_argument("--skip", default="", help="comma-separated sections to leave out")
    parser.add_argument("--jobs", default="", help="build with these process counts (default 1,2; --quick 1)")
    parser.add_argument("--repeat", type=int, default=1, help="full builds per process count (default 1)")
    parser.add_argument("--cluster", action="store_true",
                        help="the build section also builds on a local Dask cluster of --jobs workers "
                             "(`byline index --cluster local`; needs byline[cluster])")
    parser.add_argument("--per-kind", type=int, default=0, help="queries of each kind (default 32; --quick 4)")
    parser.add_argument("--reps", type=int, default=0, help="timed runs of each query (default 5; --quick 1)")
    parser.add_argument("--baseline-max", type=int, default=0,
                        help="spaCy's NER-only pass on at most this many articles (default: all)")
    parser.add_argument("--no-entities", action="store_true",
                        help="build and measure the corpus's index without named entities (sentences only, in an "
                             "index folder of its own; see bench/scale.py): for corpora too large for spaCy here")
    parser.add_argument("--rg-per-kind", type=int, default=-1,
                        help="time rg -i on only the first N queries of each kind (rg reads every file: seconds "
                             "per query on large corpora); default all, 0 none")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args(argv)
    chosen = [s for s in args.only.split(",") if s] or list(SECTIONS)
    unknown = [s for s in chosen + args.skip.split(",") if s and s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (sections: {', '.join(SECTIONS)})")
    args.sections = [s for s in chosen if s not in args.skip.split(",")]
    args.jobs = [int(j) for j in args.jobs.split(",") if j] or ([1] if args.quick else [1, 2])
    args.per_kind = args.per_kind or (4 if args.quick else 32)
    args.reps = args.reps or (1 if args.quick else 5)
    return args


def run_corpus(spec: str, args: argparse.Namespace):
    """Every chosen section on one corpus; returns its report and whether any section failed."""
    from index import open_library

    from . import build, compare, corpora, quality, queries, reader, scale, search, stories
    from .report import Report

    report = Report(corpus=f"{spec} {scale.LABEL}" if args.no_entities else spec)
    report.data["options"] = {k: v for k, v in vars(args).items() if k not in ("json",)}
    print(f"== {spec}", file=sys.stderr, flush=True)
    try:
        corpus = corpora.resolve(spec)
    except corpora.CorpusUnavailable as exc:
        report.skip("corpus", str(exc))
        return report, False
    build_options: dict = {}
    if args.no_entities:
        corpus = scale.without_entities(corpus)
        build_options = scale.build_options()
    report.data["corpus"] = {"name": corpus.name, "path": str(corpus.path), "index_dir": str(corpus.index_dir),
                             "entities": scale.LABEL if args.no_entities else "spaCy"}
    failed = False

    def section(name: str, body: Callable[[], None]) -> None:
        nonlocal failed
        if name not in args.sections:
            return
        if args.no_entities and name in SPACY_SECTIONS:
            report.skip(name, f"not run with --no-entities: it builds {SPACY_SECTIONS[name]} with spaCy "
                              "(hours on a corpus this size)")
            return
        print(f"-- {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            body()
        except corpora.Unmeasurable as exc:
            report.skip(name, str(exc))
        except Exception as exc:  # one broken section must not hide the others' figures
            failed = True
            traceback.print_exc()
            report.skip(name, f"FAILED: {exc.__class__.__name__}: {exc}")
        report.data.setdefault("section_seconds", {})[name] = round(time.perf_counter() - started, 1)

    with open_library(corpus.path, corpus.index_dir) as lib:
        started = time.perf_counter()
        built = lib.build(jobs=min(2, os.cpu_count() or 1), **build_options)
        report.data["index"] = {k: v for k, v in built.to_dict().items() if k not in ("skipped", "flagged")} | {
            "wall": round(time.perf_counter() - started, 2), "jobs": min(2, os.cpu_count() or 1)}
        if built.full and built.annotated == built.articles:  # a build from nothing: worth a row of its own
            annotating = f"sentences only {built.spacy_seconds:.1f} s" if args.no_entities else \
                f"spaCy {built.spacy_seconds:.1f} s"
            report.add("build", f"first full build, --jobs {report.data['index']['jobs']} ({built.articles:,} "
                       f"articles, {built.words:,} words{', ' + scale.LABEL if args.no_entities else ''})",
                       f"{built.seconds:.1f} s = {built.words / built.seconds:,.0f} words/s",
                       versus=f"read {built.read_seconds:.1f} s, {annotating}, entities + "
                              f"Whoosh {built.whoosh_seconds:.1f} s")
        articles = corpus.articles()
        entities = [(e.name, e.kind) for e in lib.entities() if len(e.articles) >= 2]
        query_set = queries.build(articles, entities, args.per_kind)
        report.data["query_count"] = len(query_set)
        section("search", lambda: search.run(report, corpus, lib, rg_subset(query_set, args.rg_per_kind),
                                             reps=args.reps,
                                             cold=1 if args.quick else 2))
        section("typing", lambda: search.typing(report, lib, query_set, 1 if args.quick else 2))
        typed = [q.byline for q in query_set if q.kind in ("common", "and", "phrase", "entity")]
        typed = typed[:: max(1, len(typed) // (3 if args.quick else 8))]
        intervals = (0.05,) if args.quick else (0.05, 0.15)
        section("typing", lambda: [reader.typing_in_reader(report, lib, typed, i) for i in intervals])
    section("startup", lambda: reader.startup(report, corpus, 3 if args.quick else 9))
    searches = [q.byline for q in query_set][:: max(1, len(query_set) // (10 if args.quick else 50))]
    section("memory", lambda: reader.memory(report, corpus, searches[: 10 if args.quick else 50]))
    section("compare", lambda: compare.run(report, 3 if args.quick else 10))
    section("quality", lambda: quality.run(report))
    section("incremental", lambda: build.incremental(report, corpus, max(args.jobs), 10 if args.quick else 100))
    section("build", lambda: build.full(report, corpus, args.jobs, args.repeat, args.baseline_max, args.cluster))
    section("stories", lambda: stories.run(report, corpus))
    return report, failed


def rg_subset(queries, per_kind: int):
    """``queries`` with ripgrep's pattern kept on only the first ``per_kind`` of each kind (all if negative)."""
    if per_kind < 0:
        return queries
    from dataclasses import replace

    seen: dict[str, int] = {}
    out = []
    for query in queries:
        seen[query.kind] = seen.get(query.kind, 0) + 1
        out.append(query if seen[query.kind] <= per_kind else replace(query, rg=None))
    return out


def scale_rows(reports) -> list[tuple[str, ...]]:
    """One line per corpus with the figures that show how Byline grows with the corpus."""
    lines = [("corpus", "articles", "search p50/p95 ms", "typing p95 ms", "start-up ms", "memory MB",
              "1 file edited ms", "build words/s")]
    for report in reports:
        d = report.data
        warm = d.get("search", {}).get("warm_ms", {})
        builds = [v for k, v in d.get("build", {}).items() if k.startswith("jobs")]
        lines.append((
            report.corpus,
            f"{d.get('index', {}).get('articles', 0):,}",
            f"{warm.get('p50', float('nan')):.1f} / {warm.get('p95', float('nan')):.1f}" if warm else "-",
            f"{d['typing']['engine_ms']['p95']:.1f}" if "engine_ms" in d.get("typing", {}) else "-",
            f"{statistics.median([r['seconds'] for r in d['startup']['byline']]) * 1000:.0f}"
            if "startup" in d else "-",
            f"{d['memory']['byline'].get('rss_after_searches_mb', float('nan')):.0f}" if "memory" in d else "-",
            f"{d['incremental']['edit']['wall'] * 1000:.0f}" if "edit" in d.get("incremental", {}) else "-",
            ", ".join(f"{b['words_per_second']:,}" for b in builds) or _first_build(d),
        ))
    return lines


def _first_build(data: dict) -> str:
    index = data.get("index", {})
    if index.get("full") and index.get("annotated") == index.get("articles") and index.get("seconds"):
        return f"{index['words'] / index['seconds']:,.0f} (first build, --jobs {index['jobs']})"
    return "-"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from .report import save, table

    reports, failed = [], False
    for spec in [s.strip() for s in args.corpus.split(",") if s.strip()]:
        report, broke = run_corpus(spec, args)
        reports.append(report)
        failed |= broke
        print(f"\n{spec}", flush=True)
        print(table(report.rows, markdown=args.markdown) if report.rows else "(nothing measured)", flush=True)
        for name, reason in report.skipped.items():
            print(f"  skipped {name}: {reason}")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = args.json or RESULTS / f"{stamp}-{report.corpus.replace(':', '-')}.json"
        if len(reports) > 1 and args.json:
            path = args.json.with_name(f"{args.json.stem}-{report.corpus.replace(':', '-')}{args.json.suffix}")
        save(report, path)
        print(f"  results: {path}")
    if len(reports) > 1:
        lines = scale_rows(reports)
        widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
        print("\nscale")
        for line in lines:
            print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    if failed:
        print("\nsome sections FAILED (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
