"""The build: bring a corpus's index up to date.

A plan first (which files changed since the last build, from their sizes and modification times, and whether the
previous build left what an update needs), then read -> annotate (spaCy in this process, in N processes or on a
Dask cluster, only for text not annotated before) -> resolve entities (from the previous build's table updated by
the changed articles, or all of them) -> story features -> write one generation. :class:`index.Library` runs it
under its writer lock and picks up the generation it wrote.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .aliases import (
    Aliases,
    load_aliases,
)
from .annotate import AnnotationCache, AnnotatorFactory, model_fingerprint, resolve_model
from .forking import can_fork, fork, reap
from .ingest import (
    corpus_changes,
    corpus_file_stats,
    is_metadata_file,
    read_corpus,
    source_file,
)
from .models import (
    Annotation,
    Article,
    BuildReport,
    Skipped,
)
from .storage import CollectorPause, collector_paused

if TYPE_CHECKING:  # entity resolution is imported where used
    from .entities import EntityRegistry


#: An update annotating at most this many articles keeps the cycle collector paused meanwhile.
_ANNOTATED_PAUSED = 20
#: A full build computes the story features of this many articles or more in a process of its own while it writes
#: the Whoosh documents (Reuters: 7 s of features beside 25 s of documents).
_FEATURES_APART = 1000


@dataclass
class Build:
    """One build of the index of ``corpus`` in ``index_dir``, under the writer lock (the caller holds it):
    plan (what changed since the last build), read, annotate (only text not annotated before), resolve entities,
    story features, and write one generation (Whoosh documents, the entity table, the catalog and file records,
    sealed together). ``generation`` is the generation it wrote or updated."""

    corpus: Path
    index_dir: Path
    #: The table columns the user named (``--columns``); None: those the previous build used.
    columns: dict[str, str] | None
    cache: AnnotationCache
    generation: Path | None = None

    def run(self, *, rebuild: bool, jobs: int, model: str | None, report: Callable[..., None],
            quick: bool, annotator: AnnotatorFactory) -> BuildReport:
        """One build under the writer lock. ``quick``: read only the files whose size or modification time
        changed since the last build and regroup the entities from the previous build's surface table updated
        with the changed articles; raises :class:`NeedEverything` (before writing anything) when the previous
        build left too little to do that, and the caller reads and regroups everything instead."""
        # An update runs with the cycle collector paused (but while spaCy annotates many articles), and it resumes
        # only once the tables the update made are freed with _run's frame. Resumed before, its collections would
        # walk the hundreds of thousands of objects those tables hold (the entity tables: about 0.1 s a time on
        # Reuters; the catalog's rows and the corpus's file times, 60,000 objects: 0.1 s), to find nothing in a
        # cycle. (Nothing keeps that frame alive: Whoosh's writer used to, through the exception it kept making its
        # temporary folder a second time; the update's storage makes it without one, store._search_storage.)
        with contextlib.ExitStack() as paused:
            return self._run(rebuild=rebuild, jobs=jobs, model=model, report=report, quick=quick,
                             annotator=annotator, pause=lambda: paused.enter_context(collector_paused()))

    def _run(self, *, rebuild: bool, jobs: int, model: str | None, report: Callable[..., None],
             quick: bool, annotator: AnnotatorFactory, pause: Callable[[], CollectorPause]) -> BuildReport:
        from .entities import EntityRegistry, normalise_name, resolve_entities
        from .entities.corrections import corrections_fingerprint, regroup
        from .stories import update_features as update_story_features

        previous = store.current_generation(self.index_dir)
        old_rows: dict[str, dict] = {}
        old_annotator = ""
        full = True
        paused = None
        if previous is not None and not rebuild:
            store.check_corpus(previous, self.corpus, self.index_dir)  # an update would replace every article
            paused = pause()  # until this update's tables are freed (see run)
            try:
                with collector_paused():  # 19,000 rows of 14 fields: nothing in a cycle
                    old_rows, old_annotator = store.read_catalog(previous)
                store.check_readable(previous)  # a damaged index is rebuilt, not updated in place
                full = False
            except store.IndexCorrupt:
                old_rows = {}

        model_name = resolve_model(model)
        aliases = load_aliases(self.corpus, self.index_dir)
        patterns = aliases.ruler_patterns()
        fingerprint = model_fingerprint(model_name, patterns)
        corrections = corrections_fingerprint(aliases)
        # Quick only while the index holds this annotator's results: new aliases mean annotating everything.
        quick = quick and not full and old_annotator == fingerprint
        old_registry: EntityRegistry | None = None
        if quick:
            assert previous is not None
            old_registry = _sealed_registry(previous)  # raises NeedEverything when a build was interrupted

        read_started = time.perf_counter()
        columns = store.read_columns(previous) if self.columns is None else self.columns
        same_columns = columns == store.read_columns(previous)
        with collector_paused():  # the catalog's rows, kept meanwhile, would be walked again and again
            plan = _ReadPlan.of(self.corpus, previous) if quick and same_columns else None
        scan = read_corpus(self.corpus, progress=lambda d, t, c: report("reading", d, t, c),
                           only=plan.read if plan else None, columns=columns)
        read_seconds = time.perf_counter() - read_started
        articles = {a.id: a for a in scan.articles}  # what was read: every article, or the changed files'
        skipped, flagged, files = list(scan.skipped), list(scan.flagged), dict(scan.files)
        if plan is None:
            rows = {aid: store.catalog_row(a) for aid, a in articles.items()}
        else:
            rows = {aid: row for aid, row in old_rows.items() if source_file(row["path"]) in plan.unchanged}
            for aid in [aid for aid in articles if aid in rows]:  # the first of two articles with one id stays
                skipped.append(Skipped(articles.pop(aid).path, f"duplicate id {aid!r} (first in {rows[aid]['path']})"))
            rows.update((aid, store.catalog_row(a)) for aid, a in articles.items())
            files = {path: stat for path, stat in plan.current.items() if path in plan.unchanged} | files
            skipped[:0] = [s for s in plan.skipped if plan.kept(s.path)]
            flagged[:0] = [s for s in plan.flagged if plan.kept(s.path)]

        added = [aid for aid in rows if aid not in old_rows]
        changed = [aid for aid in rows if aid in old_rows and old_rows[aid]["record"] != rows[aid]["record"]]
        deleted = [aid for aid in old_rows if aid not in rows]
        unchanged = len(rows) - len(added) - len(changed)

        # Annotations: of the new and changed articles when quick, else of every article; from the cache where
        # possible, spaCy for the rest.
        need = {aid: articles[aid] for aid in (*added, *changed)} if quick else articles
        keys = {aid: AnnotationCache.key(a.content_hash, fingerprint) for aid, a in need.items()}
        cached = self.cache.get_many(set(keys.values()))
        missing: dict[str, Article] = {}
        for aid, article in need.items():
            if keys[aid] not in cached:
                missing.setdefault(keys[aid], article)
        spacy_started = time.perf_counter()
        meanwhile = None
        if full and jobs == 1 and len(missing) >= _WRITE_MEANWHILE:  # documents written while spaCy annotates
            order = [(aid, articles[aid], keys[aid]) for aid in rows]
            meanwhile = _WrittenMeanwhile.start(
                self.index_dir, order, cached, normalise_name,
                lambda some, notes: update_story_features(self.index_dir, some, notes, fingerprint))
        try:
            self._annotate(missing, cached, annotator, model_name, jobs, patterns, paused, report, meanwhile)
        except BaseException:
            if meanwhile is not None:
                meanwhile.stop()
            raise
        spacy_seconds = time.perf_counter() - spacy_started

        whoosh_started = time.perf_counter()
        annotations = {aid: cached[keys[aid]] for aid in need}
        if quick:
            assert previous is not None
            same_corrections = store.read_format(previous).get("corrections") == corrections
            with collector_paused():
                registry = self._updated_registry(previous, old_registry, old_rows, added, changed, deleted,
                                                  annotations, fingerprint, aliases, same_corrections)
        else:
            try:
                with collector_paused():
                    registry = resolve_entities(annotations, aliases=aliases)
            except BaseException:
                if meanwhile is not None:
                    meanwhile.stop()
                raise
        features = functools.partial(update_story_features, self.index_dir, need, annotations, fingerprint)
        fresh_ids = {*added, *changed}
        to_write = [aid for aid in rows if full or aid in fresh_ids]
        change = store.Change(
            write=[(articles[aid], annotations[aid]) for aid in to_write],
            delete=[] if full else deleted,
        )
        report("indexing", 0, len(change.write), "")
        write_progress = lambda d, t, c: report("indexing", d, t, c)  # noqa: E731
        # One generation: the Whoosh documents, then the entity table, then the catalog and file records, then
        # the seal naming the entity table (store.write_format). Whatever an interruption leaves unsealed, the next
        # update notices (_sealed_registry) and regroups; documents and catalog rows are written again as changed.
        if full:
            generation = meanwhile.finish() if meanwhile is not None else None
            try:
                if generation is None:  # not written meanwhile (or that failed: written here, failing alike)
                    generation = store.new_generation(self.index_dir)
                    with _meanwhile(features, apart=len(need) >= _FEATURES_APART):
                        store.write_documents(generation, change, normalise_name, create=True,
                                              progress=write_progress, procs=jobs)
                stamp = registry.save(generation / store.ENTITIES)
                self._write_tables(generation, rows, fingerprint, files, skipped, flagged)
                store.write_columns(generation, columns)
                store.write_format(generation, stamp, corrections)
            except BaseException:
                import shutil

                if generation is not None:
                    shutil.rmtree(generation, ignore_errors=True)
                raise
            store.commit_generation(self.index_dir, generation, previous)
        else:
            assert previous is not None
            generation = previous
            features()
            if change.write or change.delete:
                with collector_paused():
                    store.write_documents(generation, change, normalise_name, create=False,
                                          progress=write_progress)
            if registry is None and old_registry is not None \
                    and store.read_format(generation).get("corrections") != corrections:
                registry = regroup(old_registry, aliases)  # corrections written by hand since the last build
            with collector_paused():
                if registry is None:  # no name came or went: the entities stay as they were
                    registry = old_registry if old_registry is not None else EntityRegistry.load(
                        generation / store.ENTITIES)
                    stamp = registry.stamp
                    if old_registry is not None and not (generation / store.ENTITIES).is_file():
                        # An index built before the binary table (entities.json): written as one, once.
                        stamp = registry.save(generation / store.ENTITIES)
                else:
                    stamp = registry.save(generation / store.ENTITIES)
                if plan is not None and not (added or changed or deleted) and rows == old_rows:
                    # Every article as it was (the catalog too): only files touched without a change, if any, are
                    # recorded with their new times.
                    if plan.read or plan.deleted:
                        store.write_file_stats(generation, files)
                        store.write_scan_notes(generation, skipped, flagged)
                else:  # the catalog's rows that changed appended to its journal (written whole now and then)
                    self._write_tables(generation, rows, fingerprint, files, skipped, flagged, previous=old_rows)
            store.write_columns(generation, columns)
            store.write_format(generation, stamp, corrections)
        whoosh_seconds = time.perf_counter() - whoosh_started
        self.generation = generation
        report("done", len(rows), len(rows), "")
        return BuildReport(
            index_dir=str(self.index_dir),
            full=full,
            articles=len(rows),
            added=len(added),
            changed=len(changed),
            deleted=len(deleted),
            unchanged=unchanged,
            annotated=len(missing),
            entities=registry.count(),
            skipped=tuple(skipped),
            flagged=tuple(flagged),
            read_seconds=read_seconds,
            spacy_seconds=spacy_seconds,
            whoosh_seconds=whoosh_seconds,
            words=sum(row["words"] for row in rows.values()),
        )

    def _annotate(self, missing: dict[str, Article], cached: dict[str, Annotation], annotator: AnnotatorFactory,
                  model_name: str, jobs: int, patterns: list, paused: CollectorPause | None,
                  report: Callable[..., None], meanwhile: _WrittenMeanwhile | None) -> None:
        """Annotate ``missing`` (by cache key) with spaCy, into ``cached`` and the cache (and to ``meanwhile``)."""
        if not missing:
            return
        # The collector stays paused while spaCy annotates a few articles (what it leaves in cycles is collected
        # after the update), and runs while it annotates more.
        many = paused is not None and len(missing) > _ANNOTATED_PAUSED
        with paused.resumed() if many else contextlib.nullcontext():
            annotating = annotator(model_name, jobs=jobs, patterns=patterns)
            todo = list(missing.items())
            report("annotating", 0, len(todo), "loading the spaCy model")
            batch: list[tuple[str, Annotation]] = []
            texts = [article.text for _, article in todo]
            results = annotating.annotate(texts)
            with _workers_stop_on_interrupt():
                try:
                    for number, annotation in enumerate(results, start=1):
                        key, article = todo[number - 1]
                        cached[key] = annotation
                        batch.append((key, annotation))
                        if len(batch) >= 500:
                            self.cache.put_many(batch)
                            if meanwhile is not None:
                                meanwhile.send(batch)
                            batch.clear()
                        report("annotating", number, len(todo), article.path)
                finally:
                    results.close()  # spaCy's workers are told to stop now, not when the traceback is freed
            self.cache.put_many(batch)
            if meanwhile is not None:
                meanwhile.send(batch)

    def _write_tables(self, generation: Path, rows: dict[str, dict], fingerprint: str,
                      files: dict[str, tuple[int, int]], skipped: list[Skipped], flagged: list[Skipped], *,
                      previous: dict[str, dict] | None = None) -> None:
        store.write_catalog(generation, self.corpus, rows, fingerprint, previous=previous)
        store.write_file_stats(generation, files)
        store.write_scan_notes(generation, skipped, flagged)

    def _updated_registry(self, previous: Path, old_registry: EntityRegistry | None, old_rows: dict[str, dict],
                          added: Sequence[str], changed: Sequence[str], deleted: Sequence[str],
                          fresh: dict[str, Annotation],
                          fingerprint: str, aliases: Aliases, same_corrections: bool) -> EntityRegistry | None:
        """The entities after a quick update, or None when they cannot have changed (only changed articles, each
        naming the same names as many times as before). Regroups the previous build's surface table without the
        changed and deleted articles (counted from their cached annotations) and with the new and changed ones
        (``fresh``): no need to load every article's annotation; and regroups only the names those articles
        tag and what they can reach (:func:`.entities.update.resolve_update`), unless the corrections
        changed since the previous build (``same_corrections`` false). Raises :class:`NeedEverything` when the
        previous build's table or the annotations it counted are not there."""
        from .entities import SurfaceTable
        from .entities.resolve import resolve_table
        from .entities.update import resolve_update

        gone = [*changed, *deleted]
        old_keys = {aid: AnnotationCache.key(old_rows[aid]["content_hash"], fingerprint) for aid in gone}
        cached = self.cache.get_many(set(old_keys.values()))
        if not set(old_keys.values()) <= cached.keys():
            raise NeedEverything("an annotation the previous build counted is no longer cached")
        old = {aid: cached[key] for aid, key in old_keys.items()}
        before, after = SurfaceTable.from_annotations(old), SurfaceTable.from_annotations(fresh)
        if not added and not deleted and all(
                SurfaceTable.from_annotations({aid: old[aid]}).to_json()
                == SurfaceTable.from_annotations({aid: fresh[aid]}).to_json() for aid in changed):
            return None
        previous_registry = old_registry or _sealed_registry(previous)
        table = previous_registry.table
        if len(table.article_ids) != len(old_rows) or set(table.article_ids) != old_rows.keys():
            raise NeedEverything("the previous entity table does not match the catalog")
        try:
            updated = table.updated(old, fresh)
        except ValueError as exc:
            raise NeedEverything(str(exc)) from None
        if not same_corrections:  # corrections written by hand since: every entity may change
            return resolve_table(updated, aliases)
        touched = {(s.key, s.label) for s in (*before.surfaces, *after.surfaces)}
        return resolve_update(previous_registry, updated, touched, aliases)


