"""HTTP fetching for feeds and article pages: one shared aiohttp session, polite and hostile-proof.

Usage (one :class:`Fetcher` per process, shared by every watcher task)::

    async with Fetcher(FetchPolicy(contact_url="https://example.org/vestka")) as fetcher:
        result = await fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
        if result.ok:            # 200 with a non-empty body
            parsed = await parse_feed_async(result.body, result.headers, result.url)
            state.etag, state.last_modified = result.etag, result.last_modified
        elif result.not_modified:  # 304, or 200 with an empty body
            ...
        else:                    # result.error_kind / result.message say what went wrong
            ...

:meth:`Fetcher.fetch` never raises for network or server problems (only ``CancelledError`` passes
through): every failure is a :class:`FetchResult` with ``status == "error"``, an
:class:`ErrorKind` and a one-line human message. Cache hints (``retry_after``, ``max_age``,
``expires``) are filled on every result that had a response, errors included (429/503).

Guarantees:

* conditional GET (``If-None-Match`` / ``If-Modified-Since``); a 304 or an empty 200 is
  ``not_modified``;
* gzip, deflate and brotli are decoded while streaming; the body cap (``max_body``, default 5 MiB)
  applies to the **decoded** bytes and is checked while reading, so a 50 MB body or a gzip bomb is
  cut at the cap and reported as ``too_large`` (the partial body is dropped);
* redirects are followed by hand (at most ``max_redirects``); every hop is re-checked by
  :func:`feeds.fetching.ssrf.check_url` (http/https only, no credentials, no blocked IP literal) and the
  connection itself goes through :class:`feeds.fetching.ssrf.GuardedResolver`;
* ``total_timeout`` covers one whole fetch (all hops and the body) but not the wait for a
  concurrency slot; ``connect_timeout`` bounds each TCP/TLS connect;
* at most ``max_connections`` requests in flight overall and ``max_per_host`` per host name;
* proxies from ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` when ``trust_env`` (the default);
* no cookies are kept between requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import enum
import logging
import re
import time
import urllib.request
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import aiohttp
from yarl import URL

from feeds.fetching.ssrf import (
    DEFAULT_MAX_URL_LENGTH,
    AddressPolicy,
    BlockedAddressError,
    GuardedResolver,
    URLRefused,
    check_url,
)

log = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_CONTACT_URL = "https://github.com/vestka/vestka"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 64 * 1024


class ErrorKind(enum.StrEnum):
    """Why a fetch failed. Kinds marked *permanent* will not heal by retrying soon."""

    TIMEOUT = "timeout"  # connect or total timeout (incl. a server trickling bytes)
    TOO_LARGE = "too_large"  # decoded body beyond max_body (or Content-Length says so)
    REDIRECT_LOOP = "redirect_loop"  # a redirect chain revisited a URL
    TOO_MANY_REDIRECTS = "too_many_redirects"  # more than max_redirects hops
    BAD_REDIRECT = "bad_redirect"  # 3xx without a usable Location
    BLOCKED_ADDRESS = "blocked_address"  # SSRF guard: private/loopback/... address (permanent)
    BAD_SCHEME = "bad_scheme"  # not http/https, on the first hop or a redirect (permanent)
    BAD_URL = "bad_url"  # unparsable, credentials, too long, control chars (permanent)
    HTTP_STATUS = "http_status"  # a non-2xx final status; see http_status
    DNS = "dns"  # name did not resolve
    CONNECTION = "connection"  # refused, reset, unreachable, server disconnected
    TLS = "tls"  # certificate or handshake failure
    PROXY = "proxy"  # the configured proxy failed
    DECODING = "decoding"  # broken gzip/deflate/brotli or chunked framing
    OTHER = "other"  # anything unexpected (logged with a traceback)


PERMANENT_ERRORS = frozenset({ErrorKind.BLOCKED_ADDRESS, ErrorKind.BAD_SCHEME, ErrorKind.BAD_URL})


@dataclass(frozen=True)
class FetchPolicy:
    """How the fetcher behaves. Build one from settings at start-up and share it.

    ``allow_private`` maps to the ``ALLOW_PRIVATE_FEEDS`` setting. ``private_allowlist`` exempts
    specific networks or host names from the SSRF guard (tests: ``("127.0.0.0/8",)``).
    """

    contact_url: str = DEFAULT_CONTACT_URL
    user_agent: str | None = None  # default: "Vestka/0.1 (+<contact_url>; feed reader)"
    allow_private: bool = False
    private_allowlist: tuple[str, ...] = ()
    max_body: int = 5 * MiB
    max_redirects: int = 5
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_connections: int = 64
    max_per_host: int = 4
    max_url_length: int = DEFAULT_MAX_URL_LENGTH
    trust_env: bool = True  # honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent or f"Vestka/0.1 (+{self.contact_url}; feed reader)"

    @property
    def address_policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private, tuple(self.private_allowlist))


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one fetch. ``status`` is "ok", "not_modified" or "error".

    ``url`` is the final URL after redirects (use it as the base for relative links);
    ``redirects`` lists each hop as (status, target URL). ``permanent_redirect`` is set when every
    hop was 301/308, so the feed store may update the feed's URL. ``headers`` has lower-case names.
    ``etag`` / ``last_modified`` are the validators to store for the next conditional GET (on a
    304 they repeat what was sent unless the server sent new ones).
    """

    status: Literal["ok", "not_modified", "error"]
    url: str
    requested_url: str
    http_status: int | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    error_kind: ErrorKind | None = None
    message: str = ""
    retry_after: float | None = None  # seconds, from Retry-After (delta or HTTP date)
    max_age: float | None = None  # seconds, from Cache-Control max-age (s-maxage ignored)
    expires: datetime | None = None  # aware UTC, from Expires
    redirects: tuple[tuple[int, str], ...] = ()
    permanent_redirect: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def not_modified(self) -> bool:
        return self.status == "not_modified"

    @property
    def is_error(self) -> bool:
        return self.status == "error"

    @property
    def permanent(self) -> bool:
        """True for errors that retrying will not fix (blocked, bad scheme/URL, 410 Gone)."""
        return self.error_kind in PERMANENT_ERRORS or self.http_status == 410


