"""The index on disk: where it lives, who may write it, and how builds and updates land.

Layout of one corpus's index folder::

    CURRENT              name of the generation in use (replaced atomically)
    gen-<stamp>/         a Whoosh index + catalog.json (one row per article; catalog.journal beside it holds the
                         rows updates changed since) + entities.table (the entity table, binary columns; an index
                         built before has entities.json) + entities.detail.json
    annotations.sqlite   spaCy results by content hash, shared by all generations
    lock                 held (flock) by the one process writing; says who it is

A full build writes a new generation beside the current one and then swaps ``CURRENT``: a crash leaves the old
generation in use. An incremental update writes into the current generation through Whoosh's own atomic
commit, then rewrites the catalog and entity files atomically. All Whoosh writing lives here.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import storage
from .forking import can_fork, fork, reap
from .models import LABEL_KINDS, Annotation, Article, Skipped, label_kind
from .storage import (  # noqa: F401  (the names and errors of the index, re-exported for its callers)
    ANNOTATIONS,
    CATALOG,
    CATALOG_JOURNAL,
    COLUMNS,
    CURRENT,
    ENTITIES,
    FILE_STATS,
    FORMAT,
    LOCK,
    READERS,
    SCAN_NOTES,
    FileInvalid,
    IndexCorrupt,
    IndexLocked,
    IndexMissing,
    IndexOfAnotherCorpus,
    IndexProblem,
    write_atomic,
    write_json,
)

#: The index's format. 2: stop words indexed at their positions (marked ``=the``) and text in NFC, so that a
#: phrase finds its small words; an index of format 1 has neither and must be rebuilt. 3: an entity name's key
#: (``entities.normalise_name``) drops an editor's square brackets and writes dotted initials as one word, so the
#: keys a format-2 index's documents hold would miss the keys a search asks for: such an index is rebuilt (its
#: annotations reused) by the next ``byline index``. 4: the keys of names of the kinds with no query field of their
#: own (events, laws, products, works, languages) are in a field of their own (:data:`KIND_FIELDS`), so that an
#: ``entity:`` search looks each name of an entity up as the kind it is (a format-3 index has them only in
#: ``entity``, beside every date and number: ``entity:"May"`` found the month); and a lower-case span, no name to
#: the entity registry, is no longer in the fields of a kind (``org:Treasury`` found "the treasury").
FORMAT_VERSION = 4
#: The entity registry's format (entities.table; entities.json before), written by this version; an index whose
#: registry is of a format not in ``REGISTRY_READABLE`` must be rebuilt. 3: the surface map saved as sorted flat
#: arrays (read without building anything; three times faster to load than 2's nested lists, which are still read).
#: Kept here, not in entities, so that checking an index's format does not import entity resolution.
REGISTRY_VERSION = 3
REGISTRY_READABLE = (2, 3)

#: Entity kinds that get a query field of their own (``person:``, ``org:``, ``place:``, ``group:``).
ENTITY_FIELDS = ("person", "org", "place", "group")
#: The fields that hold the keys of the names of one kind each (the labels entities are resolved from): those of
#: :data:`ENTITY_FIELDS` and ``other`` (events, laws, products, ...; searched by ``entity:``, not by a field of its
#: own). ``entity`` holds the keys of every span, dates and numbers too.
KIND_FIELDS = (*ENTITY_FIELDS, "other")
#: A per-document column of the keys an article has in each of :data:`ENTITY_FIELDS` (the terms of those fields'
#: vectors, in one value): the entity facets read it instead of four term vectors a document (half the time of
#: the first search after opening). An index written before it has no such column and is read from the vectors.
ENTITY_KEYS = "entity_keys"
#: What separates the keys of one field, and the fields, in an :data:`ENTITY_KEYS` value. Keys never hold them:
#: a name's key has its whitespace collapsed, and Python counts both as whitespace.
_KEY_SEP, _FIELD_SEP = "\x1f", "\x1e"


def encode_entity_keys(terms: Mapping[str, Sequence[str]]) -> bytes:
    """The :data:`ENTITY_KEYS` value of an article whose keys per entity field are ``terms``."""
    return _FIELD_SEP.join(_KEY_SEP.join(terms.get(field, ())) for field in ENTITY_FIELDS).encode("utf-8")


def decode_entity_keys(value: bytes) -> list[tuple[str, str]]:
    """``(field, key)`` for every key in an :data:`ENTITY_KEYS` value (what :func:`encode_entity_keys` wrote)."""
    if not value:
        return []
    return [(field, key)
            for field, keys in zip(ENTITY_FIELDS, value.decode("utf-8").split(_FIELD_SEP), strict=False)
            for key in keys.split(_KEY_SEP) if key]


def make_schema():
    """The Whoosh schema (Whoosh is imported here, not at start-up: reading the catalog does not need it)."""
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    from .analysis import news_analyzer

    analyzer = news_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0, multitoken_query="phrase"),
        body=TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        source=TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        source_facet=ID(sortable=True),
        published=DATETIME(stored=True, sortable=True),
        entity=KEYWORD(commas=True, lowercase=False, scorable=True),
        person=KEYWORD(commas=True, lowercase=False, vector=True),
        org=KEYWORD(commas=True, lowercase=False, vector=True),
        place=KEYWORD(commas=True, lowercase=False, vector=True),
        group=KEYWORD(commas=True, lowercase=False, vector=True),
        other=KEYWORD(commas=True, lowercase=False),
        entity_keys=COLUMN(VarBytesColumn()),
        language=ID(stored=True),
        content_hash=STORED,
        words=NUMERIC(stored=True),
    )


# --- where the index lives ------------------------------------------------------------------------------

def default_index_dir(corpus: Path) -> Path:
    """One index per corpus path, under the user's cache directory."""
    import hashlib

    from platformdirs import user_cache_dir

    base = os.environ.get("BYLINE_CACHE_DIR") or user_cache_dir("byline", appauthor=False)
    resolved = corpus.resolve()
    digest = hashlib.sha1(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in resolved.name)[:40] or "corpus"
    return Path(base) / "indexes" / f"{name}-{digest}"


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = index_dir / name
    return path if name and path.is_dir() else None


