"""What every format's reader shares: decoding bytes, names relative to the corpus, titles, size limits, and the
shape of a table of articles (CSV, TSV, JSON arrays, Parquet)."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: An article file (or JSONL line, or table row) larger than this is skipped, not read: no news article, report or
#: even book comes near it, and annotating, indexing and wrapping it for the screen would take minutes (a 50 MB
#: file is a log or a dump that found its way into the corpus).
MAX_ARTICLE_BYTES = 8_000_000

#: What a table gives, row by row: (row number, the record or why it cannot be read, flags of the row).
Rows = Iterator[tuple[int, "dict[str, Any] | str", tuple[str, ...]]]


@dataclass
class Table:
    """A table of articles as a format's reader opens it: its column names, then its rows as they are read."""

    columns: list[str]
    rows: Rows


def rel_name(path: Path | str, root: Path) -> str:
    """``path`` relative to the corpus root, with ``/`` separators, and always valid UTF-8: a name whose bytes
    on disk are not UTF-8 (Python holds them as lone surrogates) shows each such byte as ``\\xNN``, so it can be
    stored, indexed and printed (:func:`disk_name` turns it back)."""
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        name = text[len(base) + 1:].replace(os.sep, "/")
    else:
        path = Path(path)
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = path.name
    return safe_name(name)


_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile(r"\\x([89a-f][0-9a-f])")


def safe_name(name: str) -> str:
    """A file name as valid UTF-8 text: bytes that were not UTF-8 on disk become ``\\xNN``."""
    if not _SURROGATE.search(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def disk_name(name: str) -> str:
    """The name on disk for a :func:`safe_name` (the ``\\xNN`` escapes back to the bytes they stand for)."""
    if "\\x" not in name:
        return name
    return _ESCAPED_BYTE.sub(lambda match: chr(0xDC00 + int(match[1], 16)), name)


def without_surrogates(text: str) -> str:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``); such a lone surrogate cannot be encoded, and spaCy,
    SQLite and the terminal would all fail on it: it becomes U+FFFD, the replacement character."""
    return _SURROGATE.sub("\ufffd", text)


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


def too_large(size: int) -> str:
    return f"too large ({size / 1e6:.1f} MB; articles over {MAX_ARTICLE_BYTES / 1e6:.0f} MB are skipped)"


def unreadable(exc: OSError) -> str:
    return "permission denied" if isinstance(exc, PermissionError) else f"unreadable: {exc.strerror or exc}"


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


#: Control characters other than tab, newline, carriage return and form feed, deleted by ``str.translate``.
_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r\f")


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
    head = text[:8192]
    controls = len(head) - len(head.translate(_CONTROLS))
    if controls > max(8, len(head) // 20):
        return None, "binary file (mostly control bytes)"
    return text, flag


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- titles -----------------------------------------------------------------------------------------------

_LEADING_DATESTAMP = re.compile(r"^(?:date[:\s]+)?(?:19|20)\d\d-\d\d-\d\d\s+(?=\S)", re.I)


def title_of(text: str) -> str:
    """The first non-empty line, without a leading date stamp such as ``date 2021-08-30``."""
    for line in text.splitlines():
        if line.strip():
            return _LEADING_DATESTAMP.sub("", " ".join(line.split()))
    return ""
