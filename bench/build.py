"""Index builds: a full build against spaCy's own NER-only throughput, and incremental updates.

A full build runs as ``byline index --rebuild --jobs N`` in a fresh index folder (so nothing is cached: spaCy
annotates every article), and its build report splits the time into reading, spaCy, and entities + Whoosh (with
``--jobs 1`` the Whoosh documents are written in a second process while spaCy annotates: what is left after spaCy).
spaCy's own NER-only pass over the same texts runs right after, in a process of its own, with the same
number of processes (:mod:`bench.nerbaseline`). With ``cluster``, the same build also runs as ``byline index
--cluster local --jobs N`` (a Dask ``LocalCluster`` of N worker processes, started and stopped by the build),
beside ``--jobs N``.

Each incremental row gives the wall time and, beside it, the CPU time (user + system: of this process for an update
in process, of the child for the ``byline index`` process), which load on a shared machine distorts least.

Incremental updates run on a copy of a folder corpus whose annotations are already cached (for Reuters, the
articles written one per file, with the annotations of the Reuters index): no change; one file edited (with
the spaCy model already loaded, as in a reader that has built before: once naming no one new, once naming a
new person and company so the entities are regrouped; and as a whole ``byline index`` process); 100 files
added; 100 deleted (10 with ``--quick``). After the edit naming someone new, and after the additions and
deletions, the entity table the update sealed is compared with regrouping every name of it (they must be equal).
"""

from __future__ import annotations

import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from index import BuildReport, open_library
from index.ingest import read_corpus

from .corpora import BENCH_DIR, REPO, Corpus, CorpusUnavailable, child_env, reuters_folder, synthetic_articles
from .report import Report, spread
from .search import _byline_command


def _run_json(command: list[str]) -> tuple[dict, float]:
    data, wall, _ = _run_json_cpu(command)
    return data, wall


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run_json_cpu(command: list[str]) -> tuple[dict, float, float]:
    """The JSON a command prints, its wall time and its CPU time (user + system: what load on a shared machine
    distorts least)."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=child_env(), cwd=REPO)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} ... failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout), wall, cpu


def _full_build(corpus: Corpus, jobs: int, *options: str) -> dict:
    """One ``byline index --rebuild --jobs N`` process in a fresh index folder (nothing cached): its report."""
    target = BENCH_DIR / "work" / f"build-{corpus.name}-j{jobs}"
    shutil.rmtree(target, ignore_errors=True)
    built, wall = _run_json([*_byline_command(), "index", str(corpus.path), "--index-dir", str(target),
                             "--rebuild", "--jobs", str(jobs), *options, "--json"])
    built["process_seconds"] = round(wall, 2)
    shutil.rmtree(target, ignore_errors=True)
    return built


def full(report: Report, corpus: Corpus, jobs_list: list[int], repeat: int, baseline_max: int,
         cluster: bool = False) -> None:
    """Full builds with each number of processes, and spaCy's NER-only pass beside each; with ``cluster``, the
    same builds on a local Dask cluster of as many worker processes."""
    data = report.data.setdefault("build", {})
    for jobs in jobs_list:
        runs, baselines = [], []
        for _ in range(repeat):
            runs.append(_full_build(corpus, jobs))
            command = [sys.executable, "-m", "bench.nerbaseline", str(corpus.path), "--jobs", str(jobs)]
            if baseline_max:
                command += ["--max-articles", str(baseline_max)]
            baseline, _ = _run_json(command)
            baselines.append(baseline)
        seconds = statistics.median(r["seconds"] for r in runs)
        run = min(runs, key=lambda r: abs(r["seconds"] - seconds))
        words, articles = run["words"], run["articles"]
        ner_rate = statistics.median(b["words"] / b["seconds"] for b in baselines)
        rate = words / seconds
        ratio = rate / ner_rate
        data[f"jobs{jobs}"] = {"runs": [{k: v for k, v in r.items() if k not in ("skipped", "flagged")}
                                        for r in runs],
                               "ner_baseline": baselines, "words_per_second": round(rate),
                               "ner_words_per_second": round(ner_rate), "ratio": round(ratio, 3)}
        report.add("build", f"full build, --jobs {jobs}: {articles:,} articles, {words:,} words",
                   f"{seconds:.1f} s = {articles / seconds:,.0f} articles/s, {rate:,.0f} words/s",
                   versus=f"{spread([r['seconds'] for r in runs])}; process {run['process_seconds']:.1f} s")
        # With one process annotating, the documents are written meanwhile, in a second process (see
        # index.build._WrittenMeanwhile): "after spaCy" is what is left then (Whoosh sorting and writing the segment).
        after = "entities + Whoosh after spaCy (documents written meanwhile)" if jobs == 1 else "entities + Whoosh"
        report.add("build", f"  split, --jobs {jobs}",
                   f"read {run['read_seconds']:.1f} s, spaCy {run['spacy_seconds']:.1f} s, "
                   f"{after} {run['whoosh_seconds']:.1f} s",
                   versus=f"spaCy inside the build: {words / max(run['spacy_seconds'], 1e-9):,.0f} words/s")
        report.add("build", f"  vs spaCy NER-only, --jobs {jobs}", f"{ratio:.0%} of spaCy's words/s",
                   budget="≥ 90 %", met=ratio >= 0.9,
                   versus=f"spaCy NER-only {ner_rate:,.0f} words/s ({baselines[0]['articles']:,} articles; "
                          f"model load {baselines[0]['load_seconds']:.1f} s not counted)")
        if cluster:
            _cluster(report, corpus, jobs, repeat, seconds)


def _cluster(report: Report, corpus: Corpus, workers: int, repeat: int, jobs_seconds: float) -> None:
    """Full builds with ``--cluster local --jobs N``, against the ``--jobs N`` build's ``jobs_seconds``."""
    runs = [_full_build(corpus, workers, "--cluster", "local") for _ in range(repeat)]
    seconds = statistics.median(r["seconds"] for r in runs)
    run = min(runs, key=lambda r: abs(r["seconds"] - seconds))
    report.data["build"][f"cluster{workers}"] = {
        "runs": [{k: v for k, v in r.items() if k not in ("skipped", "flagged")} for r in runs],
        "words_per_second": round(run["words"] / seconds), "vs_jobs": round(jobs_seconds / seconds, 3)}
    report.add("build", f"full build, --cluster local, {workers} worker{'s' if workers > 1 else ''}",
               f"{seconds:.1f} s = {run['words'] / seconds:,.0f} words/s",
               versus=f"{jobs_seconds / seconds:.0%} of --jobs {workers}'s words/s; spaCy step "
                      f"{run['spacy_seconds']:.1f} s (cluster start and model loads included); "
                      f"{spread([r['seconds'] for r in runs])}; process {run['process_seconds']:.1f} s")


