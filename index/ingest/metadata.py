"""What a corpus says about its articles beside them: ``byline.toml`` and metadata tables.

``byline.toml`` at the corpus root gives per-file metadata (``[files."name.txt"]``) and how to read the corpus
(``[corpus]``: ``outlet_from = "folder"`` when every top folder holds one outlet's articles; ``columns = {body =
"text"}`` to name a table's columns). A metadata table (``metadata.csv``, ``index.tsv``, ... with a ``file``
column) gives per-file metadata for the article files of its folder and below, as ``byline.toml`` does; where
both describe a file, ``byline.toml`` wins.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from datetime import time as datetime_time
from pathlib import Path
from typing import Any

from ..models import Skipped
from ..storage import SIDECAR, write_atomic
from .common import clean_metadata, disk_name
from .records import ColumnMap, Settings, cell_text, parse_columns

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

METADATA_FIELDS = ("title", "source", "published", "language", "url", "author")
#: Names of metadata tables (with a ``.csv``, ``.tsv`` or ``.json`` suffix).
METADATA_TABLE_STEMS = ("metadata", "meta", "index", "manifest", "files", "catalog", "catalogue")
_METADATA_TABLE = re.compile(r"(?:^|/)(?:" + "|".join(METADATA_TABLE_STEMS) + r")\.(?:csv|tsv|json)$", re.I)


def is_metadata_table_name(relpath: str) -> bool:
    return bool(_METADATA_TABLE.search(relpath))


def is_metadata_file(relpath: str) -> bool:
    """Whether a corpus file may describe other files (the sidecar, a metadata table): when it changes, any
    article may have changed."""
    return relpath == SIDECAR or is_metadata_table_name(relpath)


def sidecar_path(root: Path) -> Path:
    return root / SIDECAR if root.is_dir() else root.parent / SIDECAR


def _load_sidecar(root: Path) -> tuple[dict, str, list[Skipped]]:
    """The parsed ``byline.toml``, its text (to name the line of a problem), and why it could not be read."""
    path = sidecar_path(root)
    if not path.is_file():
        return {}, "", []
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, "", [Skipped(SIDECAR, f"metadata ignored: {exc}")]


def read_sidecar(root: Path) -> tuple[dict[str, dict[str, str]], list[Skipped]]:
    """Per-file metadata from the corpus's ``byline.toml`` (empty when there is none), and what in it cannot be
    used, each naming the key and its line: a file that is not TOML, or whose ``files`` is not a table, is
    ignored as a whole (``metadata ignored: ...``); a value of the wrong type is ignored alone. Dates may be
    written as TOML dates (``published = 2021-08-30``) or as text."""
    data, text, problems = _load_sidecar(root)
    files, more = _sidecar_files(data, text)
    return files, problems + more


def _sidecar_files(data: dict, text: str) -> tuple[dict[str, dict[str, str]], list[Skipped]]:
    files = data.get("files", {})
    if not isinstance(files, dict):
        return {}, [Skipped(SIDECAR, f"metadata ignored: `files`{_line_of(text, 'files')} must be a table of "
                                     'files (`[files."name.txt"]`), not ' + _toml_type(files))]
    result: dict[str, dict[str, str]] = {}
    problems: list[Skipped] = []
    for name, meta in files.items():
        where = f"files.{_toml_string(name)}"
        if not isinstance(meta, dict):
            problems.append(Skipped(SIDECAR, f"`{where}`{_line_of(text, name)} must be a table of metadata, not "
                                             f"{_toml_type(meta)}; ignored"))
            continue
        entry: dict[str, str] = {}
        for key, value in meta.items():
            if key not in METADATA_FIELDS or value in (None, ""):
                continue
            if isinstance(value, (date, datetime_time)):  # a TOML date, date-time or time
                entry[key] = value.isoformat()
            elif isinstance(value, str):
                entry[key] = clean_metadata(value)
            else:
                problems.append(Skipped(SIDECAR, f"`{where}.{key}`{_line_of(text, key, after=name)} must be text"
                                                 f"{' or a date' if key == 'published' else ''}, not "
                                                 f"{_toml_type(value)}; ignored"))
        result[name] = {k: v for k, v in entry.items() if v}
    return result, problems


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _line_of(text: str, key: str, after: str | None = None) -> str:
    """`` (line N)`` for the first line that sets ``key`` (after the first line naming ``after``), else ``""``."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next((n for n, line in enumerate(lines) if after in line), 0)
    pattern = re.compile(rf"""(^|[.\s"'\[]){re.escape(key)}(["'\]\s.=]|$)""")
    for number in range(start, len(lines)):
        if pattern.search(lines[number].split("#", 1)[0]):
            return f" (line {number + 1})"
    return ""