@contextlib.contextmanager
def _workers_stop_on_interrupt() -> Iterator[None]:
    """While spaCy annotates in worker processes: an interrupt (SIGINT) sent to this process alone, as a process
    manager sends it, first kills the workers started meanwhile, then interrupts as usual. Left alone they keep
    working, and spaCy's clean-up waits on them (and on a pipe to them) for ever, holding the writer lock. (A
    terminal's ctrl-C reaches the whole group: the workers stop by themselves.) Only the main thread can take
    signals; elsewhere (the reader's worker threads) this does nothing."""
    import multiprocessing
    import multiprocessing.queues  # loaded now, not in the signal handler
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = set(multiprocessing.active_children())
    previous = signal.getsignal(signal.SIGINT)

    def interrupted(signum: int, frame: object) -> None:
        import gc
        from multiprocessing.queues import Queue

        for child in set(multiprocessing.active_children()) - before:
            with contextlib.suppress(OSError):
                child.kill()
        # What is left in the queues to the workers can never be delivered: do not wait at exit for that.
        for queue in [obj for obj in gc.get_objects() if isinstance(obj, Queue)]:
            queue.cancel_join_thread()
        signal.signal(signal.SIGINT, previous)
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _meanwhile(work: Callable[[], object], *, apart: bool) -> Iterator[None]:
    """Run ``work`` while the block runs: with ``apart``, in a process forked for it (where this is the main
    thread of a system that forks safely), else here, before the block. ``work`` must only write what the block
    does not touch. When the process fails, ``work`` runs again here after the block (and raises what it raises:
    the process says nothing); when the block fails, the process is killed."""
    if not apart or not can_fork():
        work()
        yield
        return
    pid = fork(work)
    try:
        yield
    except BaseException:
        reap(pid, kill=True)
        raise
    if reap(pid) != 0:
        work()


