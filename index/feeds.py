"""Following RSS and Atom feeds: subscribe a corpus to feeds and add their new items as articles.

Subscriptions live in the corpus's ``.byline/web.json`` (see :class:`index.web.WebState`), each with the
validators of its last download (``ETag``, ``Last-Modified``) so an unchanged feed costs a ``304 Not
Modified``, and the ids of the items already handled so an update adds only what is new.

Each new item's page is fetched and its article extracted like ``byline add`` does; when the page cannot be
fetched or holds no article, the feed's own text stands in if it is long enough. An item that fails is
tried again on the next update (the feed is then downloaded in full rather than conditionally) and given up
after :data:`MAX_ATTEMPTS` tries. Feeds are parsed by ``feedparser``, never by hand.
"""

from __future__ import annotations

import html
import io
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .fetch import Fetcher, FetchError, FetchPolicy, Page, require_web
from .ingest import clean_body, clean_metadata
from .storage import IndexLocked
from .web import (
    MIN_WORDS,
    AddOutcome,
    Extracted,
    Progress,
    WebProgress,
    WebState,
    add_page,
    html_fragment_text,
    looks_like_html,
    normalise_url,
    now_iso,
    store_article,
)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")
#: Updates that try a failing item before it is reported as given up and not tried again.
MAX_ATTEMPTS = 3
#: Item ids remembered per feed beyond those in its latest download.
SEEN_LIMIT = 2000


class FeedError(Exception):
    """A feed that cannot be subscribed to, found or removed; the message says why."""


@dataclass(frozen=True)
class Feed:
    """A subscription as ``byline feeds list`` shows it."""

    url: str
    title: str = ""
    added: str = ""
    #: When it was last updated (ISO 8601, UTC), and how that went, in words.
    checked: str = ""
    status: str = ""
    #: Articles this feed has added to the corpus.
    articles: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "added": self.added, "checked": self.checked,
                "status": self.status, "articles": self.articles}


