"""Tables of articles, one a row: CSV, TSV (optionally gzipped) and JSON arrays, with the standard library.

The header names the columns (:class:`~index.ingest.records.ColumnMap` finds which holds what). A row that cannot
be read (a wrong number of fields, an empty text, a cell too large, a broken quote) is skipped with its row
number (1 for the first row after the header) and the reason, and the rest of the table is still read. Cells of
any size are read (the csv module's 128 KB default would stop at the first long article); rows over the size of
an article are skipped.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import Article, Skipped
from .common import Rows, Table, decode_bytes, unreadable
from .parquet import PARQUET_SUFFIXES, open_parquet
from .records import ColumnMap, Settings, record_article

csv.field_size_limit(2**31 - 1)
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
              (codecs.BOM_UTF16_BE, "utf-16"))

DELIMITED_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")
JSON_SUFFIXES = (".json",)
TABLE_SUFFIXES = DELIMITED_SUFFIXES + JSON_SUFFIXES


class Note(Skipped):
    """Something a reader should know about a file that was read (a column it could not find)."""

    __slots__ = ()


def open_table(path: Path, rel: str) -> Table | Skipped:
    """The columns and rows of a CSV/TSV/JSON table, or why it cannot be read at all."""
    name = path.name.lower()
    if name.endswith(JSON_SUFFIXES):
        return _json_table(path, rel)
    return _delimited_table(path, rel, "\t" if name.endswith((".tsv", ".tsv.gz")) else ",")


def iter_table(path: Path, rel: str, stem: str, meta: dict[str, str], settings: Settings,
               table: Table | Skipped | None = None) -> Iterator[Article | Skipped]:
    """One article a row of the table at ``path``; what cannot be read is a :class:`Skipped` with its row."""
    if table is None:
        table = open_parquet(path, rel) if path.name.lower().endswith(PARQUET_SUFFIXES) else open_table(path, rel)
    if isinstance(table, Skipped):
        yield table
        return
    columns = ColumnMap.find(table.columns, settings.columns)
    problem = columns.problem()
    if problem:
        yield Skipped(rel, problem)
        return
    lacking = [name for name in columns.not_found() if name != "title" and not meta.get(name)]
    if lacking:
        yield Note(rel, _lacking(lacking))
    found = False
    for number, record, flags in table.rows:
        found = True
        if isinstance(record, str):
            yield Skipped(rel, record, line=number)
            continue
        yield record_article(record, columns, rel=rel, stem=stem, number=number, meta=meta, settings=settings,
                             flags=flags)
    if not found:
        yield Skipped(rel, "no rows")


def _lacking(fields: list[str]) -> str:
    from .records import COLUMN_NAMES

    said = {"source": "outlet", "published": "date"}
    parts = [f"no {said[f]} column (looked for {', '.join(COLUMN_NAMES[f][:5])}, ...)" for f in fields]
    return "; ".join(parts) + ": read from each article's text and URL where they say; name a column with " \
        f"--columns {fields[0]}=COLUMN"


def _opener(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _delimited_table(path: Path, rel: str, delimiter: str) -> Table | Skipped:
    try:
        handle = _opener(path)
        start = handle.read(8192)
    except (OSError, EOFError, zlib.error) as exc:
        return Skipped(rel, unreadable(exc) if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile)
                       else f"unreadable: {exc}")
    if not start.strip():
        handle.close()
        return Skipped(rel, "empty file")
    handle.seek(0)
    fallback: list[str] = []
    wide = next((enc for bom, enc in _WIDE_BOMS if start.startswith(bom)), "")
    if wide:
        lines: Iterator[str] = io.TextIOWrapper(handle, encoding=wide, newline="")
        fixed: tuple[str, ...] = (f"decoded-as:{wide}",)
        text = start.decode(wide, errors="ignore")
    else:
        text, flag = decode_bytes(start[:4096])
        if text is None and flag.startswith("binary"):
            handle.close()
            return Skipped(rel, flag)
        lines = _lines(handle, fallback)
        fixed = ()
    quoting = csv.QUOTE_MINIMAL
    if delimiter == "\t" and not (text or "").lstrip("\ufeff").startswith('"'):
        quoting = csv.QUOTE_NONE  # a plain TSV: a quote opening a cell is part of the text ("We hope ...")
    reader = csv.reader(lines, delimiter=delimiter, quoting=quoting, strict=False)
    try:
        header = next(reader)
    except (csv.Error, OSError, EOFError, zlib.error, StopIteration) as exc:
        handle.close()
        return Skipped(rel, f"no header row ({exc})" if str(exc) else "no header row")
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    return Table([c for c in header if c], _delimited_rows(reader, header, handle, fallback, fixed))


def _lines(handle, fallback: list[str]) -> Iterator[str]:
    """The lines of a binary file as text: UTF-8, or cp1252 for a line that is not (noted in ``fallback``)."""
    first = True
    for raw in handle:
        if first:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            first = False
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            fallback.append("decoded-as:cp1252")
            yield raw.decode("cp1252", errors="replace")


def _delimited_rows(reader, header: list[str], handle, fallback: list[str], fixed: tuple[str, ...]) -> Rows:
    number = 0
    with handle:
        while True:
            fallback.clear()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield number, f"unreadable row: {exc}", ()
                continue
            except (OSError, EOFError, zlib.error) as exc:
                yield number + 1, f"unreadable after row {number}: {exc}", ()
                return
            if not any(cell.strip() for cell in row):
                continue
            number += 1
            if len(row) < len(header) or any(cell.strip() for cell in row[len(header):]):
                yield number, (f"{len(row)} fields where the header has {len(header)} (a delimiter or line break "
                               "inside an unquoted cell, or a quote left open?)"), ()
                continue
            flags = fixed or tuple(dict.fromkeys(fallback))
            yield number, {name: cell for name, cell in zip(header, row[:len(header)], strict=True) if name}, flags


def _json_table(path: Path, rel: str) -> Table | Skipped:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(rel, unreadable(exc))
    text, flag = decode_bytes(data)
    if text is None:
        return Skipped(rel, flag)
    if not text.strip():
        return Skipped(rel, "empty file")
    flags = (flag,) if flag else ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            return Skipped(rel, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return _json_lines_table(text, flags)  # one object a line, named .json
    items = _items(value)
    if items is None:
        return Skipped(rel, "not a JSON array of articles (nor an object holding one)")
    columns = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))

    def rows() -> Rows:
        for number, item in enumerate(items, start=1):
            yield number, item if isinstance(item, dict) else "not a JSON object", flags

    return Table(columns, rows())


def _items(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
        for key in ("articles", "data", "items", "rows", "records", "results", "documents"):
            if isinstance(value.get(key), list):
                return value[key]
        if not lists and any(isinstance(v, str) for v in value.values()):
            return [value]  # one article as one object
    return None


def _json_lines_table(text: str, flags: tuple[str, ...]) -> Table:
    parsed: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            parsed.append((number, f"invalid JSON: {exc.msg} at column {exc.colno}"))
    columns = list(dict.fromkeys(key for _, item in parsed if isinstance(item, dict) for key in item))

    def rows() -> Rows:
        for number, item in parsed:
            if isinstance(item, str):
                yield number, item, ()
            else:
                yield number, item if isinstance(item, dict) else "not a JSON object", flags

    return Table(columns, rows())