#: A full build annotating this many articles or more in one process writes their Whoosh documents and story
#: features meanwhile (:class:`_WrittenMeanwhile`).
_WRITE_MEANWHILE = 1000


class _WrittenMeanwhile:
    """The Whoosh documents of a full build, and their story features, written by a forked process while this
    one annotates: spaCy runs on one core, the writing on the other, and what is left after spaCy is Whoosh's
    sorting of the terms and writing of the segment. The process has every article and the annotations cached
    before; this one sends the rest as spaCy gives them (:meth:`send`), and the process writes each document as
    soon as it and those before it are annotated, in the order of a build that writes after annotating."""

    def __init__(self, generation: Path, pid: int, connection) -> None:
        self.generation = generation
        self._pid: int | None = pid
        self._connection = connection

    @classmethod
    def start(cls, index_dir: Path, order: list[tuple[str, Article, str]], cached: dict[str, Annotation],
              normalise: Callable[[str], str],
              features: Callable[[dict[str, Article], dict[str, Annotation]], object]) -> _WrittenMeanwhile | None:
        """The process writing a new generation of ``order`` (id, article, cache key), or None where processes are
        not forked (see :func:`_meanwhile`): the build then writes after annotating."""
        if not can_fork():
            return None
        from multiprocessing import Pipe

        generation = store.new_generation(index_dir)
        ours, theirs = Pipe()

        def write() -> None:
            ours.close()
            try:
                arriving = _Arriving(theirs, order, cached, features)
                store.write_documents(generation, store.Change(write=arriving, delete=[]), normalise, create=True)
                reply: tuple = ("written",)
            except BaseException:
                import traceback

                reply = ("failed", traceback.format_exc())
            theirs.send(reply)

        pid = fork(write)
        theirs.close()
        return cls(generation, pid, ours)

    def send(self, batch: list[tuple[str, Annotation]]) -> None:
        """Annotations (cache key, annotation) as spaCy gives them."""
        if self._pid is not None:
            with contextlib.suppress(OSError):  # the process ended (failed): finish() tells
                self._connection.send(batch)

    def finish(self) -> Path | None:
        """Wait for the process to write every document: the generation it wrote, or None (and nothing left of
        it) when it failed."""
        reply: tuple = ("failed",)
        try:
            self._connection.send(None)
            reply = self._connection.recv()
        except (OSError, EOFError):
            pass
        finally:
            self._end(kill=False)
        if reply[0] == "written":
            return self.generation
        import shutil

        shutil.rmtree(self.generation, ignore_errors=True)
        return None

    def stop(self) -> None:
        """Kill the process, and remove what it wrote (unless it finished: then the build owns the generation)."""
        import shutil

        if self._pid is None:
            return
        self._end(kill=True)
        shutil.rmtree(self.generation, ignore_errors=True)

    def _end(self, *, kill: bool) -> None:
        pid, self._pid = self._pid, None
        if pid is None:
            return
        reap(pid, kill=kill)
        self._connection.close()


