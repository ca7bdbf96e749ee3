# ruff: noqa: F811  (the server fixture is imported from test_web and named as a parameter)
"""Hostile feeds and servers, served from 127.0.0.1 by the test server of test_web (and one of its own that
drips its headers): control characters and lone surrogates, one feed that breaks the parser, a page filed under
another site, private addresses, a server that stretches a request past the timeout, nonsense timeouts."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_web import POLICY, FixtureServer, server  # noqa: F401  (server is a fixture)

from index import feeds as feeds_module
from index.feeds import FeedError, subscribe, update_feeds
from index.fetch import Fetcher, FetchError, FetchPolicy
from index.ingest import read_corpus, read_sidecar
from index.web import add_urls, extract_article

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RSS = "application/rss+xml; charset=utf-8"
WORDS = " ".join(f"word{k}" for k in range(60))


def _rss(*items: str, title: str = "Hostile Herald") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f'<link>http://127.0.0.1/</link>{"".join(items)}</channel></rss>').encode()


def _item(title: str, link: str, text: str = WORDS) -> str:
    return f"<item><title>{title}</title><link>{link}</link><description>{text}</description></item>"


def test_a_control_character_in_a_title_cannot_corrupt_byline_toml(server: FixtureServer, tmp_path: Path) -> None:
    """A title holding DEL, whose page is gone, stored from the feed's text: byline.toml stays valid and the
    user's own metadata keeps working."""
    corpus = tmp_path / "news"
    corpus.mkdir()
    (corpus / "mine.txt").write_text("My own story\n\nWritten by me.\n", encoding="utf-8")
    (corpus / "byline.toml").write_text('[files."mine.txt"]\nsource = "Me"\npublished = "2021-08-30"\n',
                                        encoding="utf-8")
    server.overrides["/feeds/del.xml"] = (RSS, _rss(_item("Flood&#127; warning &#x9f;issued", server.url("/gone"))))
    subscribe(corpus, server.url("/feeds/del.xml"), policy=POLICY)
    report = update_feeds(corpus, policy=POLICY)
    assert len(report.added) == 1, report
    tomllib.loads((corpus / "byline.toml").read_text(encoding="utf-8"))
    sidecar, problems = read_sidecar(corpus)
    assert not problems
    assert sidecar[report.added[0].path]["title"] == "Flood warning issued"
    articles = {a.id: a for a in read_corpus(corpus).articles}
    assert (articles["mine"].source, articles["mine"].published) == ("Me", "2021-08-30")
    assert len(update_feeds(corpus, policy=POLICY).added) == 0  # and later updates are not refused


