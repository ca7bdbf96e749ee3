"""Every file Byline keeps, and the three ways it writes them: atomically, under one writer lock, in SQLite.

The names of the files live here and nowhere else. The corpus holds what a user may edit or keep (``byline.toml``,
``aliases.toml``, and ``.byline/`` with the web state and the corpus's writer lock); the index folder holds what
a build makes (see :mod:`index.store` for its layout).

- :func:`write_atomic` writes a file the only safe way: a uniquely named temporary file in the same folder,
  flushed to disk, read back and checked, then renamed over the old one. A crash at any point leaves the old
  file or the new one, never half of either, and two writers never share a temporary name.
- :func:`writer_lock` lets one process at a time write: an ``flock`` the kernel releases when its holder dies
  (a crashed writer leaves no stale lock), waited for briefly, then refused with the holder's name.
  :func:`corpus_lock` is the lock of a corpus: every command that writes the corpus's files takes it.
- :class:`SqliteCache` is a key-value table in SQLite (the annotation and story-feature caches): opened
  read-only where the folder cannot be written, and set aside and started afresh when damaged, if asked.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

# --- the files ----------------------------------------------------------------------------------------------

#: In the corpus folder (beside a single-file corpus).
SIDECAR = "byline.toml"
ALIAS_FILE = "aliases.toml"
STATE_DIR = ".byline"
STATE_FILE = "web.json"
#: In ``STATE_DIR``: the corpus's writer lock.
CORPUS_LOCK = "lock"

#: In the index folder.
CURRENT = "CURRENT"
LOCK = "lock"
ANNOTATIONS = "annotations.sqlite"
FEATURES_DB = "story-features.sqlite"
#: In each generation of the index.
CATALOG = "catalog.json"
#: The catalog rows an update changed or deleted since the catalog was last written whole, appended one update a
#: line (see ``store.write_catalog``).
CATALOG_JOURNAL = "catalog.journal"
#: Size and modification time of each corpus file as the build read it, to tell what changed since.
FILE_STATS = "files.json"
#: What the build skipped or decoded with a fallback, so an update that reads only the changed files still reports
#: the rest.
SCAN_NOTES = "skipped.json"
#: The table columns named by the user (``--columns``) the build read the corpus with, so updates read it alike.
COLUMNS = "columns.json"
FORMAT = "FORMAT.json"
#: The entity table (binary columns: see ``index.entities.registry``), and its detail file beside it.
ENTITIES = "entities.table"
#: The entity table as Byline wrote it before (JSON), still read where no :data:`ENTITIES` is newer.
ENTITIES_JSON = "entities.json"
ENTITIES_DETAIL = "entities.detail.json"
STORIES_FILE = "stories.json"
#: Readers hold a shared lock on it while they have the generation open (see ``store.pin_generation``).
READERS = "readers"


# --- errors ---------------------------------------------------------------------------------------------------

class IndexProblem(RuntimeError):
    """Base of the engine's own errors about what it keeps on disk; the message says what to do."""


class IndexMissing(IndexProblem):
    pass


class IndexLocked(IndexProblem):
    """Another process is writing (the index, or the corpus's files); the message names it."""


class IndexCorrupt(IndexProblem):
    pass


class IndexOfAnotherCorpus(IndexProblem):
    """The index folder holds the index of another corpus (an ``--index-dir`` mistyped, or one folder given two
    corpora): never read as this corpus's, never updated into it; only a rebuild replaces it."""


class FileInvalid(IndexProblem):
    """What was about to be written does not read back as it should; nothing was replaced."""


# --- large tables in memory -----------------------------------------------------------------------------------

def collector_paused() -> CollectorPause:
    """Python's cycle collector paused while a large table (the catalog, the entity table) is read, regrouped or
    written: that makes hundreds of thousands of small containers, none of them in a cycle, and meanwhile the
    collector would walk every object of the process (a reader's interface included) again and again, finding
    nothing: a third of reading Reuters' catalog, half of an update's regroup. Whatever is left in cycles is
    collected when it resumes. Used as ``with collector_paused() as pause:``; ``pause.resumed()`` lets it run
    for a step meanwhile."""
    return CollectorPause()


