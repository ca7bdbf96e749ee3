"""The corpus as a whole: which files it holds, reading every article in them, and what changed since.

A corpus is a folder read recursively, or one file. Each file is read by the reader of its format family
(:mod:`.text`, :mod:`.jsonl`, :mod:`.tables`, :mod:`.parquet`), with the metadata of :mod:`.metadata`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Article, Skipped
from .common import disk_name, rel_name, safe_name
from .jsonl import JSONL_SUFFIXES, iter_jsonl
from .metadata import SIDECAR, MetadataTables, is_metadata_table_name, read_corpus_config, sidecar_path
from .parquet import PARQUET_SUFFIXES
from .records import Settings
from .tables import TABLE_SUFFIXES, Note, iter_table
from .text import TEXT_SUFFIXES, read_text_article

#: Files holding many articles, one a line or a row (an article's path is ``file:N``).
MULTI_SUFFIXES = JSONL_SUFFIXES + TABLE_SUFFIXES + PARQUET_SUFFIXES
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MULTI_SUFFIXES


def find_corpus_files(root: Path) -> tuple[list[Path], list[Skipped]]:
    """Every article file below ``root`` (sorted, each folder's files before its subfolders; hidden files and
    folders skipped; symlinked folders not followed), and the ones that cannot be read."""
    files, skipped = _corpus_file_names(root)
    return [Path(name) for name in files], skipped


def _corpus_file_names(root: Path) -> tuple[list[str], list[Skipped]]:
    """:func:`find_corpus_files` with the paths as strings: one ``scandir`` per folder and, for plain files, no
    other system call, no ``Path``: cheap enough to ask every few seconds."""
    files: list[str] = []
    skipped = _walk(root, lambda entry, folder, rel: files.append(os.path.join(folder, entry.name)
                                                                  if folder is not None else str(root)))
    return files, skipped


#: What :func:`_walk` calls for each article file: its ``DirEntry`` (the corpus's own ``Path`` for a corpus that is
#: one file), the folder it is in (None for a corpus that is one file), and its name relative to the corpus.
Found = Callable[[os.DirEntry | Path, str | None, str], None]


def _walk(root: Path, found: Found) -> list[Skipped]:
    """Walk the corpus (as :func:`find_corpus_files` says) calling ``found`` for each article file in order (its
    relative name :func:`rel_name`'s, built from its folder's without asking it of every file); returns the files
    and folders that cannot be read."""
    skipped: list[Skipped] = []
    if root.is_file():
        if _is_article_name(root.name):
            found(root, None, rel_name(root, root))
            return []
        return [Skipped(rel_name(root.name, root.parent),
                        "not an article file (.txt, .md, .jsonl, .csv, .tsv, .json, .parquet)")]

    def unreadable_folder(folder: str, error: OSError) -> None:
        reason = "permission denied" if isinstance(error, PermissionError) else f"unreadable: {error.strerror or error}"
        skipped.append(Skipped(rel_name(folder, root).rstrip("/") + "/", f"folder skipped: {reason}"))

    stack: list[tuple[str, str]] = [(str(root), "")]  # a folder, and the relative name of what it holds before
    while stack:
        folder, prefix = stack.pop()
        try:
            # Through the folder's descriptor: each entry's ``stat`` looks up its name in the folder alone, not
            # its whole path again (a sixth less time to stat every file of a corpus).
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            unreadable_folder(folder, error)
            continue
        try:
            _walk_folder(descriptor, folder, prefix, found, skipped, stack)
        except OSError as error:
            unreadable_folder(folder, error)
        finally:
            os.close(descriptor)
    return skipped


def _walk_folder(descriptor: int, folder: str, prefix: str, found: Found, skipped: list[Skipped],
                 stack: list[tuple[str, str]]) -> None:
    """One folder of :func:`_walk`: its article files to ``found`` (their ``DirEntry`` read through the folder's
    ``descriptor``), its subfolders onto ``stack``."""
    with os.scandir(descriptor) as entries_found:
        entries = sorted(entries_found, key=lambda entry: entry.name)
    subfolders: list[tuple[str, str]] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            subfolders.append((os.path.join(folder, name), f"{prefix}{safe_name(name)}/"))
            continue
        if not _is_article_name(name):
            continue
        if entry.is_symlink() and not os.path.exists(os.path.join(folder, name)):
            skipped.append(Skipped(prefix + safe_name(name), "broken symlink"))
            continue
        try:
            regular = entry.is_file()
        except OSError:
            regular = False
        if not regular:
            # A pipe would block the build forever and /dev/zero would fill the memory.
            skipped.append(Skipped(prefix + safe_name(name), "not a regular file (a device, pipe or socket)"))
            continue
        found(entry, folder, prefix + safe_name(name))
    stack.extend(reversed(subfolders))


def _is_article_name(name: str) -> bool:
    return name.lower().endswith(ARTICLE_SUFFIXES)


def _rel(path: Path | str, root: Path) -> str:
    return rel_name(path, root)


def _file_stem(rel: str, path: Path) -> str:
    """The stem of a multi-article file's row ids (``news`` for ``news.csv``; for a corpus that is one file,
    its own name's)."""
    name = safe_name(path.name) if rel == "." else rel
    lower = name.lower()
    for suffix in sorted(MULTI_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _read_file(path: Path, rel: str, meta: dict[str, str], settings: Settings) -> Iterator[Article | Skipped]:
    lower = path.name.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return iter([read_text_article(path, rel, meta, settings)])
    if lower.endswith(JSONL_SUFFIXES):
        return iter_jsonl(path, rel, meta, settings)
    return iter_table(path, rel, _file_stem(rel, path), meta, settings)


@dataclass
class CorpusScan:
    """Everything read from a corpus: its articles, what was skipped, what was decoded with a fallback."""

    articles: list[Article]
    skipped: list[Skipped]
    flagged: list[Skipped]
    #: Size and modification time of each file read, taken before reading it (see :func:`corpus_changes`).
    files: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusChanges:
    """Corpus files (paths relative to the corpus) added, changed or deleted since the index was built:
    what the index does not show yet. False when there are none."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.deleted)

    def touches(self, path: str) -> bool:
        """Whether the file an article came from (``Article.path``; ``file.jsonl:7`` for a JSONL line) changed
        or went away: the article the index holds may no longer be what the file says."""
        name = source_file(path)
        return name in self.changed or name in self.deleted

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "changed": list(self.changed), "deleted": list(self.deleted)}


def source_file(path: str) -> str:
    """The corpus file an ``Article.path`` comes from: itself, or ``file.jsonl`` for ``file.jsonl:7`` (and
    ``news.csv`` for row 7 of ``news.csv``; ``.`` for ``.:7``, a line of a corpus that is one file)."""
    if ":" not in path:  # a file of a folder corpus: the common case, asked of every catalog row on an update
        return path
    name = path.rsplit(":", 1)[0]
    return name if name != path and (name == "." or name.lower().endswith(MULTI_SUFFIXES)) else path


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def corpus_file_stats(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file the index is built from (the article files, the metadata
    tables and the metadata sidecar), without opening any of them: cheap enough to ask often (one ``scandir``
    a folder and one ``stat`` a file, through its ``DirEntry``)."""
    root = Path(root)
    stats: dict[str, tuple[int, int]] = {}

    def found(entry: os.DirEntry | Path, folder: str | None, rel: str) -> None:
        try:
            status = entry.stat()
        except OSError:
            return
        stats[rel] = (status.st_size, status.st_mtime_ns)

    _walk(root, found)
    if (stat := _stat(sidecar_path(root))) is not None:
        stats[_rel(sidecar_path(root), root)] = stat
    return stats


def corpus_changes(recorded: dict[str, tuple[int, int]], current: dict[str, tuple[int, int]]) -> CorpusChanges:
    """What changed between two :func:`corpus_file_stats` (the one recorded at the last build, and now)."""
    changed = []
    for path, stat in current.items():
        # Compared as they are first (tuples both, as read): only a pair that differs is compared as tuples.
        if (was := recorded.get(path)) is not None and was != stat and tuple(was) != tuple(stat):
            changed.append(path)
    return CorpusChanges(
        added=tuple(sorted(current.keys() - recorded.keys())),
        changed=tuple(sorted(changed)),
        deleted=tuple(sorted(recorded.keys() - current.keys())),
    )


def read_corpus(root: Path, progress=None, only: Collection[str] | None = None,
                columns: str | dict[str, str] | None = None) -> CorpusScan:
    """Read every article below ``root``, or only the files named in ``only`` (paths relative to ``root``, as
    :func:`corpus_file_stats` gives them; the folder is not walked). ``columns`` names the columns of tables
    (``"body=text,source=site"``), over what ``byline.toml`` names. Duplicate ids keep the first and report
    the others; notes about files read (a fallback encoding, a column not found) are in ``flagged``."""
    root = Path(root)
    sidecar_stat = _stat(sidecar_path(root))
    sidecar, settings, skipped = read_corpus_config(root, columns)
    tables = MetadataTables(root, settings)
    if only is None:
        files, unreadable = find_corpus_files(root)
        skipped.extend(unreadable)
    elif root.is_dir():
        files = [root / disk_name(rel) for rel in sorted(only) if rel != SIDECAR]
    else:  # a corpus that is one file
        files = [root] if _rel(root, root) in only else []
    articles: list[Article] = []
    flagged: list[Skipped] = []
    seen: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    if sidecar_stat is not None:
        stats[SIDECAR] = sidecar_stat
    for number, path in enumerate(files, start=1):
        rel = _rel(path, root)
        if (stat := _stat(path)) is not None:
            stats[rel] = stat  # before reading: a change made while the build runs shows as a change later
        if progress is not None:
            progress(number - 1, len(files), rel)
        if root.is_dir() and is_metadata_table_name(rel):
            tables.read_folder(rel.rpartition("/")[0])
            if rel not in tables.article_tables:
                continue  # metadata, not articles
        meta = {**tables.for_file(rel), **sidecar.get(rel, {})} if root.is_dir() else sidecar.get(rel, {})
        for count, item in enumerate(_read_file(path, rel, meta, settings), start=1):
            if progress is not None and count % 2000 == 0:
                progress(number - 1, len(files), f"{rel}: {count:,} rows")
            if isinstance(item, Note):
                flagged.append(Skipped(item.path, item.reason, item.line))
                continue
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if item.id in seen:
                skipped.append(Skipped(item.path, f"duplicate id {item.id!r} (first in {seen[item.id]})"))
                continue
            seen[item.id] = item.path
            for flag in item.flags:
                flagged.append(Skipped(item.path, flag))
            articles.append(item)
    skipped.extend(tables.problems)
    if progress is not None:
        progress(len(files), len(files), "")
    return CorpusScan(articles=articles, skipped=skipped, flagged=flagged, files=stats)
