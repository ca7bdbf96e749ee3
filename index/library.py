"""The engine's front door: a corpus and its index, to build, search and read.

``open_library(corpus)`` is cheap: nothing is read until asked for, and nothing here imports spaCy unless a
build finds text it has not annotated before.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import os
import pickle
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import store
from .models import (
    Annotation,
    Article,
    ArticleSummary,
    BuildProgress,
    BuildReport,
    EntitySpan,
    SearchResult,
)
from .storage import ALIAS_FILE, cache_damaged, collector_paused, corpus_lock

if TYPE_CHECKING:  # entity resolution and story features are imported where used: the reader starts without them
    from .annotate import AnnotationCache, AnnotatorFactory
    from .compare import Comparison
    from .entities import CanonicalEntity, EntityCoverage, EntityRegistry
    from .stories import Neighbour, StoryMap

ProgressCallback = Callable[[BuildProgress], None]


def bundled_corpus() -> Path:
    """The seed corpus shipped with Byline (a folder inside the installed package)."""
    import byline_seeds

    return Path(next(iter(byline_seeds.__path__)))


if TYPE_CHECKING:  # reading a corpus and building its index are imported where used: searching needs neither
    from .ingest import CorpusChanges


def open_library(corpus: str | Path | None = None, index_dir: str | Path | None = None,
                 columns: str | None = None) -> Library:
    """A corpus (default: the bundled seeds) and its index (default: under the user's cache directory).
    ``columns`` names the columns of the corpus's tables (``"body=text,source=site"``; raises ``ValueError``
    when it cannot be read); the index remembers them for later updates."""
    root = Path(corpus).expanduser() if corpus is not None else bundled_corpus()
    if not root.exists():
        raise FileNotFoundError(f"no such corpus: {root}")
    directory = Path(index_dir).expanduser() if index_dir is not None else store.default_index_dir(root)
    if columns:
        from .ingest import parse_columns
    return Library(root.resolve(), directory, columns=parse_columns(columns) if columns else None)


#: What the library keeps of each catalog row (the file has more: what a build compares), in this order.
CATALOG_FIELDS = ("id", "title", "source", "published", "published_from", "source_from", "language", "url",
                  "author", "path", "words", "content_hash", "flags")
#: Fields whose values repeat across a corpus (an outlet, a date, where it came from): kept once each.
_SHARED_FIELDS = frozenset({"source", "published", "published_from", "source_from", "language", "url", "author",
                            "flags"})
_FIELD_AT = {name: number for number, name in enumerate(CATALOG_FIELDS)}
_ALL_FIELDS = operator.itemgetter(*CATALOG_FIELDS)
_FLAGS_AT = _FIELD_AT["flags"]
_ABSENT = object()


class _PartialRecord(tuple):
    """A :func:`catalog_record` of a row without some field (an older build's): a private marker stands where a
    value is absent. Its own type, so a catalog tells whether every row is whole from the rows' types alone."""

    __slots__ = ()


def catalog_record(row: Mapping[str, Any]) -> tuple:
    """A catalog row as read, as the library keeps it: the values of :data:`CATALOG_FIELDS` in order (a private
    marker for a field an older build's row lacks; the flags as a tuple, each ``[]`` read being a new list)."""
    try:
        record = _ALL_FIELDS(row)
    except KeyError:
        if "id" not in row:  # no row: the catalog is damaged (read_catalog says so)
            raise
        record = _PartialRecord(row.get(name, _ABSENT) for name in CATALOG_FIELDS)
    flags = record[_FLAGS_AT]
    if type(flags) is list:
        return type(record)((*record[:_FLAGS_AT], tuple(flags), *record[_FLAGS_AT + 1:]))
    return record


class Catalog(Mapping[str, "CatalogRow"]):
    """The catalog as a library keeps it while open: every article's row by id, in corpus order, read like the
    rows of the file (``catalog[id]["title"]``, ``row.get("flags", ())``; ``flags`` is a tuple).

    Compact, since a reader keeps it as long as it is open: a column per field of :data:`CATALOG_FIELDS` (the
    rest of the file's rows is dropped), each value that repeats across articles (an outlet's name, a date)
    kept once; a row is a view made when asked for. On Reuters (19,043 articles) 8 MB, where the rows
    as read take 20 MB."""

    __slots__ = ("_at", "_columns", "complete")

    def __init__(self, records: Iterable[tuple]) -> None:
        """From :func:`catalog_record`'s tuples (what :func:`index.store.read_catalog` keeps with it)."""
        records = list(records)
        #: Whether every row has every field (else :meth:`column` may hold a marker for an absent value).
        self.complete = _PartialRecord not in set(map(type, records))
        columns = list(zip(*records, strict=True)) or [() for _ in CATALOG_FIELDS]
        for number, name in enumerate(CATALOG_FIELDS):
            if name in _SHARED_FIELDS:
                column = columns[number]
                keep = {}.setdefault
                with contextlib.suppress(TypeError):  # a value that cannot be shared stays as it was
                    column = tuple(map(keep, column, column))
                columns[number] = column
        self._columns = columns
        self._at = dict(zip(columns[0], range(len(columns[0])), strict=True))

    def column(self, name: str) -> Sequence:
        """Every article's value of the field ``name``, in corpus order (when :attr:`complete`; else a private
        marker where a row has no such field)."""
        return self._columns[_FIELD_AT[name]]

    def __getitem__(self, article_id: str) -> CatalogRow:
        return CatalogRow(self._columns, self._at[article_id])

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


class CatalogRow(Mapping[str, object]):
    """One article's row of a :class:`Catalog`, read by field name."""

    __slots__ = ("_columns", "_number")

    def __init__(self, columns: list[Sequence], number: int) -> None:
        self._columns, self._number = columns, number

    def __getitem__(self, name: str):
        value = self._columns[_FIELD_AT[name]][self._number] if name in _FIELD_AT else _ABSENT
        if value is _ABSENT:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return (name for name in CATALOG_FIELDS if self._columns[_FIELD_AT[name]][self._number] is not _ABSENT)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"CatalogRow({dict(self)!r})"


def _reporter(progress: ProgressCallback | None) -> Callable[..., None]:
    """``report(phase, done, total, current="")`` for long work (a build, grouping the stories): told to
    ``progress`` as a :class:`BuildProgress`, or to no one."""
    if progress is None:
        return lambda *args, **kwargs: None
    return lambda phase, done, total, current="": progress(BuildProgress(phase, done, total, current))


_Method = TypeVar("_Method", bound=Callable)


def _locked(method: _Method) -> _Method:
    """Run a method of :class:`Library` holding the library's lock: Whoosh's searcher is not made for concurrent
    use, and a build closes and reopens it, so callers on several threads (the reader's workers) take turns
    here rather than keeping a lock of their own."""

    @functools.wraps(method)
    def locked(self: Library, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class Library:
    """One corpus and its index."""

    def __init__(self, corpus: Path, index_dir: Path, columns: dict[str, str] | None = None) -> None:
        #: Held by every public method (see :func:`_locked`); re-entrant, since they call each other.
        self._lock = threading.RLock()
        #: Held while the stories are grouped (:meth:`stories`), which takes ``_lock`` only to read the index.
        self._stories_lock = threading.Lock()
        self.corpus = corpus
        self.index_dir = index_dir
        #: Table columns named for this build (None: those the index was built with).
        self.columns = columns
        self._generation: Path | None = None
        self._pin: int | None = None  # a shared lock that keeps builds from removing the generation in use
        self._catalog: Catalog | None = None
        self._annotator = ""
        self._registry: EntityRegistry | None = None
        self._searcher = None
        self._ix = None
        self._cache: AnnotationCache | None = None
        self._furniture_by_source: dict[str, frozenset[str]] = {}
        #: The corpus files' sizes and times the index recorded (:meth:`changes`), with the generation and the
        #: identity of the file they were read from.
        self._file_stats: tuple[tuple, dict[str, tuple[int, int]] | None] | None = None

    @property
    def name(self) -> str:
        """The corpus as a user calls it: its folder's name, or "seeds" for the bundled corpus (whose folder
        is named after the package it is installed as)."""
        return "seeds" if self.corpus == bundled_corpus().resolve() else self.corpus.name

    # --- state ------------------------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether an index has been built for this corpus."""
        return store.current_generation(self.index_dir) is not None

    @property
    def generation(self) -> Path:
        if self._generation is None:
            for _ in range(5):
                generation = store.current_generation(self.index_dir)
                if generation is None:
                    raise store.IndexMissing(
                        f"{self.corpus} has no index yet; build it with `byline index {self.corpus}`"
                    )
                self._pin = store.pin_generation(generation)
                if self._pin is not None or store.current_generation(self.index_dir) == generation:
                    break  # pinned, or cannot be pinned (read-only) but still current
            try:
                store.check_format(generation)
                store.check_corpus(generation, self.corpus, self.index_dir)
            except store.IndexProblem:
                self._unpin()
                raise
            self._generation = generation
        return self._generation

    def _unpin(self) -> None:
        if self._pin is not None:
            os.close(self._pin)
            self._pin = None

    @_locked
    def refresh(self) -> bool:
        """Pick up an index written since this library was opened. True when something changed."""
        latest = store.current_generation(self.index_dir)
        if latest is None:
            return False
        if latest != self._generation:
            self._close_index()
            self._unpin()
            self._generation = None  # re-read, re-checked and pinned on next use
            return True
        if self._searcher is not None and not self._searcher.searcher.up_to_date():
            self._close_index()
            return True
        return False

    def changes(self) -> CorpusChanges:
        """Corpus files added, changed or deleted since the index was built (what it does not show yet), from
        their sizes and modification times: no file is opened, so a reader can ask every few seconds. An index
        that recorded nothing (built by an older Byline) reports every file as changed: re-index to be sure.

        The files are looked at without the library's lock (a million of them take seconds, and a search must
        not wait behind them); the index's record of them is read again only when it was written again."""
        from .ingest import CorpusChanges, corpus_changes, corpus_file_stats

        current = corpus_file_stats(self.corpus)
        with self._lock:
            generation = self.generation
            try:  # an update rewrites the record in the same generation: known by the file it is in
                found = (generation / store.FILE_STATS).stat()
                written: tuple = (generation, found.st_ino, found.st_mtime_ns, found.st_size)
            except OSError:
                written = (generation,)
            if self._file_stats is None or self._file_stats[0] != written:
                self._file_stats = (written, store.read_file_stats(generation))
            recorded = self._file_stats[1]
        if recorded is None:
            return CorpusChanges(changed=tuple(sorted(current)))
        return corpus_changes(recorded, current)

    def _close_index(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._searcher = self._ix = None
        self._catalog = None
        self._registry = None
        self._furniture_by_source = {}

    @_locked
    def close(self) -> None:
        self._close_index()
        self._unpin()
        self._generation = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cache(self) -> AnnotationCache:
        if self._cache is None:
            self._cache = self._open_cache(repair=False)
        return self._cache

    def _open_cache(self, *, repair: bool) -> AnnotationCache:
        """The annotation cache; a damaged one is refused with what to do, or, when ``repair`` (a build, which
        can annotate again), set aside and started afresh (see :meth:`index.storage.SqliteCache.open`)."""
        from .annotate import AnnotationCache

        return AnnotationCache.open(self.index_dir / store.ANNOTATIONS, repair=repair)

    @property
    def catalog(self) -> Catalog:
        """Every article's catalog row by id, in corpus order (compact: see :class:`Catalog`)."""
        if self._catalog is None:
            with collector_paused():
                records, self._annotator = store.read_catalog(self.generation, row=catalog_record)
                self._catalog = Catalog(records.values())
        return self._catalog

    @property
    def registry(self) -> EntityRegistry:
        if self._registry is None:
            from .entities import EntityRegistry, RegistryDamaged

            try:
                registry = EntityRegistry.load_checked(self.generation / store.ENTITIES)
            except RegistryDamaged as exc:
                raise store.IndexCorrupt(f"the entity table of the index is damaged ({exc}); `byline index` "
                                         "repairs it") from None
            registry.count_mentions_with(self._names_in)
            self._registry = registry
        return self._registry

    def _names_in(self, article_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """``(text, label)`` of every entity span of those of ``article_ids`` the index holds, as annotated (for
        counting the mentions of an entity an article reads on its own: :meth:`EntityRegistry.count_mentions_with`;
        read from the cache's JSON as it is, not made into spans: a third of the time on Reuters)."""
        import json
        import sqlite3

        from .annotate import AnnotationCache

        with self._lock:
            catalog = self.catalog
            keys = {article_id: AnnotationCache.key(catalog[article_id]["content_hash"], self._annotator)
                    for article_id in article_ids if article_id in catalog}
            try:
                found = self.cache.get_raw(keys.values())
            except sqlite3.DatabaseError:  # counted as the corpus reads them; opening an article says what is wrong
                return {}
        names = {}
        for article_id, key in keys.items():
            if key in found:
                spans = json.loads(found[key]).get("entities", ())
                names[article_id] = [(str(span["text"]), str(span["label"])) for span in spans]
        return names

    def _search_engine(self):
        if self._searcher is None:
            from .search import Searcher

            self._ix = store.open_whoosh(self.generation, for_search=True)
            try:
                self._searcher = Searcher(self._ix, self.registry)
            except Exception as exc:  # a damaged segment fails in many ways: EOFError, OSError, pickle errors
                self._ix.close()
                self._ix = None
                raise store.unreadable(self.generation, exc) from None
        return self._searcher

    # --- reading ----------------------------------------------------------------------------------------

    @_locked
    def articles(self) -> list[ArticleSummary]:
        """Every article in the index, in corpus order."""
        catalog = self.catalog
        if not catalog.complete:  # read row by row: a row without a field fails as it always did
            return [ArticleSummary(id=row["id"], title=row["title"], source=row["source"],
                                   published=row["published"], path=row["path"], words=row["words"])
                    for row in catalog.values()]
        return [
            ArticleSummary(id=article_id, title=title, source=source, published=published, path=path, words=words)
            for article_id, title, source, published, path, words in zip(
                *(catalog.column(name) for name in ("id", "title", "source", "published", "path", "words")),
                strict=True)
        ]

    def catalog_size(self) -> int:
        """The size in bytes of the article list :meth:`articles` reads (what reading it costs, to decide whether
        to read it before or after drawing); 0 when there is none to see."""
        try:
            return (self.generation / store.CATALOG).stat().st_size
        except (OSError, store.IndexProblem):
            return 0

    def __len__(self) -> int:
        return len(self.catalog)

    def resolve_id(self, ident: str) -> str:
        """An article id from its full id, a unique prefix of it, or the path of its corpus file (as given on a
        command line: from here or from the corpus; ``file.jsonl:7`` for a line of a JSONL file)."""
        if ident in self.catalog:
            return ident
        matches = [key for key in self.catalog if key.startswith(ident)] or self._ids_at_path(ident)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise KeyError(f"no article {ident!r}")
        raise KeyError(f"{ident!r} is ambiguous: {', '.join(sorted(matches)[:5])}")

    def _ids_at_path(self, ident: str) -> list[str]:
        name, colon, line = ident.rpartition(":")
        if not (colon and line.isdigit()):
            name, line = ident, ""
        root = self.corpus if self.corpus.is_dir() else self.corpus.parent
        wanted = {name.replace(os.sep, "/")}
        for base in (Path.cwd(), root):
            with contextlib.suppress(OSError, ValueError):
                path = (base / name).resolve()
                # A corpus that is one JSONL file names its lines ".:7".
                wanted.add("." if path == self.corpus.resolve() else path.relative_to(root.resolve()).as_posix())
        return [key for key, row in self.catalog.items()
                if (row["path"].rpartition(":")[0] if ":" in row["path"] else row["path"]) in wanted
                and (not line or row["path"].endswith(f":{line}"))]

    @_locked
    def article(self, ident: str) -> Article:
        """One article with its text, metadata and entity spans (canonical entities filled in)."""
        article_id = self.resolve_id(ident)
        row = self.catalog[article_id]
        with self._reading():
            stored = self._search_engine().searcher.document(id=article_id)
        if stored is None:
            raise KeyError(f"no article {ident!r} in the index; re-index with `byline index`")
        annotation = self._annotation(row["content_hash"], self._annotator)
        entities = tuple(self._with_canonical(span, article_id) for span in annotation.entities)
        entities = tuple(span for span in entities if span is not None)
        return Article(
            id=article_id,
            title=row["title"],
            text=stored.get("body", ""),
            source=row["source"],
            published=row["published"],
            published_from=row.get("published_from", ""),
            source_from=row.get("source_from", ""),
            language=row["language"],
            url=row["url"],
            author=row["author"],
            path=row["path"],
            content_hash=row["content_hash"],
            flags=tuple(row.get("flags", ())),
            entities=entities,
            sentences=annotation.sentences,
        )

    def _annotation(self, text_hash: str, fingerprint: str) -> Annotation:
        import sqlite3

        from .annotate import AnnotationCache

        key = AnnotationCache.key(text_hash, fingerprint)
        try:
            return self.cache.get_many([key]).get(key, Annotation())
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:
            raise cache_damaged(self.index_dir / store.ANNOTATIONS, exc, AnnotationCache.KIND) from None

    def _with_canonical(self, span: EntitySpan, article_id: str) -> EntitySpan | None:
        resolved = self.registry.canonical(span.text, span.label, article_id)
        if resolved is None:
            return None  # a mis-tag ("mosques" as an organisation)
        entity_id, name, label = resolved
        return replace(span, entity_id=entity_id, canonical=name, label=label)

    @_locked
    def search(self, query: str, *, limit: int = 20, highlight: bool = True, facets: bool = True) -> SearchResult:
        """Ranked hits for a query in Whoosh's language. Raises :class:`QueryError` on a malformed query."""
        with self._reading():
            return self._search_engine().search(query, limit=limit, highlight=highlight, facets=facets)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Whoosh reads a segment's parts when a query first needs them, so damage (a truncated or overwritten
        file) can surface in a search rather than at opening: reported as :class:`IndexCorrupt`, never as
        Whoosh's own errors."""
        try:
            yield
        except (EOFError, OSError, struct.error, zlib.error, pickle.UnpicklingError) as exc:
            raise store.unreadable(self.generation, exc) from None
        except Exception as exc:
            if type(exc).__name__ == "CorruptIndexError":  # whoosh.reading's, without importing it up front
                raise store.unreadable(self.generation, exc) from None
            raise

    @_locked
    def term_weights(self) -> Callable[[str], float]:
        """Corpus-wide weight (inverse document frequency) of an index term, for comparing articles."""
        return self._search_engine().term_weights()

    # --- comparing and grouping ------------------------------------------------------------------------------

    @_locked
    def compare(self, a: str, b: str) -> Comparison:
        """Two articles (ids, unique prefixes or corpus paths) side by side: aligned sentences, shared quotes,
        conflicting figures, entity differences; terms weighted by the whole corpus, and each source's site
        furniture (sentences recurring across its articles) left out."""
        from .compare import compare

        first, second = self.article(a), self.article(b)
        recurring = self._furniture(first) | self._furniture(second)
        return compare(first, second, weights=self.term_weights(), recurring=recurring)

    def _furniture(self, article: Article) -> frozenset[str]:
        """The site furniture of ``article``'s source, found once per source while this index is open."""
        from .compare import source_furniture

        if article.source not in self._furniture_by_source:
            self._furniture_by_source[article.source] = source_furniture(self, article)
        return self._furniture_by_source[article.source]

    def stories(self, *, refresh: bool = False, progress: ProgressCallback | None = None) -> StoryMap:
        """The corpus grouped into stories (cached with the index; regrouped after a build changed it).

        Grouping a large corpus the first time takes seconds (Reuters' 19,000 articles: about 5 s); ``progress``
        hears how it gets on. One grouping runs at a time; the library is held only while its files are read,
        so searches on other threads go on meanwhile."""
        from .stories import story_map

        with self._stories_lock:
            return story_map(self, refresh=refresh, report=_reporter(progress))

    def similar(self, ident: str, limit: int = 10) -> list[Neighbour]:
        """The articles most like one article, most alike first. (Not holding the library while the stories are
        grouped: :meth:`stories` takes the library's lock inside its own, never the other way round.)"""
        stories = self.stories()
        with self._lock:
            article_id = self.resolve_id(ident)
        return stories.similar(article_id, limit=limit)

    # --- entities -------------------------------------------------------------------------------------

    @_locked
    def entities(self, labels: Iterable[str] | None = None) -> list[CanonicalEntity]:
        """Every canonical entity of the corpus (of ``labels``: "PERSON", "ORG", ...), most mentioned first."""
        return self.registry.entities(labels)

    @_locked
    def entity(self, name: str, kinds: set[str] | None = None) -> CanonicalEntity:
        """The entity a name (any of its spellings, or its id) refers to; the most mentioned when several
        entities share it. ``kinds`` ("person", "org", "place", ...) narrows the choice. KeyError if none."""
        found = self.registry.find(name, kinds)
        if not found:
            raise KeyError(f"no entity named {name!r}")
        return found[0]

    @_locked
    def entity_coverage(self, name: str, article_ids: Iterable[str] | None = None,
                        kinds: set[str] | None = None) -> EntityCoverage:
        """Which articles of a group (default: the whole corpus) and which sources mention an entity, and
        which leave it out."""
        entity = self.entity(name, kinds)
        summaries = self.articles()
        if article_ids is not None:
            wanted = {self.resolve_id(i) for i in article_ids}
            summaries = [s for s in summaries if s.id in wanted]
        return self.registry.coverage(entity, summaries)

    def corrections_file(self) -> Path:
        """Where entity corrections are saved: the corpus's alias file, or one beside the index when the
        corpus cannot take it (the bundled seeds, a read-only folder, a single .jsonl file)."""
        from .aliases import corpus_alias_path

        target = corpus_alias_path(self.corpus)
        writable = (self.corpus.is_dir() and os.access(self.corpus, os.W_OK)
                    and (not target.exists() or os.access(target, os.W_OK)))
        if writable and self.corpus != bundled_corpus().resolve():
            return target
        return self.index_dir / ALIAS_FILE

    @contextlib.contextmanager
    def writing(self, lock_wait: float = 10.0) -> Iterator[None]:
        """Hold the corpus's writer lock, then the index's: one writer at a time for the corpus's files (its
        metadata, alias and web state files) and its index. Waits up to ``lock_wait`` seconds for each, then
        raises :class:`IndexLocked` naming the holder. The bundled seeds are never written: they have no lock."""
        with contextlib.ExitStack() as stack:
            if self.corpus != bundled_corpus().resolve():
                stack.enter_context(corpus_lock(self.corpus, wait=lock_wait))
            stack.enter_context(store.writer_lock(self.index_dir, wait=lock_wait))
            yield

    @_locked
    def merge_entities(self, names: Sequence[str], *, lock_wait: float = 10.0) -> CanonicalEntity:
        """Make the entities ``names`` refer to one entity (the first one's), and save that correction.

        Under the writer lock from reading the saved corrections to regrouping: two merges at once both land,
        and a merge refused because another process is writing has saved nothing."""
        from .entities import corrections

        with self.writing(lock_wait):
            self._refresh_registry()
            merged = corrections.merge(self.corrections_file(), self.entity, names)
            self._reresolve()
            return self.entity(merged)

    @_locked
    def split_entity(self, name: str, entity: str, *, lock_wait: float = 10.0) -> CanonicalEntity:
        """Take the name ``name`` out of the entity ``entity`` (a wrong merge), and save that correction.
        Returns the entity the name now belongs to."""
        from .entities import corrections

        with self.writing(lock_wait):
            self._refresh_registry()
            corrections.split(self.corrections_file(), self.entity, name, entity)
            self._reresolve()
            return self.entity(name)

    @_locked
    def drop_entity(self, name: str, *, lock_wait: float = 10.0) -> CanonicalEntity:
        """Say the entity ``name`` is no name at all (a mis-tag: "Revs" heading a table row), and save that
        correction. Its spans are no longer shown or counted. Returns the entity as it was."""
        from .entities import corrections

        with self.writing(lock_wait):
            self._refresh_registry()
            entity = corrections.drop(self.corrections_file(), self.entity, name)
            self._reresolve()
        return entity

    def _refresh_registry(self) -> None:
        """Under the writer lock: forget what was read before it, so a correction starts from what another
        writer saved meanwhile."""
        self.refresh()
        self._close_index()

    def _reresolve(self) -> None:
        """Regroup under the corrections as saved now, and seal the generation with the new table."""
        from .aliases import load_aliases
        from .entities.corrections import corrections_fingerprint, regroup

        path = self.generation / store.ENTITIES
        aliases = load_aliases(self.corpus, self.index_dir)
        registry = regroup(self.registry, aliases)
        registry.count_mentions_with(self._names_in)
        stamp = registry.save(path)
        store.write_format(self.generation, stamp, corrections_fingerprint(aliases))
        self._close_index()
        self._registry = registry

    # --- writing ----------------------------------------------------------------------------------------

    @_locked
    def build(
        self,
        *,
        rebuild: bool = False,
        jobs: int = 1,
        model: str | None = None,
        progress: ProgressCallback | None = None,
        lock_wait: float = 10.0,
        annotator: AnnotatorFactory | None = None,
    ) -> BuildReport:
        """Bring the index up to date with the corpus: an incremental update, or a full build when there is
        no index yet or ``rebuild`` is set. spaCy runs only on text not annotated before, where ``annotator``
        says (default: in this process, or ``jobs`` processes; see :mod:`index.cluster` for a Dask cluster).

        A disk that is full or an index folder this user cannot write raises :class:`IndexProblem` saying so
        and what to do; the previous index stays as it was."""
        import sqlite3

        if annotator is None:  # imported here: reading an index never needs the annotator's module
            from .annotate import Annotator

            annotator = Annotator
        try:
            return self._build(rebuild=rebuild, jobs=jobs, model=model, progress=progress, lock_wait=lock_wait,
                               annotator=annotator)
        except (OSError, sqlite3.OperationalError) as exc:
            problem = store.unwritable(self.index_dir, exc)
            if problem is None:
                raise
            raise problem from exc

    def _build(self, *, rebuild: bool, jobs: int, model: str | None, progress: ProgressCallback | None,
               lock_wait: float, annotator: AnnotatorFactory) -> BuildReport:
        from .build import Build, NeedEverything

        started = time.perf_counter()
        report = _reporter(progress)
        with self.writing(lock_wait):
            self._close_index()
            if self._cache is None:
                self._cache = self._open_cache(repair=True)
            build = Build(self.corpus, self.index_dir, self.columns, self._cache)
            try:
                built = build.run(rebuild=rebuild, jobs=jobs, model=model, report=report, quick=True,
                                  annotator=annotator)
            except NeedEverything:
                built = build.run(rebuild=rebuild, jobs=jobs, model=model, report=report, quick=False,
                                  annotator=annotator)
            if build.generation != self._generation:
                self._unpin()
                self._generation = None  # the new one, pinned on next use
        return replace(built, seconds=time.perf_counter() - started)