class _Arriving:
    """The documents of a :class:`_WrittenMeanwhile` process, in order, each as soon as its annotation has come
    (``len`` and iteration, as :func:`store.write_documents` reads a change); story features computed every 500
    documents."""

    def __init__(self, connection, order: list[tuple[str, Article, str]], cached: dict[str, Annotation],
                 features: Callable[[dict[str, Article], dict[str, Annotation]], object]) -> None:
        self._connection = connection
        self._order = order
        self._cached = cached
        self._features = features

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[tuple[Article, Annotation]]:
        cached, ended = self._cached, False
        some: dict[str, Article] = {}
        notes: dict[str, Annotation] = {}
        for aid, article, key in self._order:
            while key not in cached:
                if ended:
                    raise RuntimeError(f"no annotation came for {article.path}")
                batch = self._connection.recv()
                if batch is None:
                    ended = True
                else:
                    cached.update(batch)
            some[aid], notes[aid] = article, cached[key]
            yield article, cached[key]
            if len(some) >= 500:
                self._features(some, notes)
                some, notes = {}, {}
        self._features(some, notes)
        while not ended:  # every document written before the last annotation came
            ended = self._connection.recv() is None


class NeedEverything(Exception):
    """A quick update is not possible (the message says why): read and regroup every article."""


