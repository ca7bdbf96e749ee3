"""Front matter: the metadata block a Markdown or text file may open with, as static-site generators, note apps
and web clippers write it.

YAML between ``---`` lines (Jekyll, Hugo, Obsidian's web clipper) or TOML between ``+++`` lines (Hugo). Only what
an article's metadata needs is read, without a YAML library: ``key: value`` lines, and a key followed by ``- item``
lines (a list, joined). A block that does not close, or whose lines are not such pairs, is no front matter and the
file is read as it is. The names are a table's usual column names (``date``, ``publisher``, ``link``,
``authors``...); a ``source`` that is a web address (the web clipper's) is the article's URL, not its outlet.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime

from .common import clean_metadata
from .records import COLUMN_NAMES, column_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The fields front matter may give, and the names that give them: a table's usual column names
#: (:data:`.records.COLUMN_NAMES`, best first), but those that in a note tell of the file rather than the article
#: (a note app's "created", a "timestamp").
_OF_THE_FILE = frozenset(("created", "created_at", "date_created", "timestamp", "time"))
_FIELDS = {name: (field, rank) for field in ("title", "published", "source", "url", "author", "language")
           for rank, name in enumerate(COLUMN_NAMES[field]) if name not in _OF_THE_FILE}
#: The most lines a block may hold before its closing line.
_MAX_LINES = 200
_PAIR = re.compile(r"([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$")
_ITEM = re.compile(r"\s*-\s+(.*)$")
_WEB_ADDRESS = re.compile(r"https?://\S+$", re.IGNORECASE)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The metadata of a text's front matter (Byline's field names, values on one line) and the text after it;
    ``({}, text)`` when the text opens with none."""
    for fence, read in (("---", _read_yaml), ("+++", _read_toml)):
        if not text.startswith(fence + "\n"):
            continue
        lines = text.split("\n", _MAX_LINES + 2)
        for end in range(1, min(len(lines), _MAX_LINES + 1)):
            if lines[end].rstrip() == fence:
                found = read(lines[1:end])
                if found is None:
                    return {}, text
                return _fields(found), "\n".join(lines[end + 1:]).lstrip("\n")
        return {}, text
    return {}, text


def _read_yaml(lines: list[str]) -> dict[str, object] | None:
    """``key: value`` pairs and lists of ``- item``; None when a line is neither (not front matter)."""
    found: dict[str, object] = {}
    key = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _ITEM.match(line)
        if item and key is not None:
            value = found.get(key)
            found[key] = [*value, item.group(1)] if isinstance(value, list) else [item.group(1)]
            continue
        pair = _PAIR.match(line)
        if pair is None:
            if line[:1].isspace():  # a nested map or a folded value: not one of the fields read
                continue
            return None
        key = pair.group(1)
        found[key] = (pair.group(2) or "").strip() or []
    return found


def _read_toml(lines: list[str]) -> dict[str, object] | None:
    try:
        return tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return None


def _fields(found: dict[str, object]) -> dict[str, str]:
    """Each field from the best name giving it (:data:`.records.COLUMN_NAMES`' order)."""
    best: dict[str, tuple[int, str]] = {}
    for name, value in found.items():
        field, rank = _FIELDS.get(column_key(name), (None, 0))
        text = _text(value)
        if field is None or not text:
            continue
        if field == "source" and _WEB_ADDRESS.match(text):
            field, rank = "url", len(COLUMN_NAMES["url"])  # after any name of the URL itself
        if field not in best or rank < best[field][0]:
            best[field] = (rank, text)
    return {field: text for field, (_, text) in best.items()}


def _text(value: object) -> str:
    """A value as one line: a list joined with commas, quotes and wiki-link brackets ("[[Jane Doe]]") taken off."""
    if isinstance(value, list):
        return ", ".join(part for part in map(_text, value) if part)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].split("|")[-1]
    return clean_metadata(text)
