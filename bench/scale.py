"""Indexes built without named entities, for corpora too large to annotate on this machine (issue 19).

spaCy's NER is nearly all of a build's cost: a million synthetic articles would take about ten hours of it
here. ``python -m bench --corpus synthetic:1000000 --no-entities`` builds the index with
:class:`SentencesOnly` instead: every text gets its sentences, split exactly as the real annotator splits them
(spaCy's English tokenizer, a sentence after every blank line, the rule-based ``sentencizer``; texts over
:data:`~index.annotate.PIECE_CHARS` in the same pieces), and no entity spans. Such an index has no entity facets,
no entity queries and no stories by names, so its figures are labelled "without entities" everywhere.

The real build path is untouched: this is an ordinary :data:`~index.annotate.AnnotatorFactory`, and the build is
told to use a "model" of its own (a blank English pipeline saved under the scratch folder, whose ``meta.json``
names it), so the annotation cache and the catalog record a fingerprint of their own. Annotations without
entities are never served to a real build, and the index says what made it. The index also goes to a folder
of its own (``indexes/<corpus>-no-entities``), beside the one a real build would make.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from index.models import Annotation

from .corpora import BENCH_DIR, Corpus

#: The name and version of the stand-in model, as its ``meta.json`` gives them (and so the fingerprint the
#: catalog and the annotation cache record: ``<annotator version>:en_byline_bench_no_entities-1``).
MODEL_NAME = "byline_bench_no_entities"
MODEL_VERSION = "1"
#: What the reports say about such an index.
LABEL = "without entities"
SUFFIX = "-no-entities"


def no_entities_model() -> Path:
    """The stand-in model's folder (a blank English spaCy pipeline: tokenizer only), saved once."""
    folder = BENCH_DIR / "models" / f"{MODEL_NAME}-{MODEL_VERSION}"
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("name") == MODEL_NAME and meta.get("version") == MODEL_VERSION:
            return folder
    except (OSError, ValueError):
        pass
    import shutil

    import spacy

    nlp = spacy.blank("en")
    nlp.meta.update(name=MODEL_NAME, version=MODEL_VERSION,
                    description="Byline's benchmark: sentences only, no named entities (bench/scale.py)")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(partial)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


class SentencesOnly:
    """A :class:`~index.annotate.TextAnnotator` that gives each text its sentences and no entity spans.

    The pipeline is the real annotator's (:func:`index.annotate.load_pipeline`) on the blank model of
    :func:`no_entities_model`: paragraph breaks and the sentencizer, no ``ner``; alias patterns are ignored
    (an alias file's ruler would tag names)."""

    def __init__(self, model: str | None = None, *, jobs: int = 1, batch_size: int = 256,
                 patterns: Sequence[Mapping[str, str]] = ()) -> None:
        self.model_name = str(model) if model else str(no_entities_model())
        self.jobs = max(1, jobs)
        self.batch_size = batch_size

    def annotate(self, texts: Sequence[str]) -> Iterator[Annotation]:
        from index.annotate import PIECE_CHARS, _doc_spans, load_pipeline, split_for_annotation

        nlp = load_pipeline(self.model_name)
        plans = [split_for_annotation(text, PIECE_CHARS) for text in texts]
        pieces = (text[start:end] for text, plan in zip(texts, plans, strict=True) for start, end in plan)
        n_process = self.jobs if len(texts) >= self.jobs * self.batch_size else 1
        docs = iter(nlp.pipe(pieces, batch_size=self.batch_size, n_process=n_process))
        for plan in plans:
            sentences: list[tuple[int, int]] = []
            for start, _ in plan:
                sentences.extend(_doc_spans(next(docs), start)[1])
            yield Annotation(sentences=tuple(sentences))


def without_entities(corpus: Corpus) -> Corpus:
    """The same corpus, its index in a folder of its own and its name saying it has no entities."""
    return replace(corpus, name=corpus.name + SUFFIX, index_dir=corpus.index_dir.with_name(
        corpus.index_dir.name + SUFFIX))


def build_options() -> dict:
    """What ``Library.build`` takes to build without entities."""
    return {"model": str(no_entities_model()), "annotator": SentencesOnly}