def _sealed_registry(generation: Path) -> EntityRegistry:
    """The entity table of ``generation`` when it is the one its seal names; raises :class:`NeedEverything`
    when it is damaged, missing or not the one (a build or correction interrupted between two writes)."""
    from .entities import EntityRegistry, RegistryDamaged

    try:
        registry = EntityRegistry.load_checked(generation / store.ENTITIES)
    except RegistryDamaged as exc:
        raise NeedEverything(f"the entity table is damaged ({exc})") from None
    if not registry.stamp or store.read_format(generation).get("entities_stamp") != registry.stamp:
        raise NeedEverything("the entity table is not the one the last build sealed")
    return registry


@dataclass(frozen=True)
class _ReadPlan:
    """Which corpus files a quick update reads: those added or changed since the previous build, by the sizes and
    modification times it recorded."""

    #: Every corpus file's (size, modification time) now.
    current: dict[str, tuple[int, int]]
    read: frozenset[str]
    unchanged: frozenset[str]
    deleted: frozenset[str]
    #: What the previous build skipped and flagged.
    skipped: tuple[Skipped, ...]
    flagged: tuple[Skipped, ...]

    @classmethod
    def of(cls, corpus: Path, previous: Path | None) -> _ReadPlan | None:
        """The plan, or None (read everything) when the previous build did not record what it read or the
        metadata sidecar or a metadata table changed (it can touch any article)."""
        recorded = store.read_file_stats(previous) if previous is not None else None
        notes = store.read_scan_notes(previous) if previous is not None else None
        if recorded is None or notes is None:
            return None
        current = corpus_file_stats(corpus)
        changes = corpus_changes(recorded, current)
        if any(is_metadata_file(path) for path in (*changes.added, *changes.changed, *changes.deleted)):
            return None
        read = frozenset(changes.added) | frozenset(changes.changed)
        return cls(current, read, frozenset(current) - read, frozenset(changes.deleted), *notes)

    def kept(self, path: str) -> bool:
        """Whether a note about ``path`` (a file, a JSONL line, a folder) still holds: its file was not read
        again and has not gone."""
        name = source_file(path)
        return name not in self.read and name not in self.deleted
