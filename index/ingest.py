"""Reading a corpus: folders of ``.txt``/``.md`` articles and ``.jsonl``/``.jsonl.gz`` files, plus metadata.

A corpus is a folder. Every ``.txt``/``.md`` file below it is one article whose title is its first non-empty
line; every ``.jsonl``/``.jsonl.gz`` file holds one article per line (``id``, ``title``, ``body`` and optional
``source``, ``published``, ``url``, ``author``, ``language``). A ``byline.toml`` sidecar at the corpus root can
give per-file metadata::

    [files."000_e5d06ce29edb4d1f.txt"]
    source = "Korean outlet"
    published = "2021-08-30"
    language = "ko"

Nothing here raises on bad input: what cannot be read is reported as a :class:`~index.models.Skipped`
with its reason, and text that is not UTF-8 is decoded with a fallback and flagged.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import sys
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from datetime import time as datetime_time
from pathlib import Path
from typing import Any

from .annotate import content_hash
from .models import Article, Skipped
from .storage import SIDECAR, read_bounded, write_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
METADATA_FIELDS = ("title", "source", "published", "language", "url", "author")
#: An article file (or JSONL line) larger than this is skipped, not read: no news article, report or even book
#: comes near it, and annotating, indexing and wrapping it for the screen would take minutes (a 50 MB file is a
#: log or a dump that found its way into the corpus).
MAX_ARTICLE_BYTES = 8_000_000


def find_corpus_files(root: Path) -> tuple[list[Path], list[Skipped]]:
    """Every article file below ``root`` (sorted, each folder's files before its subfolders; hidden files and
    folders skipped; symlinked folders not followed), and the ones that cannot be read."""
    files, skipped = _corpus_file_names(root)
    return [Path(name) for name in files], skipped


def _corpus_file_names(root: Path) -> tuple[list[str], list[Skipped]]:
    """:func:`find_corpus_files` with the paths as strings: one ``scandir`` per folder and, for plain files, no
    other system call, no ``Path``: cheap enough to ask every few seconds."""
    files: list[str] = []
    skipped: list[Skipped] = []
    if root.is_file():
        if _is_article_name(root.name):
            return [str(root)], []
        return [], [Skipped(root.name, "not a .txt, .md or .jsonl file")]

    def unreadable_folder(folder: str, error: OSError) -> None:
        reason = "permission denied" if isinstance(error, PermissionError) else f"unreadable: {error.strerror or error}"
        skipped.append(Skipped(_rel(Path(folder), root).rstrip("/") + "/", f"folder skipped: {reason}"))

    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError as error:
            unreadable_folder(folder, error)
            continue
        subfolders: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                subfolders.append(entry.path)
                continue
            if not _is_article_name(name):
                continue
            if entry.is_symlink() and not os.path.exists(entry.path):
                skipped.append(Skipped(_rel(Path(entry.path), root), "broken symlink"))
                continue
            try:
                regular = entry.is_file()
            except OSError:
                regular = False
            if not regular:
                # A pipe would block the build forever and /dev/zero would fill the memory.
                skipped.append(Skipped(_rel(Path(entry.path), root), "not a regular file (a device, pipe or socket)"))
                continue
            files.append(entry.path)
        stack.extend(reversed(subfolders))
    return files, skipped


def _is_article_name(name: str) -> bool:
    return name.lower().endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)


def _rel(path: Path | str, root: Path) -> str:
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        return text[len(base) + 1:].replace(os.sep, "/")
    path = Path(path)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def read_sidecar(root: Path) -> tuple[dict[str, dict[str, str]], list[Skipped]]:
    """Per-file metadata from the corpus's ``byline.toml`` (empty when there is none), and what in it cannot be
    used, each naming the key and its line: a file that is not TOML, or whose ``files`` is not a table, is
    ignored as a whole (``metadata ignored: ...``); a value of the wrong type is ignored alone. Dates may be
    written as TOML dates (``published = 2021-08-30``) or as text."""
    path = root / SIDECAR if root.is_dir() else root.parent / SIDECAR
    if not path.is_file():
        return {}, []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [Skipped(SIDECAR, f"metadata ignored: {exc}")]
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


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_metadata(value: str) -> str:
    """One line of metadata (a title, an outlet, an author) as stored: control characters (DEL and the C1 range
    included) and lone surrogates become spaces, runs of space one."""
    return " ".join(_CONTROL.sub(" ", value).split())


_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_body(text: str) -> str:
    """An article's text as stored: control characters other than line breaks and tabs, and lone surrogates
    (which no file can hold), are removed."""
    return _BODY_CONTROL.sub("", text)


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class SidecarError(ValueError):
    """The corpus's ``byline.toml`` cannot take an entry; the message says why and where."""


