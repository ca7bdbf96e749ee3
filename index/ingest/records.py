"""One article from one record: a JSONL object, a row of a CSV/TSV/JSON/Parquet table.

Columns are found by the names datasets usually give them (``content``/``body``/``text``/``article`` for the
text, ``publication``/``source``/``outlet``/``site``/``domain`` for the outlet, ``date``/``published``/
``publish_date``/``date_publish`` for the date, ...), and a user can name them (``--columns body=text,source=site``
or ``columns = {body = "text"}`` in ``byline.toml``'s ``[corpus]`` table). The date and the outlet, where the
record does not give them, are read from the text and the URL as for any article (:func:`complete`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..annotate import content_hash
from ..models import Article, Skipped
from . import dates, outlets
from .common import MAX_ARTICLE_BYTES, normalise_newlines, title_of, too_large, without_surrogates

#: The fields of an article a record can give, and the column names that usually hold them, best first.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "body": ("body", "content", "text", "article", "article_text", "article_body", "full_text", "fulltext",
             "maintext", "main_text", "story", "story_text", "news_text"),
    "title": ("title", "headline", "head", "heading", "article_title", "news_title"),
    "source": ("source", "publication", "outlet", "site", "domain", "publisher", "source_name", "site_name",
               "sitename", "source_domain", "news_source", "newspaper", "media", "media_outlet"),
    "published": ("published", "date", "publish_date", "date_publish", "published_at", "pub_date", "pubdate",
                  "publication_date", "date_published", "published_date", "publish_time", "datetime",
                  "created_at", "date_created", "timestamp", "time", "created", "publishdate"),
    "url": ("url", "link", "href", "article_url", "source_url", "uri", "permalink", "canonical_url", "canonical",
            "original_url"),
    "author": ("author", "authors", "byline", "writer", "writers", "creator", "by"),
    "id": ("id", "article_id", "uuid", "guid", "doc_id", "docid", "identifier", "story_id", "news_id"),
    "language": ("language", "lang", "locale", "language_code"),
}
#: How a user may call a field in ``--columns``.
FIELD_ALIASES = {"text": "body", "content": "body", "outlet": "source", "publication": "source", "date": "published",
                 "headline": "title", "link": "url", "lang": "language", "filename": "file", "path": "file"}
#: The column of a metadata table that names the article file a row describes.
FILE_COLUMNS = ("file", "filename", "file_name", "path", "filepath", "file_path", "relpath", "document")


def column_key(name: str) -> str:
    """A column name as it is compared: ``Publish Date``, ``publishDate`` and ``publish-date`` are all
    ``publish_date``."""
    text = str(name).strip().lstrip("\ufeff")
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    return re.sub(r"[\s\-.]+", "_", text).lower()


def parse_columns(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """``body=text,source=site`` (or a mapping, as ``byline.toml`` gives it) as ``{"body": "text", ...}``;
    raises ``ValueError`` naming what is wrong."""
    if not spec:
        return {}
    pairs = spec.items() if isinstance(spec, Mapping) else (
        part.split("=", 1) if "=" in part else (part, "") for part in str(spec).split(",") if part.strip())
    result: dict[str, str] = {}
    known = [*COLUMN_NAMES, "file"]
    for key, value in pairs:
        name = FIELD_ALIASES.get(key.strip().lower(), key.strip().lower())
        if name not in known:
            raise ValueError(f"unknown field {key.strip()!r} in columns (fields: {', '.join(known)})")
        if not str(value).strip():
            raise ValueError(f"columns: give a column for {key.strip()!r}, as in {name}=COLUMN")
        result[name] = str(value).strip()
    return result


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds which field, found once for a table's header (or a JSON object's keys)."""

    fields: dict[str, str]
    #: Columns the user named that are not there.
    missing: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    @classmethod
    def find(cls, columns: Iterable[Any], named: Mapping[str, str] | None = None) -> ColumnMap:
        names = [str(c) for c in columns if c is not None and str(c).strip()]
        by_key: dict[str, str] = {}
        for name in names:
            by_key.setdefault(column_key(name), name)
        fields: dict[str, str] = {}
        missing: list[str] = []
        for name, column in (named or {}).items():
            found = column if column in names else by_key.get(column_key(column))
            if found is None:
                missing.append(f"{name}={column}")
            else:
                fields[name] = found
        taken = set(fields.values())
        for name, candidates in [*COLUMN_NAMES.items(), ("file", FILE_COLUMNS)]:
            if name in fields or name in (named or {}):
                continue
            for candidate in candidates:
                found = by_key.get(candidate)
                if found is not None and found not in taken:
                    fields[name] = found
                    taken.add(found)
                    break
        return cls(fields, tuple(missing), tuple(names))

    def problem(self) -> str:
        """Why no article can be read with this map (a column named that is not there, no text column), else
        ``""``."""
        shown = ", ".join(self.columns[:30]) + (", ..." if len(self.columns) > 30 else "")
        if self.missing:
            return f"no column {', '.join(repr(m.split('=', 1)[1]) for m in self.missing)} as named in --columns " \
                   f"(its columns: {shown})"
        if "body" not in self.fields:
            return ("no column of article text: looked for " + ", ".join(COLUMN_NAMES["body"][:6])
                    + f"; its columns: {shown or 'none'}; name it with --columns body=COLUMN")
        return ""

    def not_found(self) -> list[str]:
        """The fields a reader expects and this table lacks (the text and outlet are found elsewhere)."""
        return [name for name in ("title", "source", "published") if name not in self.fields]