def read_corpus_config(root: Path, columns: str | dict[str, str] | None = None
                       ) -> tuple[dict[str, dict[str, str]], Settings, list[Skipped]]:
    """``byline.toml``'s per-file metadata and the corpus's settings, with ``columns`` (``--columns``) over the
    ones it names."""
    data, text, problems = _load_sidecar(root)
    corpus = data.get("corpus", {}) if isinstance(data.get("corpus"), dict) else {}
    outlet_from = str(corpus.get("outlet_from", "")).strip().lower()
    if outlet_from not in ("", "folder", "text"):
        problems.append(Skipped(SIDECAR, f"[corpus] outlet_from = {outlet_from!r} ignored (known: \"folder\")"))
        outlet_from = ""
    named: dict[str, str] = {}
    try:
        named = parse_columns(corpus.get("columns") if isinstance(corpus.get("columns"), dict) else None)
    except ValueError as exc:
        problems.append(Skipped(SIDECAR, f"[corpus] {exc}"))
    named.update(parse_columns(columns))
    files, more = _sidecar_files(data, text)
    return files, Settings(outlet_from=outlet_from, columns=named), problems + more


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes leave DEL raw, which TOML forbids)."""
    import tomlkit

    return tomlkit.string(value).as_string()


class SidecarError(ValueError):
    """The corpus's ``byline.toml`` cannot take an entry; the message says why and where."""


def sidecar_with_entry(root: Path, relpath: str, meta: dict[str, str]) -> str:
    """The text of the corpus's ``byline.toml`` with one file's metadata added or replaced (not written: see
    :func:`write_sidecar`). Edited with a TOML library: comments, order, dotted keys, multi-line strings and
    tables Byline does not know (``[corpus]``) are kept as written. Raises :class:`SidecarError` when the current
    file cannot be read or the result would not mean what it should."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = root / SIDECAR
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        before = tomllib.loads(text)
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TOMLKitError) as exc:
        raise SidecarError(f"cannot read {path}: {exc}; fix it first") from None
    files = before.get("files", {})
    if not isinstance(files, dict) or not isinstance(files.get(relpath, {}), dict):
        raise SidecarError(f"cannot add to {path}: `files`{_line_of(text, 'files')} must be a table of files")
    values = {key: clean_metadata(str(meta[key])) for key in METADATA_FIELDS if meta.get(key)}
    values = {key: value for key, value in values.items() if value}
    expected = dict(before)
    entry = {k: v for k, v in files.get(relpath, {}).items() if k not in METADATA_FIELDS}
    expected["files"] = {**files, relpath: {**entry, **values}}
    candidates = []
    if relpath in files:
        table = document["files"][relpath]
        for key in METADATA_FIELDS:
            if key in values:
                table[key] = values[key]
            elif key in table:
                del table[key]
        candidates.append(tomlkit.dumps(document))
    else:
        # A new table at the end: valid after any layout (tables, dotted keys), and never between a dotted key's
        # lines (inserting one there would change what those lines mean).
        addition = tomlkit.dumps({"files": {relpath: values}}) if values else \
            f"[files.{_toml_string(relpath)}]\n"
        candidates.append(text.rstrip("\n") + ("\n\n" if text.strip() else "") + addition)
        files_table = document.setdefault("files", tomlkit.table(is_super_table=True))
        files_table[relpath] = values
        candidates.append(tomlkit.dumps(document))
    for candidate in candidates:
        try:
            if tomllib.loads(candidate) == expected:
                return candidate
        except tomllib.TOMLDecodeError:
            continue
    raise SidecarError(f"cannot add {relpath} to {path} without changing what it says; add it by hand")


def write_sidecar(root: Path, text: str) -> Path:
    """Replace the corpus's ``byline.toml`` with ``text``, atomically, once it reads back as TOML."""
    path = root / SIDECAR
    write_atomic(path, text, check=lambda data: tomllib.loads(data.decode("utf-8")))
    return path