def _set_current(index_dir: Path, generation: Path) -> None:
    write_atomic(index_dir / CURRENT, generation.name)


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Drop generations no longer current, except the previous one and any a reader still has open (pinned):
    a later build removes those. Removing a generation under a reader used to leave it with half an index
    (the entity details it loads on demand gone: ``IndexError`` in ``entities()``)."""
    import fcntl

    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    for path in gens:
        if path.name in keep:
            continue
        try:
            fd = os.open(path / READERS, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            shutil.rmtree(path, ignore_errors=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # pinned by a reader
        else:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


def pin_generation(generation: Path) -> int | None:
    """A shared lock on ``generation``, held while a reader has it open, so no build removes it meanwhile
    (release with ``os.close``). None when it cannot be had: an index this user may not write, or a generation
    being removed (then CURRENT names a newer one)."""
    import fcntl

    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            fd = os.open(generation / READERS, flags, 0o644)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd
    return None


# --- one writer at a time -------------------------------------------------------------------------------

def writer_lock(index_dir: Path, wait: float = 10.0):
    """Hold the index's write lock; wait up to ``wait`` seconds, then say who holds it (see
    :func:`index.storage.writer_lock`)."""
    return storage.writer_lock(index_dir / LOCK, wait)


# --- what the index holds per article -------------------------------------------------------------------

def record_hash(article: Article) -> str:
    """Changes whenever anything indexed about the article changes (text or metadata)."""
    import hashlib  # here, not at the top: reading a catalog (`byline list`) never hashes (OpenSSL starts in 5 ms)

    meta = [article.title, article.source, article.published, article.language, article.url, article.author,
            article.path, article.content_hash]
    if article.published_from or article.source_from:
        meta += [article.published_from, article.source_from]
    return hashlib.sha1(json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def catalog_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "published_from": article.published_from,
        "source_from": article.source_from,
        "language": article.language,
        "url": article.url,
        "author": article.author,
        "path": article.path,
        "flags": list(article.flags),
        "words": article.words,
        "content_hash": article.content_hash,
        "record": record_hash(article),
    }


def _entity_terms(annotation: Annotation, normalise: Callable[[str], str]) -> dict[str, list[str]]:
    terms: dict[str, set[str]] = {"entity": set(), **{name: set() for name in KIND_FIELDS}}
    for span in annotation.entities:
        key = normalise(span.text).replace(",", " ").strip()
        if not key:
            continue
        terms["entity"].add(key)
        # A label of its own is only in `entity`; so is a lower-case span ("treasury"), which the entity registry
        # takes for no name (an article names no entity by it, and `org:Treasury` must not find it there).
        kind = label_kind(span.label) if span.label in LABEL_KINDS and not span.text.islower() else ""
        if kind in terms:
            terms[kind].add(key)
    return {name: sorted(values) for name, values in terms.items()}


def document_fields(article: Article, annotation: Annotation, normalise: Callable[[str], str]) -> dict[str, Any]:
    from datetime import datetime

    fields: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.text,
        "source": article.source,
        "source_facet": article.source or "(unknown source)",
        "language": article.language,
        "content_hash": article.content_hash,
        "words": article.words,
    }
    if article.published:
        fields["published"] = datetime.fromisoformat(article.published)
    terms = _entity_terms(annotation, normalise)
    for name, values in terms.items():
        if values:
            fields[name] = ",".join(values)
    if any(terms[name] for name in ENTITY_FIELDS):
        fields[ENTITY_KEYS] = encode_entity_keys(terms)
    return fields


# --- reading and writing a generation -------------------------------------------------------------------

def _format() -> dict[str, int]:
    return {"index": FORMAT_VERSION, "entities": REGISTRY_VERSION}


def check_format(generation: Path) -> None:
    """Refuse a generation written by another version of Byline (or half written), saying what to do."""
    found = read_format(generation)
    if found.get("index") != FORMAT_VERSION or found.get("entities") not in REGISTRY_READABLE:
        raise IndexCorrupt(f"the index at {generation.parent} is from another version of Byline or incomplete; "
                           "rebuild it with `byline index --rebuild`")


def read_format(generation: Path) -> dict[str, Any]:
    """What :func:`write_format` recorded; empty when it is missing or damaged."""
    try:
        found = json.loads((generation / FORMAT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_format(generation: Path, entities_stamp: str, corrections: str) -> None:
    """Seal a generation: written last by every build and correction, it names the entity table that belongs to
    the catalog (by the stamp the table was saved with) and the corrections it was grouped under. A build
    interrupted before it leaves a mismatch the next update sees and repairs."""
    seal = {**_format(), "entities_stamp": entities_stamp, "corrections": corrections}
    if read_format(generation) != seal:  # an update that left the entities as they were: as it was, not rewritten
        write_json(generation / FORMAT, seal)


def read_catalog(generation: Path, *, row: Callable[[dict[str, Any]], Sequence] | None = None,
                 ) -> tuple[dict[str, Any], str]:
    """The catalog rows by id (in id order), and the fingerprint of the annotator whose results the index holds:
    the catalog as last written whole, with the updates its journal holds since (:func:`write_catalog`).

    With ``row``, each row is kept as ``row`` makes it from the row read (a sequence whose first item is the
    id), as soon as it is decoded: the rows as read never all exist at once (a reader keeping a compact copy
    needs a fraction of the memory at its peak: 200,000 rows as dictionaries are about 250 MB)."""
    check_format(generation)
    try:
        # The journal opened first: a catalog written whole after that (a new token) makes the journal opened
        # here one it no longer names, and ignored; opened the other way round, the old catalog could be read
        # without the journal that was just folded into the new one.
        journal = _open_journal(generation)
        try:
            raw = (generation / CATALOG).read_bytes()
            entries = _journal_entries(journal.read(), _journal_token(raw)) if journal is not None else []
        finally:
            if journal is not None:
                journal.close()
        if row is None:
            data = json.loads(raw.decode("utf-8"))
            rows = {read["id"]: read for read in data["articles"]}
        else:  # every object in the file but the outer one is a row (rows are flat)
            make = row
            data = json.loads(raw.decode("utf-8"), object_hook=lambda read: read if "articles" in read else make(read))
            rows = {kept[0]: kept for kept in data["articles"]}
        annotator = str(data.get("annotator", ""))
        added = False
        for entry in entries:
            for read in entry["rows"]:
                added = added or read["id"] not in rows
                rows[read["id"]] = read if row is None else row(read)
            for article_id in entry["deleted"]:
                del rows[article_id]
            annotator = str(entry["annotator"])
        if added:  # in id order, as the catalog written whole holds them
            rows = {key: rows[key] for key in sorted(rows)}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(f"the index catalog at {generation} is unreadable ({exc.__class__.__name__}); "
                           "rebuild it with `byline index --rebuild`") from None
    return rows, annotator


def write_catalog(generation: Path, corpus: Path, rows: Mapping[str, dict[str, Any]], annotator: str, *,
                  previous: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Write the catalog (one row per article); :func:`write_format` seals it.

    With ``previous`` (what :func:`read_catalog` read of this generation before the update), only the rows that
    differ from it and the ids gone are appended to the catalog's journal, one line (checked, synced): an edit
    writes a few hundred bytes, not the whole catalog (6 MB on Reuters, a tenth of a second). The catalog is
    written whole (atomically, with a new token, the journal then removed) when there is no ``previous``, when
    the catalog was written before journals were (it is upgraded so) and when the journal would outgrow an
    eighth of the catalog."""
    if previous is not None and _append_to_journal(generation, corpus, rows, annotator, previous):
        return
    token = os.urandom(8).hex()
    # The token first: an update reads it from the first bytes alone (_journal_token).
    data = {"journal": token, "corpus": str(corpus), "annotator": annotator,
            "articles": [rows[key] for key in sorted(rows)]}
    write_json(generation / CATALOG, data)
    with contextlib.suppress(FileNotFoundError):  # names the old token: ignored if left by a crash here
        (generation / CATALOG_JOURNAL).unlink()