def test_a_lone_surrogate_does_not_stop_the_update(server: FixtureServer, tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    server.overrides["/feeds/surrogate.xml"] = (RSS, _rss(
        _item("Half &#xD800; a pair &#55296;", server.url("/gone"), f"{WORDS} &#xDFFF; end"),
        title="Broken &#xD800; Feed"))
    subscribe(corpus, server.url("/feeds/surrogate.xml"), policy=POLICY)
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    report = update_feeds(corpus, policy=POLICY)
    assert [f.status for f in report.feeds] == ["updated", "updated"]
    assert len(report.added) == 3
    for path in (corpus / "web").rglob("*.txt"):
        path.read_text(encoding="utf-8")  # every file is valid UTF-8
    sidecar, problems = read_sidecar(corpus)
    assert not problems and all("\ud800" not in m.get("title", "") for m in sidecar.values())


def test_one_feed_that_breaks_the_parser_fails_alone(server: FixtureServer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "news"
    subscribe(corpus, server.url("/feeds/rss.xml"), policy=POLICY)
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    real = feeds_module.parse_feed

    def fragile(page):
        if page.url.endswith("/rss.xml"):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(page)

    monkeypatch.setattr(feeds_module, "parse_feed", fragile)
    report = update_feeds(corpus, policy=POLICY)
    assert [f.status for f in report.feeds] == ["failed", "updated"]
    assert "UnicodeEncodeError" in report.feeds[0].reason
    assert report.added


async def test_the_readers_update_feeds_survives_a_hostile_feed(server: FixtureServer, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from index import open_library
    from reader.app import BylineApp

    monkeypatch.setenv("BYLINE_ALLOW_PRIVATE", "1")
    corpus = tmp_path / "news"
    corpus.mkdir()
    server.overrides["/feeds/surrogate.xml"] = (RSS, _rss(_item("Half &#xD800; a pair", server.url("/gone"))))
    subscribe(corpus, server.url("/feeds/surrogate.xml"), policy=POLICY)
    monkeypatch.setattr(feeds_module, "_update_one", lambda *a, **k: 1 / 0)  # whatever breaks, breaks one feed
    with open_library(corpus, tmp_path / "index") as lib:
        lib.build()
        app = BylineApp(lib)
        async with app.run_test(size=(110, 32)) as pilot:
            await pilot.pause()
            app.action_update_feeds()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running
            assert "ZeroDivisionError" in str(app.screen.query_one("#web-results").get_option_at_index(0).prompt)


def test_private_addresses_are_not_fetched_unless_allowed(server: FixtureServer, tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    strict = FetchPolicy(timeout=2, host_delay=0, allow_private=False)
    for url in (server.url("/news/ferry.html"), server.url("/news/ferry.html").replace("127.0.0.1", "localhost")):
        report = add_urls(corpus, [url], policy=strict)
        assert report.outcomes[0].status == "failed"
        assert "pass --allow-private" in report.outcomes[0].reason
    assert server.statuses("/news/ferry.html") == []  # not even asked
    with pytest.raises(FeedError, match="allow-private"):
        subscribe(corpus, server.url("/feeds/rss.xml"), policy=strict)
    with Fetcher(strict) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("http://[::ffff:127.0.0.1]:9/")
    assert info.value.kind == "private"
    assert len(add_urls(corpus, [server.url("/news/ferry.html")], policy=POLICY).added) == 1


def test_a_feed_subscribed_with_permission_keeps_it(server: FixtureServer, tmp_path: Path) -> None:
    corpus = tmp_path / "news"
    subscribe(corpus, server.url("/feeds/atom.xml"), policy=POLICY)
    report = update_feeds(corpus, policy=FetchPolicy(timeout=2, host_delay=0, allow_private=False))
    assert report.feeds[0].status == "updated" and report.added


class _DripServer:
    """Answers every request with its headers one at a time, ``delay`` seconds apart."""

    def __init__(self, headers: int, delay: float) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.headers, self.delay = headers, delay
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for number in range(self.headers):
                    if self.stop.wait(self.delay):
                        return
                    conn.sendall(f"X-Drip-{number}: {number}\r\n".encode())
                body = b"<html><body>late</body></html>"
                conn.sendall(b"Content-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_headers_dripped_one_at_a_time_cannot_outlast_the_timeout() -> None:
    """Each header arrives well within the timeout, all of them well after it: the request fails as timed
    out (reads bounded one by one would let it through)."""
    drip = _DripServer(headers=12, delay=0.3)
    try:
        with Fetcher(FetchPolicy(timeout=1.0, host_delay=0, allow_private=True)) as fetcher, \
                pytest.raises(FetchError) as info:
            fetcher.get(drip.url)
        assert info.value.kind == "timeout"
        assert "within 1 s" in info.value.message
    finally:
        drip.close()


def test_a_canonical_link_is_trusted_only_on_the_same_site() -> None:
    body = " ".join(f"word{k}" for k in range(80))

    def page(canonical: str) -> str:
        return (f'<html><head><title>Ferry</title><link rel="canonical" href="{canonical}"></head><body>'
                f"<article><h1>Ferry</h1><p>{body}</p><p>{body}</p></article></body></html>")

    here = "https://www.valleypost.example/news/ferry.html"
    assert extract_article(page("https://bignews.example/story/1"), here).url == here
    assert extract_article(page("https://valleypost.example/2024/ferry"), here).url == \
        "https://valleypost.example/2024/ferry"
    assert extract_article(page("https://amp.bbc.co.uk/news/1"), "https://www.bbc.co.uk/news/1").url == \
        "https://amp.bbc.co.uk/news/1"
    assert extract_article(page("https://other.co.uk/news/1"), "https://www.bbc.co.uk/news/1").url == \
        "https://www.bbc.co.uk/news/1"


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "0", "soon"])
def test_a_nonsense_timeout_is_refused_with_a_message(tmp_path: Path, value: str) -> None:
    code = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "add", "http://example.invalid/", "-C", str(tmp_path / "c"),
                           "--timeout", value], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--timeout" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(ValueError, match="timeout"):
        FetchPolicy(timeout=float(value) if value != "soon" else -1)
