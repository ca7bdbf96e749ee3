"""Adding web articles and following feeds, against a real HTTP server on 127.0.0.1 started by the tests.

The server serves the pages and feeds in ``tests/web_fixtures/`` (written for these tests: a news page with
navigation, ads, a caption and comments around the text; RSS 2.0 and Atom feeds; broken variants) plus
routes that fail on purpose: error statuses, a redirect loop, a PDF, a slow response, an endless body.
It honours ``If-None-Match``/``If-Modified-Since`` and counts what it answered, so the tests can check that
Byline asks conditionally and that an unchanged feed costs a 304.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from index import bundled_corpus, install_hint
from index.feeds import FeedError, list_feeds, subscribe, unsubscribe, update_feeds
from index.fetch import FetchPolicy, WebUnavailable, require_web
from index.ingest import read_corpus, read_sidecar
from index.web import STATE_DIR, STATE_FILE, WebProgress, WebStateError, add_urls, normalise_url

FIXTURES = Path(__file__).parent / "web_fixtures"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
#: Small limits so failures come quickly; no delay between requests to the one test host.
POLICY = FetchPolicy(timeout=0.5, host_delay=0.0, max_bytes=200_000, max_redirects=5, total_time=60,
                     allow_private=True)

#: path -> (fixture file, content type, validators: "etag", "last-modified", "both" or "none")
ROUTES: dict[str, tuple[str, str, str]] = {
    "/news/flood-barrier.html": ("news/flood-barrier.html", HTML, "both"),
    "/news/2024/03/14/tidal-barrier-vote": ("news/flood-barrier.html", HTML, "both"),
    "/amp/flood-barrier": ("news/flood-barrier.html", HTML, "none"),
    "/news/ferry.html": ("news/ferry.html", HTML, "both"),
    "/news/market.html": ("news/market.html", HTML, "both"),
    "/business/market-rent-freeze": ("news/market.html", HTML, "both"),
    "/news/no-article.html": ("news/no-article.html", HTML, "both"),
    "/news/cafe-nocharset.html": ("news/cafe-nocharset.html", "text/html", "none"),
    "/news/cafe-wrongcharset.html": ("news/cafe-wrongcharset.html", HTML, "none"),
    "/feeds/rss.xml": ("feeds/rss.xml", RSS, "both"),
    "/feeds/rss-no-validators.xml": ("feeds/rss.xml", RSS, "none"),
    "/feeds/atom.xml": ("feeds/atom.xml", "application/atom+xml", "last-modified"),
    "/feeds/broken-items.xml": ("feeds/broken-items.xml", RSS, "both"),
    "/feeds/empty.xml": ("feeds/empty.xml", RSS, "both"),
    "/feeds/not-a-feed.xml": ("feeds/not-a-feed.xml", RSS, "none"),
    "/feeds/zero.xml": ("feeds/zero.xml", RSS, "none"),
    "/feeds/truncated.xml": ("feeds/truncated.xml", RSS, "none"),
    "/feeds/wrong-charset.xml": ("feeds/wrong-charset.xml", "application/rss+xml", "none"),
}
LAST_MODIFIED = "Fri, 15 Mar 2024 09:00:00 GMT"


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FixtureHandler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        #: (path with query, status, request headers) for every request answered.
        self.log: list[tuple[str, int, dict[str, str]]] = []
        #: path -> (content type, bytes) replacing a fixture; path -> status forcing an error.
        self.overrides: dict[str, tuple[str, bytes]] = {}
        self.errors: dict[str, int] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # Byline hanging up early is expected
            super().handle_error(request, client_address)

    def url(self, path: str) -> str:
        return self.base + path

    def statuses(self, path: str) -> list[int]:
        with self.lock:
            return [status for logged, status, _ in self.log if urlsplit(logged).path == path]

    def requests_to(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for logged, _, headers in self.log if urlsplit(logged).path == path]


class FixtureHandler(BaseHTTPRequestHandler):
    server: FixtureServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "", headers: dict[str, str] | None = None,
              length: bool = True) -> None:
        with self.server.lock:
            self.server.log.append((self.path, status, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in self.server.errors:
            self._send(self.server.errors[path], b"error", "text/plain")
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"<html><body>error page</body></html>", HTML)
        elif path in ("/loop/a", "/loop/b"):
            self._send(302, headers={"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
        elif path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            self._send(301, headers={"Location": f"/chain/{step + 1}"})
        elif path == "/files/report.pdf":
            self._send(200, b"%PDF-1.4\n% a tiny stand-in for a PDF report\n", "application/pdf")
        elif path == "/slow":
            self.server.stop.wait(5)  # longer than the tests' timeout; cut short when the server stops
            if not self.server.stop.is_set():
                self._send(200, (FIXTURES / "news/ferry.html").read_bytes(), HTML)
        elif path == "/endless":
            self._send(200, b"", HTML, headers={"Connection": "close"}, length=False)
            chunk = b"<p>" + b"more words " * 1000 + b"</p>\n"
            try:
                while not self.server.stop.is_set():
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
        else:
            self._serve_fixture(path)

    def _serve_fixture(self, path: str) -> None:
        if path in self.server.overrides:
            content_type, body = self.server.overrides[path]
            validators = "both"
        elif path in ROUTES:
            name, content_type, validators = ROUTES[path]
            body = (FIXTURES / name).read_bytes()
        else:
            self._send(404, b"<html><body>Not found</body></html>", HTML)
            return
        body = body.replace(b"{{BASE}}", self.server.base.encode("ascii"))
        headers = {}
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if validators in ("etag", "both"):
            headers["ETag"] = etag
        if validators in ("last-modified", "both"):
            headers["Last-Modified"] = LAST_MODIFIED
        # As RFC 9110 says: If-None-Match, when sent and understood, decides alone.
        if "ETag" in headers and self.headers.get("If-None-Match"):
            unchanged = self.headers["If-None-Match"] == etag
        else:
            unchanged = "Last-Modified" in headers and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        if unchanged:
            self._send(304, headers=headers, length=False)
            return
        self._send(200, body, content_type, headers)


@pytest.fixture
def server():
    srv = FixtureServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return tmp_path / "news"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def article_file(corpus: Path, relpath: str) -> tuple[str, str]:
    """(title line, body) of a stored article; checks the title-blank line-body layout."""
    text = (corpus / relpath).read_text(encoding="utf-8")
    title, blank, body = text.split("\n", 2)
    assert blank == ""
    return title, body


NOISE = [
    "Subscribe for £1", "SPONSORED", "Refinance your mortgage", "Lighthouse Spa", "cookies",
    "Workers inspect the crumbling", "Gazette picture desk", "waste of taxpayers", "herons",
    "water in the hallway", "Get the Gazette in your inbox", "Most read", "Pier reopens",
    "Quay Street families still waiting", "Share on Facebook", "All rights reserved", "Join the conversation",
]


# --- adding pages -----------------------------------------------------------------------------------------

def test_add_extracts_title_author_date_site_and_clean_body(server: FixtureServer, corpus: Path) -> None:
    report = add_urls(corpus, [server.url("/news/flood-barrier.html")], policy=POLICY)

    assert [o.status for o in report.outcomes] == ["added"]
    added = report.added[0]
    assert added.path == "web/127.0.0.1/2024-03-14-council-backs-40m-tidal-barrier-after-stormy-debate.txt"
    title, body = article_file(corpus, added.path)
    assert title == "Council backs £40m tidal barrier after stormy debate"
    assert body.startswith("Councillors voted seven to two to fund a barrier")
    assert "Every year we argue, someone else's kitchen ends up under the estuary." in body
    assert body.rstrip().endswith("will open at the town library on 2 April.")
    assert "\n\nOpponents said the scheme" in body  # paragraphs kept, separated by blank lines
    for noise in NOISE:
        assert noise not in body, noise
    meta = read_sidecar(corpus)[0][added.path]
    assert meta == {
        "title": "Council backs £40m tidal barrier after stormy debate",
        "source": "The Harbour Gazette",
        "published": "2024-03-14",
        "url": server.url("/news/2024/03/14/tidal-barrier-vote"),  # the page's canonical address
        "author": "Marta Okonkwo",
        "language": "en",
    }
    # The corpus reader (and so the index) sees it as an ordinary article with that metadata.
    [article] = read_corpus(corpus).articles
    assert (article.title, article.source, article.published, article.author, article.url) == (
        meta["title"], meta["source"], meta["published"], meta["author"], meta["url"])
    assert not list(corpus.rglob("*.part")) and not list(corpus.rglob(".*.tmp"))


def test_fetches_name_byline_in_the_user_agent(server: FixtureServer, corpus: Path) -> None:
    add_urls(corpus, [server.url("/news/ferry.html")], policy=POLICY)
    [headers] = server.requests_to("/news/ferry.html")
    assert headers["user-agent"].startswith("Byline/")
    assert headers["user-agent"].endswith("(+terminal news reader)")


def test_another_page_layout_is_extracted_too(server: FixtureServer, corpus: Path) -> None:
    report = add_urls(corpus, [server.url("/news/ferry.html")], policy=POLICY)
    [added] = report.added
    title, body = article_file(corpus, added.path)
    assert title == "Island ferry to resume sailings on Monday"
    assert "passed sea trials on Thursday" in body and "no decision would be made before the summer" in body
    for noise in ("holiday cottage", "Distillery", "IslandGirl74", "OldSalt", "You may also like", "Tide tables",
                  "Lifeboat crew honoured", "newsdesk"):
        assert noise not in body, noise
    meta = read_sidecar(corpus)[0][added.path]
    assert (meta["source"], meta["author"], meta["published"], meta["language"]) == (
        "Island Courier", "Tomos Hale", "2024-03-15", "en")


def test_same_article_again_is_skipped_by_canonical_url(server: FixtureServer, corpus: Path) -> None:
    first = add_urls(corpus, [server.url("/news/flood-barrier.html")], policy=POLICY)
    path = first.added[0].path
    requests_before = len(server.log)
    again = add_urls(corpus, [
        # the canonical address with tracking parameters and a fragment: known without fetching
        server.url("/news/2024/03/14/tidal-barrier-vote?utm_source=newsletter&utm_campaign=x#comments"),
        # another address serving the same page: fetched, then recognised by its canonical link
        server.url("/amp/flood-barrier"),
    ], policy=POLICY)
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]
    assert all(o.reason == f"already in the corpus: {path}" and o.path == path for o in again.outcomes)
    assert [urlsplit(p).path for p, _, _ in server.log[requests_before:]] == ["/amp/flood-barrier"]
    assert len(list((corpus / "web").rglob("*.txt"))) == 1


def test_same_text_at_another_address_is_skipped_by_content_hash(server: FixtureServer, corpus: Path) -> None:
    report = add_urls(corpus, [server.url("/news/cafe-nocharset.html"),
                               server.url("/news/cafe-wrongcharset.html")], policy=POLICY)
    assert [o.status for o in report.outcomes] == ["added", "skipped"]
    assert report.skipped[0].reason == f"same text already in the corpus: {report.added[0].path}"


def test_missing_charset_is_detected_and_noted(server: FixtureServer, corpus: Path) -> None:
    report = add_urls(corpus, [server.url("/news/cafe-nocharset.html")], policy=POLICY)
    [added] = report.added
    assert added.notes == ("no charset declared; read as cp1252",)
    assert added.title == "Seafront café to open all winter"
    _, body = article_file(corpus, added.path)
    assert "“We used to board up in October and hope for the best,” said Renée Dubois" in body
    assert "a hot drink all year — and so can the lifeboat crew" in body and "£12,000" in body


def test_wrong_charset_is_corrected_and_noted(server: FixtureServer, corpus: Path) -> None:
    report = add_urls(corpus, [server.url("/news/cafe-wrongcharset.html")], policy=POLICY)
    [added] = report.added
    assert added.notes == ("the server says the text is utf-8, but it is not; read as cp1252",)
    _, body = article_file(corpus, added.path)
    assert "said Renée Dubois, who bought the café in 2015" in body and "\ufffd" not in body


def test_each_failure_is_reported_and_the_rest_added(server: FixtureServer, corpus: Path) -> None:
    port = closed_port()
    targets = [
        server.url("/news/ferry.html"),
        server.url("/news/gone.html"),
        server.url("/status/500"),
        f"http://127.0.0.1:{port}/news/story.html",
        server.url("/loop/a"),
        server.url("/chain/1"),
        server.url("/files/report.pdf"),
        server.url("/news/no-article.html"),
        server.url("/slow"),
        server.url("/endless"),
        server.url("/feeds/rss.xml"),
        "ftp://127.0.0.1/story.txt",
        server.url("/news/market.html"),
    ]
    report = add_urls(corpus, targets, policy=POLICY)

    reasons = {o.target: o.reason for o in report.outcomes}
    assert [o.status for o in report.outcomes] == ["added"] + ["failed"] * 11 + ["added"]
    assert reasons[targets[1]] == "HTTP 404 Not Found"
    assert reasons[targets[2]] == "HTTP 500 Internal Server Error"
    assert reasons[targets[3]].startswith(f"could not connect to 127.0.0.1:{port}")
    assert reasons[targets[4]] == (f"redirect loop: {server.url('/loop/a')} → {server.url('/loop/b')} → "
                                   f"{server.url('/loop/a')}")
    assert reasons[targets[5]] == "too many redirects (more than 5)"
    assert reasons[targets[6]] == "not an HTML page (content type application/pdf)"
    assert reasons[targets[7]].startswith("no article text found on the page")
    assert reasons[targets[8]] == \
        f"timed out: no complete response from 127.0.0.1:{server.server_address[1]} within 0.5 s"
    assert reasons[targets[9]] == "too large: more than 200,000 bytes"
    assert reasons[targets[10]] == ("this address is a feed (application/rss+xml); follow it with: "
                                    "byline feeds add URL")
    assert reasons[targets[11]] == "neither an http(s) address nor a file"
    assert sorted(meta["source"] for meta in read_sidecar(corpus)[0].values()) == ["Island Courier", "Valley Post"]
    assert len(list(corpus.rglob("*.txt"))) == 2


def test_add_a_saved_page(server: FixtureServer, corpus: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes((FIXTURES / "news/ferry.html").read_bytes().replace(b"{{BASE}}", b"https://courier.example"))
    report = add_urls(corpus, [str(saved), str(tmp_path / "missing.html")], policy=POLICY)
    assert [o.status for o in report.outcomes] == ["added", "failed"]
    assert report.added[0].path == "web/courier.example/2024-03-15-island-ferry-to-resume-sailings-on-monday.txt"
    assert read_sidecar(corpus)[0][report.added[0].path]["url"] == "https://courier.example/news/ferry.html"
    assert report.failed[0].reason == "neither an http(s) address nor a file"


def test_progress_and_cancel(server: FixtureServer, corpus: Path) -> None:
    cancel = threading.Event()
    steps: list[WebProgress] = []

    def progress(step: WebProgress) -> None:
        steps.append(step)
        if step.done == 1:
            cancel.set()  # the user cancels while the second page is being fetched

    urls = [server.url("/news/ferry.html"), server.url("/news/market.html"), server.url("/news/flood-barrier.html")]
    report = add_urls(corpus, urls, progress=progress, cancel=cancel, policy=POLICY)
    assert [o.status for o in report.outcomes] == ["added", "failed", "failed"]
    assert {o.reason for o in report.failed} == {"not tried: cancelled"}
    assert [(s.done, s.total, s.current) for s in steps] == [(0, 3, urls[0]), (1, 3, urls[1]), (2, 3, urls[2]),
                                                             (3, 3, "")]


def test_total_time_limit(server: FixtureServer, corpus: Path) -> None:
    policy = FetchPolicy(timeout=0.5, host_delay=0.0, total_time=0.0, allow_private=True)
    report = add_urls(corpus, [server.url("/news/ferry.html")], policy=policy)
    assert report.failed[0].reason == "not tried: the time limit of 0 s was reached"
    assert server.log == []


class RecordingEvent(threading.Event):
    """A cancel event that records how long the fetcher asked to wait, and returns at once."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return False


