"""JSON Lines: one article a line (``id``, ``title``, ``body`` and optional ``source``, ``published``, ``url``,
``author``, ``language``; the other usual names of these fields are found too), plain or gzipped."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import Article, Skipped
from .common import MAX_ARTICLE_BYTES, decode_bytes, too_large, unreadable
from .records import ColumnMap, Settings, record_article

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


def jsonl_stem(rel: str) -> str:
    return rel[: -len(".jsonl.gz")] if rel.lower().endswith(".gz") else rel[: -len(".jsonl")]


def iter_jsonl(path: Path, rel: str, meta: dict[str, str], settings: Settings | None = None
               ) -> Iterator[Article | Skipped]:
    """One article per valid line; a bad line is reported with its number and the rest still read."""
    settings = settings or Settings()
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        handle = opener(path, "rb")
    except OSError as exc:
        yield Skipped(rel, unreadable(exc))
        return
    lineno = 0
    found = False
    maps: dict[tuple[str, ...], ColumnMap] = {}
    try:
        with handle:
            for lineno, (raw, size) in enumerate(_bounded_lines(handle, MAX_ARTICLE_BYTES), start=1):
                if raw is None:
                    found = True
                    yield Skipped(rel, too_large(size), line=lineno)
                    continue
                if not raw.strip():
                    continue
                found = True
                yield _jsonl_article(raw, rel, lineno, meta, settings, maps)
    except PermissionError:
        yield Skipped(rel, "permission denied")
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(rel, f"unreadable after line {lineno}: {exc}", line=lineno + 1)
        return
    if not found:
        yield Skipped(rel, "empty file")


def _bounded_lines(handle: Any, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """The lines of a binary file with their sizes; a line longer than ``limit`` bytes comes as ``None`` and is
    read past in chunks, never held whole (a 1 GB line costs ``limit`` bytes of memory, not 2 GB)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        del line
        while True:
            chunk = handle.readline(1 << 20)
            size += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                break
        yield None, size


def _jsonl_article(raw: bytes, rel: str, lineno: int, meta: dict[str, str], settings: Settings,
                   maps: dict[tuple[str, ...], ColumnMap]) -> Article | Skipped:
    text, flag = decode_bytes(raw)
    if text is None:
        return Skipped(rel, flag, line=lineno)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Skipped(rel, f"invalid JSON: {exc.msg} at column {exc.colno}", line=lineno)
    if not isinstance(record, dict):
        return Skipped(rel, "not a JSON object", line=lineno)
    keys = tuple(record)
    columns = maps.get(keys)
    if columns is None:
        columns = maps[keys] = ColumnMap.find(keys, settings.columns)
    return record_article(record, columns, rel=rel, stem=jsonl_stem(rel), number=lineno, meta=meta,
                          settings=settings, flags=(flag,) if flag else ())