class _Refused(Exception):
    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class _HostLimiter:
    """Per-host semaphores, created on demand and dropped when idle."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._sems: dict[str, list] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        entry = self._sems.get(host)
        if entry is None:
            entry = self._sems[host] = [asyncio.Semaphore(self._limit), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0 and self._sems.get(host) is entry:
                del self._sems[host]


def _proxy_hosts() -> list[str]:
    hosts = []
    for value in urllib.request.getproxies().values():
        with contextlib.suppress(ValueError):
            host = URL(value).host
            if host:
                hosts.append(host)
    return hosts


class Fetcher:
    """One shared aiohttp session with the guards above. Use as an async context manager, or
    call :meth:`close` when done. Safe to use from many tasks at once (one event loop)."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        trace_configs: Iterable[aiohttp.TraceConfig] = (),
    ) -> None:
        self.policy = policy or FetchPolicy()
        addr = self.policy.address_policy
        if self.policy.trust_env:
            # The proxy itself may live on a private address (a local Tor/privoxy, a corporate
            # proxy); exempt its host name from the guard. Targets are then resolved by the proxy.
            addr = addr.with_hosts(_proxy_hosts())
        self._addr = addr
        self._inner_resolver = resolver
        self._trace_configs = list(trace_configs)
        self._session: aiohttp.ClientSession | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts = _HostLimiter(self.policy.max_per_host)
        self._passed: dict[str, URL] = {}  # URLs check_url let through (see _checked)

    async def __aenter__(self) -> Fetcher:
        self._ensure_session()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            p = self.policy
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self._addr, self._inner_resolver),
                limit=p.max_connections,
                limit_per_host=p.max_per_host,
                ttl_dns_cache=60,
                enable_cleanup_closed=True,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=p.connect_timeout, connect=None
                ),
                headers={"User-Agent": p.effective_user_agent},
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=p.trust_env,
                auto_decompress=True,
                raise_for_status=False,
                max_line_size=16 * 1024,
                max_field_size=16 * 1024,
                trace_configs=self._trace_configs or None,
            )
            self._global = asyncio.Semaphore(p.max_connections)
        return self._session

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        accept: str = FEED_ACCEPT,
        max_body: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; never raises for network/server problems.

        ``accept`` defaults to feed types (pass :data:`HTML_ACCEPT` for article pages);
        ``max_body`` overrides the policy's cap for this call.
        """
        started = time.monotonic()
        cap = self.policy.max_body if max_body is None else max_body
        state = _FetchState(requested=url, current=url)
        try:
            return await self._fetch(state, etag, last_modified, accept, cap, started)
        except asyncio.CancelledError:
            raise
        except _Refused as exc:
            return state.error(exc.kind, exc.message, started)
        except URLRefused as exc:
            return state.error(ErrorKind(exc.kind), exc.message, started)
        except TimeoutError:
            what = "connect" if state.phase == "connect" else state.phase
            return state.error(
                ErrorKind.TIMEOUT,
                f"timed out during {what} (total limit {self.policy.total_timeout:g} s, "
                f"connect limit {self.policy.connect_timeout:g} s)",
                started,
            )
        except Exception as exc:
            kind, message = _classify(exc)
            if kind is ErrorKind.OTHER:
                log.warning("unexpected error fetching %s", state.current, exc_info=True)
            return state.error(kind, message, started)

    async def _fetch(
        self,
        state: _FetchState,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        cap: int,
        started: float,
    ) -> FetchResult:
        p = self.policy
        session = self._ensure_session()
        assert self._global is not None
        target = self._checked(state.current)
        deadline: float | None = None
        seen = {str(target)}
        while True:
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            state.phase = "queue"
            async with self._global, self._hosts.slot((target.host or "").lower()):
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + p.total_timeout
                async with asyncio.timeout_at(deadline):
                    state.phase = "connect"
                    async with session.get(target, headers=headers, allow_redirects=False) as resp:
                        state.phase = "response headers"
                        state.response(resp)
                        if resp.status in REDIRECT_STATUSES:
                            target = self._next_hop(state, resp, seen)
                            continue
                        if resp.status == 304:
                            return state.result(
                                "not_modified", started, etag=etag, last_modified=last_modified
                            )
                        if resp.status < 200 or resp.status >= 300:
                            reason = resp.reason or ""
                            return state.error(
                                ErrorKind.HTTP_STATUS,
                                f"HTTP {resp.status} {reason}".strip(),
                                started,
                            )
                        state.phase = "body"
                        body = await _read_capped(resp, cap)
                        if not body.strip():
                            return state.result(
                                "not_modified",
                                started,
                                etag=etag,
                                last_modified=last_modified,
                                message="200 with an empty body; treated as unchanged",
                            )
                        return state.result("ok", started, body=body)

    def _checked(self, url: str) -> URL:
        """``check_url`` under this fetcher's policy, remembered for the URLs that passed (a
        pure function of the URL: names are checked again when resolved, at every connection)."""
        checked = self._passed.get(url)
        if checked is None:
            checked = check_url(url, self._addr, max_length=self.policy.max_url_length)
            if len(self._passed) >= 10_000:
                self._passed.clear()
            self._passed[url] = checked
        return checked

    def _next_hop(self, state: _FetchState, resp: aiohttp.ClientResponse, seen: set[str]) -> URL:
        p = self.policy
        location = resp.headers.get("Location", "").strip()
        if not location:
            raise _Refused(ErrorKind.BAD_REDIRECT, f"HTTP {resp.status} without a Location header")
        if len(location) > p.max_url_length:
            raise _Refused(
                ErrorKind.BAD_URL,
                f"redirect Location is {len(location)} characters long; the limit is "
                f"{p.max_url_length}",
            )
        try:
            nxt = resp.url.join(URL(location))
        except (ValueError, TypeError):
            raise _Refused(
                ErrorKind.BAD_REDIRECT, f"unparsable Location {location[:200]!r}"
            ) from None
        nxt = nxt.with_fragment(None)
        state.redirects.append((resp.status, str(nxt)))
        try:
            checked = check_url(nxt, self._addr, max_length=p.max_url_length)
        except URLRefused as exc:
            raise _Refused(
                ErrorKind(exc.kind), f"redirect {len(state.redirects)} refused: {exc.message}"
            ) from None
        key = str(checked)
        if key in seen:
            raise _Refused(
                ErrorKind.REDIRECT_LOOP,
                f"redirect loop after {len(state.redirects)} hops: {key} was already visited",
            )
        if len(state.redirects) > p.max_redirects:
            raise _Refused(ErrorKind.TOO_MANY_REDIRECTS, f"more than {p.max_redirects} redirects")
        seen.add(key)
        state.current = key
        return checked


@dataclass
class _FetchState:
    requested: str
    current: str
    phase: str = "start"
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[int, str]] = field(default_factory=list)

    def response(self, resp: aiohttp.ClientResponse) -> None:
        self.http_status = resp.status
        self.current = str(resp.url)
        merged: dict[str, str] = {}
        for k, v in resp.headers.items():
            lk = k.lower()
            merged[lk] = f"{merged[lk]}, {v}" if lk in merged else v
        self.headers = merged

    def _common(self, started: float) -> dict:
        perm = None
        if self.redirects and all(s in (301, 308) for s, _ in self.redirects):
            perm = self.redirects[-1][1]
        return {
            "url": self.current,
            "requested_url": self.requested,
            "http_status": self.http_status,
            "headers": self.headers,
            "retry_after": parse_retry_after(self.headers.get("retry-after")),
            "max_age": parse_max_age(self.headers.get("cache-control")),
            "expires": parse_http_date(self.headers.get("expires")),
            "redirects": tuple(self.redirects),
            "permanent_redirect": perm,
            "elapsed": time.monotonic() - started,
        }

    def result(
        self,
        status: Literal["ok", "not_modified"],
        started: float,
        *,
        body: bytes = b"",
        etag: str | None = None,
        last_modified: str | None = None,
        message: str = "",
    ) -> FetchResult:
        return FetchResult(
            status=status,
            body=body,
            etag=self.headers.get("etag") or etag,
            last_modified=self.headers.get("last-modified") or last_modified,
            message=message,
            **self._common(started),
        )

    def error(self, kind: ErrorKind, message: str, started: float) -> FetchResult:
        return FetchResult(
            status="error", error_kind=kind, message=message, **self._common(started)
        )


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes:
    """Read the (decoded) body, refusing as soon as it exceeds ``cap`` bytes."""
    length = resp.headers.get("Content-Length")
    encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    if length and length.isdigit() and int(length) > cap and not encoded:
        raise _Refused(
            ErrorKind.TOO_LARGE,
            f"body is {_mib(int(length))} (Content-Length); the limit is {_mib(cap)}",
        )
    buf = bytearray()
    while True:
        chunk = await resp.content.read(_READ_CHUNK)
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > cap:
            resp.close()  # drop the connection instead of draining the rest
            raise _Refused(
                ErrorKind.TOO_LARGE,
                f"body exceeds the limit of {_mib(cap)}{' after decompression' if encoded else ''}"
                f"; cut after {_mib(len(buf))}",
            )


def _mib(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB // 10 else f"{n} bytes"


_DNS_ERROR = getattr(aiohttp, "ClientConnectorDNSError", ())  # aiohttp >= 3.11


def _classify(exc: BaseException) -> tuple[ErrorKind, str]:
    """Map an aiohttp / OS exception to an error kind and a one-line message."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        nxt = getattr(cur, "os_error", None)
        cur = nxt if isinstance(nxt, BaseException) and nxt is not cur else cur.__cause__
    for e in chain:
        if isinstance(e, BlockedAddressError):
            return ErrorKind.BLOCKED_ADDRESS, str(e)
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return ErrorKind.PROXY, f"proxy connection failed: {exc}"
    if isinstance(exc, _DNS_ERROR):
        return ErrorKind.DNS, f"DNS lookup failed for {exc.host}: {exc.os_error}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return ErrorKind.TLS, f"TLS error: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ErrorKind.CONNECTION, f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return ErrorKind.CONNECTION, "server disconnected before the response was complete"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return ErrorKind.DECODING, f"broken response body: {exc}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return ErrorKind.CONNECTION, f"bad HTTP response: {exc.message}"
    if isinstance(exc, aiohttp.InvalidURL):
        return ErrorKind.BAD_URL, f"invalid URL: {exc}"
    if isinstance(exc, aiohttp.ClientError | ConnectionError | OSError):
        return ErrorKind.CONNECTION, f"{type(exc).__name__}: {exc}"
    return ErrorKind.OTHER, f"{type(exc).__name__}: {exc}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), never negative."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    when = parse_http_date(value)
    if when is None:
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> float | None:
    """max-age seconds from Cache-Control; 0 for no-cache/no-store; None when absent."""
    if not cache_control:
        return None
    m = _MAX_AGE.search(cache_control)
    if m:
        return float(int(m.group(1)))
    low = cache_control.lower()
    if "no-cache" in low or "no-store" in low:
        return 0.0
    return None


def parse_http_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from an HTTP date, or None when absent or invalid (e.g. "0")."""
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
