"""Adding web articles to a corpus: fetch a page, extract the article, store it as a text file plus metadata.

An added article becomes ``web/<site>/<yyyy-mm-dd>-<slug>.txt`` in the corpus folder (its title, a blank line,
then its body, paragraphs separated by blank lines) and an entry in the corpus's ``byline.toml`` sidecar with
its title, outlet, date, author, language and URL, so the corpus reader and the index need nothing new.

Extraction is trafilatura's (title, author, date, site name and the body without navigation, ads, captions
and comments); fetching is :mod:`index.fetch`'s. Nothing here touches the index: callers add, then build
incrementally, so fetching never holds the index writer.

Duplicates are recognised before anything is written: by URL (the address asked for, the one redirected to,
and the page's own canonical address, all normalised without fragments or tracking parameters) and by a hash
of the body text. What was added is remembered in ``.byline/web.json`` inside the corpus (hidden folders are
not read as articles), together with the feed subscriptions of :mod:`index.feeds`. Every file is written to
a temporary name and renamed into place, so an interrupted add never leaves half an article.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .annotate import content_hash
from .fetch import Fetcher, FetchError, FetchPolicy, Page, require_web
from .ingest import (
    SidecarError,
    clean_body,
    clean_metadata,
    decode_bytes,
    normalise_date,
    read_sidecar,
    sidecar_with_entry,
    write_sidecar,
)
from .storage import SIDECAR, STATE_DIR, STATE_FILE, corpus_lock, write_atomic, write_json

WEB_FOLDER = "web"
#: Fewer words than this is a teaser, a login wall or an index page, not an article.
MIN_WORDS = 30
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


class NotAnArticle(Exception):
    """A page that was fetched but holds no article Byline can add; the message says why."""


class WebStateError(RuntimeError):
    """The corpus's ``.byline/web.json`` cannot be read; it is left untouched for the user to fix."""


# --- results ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WebProgress:
    """Where a batch is: ``done`` of ``total`` steps, what it is working on, in words."""

    done: int
    total: int
    current: str
    message: str


@dataclass(frozen=True)
class AddOutcome:
    """What happened to one URL, file or feed item: ``added``, ``skipped`` (already present) or ``failed``."""

    target: str
    status: str
    #: Why it was skipped or failed; empty when added.
    reason: str = ""
    #: The article file, relative to the corpus: the new one, or the one it duplicates.
    path: str = ""
    title: str = ""
    url: str = ""
    #: Things worth knowing about an added article, e.g. a wrong charset or a fallback to the feed's text.
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data


