"""What a corpus says about its articles beside them: ``byline.toml`` and metadata tables.

``byline.toml`` at the corpus root gives per-file metadata (``[files."name.txt"]``) and how to read the corpus
(``[corpus]``: ``outlet_from = "folder"`` when every top folder holds one outlet's articles; ``columns = {body =
"text"}`` to name a table's columns). A metadata table (``metadata.csv``, ``index.tsv``, ... with a ``file``
column) gives per-file metadata for the article files of its folder and below, as ``byline.toml`` does; where
both describe a file, ``byline.toml`` wins.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from ..models import Skipped
from .common import disk_name
from .records import ColumnMap, Settings, cell_text, parse_columns

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SIDECAR = "byline.toml"
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


def _load_sidecar(root: Path) -> tuple[dict, list[Skipped]]:
    path = sidecar_path(root)
    if not path.is_file():
        return {}, []
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [Skipped(SIDECAR, f"metadata ignored: {exc}")]


def read_sidecar(root: Path) -> tuple[dict[str, dict[str, str]], list[Skipped]]:
    """Per-file metadata from the corpus's ``byline.toml`` (empty when there is none)."""
    data, problems = _load_sidecar(root)
    return _sidecar_files(data), problems


def _sidecar_files(data: dict) -> dict[str, dict[str, str]]:
    files = data.get("files", {})
    result: dict[str, dict[str, str]] = {}
    if isinstance(files, dict):
        for name, meta in files.items():
            if isinstance(meta, dict):
                result[name] = {k: str(v) for k, v in meta.items() if k in METADATA_FIELDS and v not in (None, "")}
    return result


def read_corpus_config(root: Path, columns: str | dict[str, str] | None = None
                       ) -> tuple[dict[str, dict[str, str]], Settings, list[Skipped]]:
    """``byline.toml``'s per-file metadata and the corpus's settings, with ``columns`` (``--columns``) over the
    ones it names."""
    data, problems = _load_sidecar(root)
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
    return _sidecar_files(data), Settings(outlet_from=outlet_from, columns=named), problems


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_sidecar_entry(root: Path, relpath: str, meta: dict[str, str]) -> Path:
    """Add or replace one file's metadata in the corpus's ``byline.toml``; writes atomically. Its other tables
    (``[corpus]``) and the comments before them are kept as they are."""
    path = root / SIDECAR
    current: dict[str, dict[str, str]] = {}
    kept: list[str] = []
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        current = {k: dict(v) for k, v in tomllib.loads(text).get("files", {}).items()}
        in_files = False
        for line in text.splitlines():
            if re.match(r"^\s*\[", line):
                in_files = bool(re.match(r"^\s*\[\s*files\s*\.", line))
            if not in_files:
                kept.append(line)
    current[relpath] = {k: str(v) for k, v in meta.items() if k in METADATA_FIELDS and v}
    head = "\n".join(kept).rstrip()
    out = [head, ""] if head else []
    for name in sorted(current):
        out.append(f"[files.{_toml_string(name)}]")
        for key in METADATA_FIELDS:
            if current[name].get(key):
                out.append(f"{key} = {_toml_string(current[name][key])}")
        out.append("")
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(out), encoding="utf-8")
    tomllib.loads(tmp.read_text(encoding="utf-8"))  # read back before it replaces the old file
    os.replace(tmp, path)
    return path


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