def test_requests_to_one_host_are_spaced_out(server: FixtureServer, corpus: Path) -> None:
    recorder = RecordingEvent()
    policy = FetchPolicy(timeout=0.5, host_delay=30.0, total_time=600, allow_private=True)
    report = add_urls(corpus, [server.url("/news/ferry.html"), server.url("/news/market.html")],
                      cancel=recorder, policy=policy)
    assert len(report.added) == 2
    [waited] = recorder.waits  # none before the first request; nearly the whole delay before the second
    assert 25 < waited <= 30


def test_a_page_declared_too_large_is_not_read(server: FixtureServer, corpus: Path) -> None:
    server.overrides["/news/huge.html"] = ("text/html", b"<html><body>" + b"<p>word</p>" * 30_000 + b"</body></html>")
    report = add_urls(corpus, [server.url("/news/huge.html")], policy=POLICY)
    assert report.failed[0].reason == "too large: 330,026 bytes (the limit is 200,000 bytes)"


def test_a_damaged_sidecar_stops_adding_before_anything_is_lost(server: FixtureServer, corpus: Path) -> None:
    corpus.mkdir()
    (corpus / "byline.toml").write_text('[files."a.txt"\nsource = "Mine"\n', encoding="utf-8")
    with pytest.raises(WebStateError, match=r"byline.toml: .*; fix it first"):
        add_urls(corpus, [server.url("/news/ferry.html")], policy=POLICY)
    assert (corpus / "byline.toml").read_text(encoding="utf-8") == '[files."a.txt"\nsource = "Mine"\n'
    assert server.log == []