@dataclass(frozen=True)
class Settings:
    """How a corpus asks to be read (``[corpus]`` in ``byline.toml``, ``--columns``)."""

    #: ``"folder"``: every top folder of the corpus is one outlet.
    outlet_from: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def cell_text(value: Any) -> str:
    """A cell as text: ``""`` for empty, missing and NaN; ``17283`` for a float id ``17283.0``; a list joined; the
    name in an object."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value if cell_text(v))
    if isinstance(value, dict):  # NewsAPI's "source": {"id": "cnn", "name": "CNN"}
        return next((cell_text(value[key]) for key in ("name", "title", "id") if cell_text(value.get(key))), "")
    text = without_surrogates(str(value)) if not isinstance(value, str) else without_surrogates(value)
    return text.strip()


def complete(text: str, meta: Mapping[str, str], relpath: str, settings: Settings) -> dict[str, str]:
    """The date and outlet of an article, each with where it came from. The date: the metadata (``meta``), else
    the text (never the URL: a site's path may carry the day of its print edition, a day late). The outlet: the
    metadata, else the corpus's folder-per-outlet layout, else a well-known outlet's URL, else the text's
    dateline or byline, else the URL's host."""
    published = dates.normalise_date(meta.get("published"))
    published_from = dates.FROM_METADATA if published else ""
    if not published:
        published, published_from = dates.own_date(text)
    source = outlets.outlet_name(meta.get("source", ""))
    source_from = outlets.FROM_METADATA if source else ""
    if not source and settings.outlet_from == "folder":
        source = outlets.outlet_of_folder(relpath)
        source_from = outlets.FROM_FOLDER if source else ""
    host = outlets.outlet_of_host(meta["url"]) if not source and meta.get("url") else ""
    if host and host in outlets.KNOWN_OUTLETS:  # the publisher, even of a wire story it carries
        source, source_from = host, outlets.FROM_URL
    if not source:
        source, source_from = outlets.outlet_in_text(text)
    if not source and host:
        source, source_from = host, outlets.FROM_URL
    return {"published": published, "published_from": published_from, "source": source, "source_from": source_from}


def record_article(record: Mapping[str, Any], columns: ColumnMap, *, rel: str, stem: str, number: int,
                   meta: Mapping[str, str], settings: Settings,
                   flags: tuple[str, ...] = ()) -> Article | Skipped:
    """One article from one record, or why not. ``number`` is the line or row (1 for the first); the article's
    path is ``rel:number`` and, without an id column, its id ``stem:number``."""
    body_column = columns.fields.get("body")
    body = record.get(body_column) if body_column else None
    if not isinstance(body, str) or not body.strip():
        reason = "no body" if body_column is None or body is None else f"empty {body_column!r}"
        if body is not None and not isinstance(body, str):
            reason = f"{body_column!r} is not text"
        return Skipped(rel, reason, line=number)
    if len(body) > MAX_ARTICLE_BYTES:
        return Skipped(rel, too_large(len(body.encode("utf-8", "surrogatepass"))), line=number)
    body = normalise_newlines(without_surrogates(body))

    def value(name: str) -> str:
        column = columns.fields.get(name)
        found = cell_text(record.get(column)) if column else ""
        return found or meta.get(name, "")

    ident = cell_text(record.get(columns.fields["id"])) if "id" in columns.fields else ""
    title = " ".join(value("title").split()) or title_of(body)
    given = {name: value(name) for name in ("published", "source", "url")}
    path = f"{rel}:{number}"
    return Article(
        id=ident or f"{stem}:{number}",
        title=title,
        text=body,
        language=value("language"),
        url=given["url"],
        author=" ".join(value("author").split()),
        path=path,
        content_hash=content_hash(body),
        flags=flags,
        **complete(body, given, path, settings),
    )