@dataclass(frozen=True)
class FeedResult:
    """One feed's update: ``updated``, ``not modified`` or ``failed`` (with why), and its new items."""

    url: str
    title: str
    status: str
    reason: str = ""
    items: tuple[AddOutcome, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "status": self.status, "reason": self.reason,
                "notes": list(self.notes), "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class FeedReport:
    feeds: tuple[FeedResult, ...] = field(default=())

    def _items(self, status: str) -> list[AddOutcome]:
        return [item for feed in self.feeds for item in feed.items if item.status == status]

    @property
    def added(self) -> list[AddOutcome]:
        return self._items("added")

    @property
    def skipped(self) -> list[AddOutcome]:
        return self._items("skipped")

    @property
    def failed(self) -> list[AddOutcome]:
        return self._items("failed")

    @property
    def failed_feeds(self) -> list[FeedResult]:
        return [feed for feed in self.feeds if feed.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {"added": len(self.added), "skipped": len(self.skipped), "failed": len(self.failed),
                "failed_feeds": len(self.failed_feeds), "feeds": [f.to_dict() for f in self.feeds]}


# --- parsing ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedItem:
    key: str
    link: str
    title: str
    author: str
    published: str
    text: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    language: str
    items: tuple[FeedItem, ...]
    notes: tuple[str, ...]


def parse_feed(page: Page) -> ParsedFeed:
    """The items of a downloaded feed. Raises :class:`FeedError` for anything that is not a feed; a feed
    that is broken but readable is read, with a note."""
    import feedparser

    if not page.body.strip():
        raise FeedError("the feed is empty (the server sent no data)")
    content_type = page.content_type + (f"; charset={page.charset}" if page.charset else "")
    try:
        # A file object, never the bytes themselves: feedparser fetches strings that look like URLs.
        parsed = feedparser.parse(io.BytesIO(_neutral_references(page.body)), response_headers={
            "content-type": content_type or "application/xml", "content-location": page.final_url})
    except Exception as exc:  # the parser's own failures on hostile input: this feed fails, not the update
        raise FeedError(f"the feed could not be read ({type(exc).__name__}: {exc})") from None
    problem = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        if page.content_type in ("text/html", "application/xhtml+xml") or looks_like_html(page.body):
            raise FeedError("not a feed: the address gives an HTML page")
        raise FeedError(f"not an RSS or Atom feed: {problem or 'no feed elements found'}")
    notes = []
    if problem is not None:
        name = type(problem).__name__
        if name == "CharacterEncodingOverride":
            notes.append(f"the feed's declared charset is wrong; read as {parsed.get('encoding', '?')}")
        elif name != "NonXMLContentType":
            notes.append(f"the feed is not well-formed ({problem}); read the {len(parsed.entries)} items "
                         "that could be read")
    meta = parsed.get("feed", {})
    language = str(meta.get("language", "") or "").split("-", 1)[0].lower()
    items = []
    for entry in parsed.entries:
        try:
            items.append(_item(entry, page.final_url))
        except Exception as exc:  # one unreadable item does not cost the others
            notes.append(f"an item could not be read ({type(exc).__name__}) and was left out")
    return ParsedFeed(clean_metadata(str(meta.get("title", "") or "")), language, tuple(items), tuple(notes))


#: A character reference (``&#127;``, ``&#xD800;``) in the raw feed.
_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _neutral_references(body: bytes) -> bytes:
    """The feed without references to characters no text should hold: a control character (DEL and the C1
    range included) is dropped, a lone surrogate or a number beyond Unicode becomes U+FFFD. feedparser's fallback
    parser crashes on a surrogate, and a control character in a title would end up in files and on terminals."""
    def replace(match: re.Match[bytes]) -> bytes:
        code = int(match[1], 16) if match[1] else int(match[2])
        if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or 0x7F <= code <= 0x9F:
            return b""
        return b"&#xFFFD;" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else match[0]

    return _REFERENCE.sub(replace, body)


def _item(entry: Any, base: str) -> FeedItem:
    link = clean_metadata(str(entry.get("link", "") or ""))
    link = urljoin(base, link) if link else ""
    title = clean_metadata(html.unescape(str(entry.get("title", "") or "")))
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    published = time.strftime("%Y-%m-%d", when) if when else ""
    key = clean_metadata(str(entry.get("id", "") or "")) or (normalise_url(link) if link else "") \
        or f"{title}|{published}"
    return FeedItem(key=key, link=link, title=title, author=clean_metadata(str(entry.get("author", "") or "")),
                    published=published, text=clean_body(_entry_text(entry)))


def _entry_text(entry: Any) -> str:
    """The longest of an item's full content and summary, as plain paragraphs."""
    candidates = [c for c in entry.get("content", []) or [] if isinstance(c, dict)]
    if entry.get("summary"):
        candidates.append({"value": entry.get("summary"), "type": entry.get("summary_detail", {}).get("type")})
    best = ""
    for candidate in candidates:
        value = str(candidate.get("value", "") or "")
        if candidate.get("type") == "text/plain":
            value = "".join(f"<p>{html.escape(p)}</p>" for p in value.split("\n\n"))
        text = html_fragment_text(value) if value.strip() else ""
        if len(text) > len(best):
            best = text
    return best


def discover_feeds(page: Page) -> list[str]:
    """Feed addresses an HTML page advertises with ``<link rel="alternate" type="application/rss+xml">``."""
    import lxml.html

    from .web import decode_html

    text, _ = decode_html(page.body, page.charset)
    try:
        tree = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and kind in ("application/rss+xml", "application/atom+xml") and link.get("href"):
            found.append(urljoin(page.final_url, link.get("href").strip()))
    return found


# --- subscriptions ----------------------------------------------------------------------------------------

def _find(state: WebState, url: str) -> dict[str, Any] | None:
    wanted = normalise_url(url)
    for record in state.feeds:
        if normalise_url(record["url"]) == wanted:
            return record
    return None


def _public(record: dict[str, Any]) -> Feed:
    return Feed(url=record["url"], title=record.get("title", ""), added=record.get("added", ""),
                checked=record.get("checked", ""), status=record.get("status", ""),
                articles=int(record.get("articles", 0)))


def list_feeds(corpus: Path) -> list[Feed]:
    """The feeds this corpus follows, in the order they were added."""
    return [_public(record) for record in WebState(Path(corpus)).feeds]


def subscribe(corpus: Path, url: str, *, policy: FetchPolicy | None = None) -> tuple[Feed, bool, list[str]]:
    """Follow the feed at ``url`` (or the feed an HTML page at ``url`` advertises).

    The feed is downloaded once to check it is one; its items are added by the next :func:`update_feeds`.
    Returns the subscription, whether it is new, and notes. Raises :class:`FeedError` when ``url`` gives no
    feed.
    """
    require_web()
    corpus = Path(corpus)
    state = WebState(corpus)
    existing = _find(state, url)
    if existing is not None:
        return _public(existing), False, []
    notes: list[str] = []
    with Fetcher(policy) as fetcher:
        try:
            page = fetcher.get(url, accept=FEED_ACCEPT)
            try:
                parsed = parse_feed(page)
            except FeedError:
                advertised = discover_feeds(page) if looks_like_html(page.body) else []
                if not advertised:
                    raise
                url = advertised[0]
                notes.append(f"the page advertises a feed; following {url}")
                existing = _find(state, url)
                if existing is not None:
                    return _public(existing), False, notes
                page = fetcher.get(url, accept=FEED_ACCEPT)
                parsed = parse_feed(page)
        except FetchError as exc:
            raise FeedError(exc.message) from None
    notes.extend(parsed.notes)
    if not parsed.items:
        notes.append("the feed has no items yet")
    record = {"url": page.url, "title": parsed.title, "added": now_iso(), "checked": "", "status": "",
              "etag": "", "last_modified": "", "seen": [], "failures": {}, "articles": 0}
    if policy is not None and policy.allow_private:
        record["allow_private"] = True  # its user asked: its updates may fetch private addresses too
    corpus.mkdir(parents=True, exist_ok=True)
    with state.writing():
        existing = _find(state, record["url"])
        if existing is not None:  # subscribed meanwhile by another process
            return _public(existing), False, notes
        state.feeds.append(record)
    return _public(record), True, notes


def unsubscribe(corpus: Path, url: str) -> Feed:
    """Stop following a feed. Articles it added stay in the corpus."""
    state = WebState(Path(corpus))
    with state.writing():
        record = _find(state, url)
        if record is None:
            followed = ", ".join(r["url"] for r in state.feeds) or "none"
            raise FeedError(f"not following {url} (followed: {followed})")
        state.feeds.remove(record)
    return _public(record)


# --- updating ---------------------------------------------------------------------------------------------

def update_feeds(corpus: Path, urls: list[str] | None = None, *, progress: Progress | None = None,
                 cancel: threading.Event | None = None, policy: FetchPolicy | None = None) -> FeedReport:
    """Fetch every followed feed (or the ones named) and add its new items to the corpus.

    Safe to call from a worker thread: ``progress`` gets a :class:`~index.web.WebProgress` per feed and per
    item; setting ``cancel`` stops after the current download. Each feed and each item fails on its own.
    The index is not touched: build it (incrementally) afterwards.
    """
    require_web()
    corpus = Path(corpus)
    state = WebState(corpus)
    records = state.feeds
    if urls:
        records = []
        for url in urls:
            record = _find(state, url)
            if record is None:
                raise FeedError(f"not following {url}; add it with: byline feeds add {url}")
            records.append(record)
    results: list[FeedResult] = []
    with Fetcher(policy, cancel) as fetcher:
        for number, record in enumerate(records):
            if fetcher.cancelled:
                break
            if progress is not None:
                progress(WebProgress(number, len(records), record["url"],
                                     f"checking {record.get('title') or record['url']}"))
            fetcher.allow_private = fetcher.policy.allow_private or record.get("allow_private") is True
            try:
                result = _update_one(state, fetcher, dict(record), progress, number, len(records))
            except IndexLocked:
                raise
            except Exception as exc:  # a hostile feed must not stop the others: report it as failed
                result = FeedResult(record["url"], record.get("title", ""), "failed",
                                    f"could not be read ({type(exc).__name__}: {exc})")
            status = result.status + (f": {result.reason}" if result.reason else "")
            _save_record(state, record["url"], lambda r, s=status: r.update(checked=now_iso(), status=s))
            results.append(result)
    if progress is not None:
        progress(WebProgress(len(records), len(records), "", "done"))
    return FeedReport(tuple(results))


def _update_one(state: WebState, fetcher: Fetcher, record: dict[str, Any], progress: Progress | None,
                number: int, total: int) -> FeedResult:
    url = record["url"]
    title = record.get("title", "")
    try:
        fetcher.check_budget(url)
        page = fetcher.get(url, accept=FEED_ACCEPT, etag=record.get("etag", ""),
                           last_modified=record.get("last_modified", ""))
    except FetchError as exc:
        return FeedResult(url, title, "failed", exc.message)
    if page.status == 304:
        return FeedResult(url, title, "not modified")
    try:
        parsed = parse_feed(page)
    except FeedError as exc:
        return FeedResult(url, title, "failed", str(exc))
    if parsed.title:
        record["title"] = title = parsed.title
    seen: list[str] = list(record.get("seen", []))
    seen_set = set(seen)
    failures: dict[str, int] = dict(record.get("failures", {}))
    new = [item for item in parsed.items if item.key not in seen_set]
    outcomes: list[AddOutcome] = []
    unfinished = False
    for index, item in enumerate(new, start=1):
        if progress is not None:
            progress(WebProgress(number, total, item.link or item.title,
                                 f"{title or url}: item {index} of {len(new)}"))
        try:
            fetcher.check_budget(item.link)
        except FetchError as exc:
            outcomes.append(AddOutcome(item.link or item.title, "failed", exc.message, title=item.title))
            unfinished = True
            break
        try:
            outcome = _add_item(state, fetcher, item, parsed, url)
        except IndexLocked:
            raise
        except Exception as exc:  # a hostile item fails alone
            outcome = AddOutcome(item.link or item.title, "failed", f"could not be added ({type(exc).__name__}: "
                                 f"{exc})", title=item.title)
        if outcome.status == "failed" and not outcome.reason.startswith("not tried"):
            failures[item.key] = failures.get(item.key, 0) + 1
            if failures[item.key] >= MAX_ATTEMPTS:
                outcome = AddOutcome(outcome.target, "failed",
                                     f"{outcome.reason} (gave up after {MAX_ATTEMPTS} attempts)",
                                     title=outcome.title, url=outcome.url)
        if outcome.status != "failed" or failures.get(item.key, 0) >= MAX_ATTEMPTS:
            failures.pop(item.key, None)
            seen.append(item.key)
            seen_set.add(item.key)
        outcomes.append(outcome)
        _save_record(state, url, lambda r, o=outcome: _item_done(r, seen, failures, o.status == "added"))
    current = {item.key for item in parsed.items}
    limit = max(SEEN_LIMIT, 2 * len(current))

    def finish(r: dict[str, Any]) -> None:
        known = _merged(r.get("seen", []), seen)
        r["seen"] = [key for key in known if key in current] + [key for key in known if key not in current][-limit:]
        r["failures"] = failures
        r["title"] = title
        if failures or unfinished:
            # Download the whole feed next time, so the items not yet added are offered again.
            r["etag"] = r["last_modified"] = ""
        else:
            r["etag"], r["last_modified"] = page.etag, page.last_modified

    _save_record(state, url, finish)
    reason = "" if parsed.items else "the feed has no items"
    return FeedResult(url, title, "updated", reason, tuple(outcomes), parsed.notes)


def _save_record(state: WebState, url: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change a feed's record under the corpus's writer lock, in the state as it is on disk now (another process
    may have changed it meanwhile; a feed removed meanwhile stays removed)."""
    with state.writing():
        record = _find(state, url)
        if record is not None:
            change(record)


def _merged(first: list[str], second: list[str]) -> list[str]:
    known = set(first)
    return [*first, *(key for key in second if key not in known)]


def _item_done(record: dict[str, Any], seen: list[str], failures: dict[str, int], added: bool) -> None:
    record["seen"] = _merged(list(record.get("seen", [])), seen)
    record["failures"] = dict(failures)
    if added:
        record["articles"] = int(record.get("articles", 0)) + 1


def _add_item(state: WebState, fetcher: Fetcher, item: FeedItem, feed: ParsedFeed, feed_url: str) -> AddOutcome:
    words = len(item.text.split())
    fallback = None
    if words >= MIN_WORDS:
        fallback = Extracted(title=item.title, body=item.text, author=item.author, published=item.published,
                             source=feed.title, url=item.link, language=feed.language)
    if not item.link:
        if fallback is None:
            return AddOutcome(item.title or item.key, "failed",
                              f"the item has no link and only {words} words of text", title=item.title)
        return store_article(state, fallback, target=item.title or item.key, notes=["from the feed's own text"],
                             feed=feed_url)
    outcome = add_page(state, fetcher, item.link, fallback=fallback, feed=feed_url)
    if outcome.status == "failed" and fallback is None and words and not outcome.reason.startswith("not tried"):
        outcome = AddOutcome(outcome.target, outcome.status,
                             f"{outcome.reason}; the feed's own text is too short to stand in ({words} words)",
                             title=item.title, url=outcome.url)
    return outcome