def sidecar_with_entry(root: Path, relpath: str, meta: dict[str, str]) -> str:
    """The text of the corpus's ``byline.toml`` with one file's metadata added or replaced (not written: see
    :func:`write_sidecar`). Edited with a TOML library: comments, order, dotted keys, multi-line strings and
    tables Byline does not know are kept as written. Raises :class:`SidecarError` when the current file cannot
    be read or the result would not mean what it should."""
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
    """Add or replace one file's metadata in the corpus's ``byline.toml``; writes atomically."""
    return write_sidecar(root, sidecar_with_entry(root, relpath, meta))


# --- decoding ---------------------------------------------------------------------------------------------

def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Text from bytes, and a flag: ``""`` for clean UTF-8, ``"decoded-as:ENC"`` for a fallback, or
    ``None`` with a reason when the bytes are not text at all."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[3:])
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), f"decoded-as:{encoding}"
            except UnicodeDecodeError:
                return None, f"invalid {encoding} despite its byte-order mark"
    sample = data[:8192]
    if b"\x00" in sample:
        return None, "binary file (contains NUL bytes)"
    return _decode_utf8(data)


def _decode_utf8(data: bytes) -> tuple[str | None, str]:
    try:
        text, flag = data.decode("utf-8"), ""
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            flag = "decoded-as:cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            flag = "decoded-as:latin-1"
    # Control bytes are valid UTF-8 too: binary data without NULs must not become an article of gibberish.
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:8192]) // 20):
        return None, "binary file (mostly control bytes)"
    return text, flag


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(_MONTH_RE + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\.?\s+" + _MONTH_RE + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<mnum>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
]


def _date_from_match(match: re.Match[str]) -> str:
    groups = match.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS[groups["month"].lower()]
    try:
        return date(int(groups["year"]), month, int(groups["day"])).isoformat()
    except ValueError:
        return ""


def date_in_text(text: str, head: int = 800, tail: int = 400) -> str:
    """The publication date an article states in its header or footer, as ``YYYY-MM-DD``, else ``""``.

    Looks only where outlets print it (the first and last few hundred characters), so dates the story
    talks about further in are not mistaken for its own.
    """
    for region in (text[:head], text[-tail:] if len(text) > head else ""):
        best: tuple[int, str] | None = None
        for pattern in _DATE_PATTERNS:
            for match in pattern.finditer(region):
                found = _date_from_match(match)
                if found and (best is None or match.start() < best[0]):
                    best = (match.start(), found)
                    break
        if best:
            return best[1]
    return ""


def normalise_date(value: Any) -> str:
    """An ISO date from metadata (``2021-08-30``, ``1987-02-26T15:01:01``, ``Aug 30, 2021``), else ``""``."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    match = re.match(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)", text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return ""
    return date_in_text(text)


# --- articles ---------------------------------------------------------------------------------------------

_LEADING_DATESTAMP = re.compile(r"^(?:date[:\s]+)?(?:19|20)\d\d-\d\d-\d\d\s+(?=\S)", re.I)


def title_of(text: str) -> str:
    """The first non-empty line, without a leading date stamp such as ``date 2021-08-30``."""
    for line in text.splitlines():
        if line.strip():
            return _LEADING_DATESTAMP.sub("", " ".join(line.split()))
    return ""


def _article_id(relpath: str) -> str:
    for suffix in (".txt", ".md"):
        if relpath.lower().endswith(suffix):
            return relpath[: -len(suffix)]
    return relpath


def read_text_article(path: Path, root: Path, meta: dict[str, str]) -> Article | Skipped:
    rel = _rel(path, root)
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return Skipped(rel, _too_large(size))
        data = read_bounded(path, MAX_ARTICLE_BYTES)  # never more: the file may have grown since
        if data is None:
            return Skipped(rel, _too_large(path.stat().st_size))
    except PermissionError:
        return Skipped(rel, "permission denied")
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    text, flag = decode_bytes(data)
    if text is None:
        return Skipped(rel, flag)
    text = normalise_newlines(text)
    if not text.strip():
        return Skipped(rel, "empty file")
    published = normalise_date(meta.get("published")) or date_in_text(text)
    return Article(
        id=_article_id(rel),
        title=meta.get("title") or title_of(text),
        text=text,
        source=meta.get("source", ""),
        published=published,
        language=meta.get("language", ""),
        url=meta.get("url", ""),
        author=meta.get("author", ""),
        path=rel,
        content_hash=content_hash(text),
        flags=(flag,) if flag else (),
    )


def iter_jsonl(path: Path, root: Path, meta: dict[str, str]) -> Iterator[Article | Skipped]:
    """One article per valid line; a bad line is reported with its number and the rest still read."""
    rel = _rel(path, root)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    stem = rel[: -len(".jsonl.gz")] if rel.lower().endswith(".gz") else rel[: -len(".jsonl")]
    try:
        handle = opener(path, "rb")
    except OSError as exc:
        yield Skipped(rel, f"unreadable: {exc.strerror or exc}")
        return
    lineno = 0
    found = False
    try:
        with handle:
            for lineno, (raw, size) in enumerate(_bounded_lines(handle, MAX_ARTICLE_BYTES), start=1):
                if raw is None:
                    found = True
                    yield Skipped(rel, _too_large(size), line=lineno)
                    continue
                if not raw.strip():
                    continue
                found = True
                yield _jsonl_article(raw, rel, stem, lineno, meta)
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``); such a lone surrogate cannot be encoded, and spaCy,
    SQLite and the terminal would all fail on it: it becomes U+FFFD, the replacement character."""
    return _SURROGATE.sub("\ufffd", text)


