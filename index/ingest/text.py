"""Plain-text articles: a ``.txt`` or ``.md`` file is one article whose title is its first non-empty line, or the
title its front matter gives (:mod:`.frontmatter`), which also gives its date, outlet, URL and author where the
corpus's metadata does not."""

from __future__ import annotations

from pathlib import Path

from ..annotate import content_hash
from ..models import Article, Skipped
from ..storage import read_bounded
from .common import MAX_ARTICLE_BYTES, decode_bytes, normalise_newlines, title_of, too_large, unreadable
from .frontmatter import split_front_matter
from .records import Settings, complete

TEXT_SUFFIXES = (".txt", ".md")


def article_id(relpath: str) -> str:
    """A text article's id: its path from the corpus root without the suffix."""
    for suffix in TEXT_SUFFIXES:
        if relpath.lower().endswith(suffix):
            return relpath[: -len(suffix)]
    return relpath


def read_text_article(path: Path, rel: str, meta: dict[str, str], settings: Settings | None = None
                      ) -> Article | Skipped:
    """The article in one text file (``rel`` is its name from the corpus root), or why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return Skipped(rel, too_large(size))
        data = read_bounded(path, MAX_ARTICLE_BYTES)  # never more: the file may have grown since
        if data is None:
            return Skipped(rel, too_large(path.stat().st_size))
    except OSError as exc:
        return Skipped(rel, unreadable(exc))
    text, flag = decode_bytes(data)
    if text is None:
        return Skipped(rel, flag)
    text = normalise_newlines(text)
    front, body = split_front_matter(text)
    if front:
        meta, text = {**front, **meta}, body  # what the corpus says of the file beside it wins
    if not text.strip():
        return Skipped(rel, "no text after its front matter" if front else "empty file")
    return Article(
        id=article_id(rel),
        title=meta.get("title") or title_of(text),
        text=text,
        language=meta.get("language", ""),
        url=meta.get("url", ""),
        author=meta.get("author", ""),
        path=rel,
        content_hash=content_hash(text),
        flags=(flag,) if flag else (),
        **complete(text, meta, rel, settings or Settings()),
    )