def catalog_corpus(generation: Path) -> str | None:
    """The corpus the catalog of ``generation`` was last written for: as its journal's last update recorded it,
    else as :func:`write_catalog` did. Read from the first bytes of the catalog and of the journal's last line
    (the token and the corpus come first in both), never the whole of either: every open of an index asks. None
    when it cannot be told."""
    try:
        with open(generation / CATALOG, "rb") as handle:
            head = handle.read(1 << 16)
        token = _journal_token(head)
        last = _last_journal_line(generation) if token is not None else b""
        entry = last.partition(b" ")[2]
        ours = token is not None and entry.startswith(_TOKEN_START + token.encode("ascii") + b'"')
        source = entry if ours else head
        text = source.decode("utf-8", errors="replace")
        key = text.find('"corpus":')
        value = len(text) - len(text[key + len('"corpus":'):].lstrip()) if key >= 0 else -1
        corpus = json.JSONDecoder().raw_decode(text, value)[0] if key >= 0 else None
    except (OSError, ValueError):
        return None
    return corpus if isinstance(corpus, str) else None


def _last_journal_line(generation: Path) -> bytes:
    """The first bytes (up to 64 KB) of the catalog journal's last complete line; empty when there is none."""
    journal = _open_journal(generation)
    if journal is None:
        return b""
    with journal:
        position = journal.seek(0, os.SEEK_END)
        data = b""
        while position > 0:
            step = min(1 << 16, position)
            position -= step
            journal.seek(position)
            data = journal.read(step) + data
            end = data.rfind(b"\n")
            if end < 0:
                continue  # an unfinished line only, so far
            start = data.rfind(b"\n", 0, end) + 1
            if start or position == 0:
                return data[start:min(end, start + (1 << 16))]
    return b""