class CollectorPause:
    """The cycle collector paused from ``with`` to the end of the block (see :func:`collector_paused`)."""

    def __init__(self) -> None:
        self.was_on = False

    def __enter__(self) -> CollectorPause:
        import gc

        self.was_on = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        import gc

        if self.was_on:
            gc.enable()

    @contextlib.contextmanager
    def resumed(self) -> Iterator[None]:
        """The collector running meanwhile, if it ran before the pause: for a step that may leave many objects in
        cycles (spaCy annotating many articles)."""
        import gc

        if self.was_on:
            gc.enable()
        try:
            yield
        finally:
            gc.disable()


# --- writing a file -----------------------------------------------------------------------------------------

def write_atomic(path: Path, data: str | bytes, *, check: Callable[[bytes], object] | None = None) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) so that a crash leaves the old file or the new
    one. The new content is read back from the disk and must equal what was written and pass ``check`` (which
    raises on bad content); else :class:`FileInvalid` is raised and the old file stays."""
    import tempfile  # here, as socket and sqlite3 below: a search or the reader's start writes nothing

    payload = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        written = Path(tmp).read_bytes()
        if written != payload:
            raise FileInvalid(f"{path}: what was written did not read back the same; the old file is kept")
        if check is not None:
            try:
                check(written)
            except (ValueError, TypeError, KeyError) as exc:
                raise FileInvalid(f"{path}: refusing to write content that does not read back ({exc}); "
                                  "the old file is kept") from None
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_json(path: Path, data: Any, *, indent: int | None = None) -> None:
    """:func:`write_atomic` of ``data`` as JSON (compact unless ``indent``), checked to read back as written.

    What ``json.dumps`` writes parses whenever it is valid UTF-8 (a lone surrogate in a string is not, and is
    refused), so the bytes read back are decoded, not parsed again: the entity table and the catalog of a large
    corpus took longer to parse than to write."""
    # Without the encoder's check for cycles (what is written here is plain data, read back from JSON or built as
    # such): a tenth of writing the catalog whole. A cycle would end in RecursionError.
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":"),
                      check_circular=False)
    write_atomic(path, text + ("\n" if indent else ""), check=_decodes)


def _decodes(written: bytes) -> None:
    written.decode("utf-8")


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path``, or None when it holds more than ``limit`` bytes (never more than that is read)."""
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as handle:
        while total <= limit:
            # In pieces: ``read(limit + 1)`` would allocate the whole limit for every small file.
            chunk = handle.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    return None if total > limit else b"".join(chunks)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (best effort: not every file system lets a folder be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- one writer at a time -------------------------------------------------------------------------------

#: Locks this process holds: path -> (descriptor, holding thread, depth). A thread that holds a lock may take it
#: again (a merge that re-resolves, an add that indexes); another thread of the process waits like another
#: process would (``flock`` conflicts between two opens of one file).
_held: dict[str, tuple[int, int, int]] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def writer_lock(path: Path, wait: float = 10.0, *, what: str | None = None) -> Iterator[None]:
    """Hold the lock file ``path``; wait up to ``wait`` seconds, then raise :class:`IndexLocked` naming the
    holder ("the {what} is being written by process ... on ... since ...").

    The lock is an ``flock``, so the kernel releases it when its holder dies: a lock left by a crashed process is
    never stale. Processes forked while it is held (spaCy's workers with ``--jobs``) do not keep it, and die with
    the holder (see ``_after_fork_in_child``)."""
    import fcntl

    key = str(path)
    me = threading.get_ident()
    with _held_guard:
        held = _held.get(key)
        if held is not None and held[1] == me:
            _held[key] = (held[0], me, held[2] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                fd, owner, depth = _held[key]
                _held[key] = (fd, owner, depth - 1)
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    acquired = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLocked(lock_message(path, what)) from None
                time.sleep(0.05)
        acquired = True
        with _held_guard:
            _held[key] = (fd, me, 1)
        os.ftruncate(fd, 0)
        import socket

        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.write(fd, json.dumps(holder).encode())
        yield
    finally:
        with _held_guard:
            _held.pop(key, None)
        if acquired:  # a process that only waited must not wipe the holder's name
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        os.close(fd)


def lock_message(path: Path, what: str | None = None) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    if not isinstance(holder, dict):
        holder = {}
    who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')} since {holder.get('since', '?')}"
    return f"the {what or 'index at ' + str(path.parent)} is being written by {who}; try again when it has finished"


def corpus_lock_path(corpus: Path) -> Path:
    """The writer lock of a corpus: in its ``.byline`` folder (beside a single-file corpus)."""
    folder = corpus if corpus.is_dir() else corpus.parent
    return folder / STATE_DIR / CORPUS_LOCK


@contextlib.contextmanager
def corpus_lock(corpus: Path, wait: float = 10.0) -> Iterator[None]:
    """Hold the writer lock of ``corpus``: one process at a time writes its ``byline.toml``, ``aliases.toml``,
    web state, and (with the index's own lock, taken after this one) its index. A corpus folder this user cannot
    write has no lock: nothing here can write its files either; nor has a corpus that is one file (a .jsonl):
    nothing is written beside it (its corrections are kept beside the index), so no ``.byline`` folder is made
    in the folder that holds it, and two indexes of one such file are built at once."""
    if not corpus.is_dir():
        yield
        return
    path = corpus_lock_path(corpus)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            yield
            return
        raise
    with writer_lock(path, wait, what=f"corpus at {path.parent.parent}"):
        yield


def _after_fork_in_child() -> None:
    """In a process forked while a write lock is held: let go of the lock's descriptor (else the lock outlives
    a holder killed with ``kill -9``, as long as its orphaned spaCy workers live: for ever), and ask Linux to
    kill this process when its parent dies, so a killed build leaves no workers behind."""
    if not _held:
        return
    for fd, _owner, _depth in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


os.register_at_fork(after_in_child=_after_fork_in_child)


# --- SQLite caches --------------------------------------------------------------------------------------------

class SqliteCache:
    """A table of ``key -> data`` (text) in SQLite, beside the index, shared by its generations.

    Subclasses name their :attr:`TABLE` and decode :meth:`get_raw` results. Open with :meth:`open`, which
    knows what to do with a cache that is read-only or damaged."""

    TABLE = "entries"
    #: What the cache is called in messages.
    KIND = "cache"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        import sqlite3

        self.path = path
        if read_only:
            # Immutable: SQLite writes nothing, not even its WAL index, so a cache in a folder this user cannot
            # write (another user's, a read-only disk) can still be read.
            uri = f"{path.resolve().as_uri()}?immutable=1"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the reader reads from worker threads (callers serialise access).
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} (key TEXT PRIMARY KEY, data TEXT NOT NULL)")
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open(cls, path: Path, *, repair: bool):
        """The cache at ``path``. A damaged one (not a database, or a malformed one) is refused with what to do,
        or, when ``repair`` (a caller that can compute its contents again), set aside as ``<name>.damaged`` and
        started afresh. A locked or unwritable cache is not damaged and is never set aside; one this user may
        read but not write is opened read-only."""
        import sqlite3

        try:
            try:
                cache = cls(path)
            except sqlite3.OperationalError:
                if repair or not path.is_file():
                    raise
                cache = cls(path, read_only=True)
            try:
                cache.get_raw(["integrity probe"])
            except BaseException:
                cache.close()
                raise
            return cache
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:
            if not repair:
                raise cache_damaged(path, exc, cls.KIND) from None
        os.replace(path, path.with_name(path.name + ".damaged"))
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return cls(path)

    def get_raw(self, keys: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"SELECT key, data FROM {self.TABLE} WHERE key IN ({marks})", chunk))
        return found

    def missing(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        present: set[str] = set()
        listed = list(wanted)
        for i in range(0, len(listed), 500):
            chunk = listed[i : i + 500]
            marks = ",".join("?" * len(chunk))
            present.update(k for (k,) in self._db.execute(f"SELECT key FROM {self.TABLE} WHERE key IN ({marks})",
                                                          chunk))
        return wanted - present

    def put_raw(self, items: Iterable[tuple[str, str]]) -> None:
        with self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO {self.TABLE} (key, data) VALUES (?, ?)", items)

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cache_damaged(path: Path, error: Exception, kind: str = "cache") -> IndexCorrupt:
    return IndexCorrupt(f"the {kind} {path} is damaged ({error}); rebuild the index with `byline index --rebuild`, "
                        "which starts a new one")
