"""Fetching through the proxy the environment names (HTTP_PROXY, NO_PROXY), as a user behind a company proxy
needs: the proxy may sit on a private address, the article's own address is still checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index.fetch import Fetcher, FetchError, FetchPolicy

STRICT = FetchPolicy(timeout=3, host_delay=0, allow_private=False)
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                   "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers every request itself, saying which address it was asked for."""

    seen: list[str] = []

    def do_GET(self) -> None:
        _Proxy.seen.append(self.path)
        body = f"<html><body><p>via proxy: {self.path}</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Proxy.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_requests_go_through_the_proxy_the_environment_names(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with Fetcher(STRICT) as fetcher:
        page = fetcher.get("http://news.invalid/2021/08/kabul")
    assert page.status == 200
    assert b"via proxy: http://news.invalid/2021/08/kabul" in page.body
    assert _Proxy.seen == ["http://news.invalid/2021/08/kabul"]


def test_no_proxy_sends_a_host_direct(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "news.invalid")
    with Fetcher(STRICT) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get("http://news.invalid/2021/08/kabul")
    assert caught.value.kind == "unreachable"
    assert _Proxy.seen == []


def test_a_proxy_does_not_open_private_addresses(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with Fetcher(STRICT) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get("http://127.0.0.1:9/admin")
    assert caught.value.kind == "private"
    assert _Proxy.seen == []