def test_normalised_urls() -> None:
    assert normalise_url("HTTP://Example.COM:80/a/story?utm_source=x&b=2&a=1&fbclid=z#top") == \
        "http://example.com/a/story?a=1&b=2"
    assert normalise_url("https://example.com/a/story") != normalise_url("https://example.com/a/story2")


# --- feeds ------------------------------------------------------------------------------------------------

def test_subscribe_update_and_second_update_adds_nothing(server: FixtureServer, corpus: Path) -> None:
    feed, new, notes = subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    assert (feed.title, new, notes) == ("The Harbour Gazette: all news", True, [])
    assert [f.url for f in list_feeds(corpus)] == [server.url("/feeds/rss.xml")]
    assert subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)[1] is False

    first = update_feeds(corpus, policy=POLICY)
    [result] = first.feeds
    assert result.status == "updated"
    assert [o.status for o in result.items] == ["added", "added", "added"]
    barrier, cafe, bridge = result.items
    assert barrier.url == server.url("/news/2024/03/14/tidal-barrier-vote")  # canonical, not the utm link
    assert cafe.notes == ("no charset declared; read as cp1252",)
    # The bridge page is gone (404): the feed's own full text stands in, with its metadata.
    assert bridge.notes == ("from the feed's own text (the page: HTTP 404 Not Found)",)
    _, body = article_file(corpus, bridge.path)
    assert body.startswith("The old swing bridge over the Wend will close to traffic for six months")
    assert "\n\nDrivers will face a diversion" in body
    meta = read_sidecar(corpus)[0][bridge.path]
    assert (meta["title"], meta["author"], meta["published"], meta["source"], meta["language"]) == (
        "Old swing bridge to close for six months of repairs", "Marta Okonkwo", "2024-03-11",
        "The Harbour Gazette: all news", "en")
    assert list_feeds(corpus)[0].articles == 3

    second = update_feeds(corpus, policy=POLICY)
    assert [(f.status, f.items) for f in second.feeds] == [("not modified", ())]
    assert server.statuses("/feeds/rss.xml") == [200, 200, 304]  # subscribe, first update, second update
    assert server.requests_to("/feeds/rss.xml")[-1]["if-none-match"].startswith('"')
    assert len(list(corpus.rglob("*.txt"))) == 3