def _row(report: Report, what: str, built: BuildReport, seconds: float, cpu: float, *, budget: str = "",
         met: bool | None = None) -> dict:
    report.add("incremental", what, f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s",
               budget=budget, met=met,
               versus=f"CPU {cpu * 1000:.0f} ms; read {built.read_seconds:.2f} s, spaCy {built.spacy_seconds:.2f} s, "
                      f"entities + Whoosh {built.whoosh_seconds:.2f} s; {built.added} added, {built.changed} "
                      f"changed, {built.deleted} deleted")
    return {k: v for k, v in built.to_dict().items() if k not in ("skipped", "flagged")} | {"wall": seconds,
                                                                                          "cpu": cpu}


def _timed_build(lib, **options) -> tuple[BuildReport, float, float]:
    """``lib.build(**options)``, its wall time and the CPU time of this process meanwhile (user + system)."""
    started, cpu = time.perf_counter(), time.process_time()
    built = lib.build(**options)
    return built, time.perf_counter() - started, time.process_time() - cpu


def _edit(path: Path, number: int, *, names: bool = False) -> None:
    """Append a sentence: one that names no one (the entities cannot change), or with ``names`` one naming a
    person and a company the corpus has not seen (the entities are regrouped)."""
    with path.open("a", encoding="utf-8") as handle:
        if names:
            handle.write(f"\nEdited: Angela Merkel met Sabine Weber{number} of Globex{number} Corp in Brussels.\n")
        else:
            handle.write(f"\nEdited for the benchmark, revision {number}.\n")


def _same_as_whole_regroup(folder: Path, index_dir: Path) -> bool:
    """Whether the entity table an update sealed is what regrouping its whole table gives (an update regroups only
    the names its changed articles can reach)."""
    from index import store
    from index.aliases import load_aliases
    from index.entities import EntityRegistry
    from index.entities.resolve import resolve_table

    generation = store.current_generation(index_dir)
    sealed = EntityRegistry.load(generation / store.ENTITIES)
    whole = resolve_table(sealed.table, load_aliases(folder, index_dir))
    saved = []
    for registry, name in ((sealed, "sealed"), (whole, "whole")):
        path = BENCH_DIR / "work" / f"entities-{name}.table"
        registry.save(path)
        saved.append(EntityRegistry.load_checked(path).to_json())  # everything saved but the stamp
    return saved[0] == saved[1]