def write_sidecar_entry(root: Path, relpath: str, meta: dict[str, str]) -> Path:
    """Add or replace one file's metadata in the corpus's ``byline.toml``; writes atomically. Its other tables
    (``[corpus]``) and its comments are kept as they are."""
    return write_sidecar(root, sidecar_with_entry(root, relpath, meta))


class MetadataTables:
    """The metadata tables of a corpus, read once each, as per-file metadata keyed by path from the corpus root.

    A table applies to the files of its folder and below; its ``file`` column names them relative to its
    folder, with or without their ``.txt``/``.md`` suffix."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings
        self.meta: dict[str, dict[str, str]] = {}
        self.problems: list[Skipped] = []
        #: Tables named like metadata that hold articles instead (no file column): read as articles.
        self.article_tables: set[str] = set()
        self.tables: list[str] = []
        self._folders: set[str] = set()

    def read_folder(self, folder: str) -> None:
        """Read the metadata tables in ``folder`` (relative to the root, ``""`` for the root) if not yet read."""
        if folder in self._folders or not self.root.is_dir():
            return
        self._folders.add(folder)
        base = self.root / disk_name(folder) if folder else self.root
        try:
            names = sorted(name for name in os.listdir(base) if is_metadata_table_name(name))
        except OSError:
            return
        for name in names:
            self._read_table(base / name, f"{folder}/{name}" if folder else name, folder)

    def for_file(self, relpath: str) -> dict[str, str]:
        """The metadata the tables give for one article file."""
        parts = relpath.split("/")
        for depth in range(len(parts)):
            self.read_folder("/".join(parts[:depth]))
        found = self.meta.get(relpath)
        if found is None:
            stem = re.sub(r"\.(?:txt|md)$", "", relpath, flags=re.I)
            found = self.meta.get(stem, {})
        return found

    def _read_table(self, path: Path, rel: str, folder: str) -> None:
        from .tables import open_table

        table = open_table(path, rel)
        if isinstance(table, Skipped):
            self.problems.append(Skipped(rel, f"metadata table ignored: {table.reason}"))
            return
        columns = ColumnMap.find(table.columns, {k: v for k, v in self.settings.columns.items()
                                                 if k != "body"})
        if "file" not in columns.fields:
            self.article_tables.add(rel)
            return
        self.tables.append(rel)
        prefix = f"{folder}/" if folder else ""
        for number, record, _flags in table.rows:
            if isinstance(record, str):
                self.problems.append(Skipped(rel, f"metadata row ignored: {record}", line=number))
                continue
            name = cell_text(record.get(columns.fields["file"])).replace("\\", "/").removeprefix("./")
            if not name:
                self.problems.append(Skipped(rel, "metadata row ignored: no file named", line=number))
                continue
            meta = {key: cell_text(record.get(columns.fields[key])) for key in METADATA_FIELDS
                    if key in columns.fields}
            key = prefix + name.strip("/")
            self.meta[key] = {k: v for k, v in meta.items() if v}
            self.meta.setdefault(re.sub(r"\.(?:txt|md)$", "", key, flags=re.I), self.meta[key])
