"""Polite HTTP for adding web articles and following feeds.

Everything Byline downloads goes through one :class:`Fetcher`: it names itself in a User-Agent, waits between
two requests to the same host, follows a bounded number of redirects (and says so when they loop), stops
reading a response past a size cap, gives every request a timeout and the whole batch a time budget, and turns
each way a download can fail into a :class:`FetchError` whose message a reader can act on.

``httpx`` is part of the optional ``web`` extra, so it is imported only when a fetcher is made;
:func:`require_web` says how to install the extra when it is missing.
"""

from __future__ import annotations

import ipaddress
import math
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

from .extras import EXTRA_MODULES, install_hint


def _version() -> str:
    try:
        return metadata.version("byline")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


USER_AGENT = f"Byline/{_version()} (+terminal news reader)"


class WebUnavailable(RuntimeError):
    """The optional web libraries (httpx, feedparser, trafilatura) are not installed."""


def require_web() -> None:
    """Raise :class:`WebUnavailable` naming the extra to install when any web library is missing."""
    missing = []
    for module in EXTRA_MODULES["web"]:  # imported, not only found: a broken install is missing too
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise WebUnavailable(
            f"adding from the web needs {', '.join(missing)}; install them with: {install_hint('web')}"
        )


class FetchError(Exception):
    """A download that did not give a usable response. ``kind`` groups causes for callers and tests:
    ``unreachable``, ``timeout``, ``http``, ``redirect``, ``too-large``, ``bad-url``, ``time-limit``,
    ``cancelled``, ``network``, ``private`` (an address on this machine or its networks, not allowed)."""

    def __init__(self, url: str, message: str, kind: str) -> None:
        super().__init__(message)
        self.url = url
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how long to fetch. The defaults suit a person adding a few pages or feeds."""

    #: Seconds allowed to connect, between two chunks of data, and for a whole response.
    timeout: float = 20.0
    #: Seconds to wait between two requests to the same host (whatever the port).
    host_delay: float = 1.0
    #: Largest response body read, in bytes (after decompression).
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    #: Seconds for a whole batch (every URL of an ``add``, every feed of an update).
    total_time: float = 900.0
    #: Whether addresses on this machine or its networks (loopback, private, link-local) may be fetched. Off by
    #: default: a feed's items must not make Byline reach a router's admin page or a service on localhost.
    #: ``BYLINE_ALLOW_PRIVATE=1`` in the environment allows it where no option can be given (the reader).
    allow_private: bool = field(default_factory=lambda: os.environ.get("BYLINE_ALLOW_PRIVATE") == "1")

    def __post_init__(self) -> None:
        for name in ("timeout", "host_delay", "total_time"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0 \
                    or (name == "timeout" and value <= 0):
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")


@dataclass(frozen=True)
class Page:
    """A successful response: 200 with its body, or 304 (not modified) with none."""

    url: str
    final_url: str
    status: int
    content_type: str
    #: The charset the ``Content-Type`` header declares, ``""`` when it declares none.
    charset: str
    body: bytes
    etag: str = ""
    last_modified: str = ""


_REDIRECTS = {301, 302, 303, 307, 308}
_DNS_FAILURES = ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo",
                 "no address associated")


class Fetcher:
    """One HTTP client for a batch of downloads, shared so per-host delays and the time budget hold across it.

    ``cancel`` (e.g. a Textual worker's ``cancelled_event``) stops waiting and refuses further requests.
    """

    def __init__(self, policy: FetchPolicy | None = None, cancel: threading.Event | None = None) -> None:
        require_web()

        self.policy = policy or FetchPolicy()
        self.cancel = cancel
        self.deadline = time.monotonic() + self.policy.total_time
        self._last_request: dict[str, float] = {}
        self._guard = _Guard(self.policy.allow_private)
        # The proxies the environment names (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, as curl reads them).
        # A proxy is the user's own choice, so it may sit on a private network; the article's own address is
        # still checked before each request.
        self._proxies = getproxies_environment()
        for name, proxy in self._proxies.items():
            if name != "no" and urlsplit(proxy).hostname:
                self._guard.trusted.add(urlsplit(proxy).hostname or "")
        self._clients: dict[str, Any] = {"": self._make_client(None)}

    def _make_client(self, proxy: str | None) -> Any:
        import httpx

        transport = httpx.HTTPTransport(trust_env=False, proxy=proxy or None)
        # Every connection goes through the guard: to the address it checked, reads bounded by the deadline.
        transport._pool._network_backend = self._guard
        return httpx.Client(
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            timeout=self.policy.timeout,
            transport=transport,
            trust_env=False,
        )

    def _client_for(self, url: str) -> Any:
        """The client for ``url``: through the environment's proxy for its scheme, unless NO_PROXY names it."""
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme) or self._proxies.get("all") or ""
        if proxy and proxy_bypass_environment(parts.hostname or "", self._proxies):
            proxy = ""
        if proxy not in self._clients:
            try:
                self._clients[proxy] = self._make_client(proxy)
            except ImportError:
                raise FetchError(url, f"the proxy {proxy} needs SOCKS support: pip install 'httpx[socks]'",
                                 "network") from None
            except ValueError as exc:
                raise FetchError(url, f"the proxy in the environment is not usable: {exc}", "network") from None
        return self._clients[proxy]

    @property
    def allow_private(self) -> bool:
        return self._guard.allow_private

    @allow_private.setter
    def allow_private(self, value: bool) -> None:
        """Allow private addresses for the next requests (a feed its user subscribed to with the permission)."""
        self._guard.allow_private = value

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def check_budget(self, url: str = "") -> None:
        """Raise when the batch was cancelled or its time budget is spent, before starting more work."""
        if self.cancelled:
            raise FetchError(url, "not tried: cancelled", "cancelled")
        if time.monotonic() >= self.deadline:
            raise FetchError(url, f"not tried: the time limit of {self.policy.total_time:g} s was reached",
                             "time-limit")

    def get(self, url: str, *, accept: str = "*/*", etag: str = "", last_modified: str = "") -> Page:
        """GET ``url`` following redirects; conditional when ``etag``/``last_modified`` are given."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        while True:
            _check_url(url, current)
            if not self.allow_private:
                host = urlsplit(current).hostname or ""
                try:
                    _public_address(host, urlsplit(current).port or 80)
                except _Blocked as exc:
                    raise FetchError(url, _blocked_message(str(exc), url, current), "private") from None
                except OSError:
                    pass  # not resolvable: the request says so in its own words
            status, response_headers, body = self._request(current, headers)
            location = response_headers.get("location")
            if status in _REDIRECTS and location:
                target = urljoin(current, location.strip())
                if target in chain:
                    loop = " → ".join([*chain[chain.index(target):], target])
                    raise FetchError(url, f"redirect loop: {loop}", "redirect")
                if len(chain) > self.policy.max_redirects:
                    raise FetchError(url, f"too many redirects (more than {self.policy.max_redirects})",
                                     "redirect")
                chain.append(target)
                current = target
                continue
            break
        if status == 304:
            return Page(url, current, 304, "", "", b"", response_headers.get("etag", etag),
                        response_headers.get("last-modified", last_modified))
        if status >= 400 or status < 200:
            raise FetchError(url, _status_message(status, response_headers), "http")
        content_type, charset = _parse_content_type(response_headers.get("content-type", ""))
        return Page(url, current, status, content_type, charset, body, response_headers.get("etag", ""),
                    response_headers.get("last-modified", ""))

    def _wait_for_host(self, host: str, url: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        wait = last + self.policy.host_delay - time.monotonic()
        if wait <= 0:
            return
        if time.monotonic() + wait >= self.deadline:
            raise FetchError(url, f"not tried: the time limit of {self.policy.total_time:g} s was reached",
                             "time-limit")
        if self.cancel is not None:
            self.cancel.wait(wait)
        else:
            time.sleep(wait)

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
        import httpx

        self.check_budget(url)
        host = urlsplit(url).netloc.lower()
        self._wait_for_host(urlsplit(url).hostname or host, url)
        self.check_budget(url)
        limit = min(self.policy.timeout, max(0.1, self.deadline - time.monotonic()))
        started = time.monotonic()
        self._guard.deadline = started + limit  # the whole request, headers included, not each read
        try:
            with self._client_for(url).stream("GET", url, headers=headers, timeout=limit) as response:
                if response.status_code in _REDIRECTS or response.status_code == 304 \
                        or response.status_code >= 400:
                    return response.status_code, response.headers, b""
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.policy.max_bytes:
                    raise FetchError(url, f"too large: {_size(int(declared))} (the limit is "
                                     f"{_size(self.policy.max_bytes)})", "too-large")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.policy.max_bytes:
                        raise FetchError(url, f"too large: more than {_size(self.policy.max_bytes)}",
                                         "too-large")
                    if time.monotonic() - started > limit:
                        raise FetchError(url, f"timed out: no complete response from {host} within {limit:g} s",
                                         "timeout")
                    chunks.append(chunk)
                    if self.cancelled:
                        raise FetchError(url, "cancelled", "cancelled")
                return response.status_code, response.headers, b"".join(chunks)
        except httpx.ConnectTimeout:
            raise FetchError(url, f"timed out connecting to {host} after {limit:g} s", "timeout") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out: no complete response from {host} within {limit:g} s",
                             "timeout") from None
        except httpx.ConnectError as exc:
            reason = str(exc) or type(exc).__name__
            if reason.startswith(_BLOCKED):
                raise FetchError(url, _blocked_message(reason, url, url), "private") from None
            if any(marker in reason.lower() for marker in _DNS_FAILURES):
                raise FetchError(url, f"host not found: {urlsplit(url).hostname}", "unreachable") from None
            raise FetchError(url, f"could not connect to {host}: {reason}", "unreachable") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(url, f"not a valid web address: {exc}", "bad-url") from None
        except httpx.RemoteProtocolError as exc:
            raise FetchError(url, f"{host} broke off the response: {exc}", "network") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"network error from {host}: {exc}", "network") from None
        finally:
            self._guard.deadline = None
            self._last_request[urlsplit(url).hostname or host] = time.monotonic()


# --- where a connection may go, and for how long -----------------------------------------------------------

_BLOCKED = "private address: "


class _Blocked(OSError):
    pass


def _public_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: its first, when every address it resolves to is public; raises
    :class:`_Blocked` naming the first that is not (loopback, private, link-local, shared, reserved)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if not ip.is_global or (mapped is not None and not mapped.is_global):
            raise _Blocked(f"{_BLOCKED}{host} is {address}")
    return addresses[0]


def _blocked_message(reason: str, url: str, current: str) -> str:
    where = "" if url == current else f" (redirected to {current})"
    detail = reason.removeprefix(_BLOCKED)
    return (f"not fetched: an address on this machine or a private network ({detail}){where}; "
            "pass --allow-private to fetch from it")


class _Guard:
    """An httpcore network backend that connects only to public addresses (unless allowed), to the address it
    checked (a name that resolves again to another address cannot slip through), and bounds every read and
    write by the request's deadline, so a server that drips its headers one a second cannot stretch a request
    past the timeout."""

    def __init__(self, allow_private: bool) -> None:
        import httpcore

        self._inner = httpcore.SyncBackend()
        self.allow_private = allow_private
        #: Hosts connected to whatever their address: the proxies the user configured.
        self.trusted: set[str] = set()
        self.deadline: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the time for the whole response is up")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> Any:
        import httpcore

        address = host
        if not self.allow_private and host not in self.trusted:
            try:
                address = _public_address(host, port)
            except _Blocked as exc:
                raise httpcore.ConnectError(str(exc)) from None
            except OSError as exc:
                raise httpcore.ConnectError(f"getaddrinfo failed: {exc}") from None
        stream = self._inner.connect_tcp(address, port, self.left(timeout, httpcore.ConnectTimeout), local_address,
                                         socket_options)
        return _BoundedStream(stream, self)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        import httpcore

        raise httpcore.ConnectError("not fetched: a local socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _BoundedStream:
    """A network stream whose reads and writes end by the guard's deadline."""

    def __init__(self, inner: Any, guard: _Guard) -> None:
        self._inner = inner
        self._guard = guard

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        return self._inner.read(max_bytes, self._guard.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        self._inner.write(buffer, self._guard.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        import httpcore

        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname,
                                                    self._guard.left(timeout, httpcore.ConnectTimeout)), self._guard)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _check_url(original: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        where = "" if url == original else f" (redirected to {url})"
        raise FetchError(original, f"not an http(s) web address{where}", "bad-url")


def _parse_content_type(value: str) -> tuple[str, str]:
    mime, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("'\"").lower()
    return mime.strip().lower(), charset


def _status_message(status: int, headers: Any) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unexpected status"
    message = f"HTTP {status} {phrase}"
    if status in (429, 503) and headers.get("retry-after"):
        message += f" (the server asks to retry after {headers['retry-after']})"
    return message


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{count:,} bytes"