def incremental(report: Report, corpus: Corpus, jobs: int, batch: int = 100) -> None:
    """Update a copy of a folder corpus after small changes (one file edited, ``batch`` added, ``batch``
    deleted); ``corpus`` must already be indexed."""
    if corpus.name == "reuters":
        source = reuters_folder()
    elif corpus.is_folder:
        source = corpus.path
    else:
        raise CorpusUnavailable(f"{corpus.name} is not a folder of files")
    work = BENCH_DIR / "work" / f"incremental-{corpus.name}"
    shutil.rmtree(work, ignore_errors=True)
    folder, index_dir = work / "corpus", work / "index"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    index_dir.mkdir(parents=True)
    cache = corpus.index_dir / "annotations.sqlite"
    if cache.exists():  # same texts, same content hashes: the folder's full build needs no spaCy
        source_db, copy = sqlite3.connect(cache), sqlite3.connect(index_dir / "annotations.sqlite")
        with copy:
            source_db.backup(copy)
        source_db.close()
        copy.close()
    data: dict = {"corpus": str(source)}
    report.data["incremental"] = data
    files = sorted(p for p in folder.rglob("*.txt"))

    with open_library(folder, index_dir) as lib:
        built, seconds, cpu = _timed_build(lib, jobs=jobs)
        data["initial"] = _row(report, f"full build of the folder copy ({built.articles:,} files; "
                                       f"{built.annotated:,} needed spaCy)", built, seconds, cpu)

        built, seconds, cpu = _timed_build(lib)
        data["nothing"] = _row(report, "nothing changed", built, seconds, cpu)

        _edit(files[0], 1)
        state = "spaCy already loaded in this process" if "spacy" in sys.modules else "spaCy not yet loaded"
        built, seconds, cpu = _timed_build(lib)
        data["edit_first"] = _row(report, f"1 file edited, the first time ({state})", built, seconds, cpu)

        _edit(files[len(files) // 2], 2)
        built, seconds, cpu = _timed_build(lib)
        data["edit"] = _row(report, "1 file edited (spaCy loaded), no new name", built, seconds, cpu,
                            budget="≤ 0.5 s", met=seconds <= 0.5)

        _edit(files[len(files) // 3], 4, names=True)
        built, seconds, cpu = _timed_build(lib)
        data["edit_names"] = _row(report, "1 file edited (spaCy loaded), new names: entities regrouped", built,
                                  seconds, cpu, budget="≤ 1 s", met=seconds <= 1)
        same = data["edit_names"]["same_as_whole_regroup"] = _same_as_whole_regroup(folder, index_dir)
        report.add("incremental", "  entities after it: as regrouping every name gives", "equal" if same else
                   "DIFFERENT", budget="equal", met=same)

    _edit(files[-1], 3)  # names no one: the process's cost is starting and loading spaCy
    built_json, wall, cpu = _run_json_cpu([*_byline_command(), "index", str(folder), "--index-dir", str(index_dir),
                                           "--json"])
    data["edit_process"] = built_json | {"wall": wall, "cpu": cpu}
    report.add("incremental", "1 file edited, whole `byline index` process", f"{wall * 1000:.0f} ms",
               budget="≤ 1.5 s", met=wall <= 1.5,
               versus=f"CPU {cpu * 1000:.0f} ms; in the build {built_json['seconds']:.2f} s: read "
                      f"{built_json['read_seconds']:.2f} s, spaCy {built_json['spacy_seconds']:.2f} s, "
                      f"entities + Whoosh {built_json['whoosh_seconds']:.2f} s")

    source_articles = read_corpus(source).articles
    added_dir = folder / "bench-added"
    added_dir.mkdir()
    for number, (title, text) in enumerate(synthetic_articles(source_articles, 10_000_000, 10_000_000 + batch)):
        (added_dir / f"n{number:03d}.txt").write_text(f"{title}\n\n{text}", encoding="utf-8")
    with open_library(folder, index_dir) as lib:
        built, seconds, cpu = _timed_build(lib, jobs=jobs)
        data["added"] = _row(report, f"{batch} files added", built, seconds, cpu)

        doomed = files[1:batch + 1] if len(files) > batch + 1 else sorted(added_dir.glob("*.txt"))
        for path in doomed:
            path.unlink()
        built, seconds, cpu = _timed_build(lib, jobs=jobs)
        data["deleted"] = _row(report, f"{len(doomed)} files deleted", built, seconds, cpu)
    same = data["deleted"]["same_as_whole_regroup"] = _same_as_whole_regroup(folder, index_dir)
    report.add("incremental", "  entities after the additions and deletions: as regrouping every name gives",
               "equal" if same else "DIFFERENT", budget="equal", met=same)
    shutil.rmtree(work, ignore_errors=True)