def test_last_modified_is_honoured(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    update_feeds(corpus, policy=POLICY)
    second = update_feeds(corpus, policy=POLICY)
    assert second.feeds[0].status == "not modified"
    assert server.statuses("/feeds/atom.xml") == [200, 200, 304]
    last = server.requests_to("/feeds/atom.xml")[-1]
    assert last["if-modified-since"] == LAST_MODIFIED and "if-none-match" not in last


def test_atom_feed_items_are_added_with_relative_links_resolved(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    report = update_feeds(corpus, policy=POLICY)
    assert [o.status for o in report.added] == ["added", "added"]
    market, ferry = report.added
    assert market.target == server.url("/business/market-rent-freeze")
    assert market.title == "Covered market stallholders win rent freeze"
    meta = read_sidecar(corpus)[0][market.path]
    assert (meta["source"], meta["author"], meta["published"]) == ("Valley Post", "Priya Raman", "2024-03-16")
    assert ferry.path.endswith("2024-03-15-island-ferry-to-resume-sailings-on-monday.txt")


def test_feed_without_validators_still_adds_nothing_twice(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/rss-no-validators.xml"), policy=POLICY)
    assert len(update_feeds(corpus, policy=POLICY).added) == 3
    second = update_feeds(corpus, policy=POLICY)
    assert [(f.status, f.items) for f in second.feeds] == [("updated", ())]
    assert server.statuses("/feeds/rss-no-validators.xml") == [200, 200, 200]


def test_only_new_items_are_added_when_the_feed_changes(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    update_feeds(corpus, policy=POLICY)
    original = (FIXTURES / "feeds/rss.xml").read_bytes()
    new_item = (b"<item><title>Island ferry to resume sailings on Monday</title>"
                b"<link>{{BASE}}/news/ferry.html</link><guid isPermaLink=\"false\">gazette-ferry</guid></item>\n"
                b"    <item>")
    server.overrides["/feeds/rss.xml"] = ("application/rss+xml", original.replace(b"<item>", new_item, 1))
    report = update_feeds(corpus, policy=POLICY)
    assert [(o.status, o.title) for o in report.feeds[0].items] == [
        ("added", "Island ferry to resume sailings on Monday")]
    assert server.statuses("/feeds/rss.xml")[-1] == 200


def test_an_item_already_added_by_hand_is_skipped_once(server: FixtureServer, corpus: Path) -> None:
    added = add_urls(corpus, [server.url("/news/2024/03/14/tidal-barrier-vote")], policy=POLICY).added[0]
    subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    report = update_feeds(corpus, policy=POLICY)
    assert [o.status for o in report.feeds[0].items] == ["skipped", "added", "added"]
    assert report.skipped[0].reason == f"already in the corpus: {added.path}"
    server.overrides["/feeds/rss.xml"] = ("application/rss+xml", (FIXTURES / "feeds/rss.xml").read_bytes() + b"\n")
    assert update_feeds(corpus, policy=POLICY).feeds[0].items == ()


def test_failing_items_are_reported_retried_and_given_up(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/broken-items.xml"), policy=POLICY)
    first = update_feeds(corpus, policy=POLICY)
    reasons = [(o.target, o.status, o.reason) for o in first.feeds[0].items]
    port = server.server_address[1]
    assert reasons == [
        (server.url("/status/500"), "failed", "HTTP 500 Internal Server Error; the feed's own text is too short "
                                              "to stand in (9 words)"),
        (server.url("/loop/a"), "failed", f"redirect loop: {server.url('/loop/a')} → {server.url('/loop/b')} → "
                                          f"{server.url('/loop/a')}"),
        (server.url("/files/report.pdf"), "failed", "not an HTML page (content type application/pdf)"),
        (server.url("/slow"), "failed", f"timed out: no complete response from 127.0.0.1:{port} within 0.5 s"),
        (server.url("/news/market.html"), "added", ""),
    ]
    # The failures are offered again (the feed is fetched in full, not conditionally) ...
    second = update_feeds(corpus, policy=POLICY)
    assert [o.status for o in second.feeds[0].items] == ["failed"] * 4
    assert "if-none-match" not in server.requests_to("/feeds/broken-items.xml")[-1]
    # ... and given up after the third attempt, after which the feed is quiet.
    third = update_feeds(corpus, policy=POLICY)
    assert all(o.reason.endswith("(gave up after 3 attempts)") for o in third.feeds[0].items)
    assert len(third.feeds[0].items) == 4
    fourth = update_feeds(corpus, policy=POLICY)
    assert [(f.status, f.items) for f in fourth.feeds] == [("not modified", ())]


def test_a_cancelled_update_loses_nothing(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    cancel = threading.Event()

    def progress(step: WebProgress) -> None:
        if step.message.endswith("item 2 of 3"):
            cancel.set()  # the reader closes the screen while the first feed is being read

    report = update_feeds(corpus, progress=progress, cancel=cancel, policy=POLICY)
    assert [(f.title, [(o.status, o.reason) for o in f.items]) for f in report.feeds] == [
        ("The Harbour Gazette: all news", [("added", ""), ("failed", "not tried: cancelled")])]
    again = update_feeds(corpus, policy=POLICY)
    assert [(f.status, len(f.items)) for f in again.feeds] == [("updated", 2), ("updated", 2)]
    assert len(list(corpus.rglob("*.txt"))) == 5


def test_one_failing_feed_does_not_stop_the_others(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    server.errors["/feeds/atom.xml"] = 500
    report = update_feeds(corpus, policy=POLICY)
    assert [(f.title, f.status, f.reason) for f in report.feeds] == [
        ("Valley Post", "failed", "HTTP 500 Internal Server Error"),
        ("The Harbour Gazette: all news", "updated", ""),
    ]
    assert len(report.added) == 3
    assert list_feeds(corpus)[0].status == "failed: HTTP 500 Internal Server Error"


@pytest.mark.parametrize(("path", "message"), [
    ("/feeds/not-a-feed.xml", "not an RSS or Atom feed: "),
    ("/feeds/zero.xml", "the feed is empty (the server sent no data)"),
    ("/news/no-article.html", "not a feed: the address gives an HTML page"),
    ("/feeds/missing.xml", "HTTP 404 Not Found"),
    ("/loop/a", "redirect loop: "),
])
def test_bad_feeds_are_refused_with_a_reason(server: FixtureServer, corpus: Path, path: str, message: str) -> None:
    with pytest.raises(FeedError) as caught:
        subscribe(corpus, server.url(path), policy=POLICY)
    assert str(caught.value).startswith(message)
    assert list_feeds(corpus) == []


def test_a_page_that_advertises_its_feed_is_followed(server: FixtureServer, corpus: Path) -> None:
    feed, new, notes = subscribe(corpus, server.url("/news/flood-barrier.html"), policy=POLICY)
    assert (feed.url, new) == (server.url("/feeds/rss.xml"), True)
    assert notes == [f"the page advertises a feed; following {server.url('/feeds/rss.xml')}"]


def test_broken_but_readable_feeds(server: FixtureServer, corpus: Path) -> None:
    feed, _, notes = subscribe(corpus, server.url("/feeds/truncated.xml"), policy=POLICY)
    assert notes[0].startswith("the feed is not well-formed (") and notes[0].endswith("read the 2 items that "
                                                                                      "could be read")
    report = update_feeds(corpus, [feed.url], policy=POLICY)
    assert [(o.status, o.reason) for o in report.feeds[0].items] == [
        ("added", ""), ("failed", "the item has no link and only 0 words of text")]

    feed, _, notes = subscribe(corpus, server.url("/feeds/wrong-charset.xml"), policy=POLICY)
    assert feed.title == "Café Society – valley food news"
    assert notes == ["the feed's declared charset is wrong; read as windows-1252"]

    feed, _, notes = subscribe(corpus, server.url("/feeds/empty.xml"), policy=POLICY)
    assert notes == ["the feed has no items yet"]
    report = update_feeds(corpus, [feed.url], policy=POLICY)
    assert [(f.status, f.reason, f.items) for f in report.feeds] == [("updated", "the feed has no items", ())]


def test_unsubscribe_keeps_the_articles(server: FixtureServer, corpus: Path) -> None:
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    update_feeds(corpus, policy=POLICY)
    removed = unsubscribe(corpus, server.url("/feeds/atom.xml"))
    assert (removed.title, removed.articles) == ("Valley Post", 2)
    assert list_feeds(corpus) == []
    assert len(read_corpus(corpus).articles) == 2
    with pytest.raises(FeedError, match="not following"):
        unsubscribe(corpus, server.url("/feeds/atom.xml"))
    with pytest.raises(FeedError, match="not following"):
        update_feeds(corpus, [server.url("/feeds/atom.xml")], policy=POLICY)


def test_a_damaged_state_file_is_reported_and_left_alone(corpus: Path) -> None:
    state = corpus / STATE_DIR / STATE_FILE
    state.parent.mkdir(parents=True)
    state.write_text("{ not json", encoding="utf-8")
    with pytest.raises(WebStateError, match="fix or remove it"):
        list_feeds(corpus)
    assert state.read_text(encoding="utf-8") == "{ not json"


def test_missing_web_extras_name_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    # The command that works where this copy runs: 'byline[web]' installed, '.[web]' in a checkout.
    with pytest.raises(WebUnavailable, match=re.escape(f"needs trafilatura; install them with: {install_hint('web')}")):
        require_web()


# --- the command line -------------------------------------------------------------------------------------

def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``byline <argv>`` through the subcommands as the main CLI registers them."""
    from reader.cli.web import register

    parser = argparse.ArgumentParser(prog="byline")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status = args.handler(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_add_and_feeds(server: FixtureServer, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["add", server.url("/news/ferry.html"), server.url("/status/404"),
                              "--corpus", str(corpus), "--no-index", "--timeout", "0.5", "--allow-private"], capsys)
    assert status == 1
    assert out.splitlines() == [
        "added    web/127.0.0.1/2024-03-15-island-ferry-to-resume-sailings-on-monday.txt  "
        "Island ferry to resume sailings on Monday",
        f"failed   {server.url('/status/404')}  HTTP 404 Not Found",
        "1 added, 0 skipped, 1 failed.",
    ]

    status, out, _ = run_cli(["feeds", "add", "-C", str(corpus), server.url("/feeds/atom.xml"), "--allow-private"],
                             capsys)
    assert (status, out.splitlines()) == (0, [f"following Valley Post <{server.url('/feeds/atom.xml')}>",
                                              "run `byline feeds update` to add its articles"])
    status, out, _ = run_cli(["feeds", "update", "--corpus", str(corpus), "--no-index", "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert (data["added"], data["skipped"], data["failed"]) == (1, 1, 0)  # the ferry story was added before
    status, out, _ = run_cli(["feeds", "list", "--corpus", str(corpus)], capsys)
    assert out.splitlines()[0] == f"Valley Post <{server.url('/feeds/atom.xml')}>"
    assert out.splitlines()[1].startswith("    1 articles added; last update ")
    status, out, _ = run_cli(["feeds", "remove", server.url("/feeds/atom.xml"), "--corpus", str(corpus)], capsys)
    assert status == 0 and "its 1 articles stay in the corpus" in out


def test_cli_refuses_the_bundled_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["add", "http://127.0.0.1:9/x"], capsys)
    assert status == 2 and out == ""
    assert "name the corpus folder to add to with --corpus DIR" in err
    status, _, err = run_cli(["feeds", "update", "--corpus", str(bundled_corpus())], capsys)
    assert status == 2 and "--corpus DIR" in err


def test_cli_neutralises_control_characters_from_the_web(server: FixtureServer, corpus: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    feed = (FIXTURES / "feeds/empty.xml").read_bytes().replace(
        b"<title>Quiet Weekly", b"<title>&#x1b;]0;pwned&#7;&#x1b;[2J\xe2\x80\xaeQuiet Weekly")
    server.overrides["/feeds/evil.xml"] = ("application/rss+xml", feed)
    status, out, _ = run_cli(["feeds", "add", server.url("/feeds/evil.xml"), "--corpus", str(corpus),
                              "--allow-private"], capsys)
    assert status == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "following ]0;pwned[2J·Quiet Weekly <" in out  # references to control characters are dropped


def test_cli_adds_then_updates_the_index(server: FixtureServer, corpus: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The one test here that runs spaCy: added articles are searchable, with their metadata and URL."""
    from index import open_library

    index_dir = tmp_path / "index"
    status, out, _ = run_cli(["add", server.url("/news/ferry.html"), "-C", str(corpus),
                              "--index-dir", str(index_dir), "--allow-private"], capsys)
    assert status == 0
    assert out.splitlines()[-1] == "index updated: 1 new, 0 changed, 1 articles in all"
    run_cli(["feeds", "add", server.url("/feeds/atom.xml"), "-C", str(corpus), "--allow-private"], capsys)
    status, out, _ = run_cli(["feeds", "update", "-C", str(corpus), "--index-dir", str(index_dir)], capsys)
    assert status == 0
    assert out.splitlines()[-1] == "index updated: 1 new, 0 changed, 2 articles in all"

    with open_library(corpus, index_dir) as lib:
        [ferry] = lib.search("Gwylan").hits
        assert (ferry.title, ferry.source, ferry.published) == (
            "Island ferry to resume sailings on Monday", "Island Courier", "2024-03-15")
        assert lib.article(ferry.id).url == server.url("/news/ferry.html")
        [market] = lib.search("stallholders").hits
        assert (market.source, lib.article(market.id).author) == ("Valley Post", "Priya Raman")