def check_corpus(generation: Path, corpus: Path, index_dir: Path) -> None:
    """Raise :class:`IndexOfAnotherCorpus` when ``generation`` was written for a corpus other than ``corpus``."""
    recorded = catalog_corpus(generation)
    if recorded is not None and recorded != str(corpus) and not _moved_here(generation, Path(recorded), corpus):
        from shlex import quote

        command = f"byline index {quote(str(corpus))} --index-dir {quote(str(index_dir))} --rebuild"
        raise IndexOfAnotherCorpus(
            f"{index_dir} holds the index of {recorded}, not of {corpus}: give this corpus another --index-dir, or "
            f"replace that index with this corpus's: `{command}`")


def _moved_here(generation: Path, recorded: Path, corpus: Path) -> bool:
    """Whether ``corpus`` is the corpus the index was built from, moved or copied since: a file of the same name,
    or a folder holding at least half of (a sample of) the files the index was built from."""
    if corpus.is_file() or not corpus.exists():
        return corpus.name == recorded.name
    paths = [path for path in (read_file_stats(generation) or {}) if not path.endswith(".toml")]
    sample = paths[:: max(1, len(paths) // 16)][:16]
    return bool(sample) and 2 * sum((corpus / path).exists() for path in sample) >= len(sample)


#: A journal no larger than this is kept whatever the catalog's size (a small corpus's catalog is a few KB).
JOURNAL_FLOOR = 1 << 16
_TOKEN_START = b'{"journal":"'


def _journal_token(raw: bytes) -> str | None:
    """The token of the catalog whose bytes start with ``raw`` (what :func:`write_catalog` wrote first), or None
    for a catalog written before journals were."""
    if not raw.startswith(_TOKEN_START):
        return None
    end = raw.find(b'"', len(_TOKEN_START))
    token = raw[len(_TOKEN_START):end] if end > 0 else b""
    return token.decode("ascii") if 0 < len(token) <= 64 and token.isalnum() else None


def _open_journal(generation: Path):
    try:
        return open(generation / CATALOG_JOURNAL, "rb")
    except FileNotFoundError:
        return None


def _journal_lines(data: bytes) -> tuple[list[bytes], int]:
    """The complete lines of a journal's bytes, and the length they take: a last line without its line end is one
    an update is appending now (or was, when it was interrupted): not written yet, so not read."""
    end = data.rfind(b"\n") + 1
    return data[:end].splitlines(), end


def _journal_entries(data: bytes, token: str | None) -> list[dict[str, Any]]:
    """The entries of a journal (each checked: a line damaged raises ``ValueError``) that belong to the catalog of
    ``token``; none when it names another (the catalog was written whole since, with every row)."""
    entries = []
    for line in _journal_lines(data)[0]:
        checksum, _, payload = line.partition(b" ")
        if len(checksum) != 8 or int(checksum, 16) != zlib.crc32(payload):
            raise ValueError("a line of the catalog's journal is damaged")
        entry = json.loads(payload.decode("utf-8"))
        if not (isinstance(entry, dict) and isinstance(entry.get("rows"), list)
                and isinstance(entry.get("deleted"), list) and isinstance(entry.get("annotator"), str)):
            raise ValueError("a line of the catalog's journal is not an update")
        entries.append(entry)
    if token is None or any(entry.get("journal") != token for entry in entries):
        return []
    return entries


def _append_to_journal(generation: Path, corpus: Path, rows: Mapping[str, dict[str, Any]], annotator: str,
                       previous: Mapping[str, dict[str, Any]]) -> bool:
    """Append what differs between ``previous`` and ``rows`` to the catalog's journal; False (nothing written) when
    the catalog must be written whole instead."""
    path = generation / CATALOG
    try:
        with open(path, "rb") as handle:
            token = _journal_token(handle.read(len(_TOKEN_START) + 65))
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return False
    if token is None:
        return False  # written before journals were: written whole, once
    changed = [row for key, row in rows.items() if (old := previous.get(key)) is not row and old != row]
    deleted = [key for key in previous if key not in rows]
    entry = {"journal": token, "corpus": str(corpus), "annotator": annotator, "rows": changed, "deleted": deleted}
    try:
        payload = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), check_circular=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written whole, write_json says what is wrong
        return False
    line = b"%08x %s\n" % (zlib.crc32(payload), payload)
    journal_path = generation / CATALOG_JOURNAL
    descriptor = os.open(journal_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with os.fdopen(descriptor, "r+b") as journal:
            data = journal.read()
            _, end = _journal_lines(data)
            if _journal_entries(data, token) == [] and end:  # another catalog's: this one starts afresh
                end = 0
            if end + len(line) > max(size // 8, JOURNAL_FLOOR):
                return False
            journal.seek(end)
            journal.truncate()  # a line an interrupted update left unfinished
            journal.write(line)
            journal.flush()
            os.fsync(journal.fileno())
            journal.seek(end)
            if journal.read() != line:
                raise FileInvalid(f"{journal_path}: what was appended did not read back the same")
    except ValueError:  # a damaged journal (never read as the catalog: read_catalog refuses it): written whole
        return False
    return True


def write_file_stats(generation: Path, stats: Mapping[str, tuple[int, int]]) -> None:
    """Record each corpus file's size and modification time: three flat lists (19,000 files on Reuters read in a
    few milliseconds; a map of a pair a file, as written before, took 20-30)."""
    write_json(generation / FILE_STATS, {"format": 2, "paths": list(stats),
                                         "sizes": [size for size, _ in stats.values()],
                                         "mtimes": [mtime for _, mtime in stats.values()]})


def read_file_stats(generation: Path) -> dict[str, tuple[int, int]] | None:
    """What :func:`write_file_stats` recorded (or the map an earlier Byline wrote); None for an index built before
    it was recorded, or damaged."""
    try:
        data = json.loads((generation / FILE_STATS).read_text(encoding="utf-8"))
        if data.get("format") != 2:  # a path a pair (no file of a corpus is named "format": it has no suffix)
            return {str(path): (int(size), int(mtime)) for path, (size, mtime) in data.items()}
        paths, sizes, mtimes = data["paths"], data["sizes"], data["mtimes"]
        if not (isinstance(paths, list) and isinstance(sizes, list) and isinstance(mtimes, list)
                and len(paths) == len(sizes) == len(mtimes) and all(type(p) is str for p in paths)
                and all(type(n) is int for n in sizes) and all(type(n) is int for n in mtimes)):
            return None
        return dict(zip(paths, zip(sizes, mtimes, strict=True), strict=True))
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return None


def write_columns(generation: Path, columns: Mapping[str, str]) -> None:
    if not (generation / COLUMNS).is_file() or read_columns(generation) != columns:  # else left as it is
        write_json(generation / COLUMNS, dict(columns))


def read_columns(generation: Path | None) -> dict[str, str]:
    """What :func:`write_columns` recorded (empty when nothing was named, or unreadable)."""
    try:
        data = json.loads((generation / COLUMNS).read_text(encoding="utf-8")) if generation is not None else {}
        return {str(k): str(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def write_scan_notes(generation: Path, skipped: Sequence[Skipped], flagged: Sequence[Skipped]) -> None:
    if read_scan_notes(generation) == (list(skipped), list(flagged)):  # as recorded: left as it is (one sync less)
        return
    write_json(generation / SCAN_NOTES, {"skipped": [s.to_dict() for s in skipped],
                                         "flagged": [s.to_dict() for s in flagged]})


def read_scan_notes(generation: Path) -> tuple[list[Skipped], list[Skipped]] | None:
    """What :func:`write_scan_notes` recorded (skipped, flagged); None when absent or damaged."""
    try:
        data = json.loads((generation / SCAN_NOTES).read_text(encoding="utf-8"))
        return ([Skipped(**item) for item in data["skipped"]], [Skipped(**item) for item in data["flagged"]])
    except (OSError, ValueError, TypeError, KeyError):
        return None


class Change:
    """What an update does to the index: documents to (re)write and ids to delete. (A plain class: a dataclass
    is generated at import, in every process that imports the store, a search's too.)"""

    __slots__ = ("delete", "write")

    def __init__(self, write: list[tuple[Article, Annotation]], delete: list[str]) -> None:
        self.write = write
        self.delete = delete


def new_generation(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path.mkdir(parents=True)
    return path


def write_documents(
    generation: Path,
    change: Change,
    normalise: Callable[[str], str],
    *,
    create: bool,
    progress: Callable[[int, int, str], None] | None = None,
    procs: int = 1,
) -> None:
    """Write ``change`` into the Whoosh index in ``generation`` (creating it when ``create``).

    A new index is written by ``procs`` processes, each a segment of consecutive documents (:func:`_write_apart`;
    not merged: merging cost as much as it saved, and searching two segments is as fast as one), each writer
    holding its postings by term in memory (:func:`_appending_writer`), not in Whoosh's sorted runs on disk.
    Reuters, 19,043 articles: about 21 s of CPU in all, with one process or two (42 s before, in one)."""
    from whoosh import index as whoosh_index

    if create:
        ix = whoosh_index.create_in(str(generation), make_schema())
    else:
        # The segments the writer reads (to find the documents it replaces) mapped, as a search maps them, not
        # copied into memory: an edit's update read Reuters' 90 MB of postings and term dictionary first.
        ix = _search_storage()(str(generation), supports_mmap=False).open_index()
    if create and procs > 1 and len(change.write) >= 1000 * procs and can_fork():
        try:
            _write_apart(ix, change.write, normalise, procs, progress)
        finally:
            ix.close()
        return
    writer = _appending_writer()(ix, limitmb=WRITER_MB) if create else ix.writer(limitmb=WRITER_MB)
    try:
        for article_id in change.delete:
            writer.delete_by_term("id", article_id)
        total = len(change.write)
        # An index written before a field was added (ENTITY_KEYS) keeps the schema it was written with.
        known = set(ix.schema.names())
        for number, (article, annotation) in enumerate(change.write, start=1):
            fields = document_fields(article, annotation, normalise)
            if not known.issuperset(fields):
                fields = {name: value for name, value in fields.items() if name in known}
            if create:
                writer.add_document(**fields)
            else:
                writer.update_document(**fields)
            if progress is not None and (number % 200 == 0 or number == total):
                progress(number, total, article.path)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):  # a writer whose commit failed is closed already; keep the first error
            writer.cancel()
        raise
    finally:
        ix.close()


def _write_apart(ix, documents: Sequence[tuple[Article, Annotation]], normalise: Callable[[str], str], procs: int,
                 progress: Callable[[int, int, str], None] | None) -> None:
    """Write ``documents`` into the new index ``ix`` as ``procs`` segments, in order, each written by a process of
    its own (this one writes the first; the others are forked), each with :func:`_appending_writer`: the
    documents are numbered as one process numbers them. (Whoosh's own writer of several processes deals out
    batches of 100 documents to whichever process is free: neither their order nor their segments are the same
    from one build to the next.)"""
    import pickle
    import traceback

    total = len(documents)
    known = set(ix.schema.names())
    # Parts of about as much text each: a process's time goes with the text it analyses.
    sizes = [len(article.text) + len(article.title) + 200 for article, _ in documents]
    share, parts, start, held = sum(sizes) / procs, [], 0, 0
    for number, size in enumerate(sizes):
        held += size
        if held >= share * (len(parts) + 1) and len(parts) < procs - 1:
            parts.append((start, number + 1))
            start = number + 1
    parts.append((start, total))

    def add_part(writer, start: int, end: int, report: bool) -> None:
        for number in range(start, end):
            article, annotation = documents[number]
            fields = document_fields(article, annotation, normalise)
            if not known.issuperset(fields):
                fields = {name: value for name, value in fields.items() if name in known}
            writer.add_document(**fields)
            if report and progress is not None and ((number + 1) % 200 == 0 or number + 1 == end):
                progress(round((number + 1) * total / max(end, 1)), total, article.path)

    writer = _appending_writer()(ix, limitmb=WRITER_MB)
    children: list[tuple[int, int]] = []
    try:
        for start, end in parts[1:]:
            read, write = os.pipe()

            def write_part(start: int = start, end: int = end, read: int = read, write: int = write) -> None:
                os.close(read)
                try:
                    sub = _appending_writer()(ix, limitmb=WRITER_MB, _lk=False)
                    add_part(sub, start, end, False)
                    reply = pickle.dumps(("segment", sub._finalize_segment()))
                except BaseException:
                    reply = pickle.dumps(("failed", traceback.format_exc()))
                with os.fdopen(write, "wb") as out:
                    out.write(reply)

            pid = fork(write_part)
            os.close(write)
            children.append((pid, read))
        add_part(writer, *parts[0], True)
        segments = [writer._finalize_segment()]
        while children:
            pid, read = children[0]
            with os.fdopen(read, "rb") as answer:
                data = answer.read()
            os.waitpid(pid, 0)
            children.pop(0)
            kind, value = pickle.loads(data) if data else ("failed", "the process ended without an answer")
            if kind != "segment":
                raise IndexProblem(f"writing the index failed in a process of its own:\n{value}")
            segments.append(value)
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        for pid, read in children:
            reap(pid, kill=True)
            with contextlib.suppress(OSError):
                os.close(read)
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


#: The memory a Whoosh writer holds postings in (Whoosh's own measure: about 150 bytes a posting) before it
#: sorts them into a run on disk.
WRITER_MB = 256
#: The memory a new index's writer holds its postings in, by term, before it hands them to Whoosh's pool: Reuters'
#: 2.6 million postings take 270 MB, and the build's process peaks lower than with Whoosh's pool (622 against
#: 641 MB).
HELD_MB = 512


@lru_cache(maxsize=1)
def _appending_writer():
    """The Whoosh writer of a new segment whose documents all come in order (a full build): the same segment
    Whoosh's own writer makes, byte for byte, with less work per posting.

    Whoosh's writer puts every posting in a pool as a tuple, sorts them into runs pickled to disk whenever
    :data:`WRITER_MB` fills, merges the runs, then looks up each posting's field length in the column it
    wrote. Documents numbered in order give each term's postings in order already: this one keeps them by term
    in memory (and sorts only the terms), reads each field's lengths once, and analyses the text fields with
    :func:`.analysis.index_positions` instead of a token object a word (the same terms at the same positions).
    Past the pool's memory it hands what it holds to Whoosh's pool, which writes it as runs, and Whoosh
    finishes the segment as usual."""
    from whoosh.formats import Positions
    from whoosh.writing import SegmentWriter

    from .analysis import index_positions, news_analyzer

    # What a posting held takes, measured on Reuters (its term's key and list shared with the term's other postings).
    posting_bytes = 104

    class AppendingWriter(SegmentWriter):
        def __init__(self, ix, *, limitmb: int, heldmb: int | None = None, **options: Any) -> None:
            super().__init__(ix, limitmb=limitmb, **options)
            #: field -> term -> [docnum, weight, value, docnum, weight, value, ...], documents in order.
            self._terms: dict[str, dict[bytes, list]] = {}
            self._held = 0
            self._limit = (HELD_MB if heldmb is None else heldmb) * 1024 * 1024 // posting_bytes
            analyzer = news_analyzer()
            self._positions = {name: (field.format.field_boost, field.format.encode)
                               for name, field in self.schema.items()
                               if type(field.format) is Positions and field.analyzer == analyzer}
            self._plain = any(field.separate_spelling() for _, field in self.schema.items())

        def add_document(self, **fields: Any) -> None:
            if self._plain or any(name.startswith("_") for name in fields):  # boosts, spelling: Whoosh's way
                self._spill()
                return super().add_document(**fields)
            self._check_state()
            schema, docnum, perdoc, terms = self.schema, self.docnum, self.perdocwriter, self._terms
            names = sorted(fields)
            self._check_fields(schema, names)
            perdoc.start_doc(docnum)
            try:
                for name in names:
                    value = fields[name]
                    if value is None:
                        continue
                    field = schema[name]
                    length = 0
                    if field.indexed:
                        positions = self._positions.get(name)
                        items = (list(field.index(value)) if positions is None or not isinstance(value, str)
                                 else index_positions(value, *positions))
                        scorable = field.scorable
                        field_terms = terms.get(name)
                        if field_terms is None:
                            field_terms = terms[name] = {}
                        for term, frequency, weight, encoded in items:
                            if scorable:
                                length += frequency
                            held = field_terms.get(term)
                            if held is None:
                                field_terms[term] = [docnum, weight * 1.0, encoded]
                            else:
                                held += (docnum, weight * 1.0, encoded)
                        self._held += len(items)
                    if field.vector:
                        vector = field.vector.word_values(value, field.analyzer, mode="index")
                        perdoc.add_vector_items(name, field, sorted((text, weight, encoded)
                                                                    for text, _, weight, encoded in vector))
                    perdoc.add_field(name, field, value if field.stored else None, length)
                    if field.column_type:
                        perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
            except ValueError:
                perdoc.cancel_doc()
                raise
            perdoc.finish_doc()
            self._added = True
            self.docnum += 1
            if self._held > self._limit:
                self._spill()

        def _spill(self) -> None:
            """Hand the postings held to Whoosh's pool (which sorts them into runs on disk as it fills)."""
            add = self.pool.add
            for name, field_terms in sorted(self._terms.items()):
                for term, held in sorted(field_terms.items()):
                    for at in range(0, len(held), 3):
                        add((name, term, held[at], held[at + 1], held[at + 2]))
            self._terms.clear()
            self._held = 0

        def _flush_segment(self) -> None:
            if self.pool.runs or self.pool.current:
                self._spill()
                return super()._flush_segment()
            self.perdocwriter.close()
            lengths = self.per_document_reader() if self.codec.length_stats else None
            writer, schema, count = self.fieldwriter, self.schema, self.docnum
            try:
                for name, field_terms in sorted(self._terms.items()):
                    if not field_terms:
                        continue
                    writer.start_field(name, schema[name])
                    if lengths is None:
                        of = [0] * count
                    else:  # each document's length as Whoosh reads it back (a byte of it: rounded)
                        length = lengths.doc_field_length_reader(name)
                        of = [length(docnum) for docnum in range(count)]
                    postings = writer._postwriter
                    for term, held in sorted(field_terms.items()):
                        writer.start_term(term)
                        _add_postings(postings, held, of)
                        writer.finish_term()
                    writer.finish_field()
                writer.close()
            finally:
                if lengths is not None:
                    lengths.close()
            self._terms.clear()

    return AppendingWriter


def _add_postings(postings, held: list, lengths: list[int]) -> None:
    """Add a term's postings held (``[docnum, weight, value, ...]``, in order) to Whoosh's postings writer of the
    term, a block at a time: what its ``add_posting`` does one posting at a time (a block written whenever a
    posting finds it full; the block's largest weight, its least and largest length but 0; its values but
    empty ones)."""
    limit = postings._blocklimit
    for start in range(0, len(held), 3 * limit):
        if start:
            postings._write_block()
        end = start + 3 * limit
        ids, weights, values = held[start:end:3], held[start + 1:end:3], held[start + 2:end:3]
        postings._ids.extend(ids)
        postings._weights.extend(weights)
        postings._values.extend(value for value in values if value)
        most = max(weights)
        if most > postings._maxweight:
            postings._maxweight = most
        sizes = [size for size in map(lengths.__getitem__, ids) if size]
        if sizes:
            least = min(sizes)
            if postings._minlength is None or least < postings._minlength:
                postings._minlength = least
            largest = max(sizes)
            if largest > postings._maxlength:
                postings._maxlength = largest


def commit_generation(index_dir: Path, generation: Path, previous: Path | None) -> None:
    """Make ``generation`` current, keeping the previous one for readers that still have it open."""
    _set_current(index_dir, generation)
    keep = {generation.name} | ({previous.name} if previous else set())
    _remove_old_generations(index_dir, keep)


def unwritable(index_dir: Path, error: Exception) -> IndexProblem | None:
    """The problem to report when writing the index failed for want of space or permission, else ``None``."""
    elsewhere = "or put the index elsewhere with --index-dir DIR (or the BYLINE_CACHE_DIR variable)"
    text = str(error).lower()
    # SQLite reports a full disk as "disk I/O error" when it cannot extend its shared-memory file.
    full = "disk is full" in text or ("disk i/o error" in text and _free_bytes(index_dir) < 1_000_000)
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or full:
        return IndexProblem(f"no space left to write the index at {index_dir}: free some space, {elsewhere}")
    if getattr(error, "errno", None) in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text \
            or "unable to open database" in text:
        reason = getattr(error, "strerror", None) or str(error)
        return IndexProblem(f"cannot write the index at {index_dir} ({reason}): make that folder writable, "
                            f"{elsewhere}")
    return None


def _free_bytes(path: Path) -> int:
    for folder in (path, *path.parents):
        if folder.exists():
            return shutil.disk_usage(folder).free
    return 0


def check_readable(generation: Path) -> None:
    """Raise :class:`IndexCorrupt` unless the Whoosh index in ``generation`` opens and its segments read. Opened as a
    search opens it (its postings and term dictionary mapped, not copied): the same checks of every segment's
    table of contents and headers, without reading Reuters' 90 MB of postings into memory first (an update
    asks it every time: a tenth of a second, now a few milliseconds)."""
    ix = open_whoosh(generation, for_search=True)
    try:
        ix.reader().close()
    except Exception as exc:  # a damaged segment fails in many ways: EOFError, OSError, pickle errors
        raise unreadable(generation, exc) from None
    finally:
        ix.close()


def unreadable(generation: Path, error: Exception) -> IndexCorrupt:
    """The problem to report when the Whoosh files of ``generation`` fail to read."""
    return IndexCorrupt(f"the index at {generation} cannot be read ({error.__class__.__name__}: {error}); "
                        "rebuild it with `byline index --rebuild`")


def open_whoosh(generation: Path, *, for_search: bool = False):
    """The Whoosh index of ``generation``. ``for_search``: its postings and term dictionary are read into memory
    once (see :data:`IN_MEMORY`), as searching reads them on every query."""
    from whoosh import index as whoosh_index

    try:
        if for_search:
            return _search_storage()(str(generation), supports_mmap=False, readonly=True).open_index()
        return whoosh_index.open_dir(str(generation))
    except (whoosh_index.EmptyIndexError, whoosh_index.IndexError, OSError, ValueError, EOFError) as exc:
        raise IndexCorrupt(
            f"the index at {generation} cannot be opened ({exc.__class__.__name__}: {exc}); "
            "rebuild it with `byline index --rebuild`"
        ) from None


#: Whoosh files every query reads: postings and the term dictionary. A searcher maps them (read-only) instead of
#: reading them through file calls. Stored text, term vectors and columns are read from their files when needed.
IN_MEMORY = (".pst", ".trm")


@lru_cache(maxsize=1)
def _search_storage():
    """A Whoosh storage that serves the :data:`IN_MEMORY` parts of a segment from a read-only memory map of its
    file, without copying them, and the rest through the file when needed.

    Whoosh's own way maps a compound segment file and copies every part it opens from the mapping into a
    ``BytesIO`` (240 MB resident with Reuters open); reading the parts into ``bytes`` halved that but still held
    every posting of the corpus in the process (58 MB on Reuters, 222 MB at 100,000 articles, all paid when
    the searcher opens). Mapped, only the pages queries touch are resident, and they are the system's file
    cache, given back under memory pressure: 50 searches on Reuters 114 -> 73 MB, at 100,000 articles
    295 -> 105 MB, same results, same speed (a ``bytes`` slice of the map per read, as from ``bytes``)."""
    import mmap

    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import BufferFile, StructFile

    class ViewIO:
        """``read``/``readline``/``seek``/``tell`` over a memoryview (``BytesIO`` would copy it)."""

        __slots__ = ("_pos", "_view")

        def __init__(self, view: memoryview) -> None:
            self._view, self._pos = view, 0

        def read(self, n: int = -1) -> bytes:
            start = self._pos
            self._pos = len(self._view) if n is None or n < 0 else min(start + n, len(self._view))
            return bytes(self._view[start:self._pos])

        def seek(self, position: int, whence: int = 0) -> int:
            base = (0, self._pos, len(self._view))[whence]
            self._pos = base + position
            return self._pos

        def tell(self) -> int:
            return self._pos

        def readline(self, size: int = -1) -> bytes:  # pickle asks for it (old protocols use it)
            end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
            chunk = bytes(self._view[self._pos:end])
            cut = chunk.find(b"\n")
            line = chunk if cut < 0 else chunk[:cut + 1]
            self._pos += len(line)
            return line

        def close(self) -> None:
            pass

    class MappedPart(BufferFile):
        """A part of a segment served from the map: ``get`` slices it (BufferFile's own), reads go through
        :class:`ViewIO`."""

        def __init__(self, view: memoryview, name: str | None = None) -> None:
            self._buf = view
            self._name = name
            self.file = ViewIO(view)
            self.onclose = None
            self.is_real = False
            self.is_closed = False

    def mapped(handle) -> memoryview:
        return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))

    class SegmentFile(StructFile):
        """A compound segment file whose :data:`IN_MEMORY` parts are slices of one map of it."""

        _view: memoryview | None = None

        def subset(self, offset: int, length: int, name: str | None = None):
            if name and name.endswith(IN_MEMORY):
                if self._view is None:
                    self._view = mapped(self.file)
                return MappedPart(self._view[offset:offset + length], name=name)
            return super().subset(offset, length, name=name)

        def close(self) -> None:
            view, self._view = self._view, None
            if view is not None:
                mapping = view.obj
                view.release()
                with contextlib.suppress(BufferError):  # unmapped now, or with the last part still open
                    mapping.close()
            super().close()

    class SearchStorage(FileStorage):
        def temp_storage(self, name=None):
            """Whoosh's, making the folder without ``FileStorage.create``: a writer asks for its temporary folder
            twice, and ``create`` keeps the exception the second ``makedirs`` raises in a local, a reference cycle
            that holds every frame that called it (an update's tables with them) until the cycle collector runs."""
            folder = os.path.join(self.folder, name or f"{os.getpid()}-{id(self):x}.tmp")
            os.makedirs(folder, exist_ok=True)
            return FileStorage(folder)

        def open_file(self, name, **kwargs):
            if name.endswith(IN_MEMORY):  # a segment written as separate files
                with open(self._fpath(name), "rb") as handle:
                    if not os.fstat(handle.fileno()).st_size:
                        return BufferFile(b"", name=name)  # an empty file cannot be mapped
                    return MappedPart(mapped(handle), name=name)
            if name.endswith(".seg"):
                return SegmentFile(open(self._fpath(name), "rb"), name=name)
            return super().open_file(name, **kwargs)

    return SearchStorage