@dataclass(frozen=True)
class AddReport:
    outcomes: tuple[AddOutcome, ...] = field(default=())

    def _with(self, status: str) -> list[AddOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[AddOutcome]:
        return self._with("added")

    @property
    def skipped(self) -> list[AddOutcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[AddOutcome]:
        return self._with("failed")

    def to_dict(self) -> dict[str, Any]:
        return {"added": len(self.added), "skipped": len(self.skipped), "failed": len(self.failed),
                "outcomes": [o.to_dict() for o in self.outcomes]}


Progress = Callable[[WebProgress], None]


# --- URLs, charsets, extraction ---------------------------------------------------------------------------

def normalise_url(url: str) -> str:
    """The form two addresses of one page share: lower-case host, no default port, no fragment, no tracking
    parameters (``utm_*``, ``fbclid``, ...), remaining query parameters sorted."""
    from courlan import normalize_url

    url = url.strip()
    try:
        normal = normalize_url(url)
    except ValueError:
        return url
    return normal.split("#", 1)[0]


def is_web_address(target: str) -> bool:
    return urlsplit(target.strip()).scheme.lower() in ("http", "https")


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: Labels that browsers read as windows-1252 (WHATWG Encoding), so bytes 0x80-0x9F are quotes and dashes.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"}


def _codec(label: str) -> str:
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def decode_html(body: bytes, declared: str = "") -> tuple[str, list[str]]:
    """Text of an HTML page and notes on its charset. ``declared`` is the HTTP header's charset.

    The header wins, then the page's ``<meta charset>``; a page whose bytes contradict what it declares, or
    that declares nothing and is not UTF-8, is decoded with a fallback and a note says so.
    """
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, _flag = decode_bytes(body)
        return text or "", []
    meta = _META_CHARSET.search(body[:4096])
    claimed = declared or (meta.group(1).decode("ascii", "replace").lower() if meta else "")
    who = "the server" if declared else "the page"
    notes: list[str] = []
    codec = _codec(claimed) if claimed else ""
    if claimed and not codec:
        notes.append(f"{who} declares an unknown charset {claimed!r}")
    if codec:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            if codec == "cp1252" and not body.isascii() and _is_utf8(body):
                notes.append(f"{who} says the text is {claimed}, but it is UTF-8; read as UTF-8")
                return body.decode("utf-8"), notes
            return text, notes
    text, flag = decode_bytes(body)
    fallback = flag.removeprefix("decoded-as:") or "utf-8"
    if text is None:
        return body.decode("utf-8", errors="replace"), [*notes, f"not text ({flag}); read as UTF-8 with gaps"]
    if codec:
        notes.append(f"{who} says the text is {claimed}, but it is not; read as {fallback}")
    elif fallback != "utf-8":
        notes.append(f"no charset declared; read as {fallback}")
    return text, notes


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Extracted:
    """An article as extracted from a page or a feed item, before it is stored."""

    title: str
    body: str
    author: str = ""
    published: str = ""
    source: str = ""
    #: The page's own canonical address when it names one, else the address it was fetched from.
    url: str = ""
    language: str = ""


def extract_article(html: str, url: str | None = None) -> Extracted:
    """The article on an HTML page, without navigation, ads, captions and comments.

    Raises :class:`NotAnArticle` when the page holds no article text (an index page, a login wall, an
    empty shell filled by JavaScript).
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise NotAnArticle("the page could not be read as HTML")
    language = _language(tree.get("lang") or tree.get("xml:lang") or "")
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False,
                                      include_images=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        raise NotAnArticle("no article text found on the page")
    title = " ".join((doc.title or "").split())
    body = _paragraphs(doc.text, title)
    words = len(body.split())
    if words < MIN_WORDS:
        raise NotAnArticle(f"no article text found on the page (only {words} words of text)")
    canonical = doc.url or url or ""
    if url and _is_home_page(canonical) and not _is_home_page(url):
        canonical = url  # a site-wide canonical pointing at the home page would make every article one
    if url and not same_site(canonical, url):
        canonical = url  # a page may not file itself under another site (and block that site's own article)
    return Extracted(
        title=title,
        body=body,
        author=" ".join((doc.author or "").split()),
        published=normalise_date(doc.date or ""),
        source=" ".join((doc.sitename or "").split()),
        url=canonical,
        language=language,
    )


#: Second-level labels under which a site's name is the third label (``bbc.co.uk``, ``abc.net.au``).
_SHARED_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"}


def site_of(url: str) -> str:
    """The site an address belongs to: its host without subdomains (``www.bbc.co.uk`` -> ``bbc.co.uk``)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if ":" in host or host.replace(".", "").isdigit():
        return host  # an IP address is its own site
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SHARED_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    return bool(site_of(url)) and site_of(url) == site_of(other)


def _is_home_page(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def _language(tag: str) -> str:
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _paragraphs(text: str, title: str = "") -> str:
    """Extracted text as paragraphs separated by blank lines (what the annotator splits sentences on),
    without a first line that only repeats the title."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def html_fragment_text(fragment: str) -> str:
    """Plain paragraphs from an HTML fragment such as a feed item's content (no extraction heuristics: a
    feed's content is already the article)."""
    import trafilatura

    wrapped = f"<html><body><article>{fragment}</article></body></html>"
    text = trafilatura.extract(wrapped, favor_recall=True, include_comments=False, include_images=False)
    if not text:
        text = trafilatura.html2txt(wrapped)
    return _paragraphs(text or "")


# --- the corpus's web state -------------------------------------------------------------------------------

def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def body_hash(body: str) -> str:
    """Hash of an article's words, blind to spacing and line breaks, for recognising the same text twice."""
    return content_hash(" ".join(body.split()))


class WebState:
    """What the corpus knows about the web: articles added (their addresses and text hashes) and feeds.

    Kept in ``<corpus>/.byline/web.json``. Addresses recorded in the ``byline.toml`` sidecar count as known
    too, so articles added by hand with a URL are not fetched again. A record whose file the user deleted
    no longer counts, so deleting an article and adding it again works.
    """

    def __init__(self, corpus: Path) -> None:
        self.corpus = Path(corpus)
        self.path = self.corpus / STATE_DIR / STATE_FILE
        self._load()

    def _load(self) -> None:
        data: dict[str, Any] = {}
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise WebStateError(f"cannot read {self.path}: {exc}; fix or remove it (it lists the feeds "
                                    "this corpus follows and the articles added from the web)") from None
            if not isinstance(data, dict):
                raise WebStateError(f"cannot read {self.path}: not a JSON object; fix or remove it")
            _check_state(self.path, data)
        self.articles: list[dict[str, Any]] = list(data.get("articles", []))
        self.feeds: list[dict[str, Any]] = list(data.get("feeds", []))
        self._by_url: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        sidecar, problems = read_sidecar(self.corpus) if self.corpus.is_dir() else ({}, [])
        problems = [p for p in problems if p.reason.startswith("metadata ignored: ")]
        if problems:
            # Adding would rewrite the sidecar; refuse rather than lose the metadata it holds.
            reason = problems[0].reason.removeprefix("metadata ignored: ")
            raise WebStateError(f"cannot read {self.corpus / SIDECAR}: {reason}; fix it first")
        for relpath, meta in sidecar.items():
            if meta.get("url"):
                self._by_url.setdefault(normalise_url(meta["url"]), relpath)
        for record in self.articles:
            self._index(record)

    @contextlib.contextmanager
    def writing(self, wait: float = 10.0) -> Iterator[WebState]:
        """Change the state under the corpus's writer lock, starting from what is on disk now (another process
        may have added meanwhile); saved when the block ends without an error. Raises
        :class:`~index.storage.IndexLocked` naming the holder when the lock cannot be had in ``wait`` seconds."""
        with corpus_lock(self.corpus, wait):
            self._load()
            yield self
            self.save()

    def _index(self, record: dict[str, Any]) -> None:
        path = str(record.get("path", ""))
        for url in [record.get("url", ""), *record.get("aliases", [])]:
            if url:
                self._by_url[normalise_url(str(url))] = path
        if record.get("hash"):
            self._by_hash[str(record["hash"])] = path

    def _present(self, path: str | None) -> str | None:
        return path if path and (self.corpus / path).is_file() else None

    def find_url(self, *urls: str) -> str | None:
        """The article file already holding any of these addresses, if any."""
        for url in urls:
            if url:
                found = self._present(self._by_url.get(normalise_url(url)))
                if found:
                    return found
        return None

    def find_hash(self, digest: str) -> str | None:
        return self._present(self._by_hash.get(digest))

    def record(self, path: str, url: str, aliases: Iterable[str], digest: str, feed: str = "") -> None:
        others = sorted({normalise_url(a) for a in aliases if a} - {url})
        record = {"path": path, "url": url, "aliases": others, "hash": digest, "added": now_iso()}
        if feed:
            record["feed"] = feed
        self.articles.append(record)
        self._index(record)

    def save(self) -> None:
        """Write the state atomically (callers hold the corpus's writer lock: see :meth:`writing`)."""
        data = {"version": 1, "feeds": self.feeds, "articles": self.articles}
        write_json(self.path, data, indent=1)


#: The keys of web.json's records and the types Byline needs them to have.
_ARTICLE_KEYS = {"path": str, "url": str, "aliases": list, "hash": str, "added": str, "feed": str}
_FEED_KEYS = {"url": str, "title": str, "added": str, "checked": str, "status": str, "etag": str,
              "last_modified": str, "seen": list, "failures": dict, "articles": int, "allow_private": bool}
_TYPE_NAMES = {str: "text", list: "a list", dict: "a table", int: "a whole number", bool: "true or false"}


def _check_state(path: Path, data: dict[str, Any]) -> None:
    """Raise :class:`WebStateError` naming the first value of the state file Byline cannot use."""
    def bad(where: str, expected: type) -> WebStateError:
        return WebStateError(f"cannot read {path}: {where} must be {_TYPE_NAMES[expected]}; fix or remove it")

    for key, keys in (("articles", _ARTICLE_KEYS), ("feeds", _FEED_KEYS)):
        records = data.get(key, [])
        if not isinstance(records, list):
            raise bad(key, list)
        for number, record in enumerate(records):
            if not isinstance(record, dict):
                raise bad(f"{key}[{number}]", dict)
            for name, expected in keys.items():
                value = record.get(name)
                if value is not None and (not isinstance(value, expected)
                                          or (isinstance(value, bool) and expected is not bool)):
                    raise bad(f"{key}[{number}].{name}", expected)
            if key == "feeds" and not record.get("url"):
                raise WebStateError(f"cannot read {path}: {key}[{number}] has no url; fix or remove it")
            if key == "articles":
                for alias in record.get("aliases", []):
                    if not isinstance(alias, str):
                        raise bad(f"{key}[{number}].aliases", list)


# --- storing ----------------------------------------------------------------------------------------------

def _slug(title: str, limit: int = 60) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


def _site_folder(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    host = re.sub(r"[^a-z0-9.-]+", "-", host).strip(".-")
    return host or "local"


def store_article(state: WebState, article: Extracted, *, target: str, aliases: Iterable[str] = (),
                  notes: Iterable[str] = (), feed: str = "") -> AddOutcome:
    """Add an extracted article to the corpus unless it is already there (same address or same text).

    Under the corpus's writer lock, against the state on disk: two processes adding the same page store it
    once. The article's metadata is checked before anything is written."""
    article = replace(article, body=clean_body(article.body),
                      **{name: clean_metadata(getattr(article, name))
                         for name in ("title", "author", "published", "source", "url", "language")})
    url = normalise_url(article.url) if article.url else ""
    aliases = [a for a in aliases if a]
    digest = body_hash(article.body)
    with state.writing():
        existing = state.find_url(url, *aliases)
        if existing:
            return AddOutcome(target, "skipped", f"already in the corpus: {existing}", existing, article.title, url)
        existing = state.find_hash(digest)
        if existing:
            return AddOutcome(target, "skipped", f"same text already in the corpus: {existing}", existing,
                              article.title, url)
        title = article.title or _first_words(article.body)
        folder = state.corpus / WEB_FOLDER / _site_folder(url or next(iter(aliases), ""))
        stem = f"{article.published or 'undated'}-{_slug(title) or digest[:12]}"
        name = f"{stem}.txt"
        number = 2
        while (folder / name).exists():
            name = f"{stem}-{number}.txt"
            number += 1
        relpath = (folder / name).relative_to(state.corpus).as_posix()
        try:  # everything is checked before the first file is written
            sidecar = sidecar_with_entry(state.corpus, relpath, {
                "title": title,
                "source": article.source or (_site_folder(url) if url else ""),
                "published": article.published,
                "url": url,
                "author": article.author,
                "language": article.language,
            })
        except SidecarError as exc:
            return AddOutcome(target, "failed", str(exc), title=title, url=url)
        write_atomic(folder / name, f"{title}\n\n{article.body}\n")
        write_sidecar(state.corpus, sidecar)
        state.record(relpath, url, aliases, digest, feed)
    return AddOutcome(target, "added", "", relpath, title, url, tuple(notes))


def _first_words(body: str, count: int = 12) -> str:
    words = body.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def article_from_page(page: Page) -> tuple[Extracted, list[str]]:
    """The article in a fetched page, and notes on how it was read; :class:`NotAnArticle` when there is
    none (not HTML, a feed, no article text)."""
    kind = page.content_type
    if kind and kind not in HTML_TYPES:
        if kind in FEED_TYPES or kind.endswith(("/rss+xml", "/atom+xml")):
            raise NotAnArticle(f"this address is a feed ({kind}); follow it with: byline feeds add URL")
        raise NotAnArticle(f"not an HTML page (content type {kind})")
    if not kind and not looks_like_html(page.body):
        raise NotAnArticle("not an HTML page (the server gave no content type and the content is not HTML)")
    html, notes = decode_html(page.body, page.charset)
    return extract_article(html, page.final_url), notes


def looks_like_html(body: bytes) -> bool:
    """Whether bytes served without a usable content type are an HTML page."""
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in body[:4096].lower()


def add_page(state: WebState, fetcher: Fetcher, url: str, *, fallback: Extracted | None = None,
             feed: str = "") -> AddOutcome:
    """Fetch ``url`` and add its article. When the page cannot be fetched or read and ``fallback`` (a feed
    item's own text) is given, that is added instead, with a note saying why."""
    target = url
    asked = normalise_url(url)
    existing = state.find_url(asked)
    if existing:  # known without a download
        return AddOutcome(target, "skipped", f"already in the corpus: {existing}", existing, url=asked)
    try:
        page = fetcher.get(url, accept=PAGE_ACCEPT)
        article, notes = article_from_page(page)
    except FetchError as exc:
        if exc.kind == "cancelled" or fallback is None:
            return AddOutcome(target, "failed", exc.message, url=asked)
        problem = exc.message
    except NotAnArticle as exc:
        if fallback is None:
            return AddOutcome(target, "failed", str(exc), url=asked)
        problem = str(exc)
    else:
        if fallback is not None:
            article = _fill_in(article, fallback)
        return store_article(state, article, target=target, aliases=[asked, page.final_url], notes=notes,
                             feed=feed)
    return store_article(state, fallback, target=target, aliases=[asked],
                         notes=[f"from the feed's own text (the page: {problem})"], feed=feed)


def _fill_in(article: Extracted, other: Extracted) -> Extracted:
    """``article`` with the metadata it lacks taken from ``other`` (a feed item says who and when)."""
    return replace(article, **{name: getattr(other, name) for name in ("title", "author", "published",
                                                                       "source", "language")
                               if not getattr(article, name) and getattr(other, name)})


def add_file(state: WebState, path: Path) -> AddOutcome:
    """Add the article of a saved HTML page."""
    target = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return AddOutcome(target, "failed", f"cannot read the file: {exc.strerror or exc}")
    if not looks_like_html(data):
        return AddOutcome(target, "failed", "not an HTML file")
    html, notes = decode_html(data)
    try:
        article = extract_article(html)
    except NotAnArticle as exc:
        return AddOutcome(target, "failed", str(exc))
    return store_article(state, article, target=target, notes=notes)


def add_urls(corpus: Path, targets: Iterable[str], *, progress: Progress | None = None,
             cancel: threading.Event | None = None, policy: FetchPolicy | None = None) -> AddReport:
    """Add the articles at these URLs (or saved ``.html`` files) to the corpus folder.

    Safe to call from a worker thread: ``progress`` gets a :class:`WebProgress` before each target and at
    the end; setting ``cancel`` stops after the current download. One target failing never stops the
    others. The index is not touched: build it (incrementally) afterwards.
    """
    require_web()
    corpus = Path(corpus)
    corpus.mkdir(parents=True, exist_ok=True)
    targets = list(targets)
    state = WebState(corpus)
    outcomes: list[AddOutcome] = []
    with Fetcher(policy, cancel) as fetcher:
        for number, target in enumerate(targets):
            if progress is not None:
                progress(WebProgress(number, len(targets), target, f"fetching {target}"))
            try:
                fetcher.check_budget(target)
            except FetchError as exc:
                outcomes.append(AddOutcome(target, "failed", exc.message))
                continue
            if is_web_address(target):
                outcome = add_page(state, fetcher, target.strip())
            elif Path(target).expanduser().is_file():
                outcome = add_file(state, Path(target).expanduser())
            else:
                outcome = AddOutcome(target, "failed", "neither an http(s) address nor a file")
            outcomes.append(outcome)
    if progress is not None:
        progress(WebProgress(len(targets), len(targets), "", "done"))
    return AddReport(tuple(outcomes))