def _too_large(size: int) -> str:
    return f"too large ({size / 1e6:.1f} MB; articles over {MAX_ARTICLE_BYTES / 1e6:.0f} MB are skipped)"


def _jsonl_article(raw: bytes, rel: str, stem: str, lineno: int, meta: dict[str, str]) -> Article | Skipped:
    text, flag = decode_bytes(raw)
    if text is None:
        return Skipped(rel, flag, line=lineno)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Skipped(rel, f"invalid JSON: {exc.msg} at column {exc.colno}", line=lineno)
    if not isinstance(record, dict):
        return Skipped(rel, "not a JSON object", line=lineno)
    record = {key: _without_surrogates(value) if isinstance(value, str) else value for key, value in record.items()}
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        return Skipped(rel, "no body", line=lineno)
    body = normalise_newlines(body)
    ident = record.get("id")
    ident = str(ident) if isinstance(ident, (str, int)) and str(ident).strip() else f"{stem}:{lineno}"
    title = record.get("title")
    title = " ".join(str(title).split()) if title else title_of(body)
    published = normalise_date(record.get("published")) or normalise_date(meta.get("published")) or date_in_text(body)

    def field(name: str) -> str:
        value = record.get(name)
        return str(value) if value not in (None, "") else meta.get(name, "")

    return Article(
        id=ident,
        title=title,
        text=body,
        source=field("source"),
        published=published,
        language=field("language"),
        url=field("url"),
        author=field("author"),
        path=f"{rel}:{lineno}",
        content_hash=content_hash(body),
        flags=(flag,) if flag else (),
    )


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
    """The corpus file an ``Article.path`` comes from: itself, or ``file.jsonl`` for ``file.jsonl:7`` (``.`` for
    ``.:7``, a line of a corpus that is one JSONL file)."""
    name = path.rsplit(":", 1)[0]
    return name if name != path and (name == "." or name.lower().endswith(JSONL_SUFFIXES)) else path


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def corpus_file_stats(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file the index is built from (the article files and the metadata
    sidecar), without opening any of them: cheap enough to ask often."""
    root = Path(root)
    files, _ = _corpus_file_names(root)
    sidecar = str(root / SIDECAR if root.is_dir() else root.parent / SIDECAR)
    return {_rel(path, root): stat for path in [*files, sidecar] if (stat := _stat(path)) is not None}


def corpus_changes(recorded: dict[str, tuple[int, int]], current: dict[str, tuple[int, int]]) -> CorpusChanges:
    """What changed between two :func:`corpus_file_stats` (the one recorded at the last build, and now)."""
    return CorpusChanges(
        added=tuple(sorted(set(current) - set(recorded))),
        changed=tuple(sorted(p for p in set(current) & set(recorded) if tuple(current[p]) != tuple(recorded[p]))),
        deleted=tuple(sorted(set(recorded) - set(current))),
    )


def read_corpus(root: Path, progress=None, only: Collection[str] | None = None) -> CorpusScan:
    """Read every article below ``root``, or only the files named in ``only`` (paths relative to ``root``, as
    :func:`corpus_file_stats` gives them; the folder is not walked). Duplicate ids keep the first and report
    the others."""
    root = Path(root)
    sidecar_stat = _stat(root / SIDECAR if root.is_dir() else root.parent / SIDECAR)
    sidecar, skipped = read_sidecar(root)
    if only is None:
        files, unreadable = find_corpus_files(root)
        skipped.extend(unreadable)
    else:
        if root.is_dir():
            files = [root / rel for rel in sorted(only) if rel != SIDECAR]
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
        meta = sidecar.get(rel, {})
        if path.name.lower().endswith(TEXT_SUFFIXES):
            items: Iterator[Article | Skipped] = iter([read_text_article(path, root, meta)])
        else:
            items = iter_jsonl(path, root, meta)
        for item in items:
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
    if progress is not None:
        progress(len(files), len(files), "")
    return CorpusScan(articles=articles, skipped=skipped, flagged=flagged, files=stats)