def build(spec: str, jobs: int) -> dict:
    """Build ``spec``'s index without entities (from nothing, unless it is already up to date); its figures."""
    import os
    import resource
    import time

    from index import open_library

    from .corpora import resolve

    corpus = without_entities(resolve(spec))
    with open_library(corpus.path, corpus.index_dir) as lib:
        started = time.perf_counter()
        built = lib.build(jobs=jobs, **build_options())
        wall = time.perf_counter() - started
    size = sum(f.stat().st_size for f in corpus.index_dir.rglob("*") if f.is_file())
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return {"corpus": corpus.name, "annotator": LABEL, "index_dir": str(corpus.index_dir), "jobs": jobs,
            "wall": round(wall, 1), "index_bytes": size,
            "cpu_seconds": round(me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime, 1),
            "peak_rss_mb": round(me.ru_maxrss / 1024), "load_average": os.getloadavg()} | {
        k: v for k, v in built.to_dict().items() if k not in ("skipped", "flagged")}


def profile(spec: str, query: str, runs: int = 5, top: int = 25) -> str:
    """cProfile of ``runs`` warm searches for ``query`` on ``spec``'s index without entities (as the reader
    searches: top 20 with highlights and facets), the functions that took the most time first."""
    import cProfile
    import io
    import pstats

    from index import open_library

    from .corpora import resolve

    corpus = without_entities(resolve(spec))
    with open_library(corpus.path, corpus.index_dir) as lib:
        total = lib.search(query, limit=20).total  # warm: the searcher open, the postings mapped
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            lib.search(query, limit=20)
        profiler.disable()
    out = io.StringIO()
    print(f"{query!r}: {total:,} hits, {runs} warm searches", file=out)
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def cpu_times(spec: str, results: Path, reps: int = 3) -> dict:
    """The queries of an earlier ``python -m bench`` run (its JSON), searched again on ``spec``'s index without
    entities as the reader searches, timed in CPU time (this process's user + system) rather than wall time: a
    loaded machine stretches wall time, hardly the CPU a search needs. Per query the median of ``reps`` warm
    runs; per kind and overall p50 / p95 in milliseconds."""
    import time

    from index import QueryError, open_library

    from .corpora import resolve
    from .report import summary

    queries = [(q["kind"], q["byline"]) for q in json.loads(results.read_text(encoding="utf-8"))["data"]["search"]
               ["queries"]]
    corpus = without_entities(resolve(spec))
    per_query: list[tuple[str, str, float, int]] = []
    with open_library(corpus.path, corpus.index_dir) as lib:
        def search(query: str) -> int:
            try:
                return lib.search(query, limit=20).total
            except QueryError:
                return -1

        totals = [search(query) for _, query in queries]  # warm-up pass
        samples: list[list[float]] = [[] for _ in queries]
        for _ in range(reps):
            for number, (_, query) in enumerate(queries):
                started = time.process_time()
                search(query)
                samples[number].append((time.process_time() - started) * 1000)
    for (kind, query), times, total in zip(queries, samples, totals, strict=True):
        per_query.append((kind, query, sorted(times)[len(times) // 2], total))
    kinds: dict[str, list[float]] = {}
    for kind, _, ms, _ in per_query:
        kinds.setdefault(kind, []).append(ms)
    slowest = sorted(per_query, key=lambda q: -q[2])[:5]
    return {"corpus": corpus.name, "annotator": LABEL, "reps": reps, "cpu_ms": summary([q[2] for q in per_query]),
            "by_kind": {kind: summary(ms) for kind, ms in kinds.items()},
            "slowest": [{"kind": k, "query": q, "cpu_ms": round(ms, 1), "hits": n} for k, q, ms, n in slowest]}


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.scale build CORPUS [--jobs N]``: build the corpus's index without entities, print its
    figures as JSON. ``python -m bench.scale profile CORPUS QUERY``: where a search's time goes (cProfile).
    ``python -m bench.scale cputime CORPUS RESULTS.json``: that run's queries again, in CPU time."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=main.__doc__)
    parser.add_argument("action", choices=("build", "profile", "cputime"))
    parser.add_argument("corpus", help="seeds, reuters or synthetic:N")
    parser.add_argument("query", nargs="?", default="",
                        help="profile: the query; cputime: the JSON of a `python -m bench` run whose queries to time")
    parser.add_argument("--jobs", type=int, default=2, help="build: processes (default 2)")
    parser.add_argument("--runs", type=int, default=5,
                        help="profile: warm searches profiled; cputime: timed runs per query (default 5)")
    args = parser.parse_args(argv)
    if args.action == "build":
        print(json.dumps(build(args.corpus, args.jobs), indent=1))
    elif args.action == "cputime":
        print(json.dumps(cpu_times(args.corpus, Path(args.query), args.runs), indent=1))
    else:
        print(profile(args.corpus, args.query, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
